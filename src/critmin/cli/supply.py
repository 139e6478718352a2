"""``critmin supply``: Supply chains: concentration, criticality, export-control scenarios, the NdFeB chain.

Exit codes: 0 ok, 1 bad input, 2 bad usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from critmin.cli.common import console, handle_errors, key_values, print_json
from critmin.supply.records import records

NI = "Ni=17500"
"""Example shown when a SYMBOL=NUMBER option is malformed."""

app = typer.Typer(
    help="Supply chains: concentration, criticality, export-control scenarios, the NdFeB chain.",
    no_args_is_help=True,
)

_JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")
METHODS = ["eu", "usgs2022", "geopolrisk", "india"]


def _user(path: Path | None) -> Any:
    if path is None:
        return None
    from critmin.supply.production import read_user_production

    return read_user_production(path)


def _gov(path: Path | None) -> Any:
    if path is None:
        return None
    from critmin.supply.governance import read_governance

    return read_governance(path)


@app.command("commodities")
@handle_errors
def commodities_cmd(as_json: bool = _JSON) -> None:
    """List commodity names, aliases and the stages and years available."""
    from critmin.supply.commodities import commodities
    from critmin.supply.production import availability

    av = availability()
    out: list[dict[str, Any]] = []
    for sym, c in commodities().items():
        stages = [{"stage": r.stage, "years": r.years, "editions": r.editions}
                  for r in records(av[av.commodity == sym])]
        out.append({"symbol": sym, "name": c.name, "aliases": list(c.aliases), "basis": c.unit_basis,
                    "stages": stages})
    if as_json:
        print_json(out)
        return
    t = Table(title="Supply commodities")
    for col in ("symbol", "name", "aliases", "stages (years)"):
        t.add_column(col)
    for row in out:
        t.add_row(row["symbol"], row["name"], ", ".join(row["aliases"]),
                  "; ".join(f"{s['stage']} ({', '.join(map(str, s['years']))})" for s in row["stages"]))
    console.print(t)


@app.command("concentration")
@handle_errors
def concentration_cmd(
    commodity: str = typer.Option(..., "--commodity", help="Name or symbol: gallium, Ga, 'rare earths', REE."),
    stage: str = typer.Option("mine", "--stage", help="mine, refinery, separation, metal, alloy, magnet, anode."),
    year: int = typer.Option(..., "--year", help="Production year (answered from the latest edition having it)."),
    edition: str | None = typer.Option(None, "--edition", help="Force an edition: MCS2023, MCS2024, cited."),
    production: Path | None = typer.Option(None, "--production", help="User production CSV (docs/supply.md)."),
    governance: Path | None = typer.Option(None, "--governance", help="User WGI CSV: iso3, year, value."),
    as_json: bool = _JSON,
) -> None:
    """Shares, HHI (0-10,000), governance-weighted HHI and top-3 share of one commodity at one stage."""
    from critmin.supply.concentration import concentration

    c = concentration(commodity, stage, year, edition=edition, user=_user(production), governance=_gov(governance))
    if as_json:
        print_json(c.to_dict())
        return
    t = Table(title=f"{c.commodity} {c.stage} {c.year}: HHI {c.hhi:,.0f}, HHI-WGI {c.hhi_wgi:,.0f}, "
                    f"top-3 {c.top3_share:.1%}")
    t.add_column("country")
    t.add_column("share", justify="right")
    for k, v in sorted(c.shares.items(), key=lambda kv: -kv[1]):
        t.add_row(k, f"{v:.1%}")
    console.print(t)
    console.print(f"source: {c.source}")
    for f in c.flags:
        console.print(f"[yellow]note:[/] {f}")


@app.command("profile")
@handle_errors
def profile_cmd(
    commodity: str = typer.Option(..., "--commodity"),
    year: int = typer.Option(2023, "--year"),
    as_json: bool = _JSON,
) -> None:
    """Concentration at every stage with data and the worst (highest governance-weighted HHI) stage."""
    from critmin.supply.concentration import stage_profile

    rows, worst = stage_profile(commodity, year)
    out: dict[str, Any] = {"stages": [{"stage": c.stage, "year": c.year, "hhi": c.hhi, "hhi_wgi": c.hhi_wgi,
                       "top1_country": c.top1_country, "top1_share": c.top1_share, "top3_share": c.top3_share,
                       "source": c.source} for c in rows], "worst_stage": worst}
    if as_json:
        print_json(out)
        return
    t = Table(title=f"{commodity} by stage (worst: {worst})")
    for col in ("stage", "year", "HHI", "HHI-WGI", "top-1", "top-3"):
        t.add_column(col)
    for s in out["stages"]:
        t.add_row(s["stage"], str(s["year"]), f"{s['hhi']:,.0f}", f"{s['hhi_wgi']:,.0f}",
                  f"{s['top1_country']} {s['top1_share']:.0%}", f"{s['top3_share']:.0%}")
    console.print(t)




@app.command("criticality")
@handle_errors
def criticality_cmd(
    method: str = typer.Option(..., "--method", help="eu, usgs2022, geopolrisk or india."),
    inputs: Path | None = typer.Option(None, "--inputs", help="Per-commodity inputs CSV (docs/supply.md)."),
    end_uses: Path | None = typer.Option(None, "--end-uses",
                                         help="EU/India end-use CSV: commodity, sector, share, gva."),
    eu_sourcing: Path | None = typer.Option(None, "--eu-sourcing", help="EU sourcing shares: commodity, iso3, share."),
    imports: Path | None = typer.Option(None, "--imports", help="GeoPolRisk bilateral imports CSV."),
    domestic: list[str] | None = typer.Option(None, "--domestic-production",
                                              help="GeoPolRisk importer production, SYMBOL=TONNES (repeat)."),
    importer: str = typer.Option("", "--importer", help="ISO3 of the importing economy (GeoPolRisk)."),
    year: int = typer.Option(2023, "--year", help="Year of the inputs (eu, geopolrisk, india)."),
    years: str = typer.Option("2021,2022,2023", "--years", help="usgs2022: comma list of years."),
    weights: str | None = typer.Option(None, "--weights", help="usgs2022: recency weights, comma list."),
    threshold_sr: float | None = typer.Option(None, "--threshold-sr", help="india: stage-3 SR threshold."),
    threshold_ei: float | None = typer.Option(None, "--threshold-ei", help="india: stage-3 EI threshold."),
    governance: Path | None = typer.Option(None, "--governance", help="User WGI CSV: iso3, year, value."),
    max_gva: float | None = typer.Option(None, "--max-sector-gva",
                                         help="eu/india: largest sector GVA of the economy (default: largest in "
                                              "--end-uses)."),
    trade_factor: list[str] | None = typer.Option(None, "--trade-factor",
                                                  help="eu/india: trade-restriction factor t, ISO3=FACTOR (repeat)."),
    as_json: bool = _JSON,
) -> None:
    """Criticality by one method, as the common result table."""
    from critmin.errors import InputError
    from critmin.supply.criticality.base import get_method, read_inputs

    if method not in METHODS:
        raise typer.BadParameter(f"{method!r} is not one of {', '.join(METHODS)}", param_hint="--method")
    fn = get_method(method)
    kw: dict[str, Any] = {"year": year, "governance": _gov(governance)}
    if method in ("eu", "india", "usgs2022"):
        if inputs is None:
            raise InputError(f"{method} needs --inputs (per-commodity inputs CSV; docs/supply.md)")
        kw["inputs"] = read_inputs(inputs)
    if method in ("eu", "india"):
        kw["trade_factor"] = {k.upper(): v for k, v in key_values(trade_factor, "--trade-factor", NI).items()} or None
        kw["max_gva"] = max_gva
        if end_uses is None:
            raise InputError(f"{method} needs --end-uses (commodity, sector, share, gva)")
        kw["end_uses"] = read_inputs(end_uses)
        if eu_sourcing is not None:
            kw["eu_sourcing"] = read_inputs(eu_sourcing)
    if method == "india":
        kw.update(threshold_sr=threshold_sr, threshold_ei=threshold_ei)
    if method == "usgs2022":
        try:
            kw["years"] = [int(y) for y in years.split(",") if y.strip()]
            kw["weights"] = [float(w) for w in weights.split(",")] if weights else None
        except ValueError:
            raise typer.BadParameter("expected comma lists of numbers", param_hint="--years/--weights") from None
    if method == "geopolrisk":
        from critmin.supply.criticality.geopolrisk import read_imports

        if imports is None:
            raise InputError("geopolrisk needs --imports (commodity, exporter, quantity_t, value_kusd)")
        kw.update(imports=read_imports(imports, year),
                  domestic_production=key_values(domestic, "--domestic-production", NI), importer=importer)
        from critmin.supply.commodities import resolve_commodity

        kw["domestic_production"] = {resolve_commodity(k): v for k, v in kw["domestic_production"].items()}
    result = fn(**kw)
    if as_json:
        print_json(result.to_dict())
        return
    t = Table(title=f"Criticality ({method})")
    for col in ("commodity", "year", "stage", "supply risk", "importance", "score", "critical", "lists"):
        t.add_column(col)

    def f(v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return ""
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    for r in result.table.to_dict("records"):
        t.add_row(r["commodity"], str(r["year"]), str(r["stage"]), f(r["supply_risk"]), f(r["importance"]),
                  f(r["score"]), f(r["critical"]), ", ".join(r["lists"]))
    console.print(t)
    for n in result.notes:
        console.print(f"[yellow]note:[/] {n}")


@app.command("lists")
@handle_errors
def lists_cmd(as_json: bool = _JSON) -> None:
    """The India 2023, US 2022, US 2025 and EU 2023 critical-mineral lists."""
    from critmin.supply.criticality.base import critical_lists

    lists = critical_lists()
    if as_json:
        print_json(lists)
        return
    for name, items in lists.items():
        console.print(f"[bold]{name}[/] ({len(items)}): {', '.join(items)}")


@app.command("events")
@handle_errors
def events_cmd(commodity: str | None = typer.Option(None, "--commodity"), as_json: bool = _JSON) -> None:
    """Dated timeline of export-control events."""
    from critmin.supply.events import export_controls

    ev = export_controls(commodity)
    if as_json:
        print_json(ev.to_dict("records"))
        return
    t = Table(title="Export-control events")
    for col in ("effective", "country", "commodities", "measure", "confidence"):
        t.add_column(col)
    for r in records(ev):
        t.add_row(r.effective, r.country, r.commodities, r.measure, r.confidence)
    console.print(t)


@app.command("scenario")
@handle_errors
def scenario_cmd(
    file: Path = typer.Argument(..., help="Scenario TOML file (docs/supply.md)."),
    production: Path | None = typer.Option(None, "--production", help="User production CSV."),
    as_json: bool = _JSON,
) -> None:
    """Run an export-restriction scenario: lost supply, partner shortfall, price response, Monte Carlo."""
    from critmin.supply.scenarios import load_scenario, run_scenario

    r = run_scenario(load_scenario(file), user=_user(production))
    if as_json:
        print_json(r.to_dict())
        return
    console.print(f"[bold]{r.name}[/] — {r.commodity} {r.stage}, base {r.year}, {r.start} to {r.end}")
    console.print(f"restricted producers' share {r.restricted_share:.1%}; lost world supply {r.lost_share:.1%} "
                  f"({r.lost_quantity:,.0f} {r.unit})")
    console.print(f"price change {r.price_change:+.1%}; cleared quantity {r.quantity_change:+.1%}")
    if r.partner:
        p = r.partner
        console.print(f"partner {p['country']}: direct shortfall {p['direct_shortfall_t_per_year']:,.1f} t/yr; "
                      f"stockpile cover {p['stockpile_days_of_cover']:,.0f} days")
    if r.monte_carlo:
        pc = r.monte_carlo["price_change_percentiles"]
        console.print(f"Monte Carlo ({r.monte_carlo['draws']} draws, seed {r.monte_carlo['seed']}): price change "
                      f"P5 {pc['p5']:+.1%}, P50 {pc['p50']:+.1%}, P95 {pc['p95']:+.1%}")
    for d in r.downstream:
        console.print(f"downstream {d['stage']}: output loss {d['output_loss_fraction']:.1%}")
    console.print(f"elasticities: {r.elasticity_source}")
    for n in r.notes:
        console.print(f"[yellow]note:[/] {n}")


@app.command("ndfeb")
@handle_errors
def ndfeb_cmd(
    demand: list[str] | None = typer.Option(None, "--demand", help="END_USE=TONNES of magnets per year (repeat): "
                                            "ev_motors, wind_turbines, electronics. Default 1,000 t each."),
    capacity: list[str] | None = typer.Option(None, "--new-capacity",
                                              help="STAGE:COUNTRY=TONNES, e.g. separation:Australia=5000."),
    fabrication_yield: float = typer.Option(0.75, "--fabrication-yield"),
    reduction_yield: float = typer.Option(0.80, "--reduction-yield"),
    separation_recovery: float = typer.Option(1.0, "--separation-recovery"),
    as_json: bool = _JSON,
) -> None:
    """NdFeB chain (mine → separation → metal → alloy → magnet → end uses): flows, bottleneck, new capacity."""
    from critmin.supply.ndfeb import run, with_params

    caps = []
    for item in capacity or []:
        head, sep, val = item.partition("=")
        stage, sep2, country = head.partition(":")
        if not sep or not sep2:
            raise typer.BadParameter(f"{item!r}: expected STAGE:COUNTRY=TONNES", param_hint="--new-capacity")
        caps.append({"stage": stage.strip(), "country": country.strip(), "capacity_t": val})
    r = run(key_values(demand, "--demand", NI) or None, with_params(fabrication_yield=fabrication_yield,
                                                          reduction_yield=reduction_yield,
                                                          separation_recovery=separation_recovery), caps)
    if as_json:
        print_json(r.to_dict())
        return
    t = Table(title=f"NdFeB chain (bottleneck: {r.bottleneck})")
    for col in ("stage", "flow t", "HHI", "China share"):
        t.add_column(col)
    for st, v in r.stage_totals_t.items():
        sh = r.stage_shares.get(st)
        hh = r.stage_hhi.get(st)
        t.add_row(st, f"{v:,.0f}", "unknown" if hh is None else f"{hh:,.0f}",
                  "unknown" if sh is None else f"{sh.get('China', 0):.0%}")
    console.print(t)
    console.print(f"REO per t of magnet: {r.reo_per_t_magnet:.3f} t; mass balance max error "
                  f"{r.mass_balance_max_error:.2e} t")
    for e in r.capacity_effect:
        if "china_share_after" in e:
            console.print(f"new {e['stage']} capacity in {e['country']} ({e['capacity_t']:,.0f} t): China share "
                          f"{e['china_share_before']:.1%} → {e['china_share_after']:.1%}, HHI "
                          f"{e['hhi_before']:,.0f} → {e['hhi_after']:,.0f}")
        else:
            console.print(f"new {e['stage']} capacity: {e['note']}")


@app.command("diversify")
@handle_errors
def diversify_cmd(
    schedule: Path = typer.Argument(..., help="Production schedule CSV (commodity, stage, country, year, quantity, "
                                    "unit, basis, offtake_partner, offtake_fraction)."),
    partner_demand: list[str] | None = typer.Option(None, "--partner-demand", help="SYMBOL=TONNES per year."),
    as_json: bool = _JSON,
) -> None:
    """Add a project's production schedule and recompute concentration and the partner's supply risk."""
    from critmin.supply.diversification import add_supply, read_schedule

    r = add_supply(read_schedule(schedule), partner_demand_t=key_values(partner_demand, "--partner-demand", NI) or None)
    if as_json:
        print_json(r.to_dict())
        return
    t = Table(title="Diversification")
    for col in ("commodity", "stage", "year", "project share", "HHI before → after", "partner risk before → after"):
        t.add_column(col)
    for x in r.table.to_dict("records"):
        t.add_row(x["commodity"], x["stage"], str(x["year"]), f"{x['project_share']:.2%}",
                  f"{x['hhi_before']:,.0f} → {x['hhi_after']:,.0f}",
                  f"{x['partner_risk_before']:.3f} → {x['partner_risk_after']:.3f}")
    console.print(t)
    for n in r.notes:
        console.print(f"[yellow]note:[/] {n}")


@app.command("byproducts")
@handle_errors
def byproducts_cmd(commodity: str | None = typer.Option(None, "--commodity"), as_json: bool = _JSON) -> None:
    """By-product dependence (qualitative) and US secondary (recycled) production from MCS 2024 Table 5."""
    from critmin.supply.events import byproducts, secondary_supply_us

    bp = byproducts(commodity)
    sec = secondary_supply_us()
    if as_json:
        print_json({"byproducts": bp.to_dict("records"), "us_secondary_2023": sec.to_dict("records")})
        return
    t = Table(title="By-product dependence")
    for col in ("commodity", "host", "note", "confidence"):
        t.add_column(col)
    for r in records(bp):
        t.add_row(r.commodity, r.host, r.note, r.confidence)
    console.print(t)
