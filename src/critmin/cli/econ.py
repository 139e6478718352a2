"""``critmin econ``: Project economics: evaluate a project file, sensitivities, Monte Carlo, reports.

Exit codes: 0 ok, 1 bad input (the message names the file and key), 2 bad usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from critmin.cli.common import console, handle_errors, print_json

if TYPE_CHECKING:
    from critmin.economics.evaluate import EconResult

app = typer.Typer(
    help="Project economics: evaluate a project file, sensitivities, Monte Carlo, reports.",
    no_args_is_help=True,
)

_JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")
_PROJECT = typer.Argument(..., help="Project file (TOML, JSON or YAML; see docs/economics.md).", exists=False)


def _money(x: float | None, cur: str = "") -> str:
    if x is None:
        return "—"
    a = abs(x)
    s = f"{x / 1e9:,.2f} B" if a >= 1e9 else f"{x / 1e6:,.1f} M" if a >= 1e6 else f"{x:,.0f}"
    return f"{s} {cur}".strip()


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def _yrs(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f} yr"


def _load(path: Path) -> EconResult:
    from critmin.economics.evaluate import evaluate
    from critmin.economics.project import load_project

    return evaluate(load_project(path))


@app.command()
@handle_errors
def evaluate(project: Path = _PROJECT, json_out: bool = _JSON,
             table: bool = typer.Option(False, "--table", help="Also print the annual cash-flow table."),
             csv: Path | None = typer.Option(None, "--csv", help="Write the annual cash-flow table to this CSV.")
             ) -> None:
    """Evaluate a project: NPV, IRR, payback (post-tax, pre-tax, attributable), unit costs, government take."""
    res = _load(project)
    if csv is not None:
        res.table().to_csv(csv, index=False)
    if json_out:
        print_json(res.to_dict())
        return
    p = res.project
    cur = p.currency
    t = Table(title=f"{p.name} — {p.valuation.real_or_nominal}, {p.valuation.discounting} discounting at "
                    f"{_pct(p.valuation.discount_rate)}")
    t.add_column("basis")
    for col in ("NPV", "IRR", "payback (prod.)", "payback (constr.)"):
        t.add_column(col, justify="right")
    for label, m in (("post-tax, 100 %", res.post_tax), ("pre-tax, 100 %", res.pre_tax),
                     (f"attributable ({_pct(p.ownership.equity_share)})", res.attributable)):
        t.add_row(label, _money(m.npv, cur), _pct(m.irr) if m.irr is not None else f"— ({m.irr_reason})",
                  _yrs(m.payback_years), _yrs(m.payback_from_construction_start_years))
    console.print(t)
    uc = res.unit_costs
    console.print(f"C1 {_money(uc['c1_per_unit'])} and AISC {_money(uc['aisc_per_unit'])} {cur} per {p.product}; "
                  f"break-even price {_money(res.breakeven_price)} {cur} per {p.product}")
    g = res.government_take
    console.print(f"government take {_pct(g['government_share_pv'])} of the pre-government cash flow (PV), "
                  f"{_pct(g['government_share_undiscounted'])} undiscounted")
    for w in res.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    if table:
        df = res.table()
        tt = Table(title="annual cash flow")
        cols = ["year", "phase", "production", "realised_revenue", "royalty", "opex", "ebitda", "income_tax",
                "initial_capex", "post_tax_fcf"]
        for c in cols:
            tt.add_column(c, justify="right")
        for row in df[cols].itertuples(index=False):
            tt.add_row(*(f"{v:,.0f}" if isinstance(v, float) else str(v) for v in row))
        console.print(tt)


@app.command()
@handle_errors
def sensitivity(project: Path = _PROJECT, json_out: bool = _JSON,
                swing: float | None = typer.Option(None, "--range", help="± fraction for the tornado "
                                                   "(default risk.sensitivity_range, 0.2)."),
                steps: str = typer.Option("-0.3,-0.2,-0.1,0,0.1,0.2,0.3", "--steps",
                                          help="Comma list of fractional changes for the spider chart.")) -> None:
    """Tornado (NPV swing per driver at ±range) and spider (NPV vs % change) sensitivities."""
    from critmin.economics.project import load_project
    from critmin.economics.risk import sensitivities

    try:
        changes = [float(x) for x in steps.split(",") if x.strip()]
    except ValueError:
        raise typer.BadParameter(f"{steps!r}: expected a comma list of fractions", param_hint="--steps") from None
    res = sensitivities(load_project(project), swing=swing, steps=changes)
    if json_out:
        print_json(res.to_dict())
        return
    t = Table(title=f"tornado: post-tax NPV at ±{_pct(res.swing)} (base {_money(res.base_npv)})")
    for c in ("driver", "low", "high", "swing"):
        t.add_column(c, justify="right")
    for row in res.tornado:
        t.add_row(row["driver"], _money(row["npv_low"]), _money(row["npv_high"]), _money(row["swing"]))
    console.print(t)


@app.command()
@handle_errors
def montecarlo(project: Path = _PROJECT, draws: int = typer.Option(10_000, "--draws", min=100, max=10_000_000),
               seed: int = typer.Option(..., "--seed", help="Seed of the random generator (same seed → identical "
                                                            "result)."),
               json_out: bool = _JSON,
               bins: int = typer.Option(50, "--bins", min=5, max=500, help="Histogram bins in the JSON.")) -> None:
    """Monte Carlo of post-tax NPV with correlated price, opex, capex, grade/recovery and delay."""
    from critmin.economics.project import load_project
    from critmin.economics.risk import monte_carlo

    res = monte_carlo(load_project(project), draws=draws, seed=seed)
    if json_out:
        print_json(res.to_dict(bins=bins))
        return
    s = res.summary
    console.print(f"{draws:,} draws (seed {seed}): P90 {_money(s['p90'])}, P50 {_money(s['p50'])}, "
                  f"P10 {_money(s['p10'])}; mean {_money(s['mean'])}; P(NPV<0) = {_pct(s['prob_negative'])}")


@app.command()
@handle_errors
def regimes(json_out: bool = _JSON) -> None:
    """List the fiscal-regime library (each term with its source)."""
    from critmin.economics.regimes import list_regimes

    regs = list_regimes()
    if json_out:
        print_json([r.to_dict() for r in regs])
        return
    t = Table(title="fiscal regimes")
    for c in ("regime", "jurisdiction", "status", "terms"):
        t.add_column(c)
    for r in regs:
        t.add_row(r.regime, r.jurisdiction, r.status,
                  ", ".join(f"{k}={v}" for k, v in r.terms.items() if k != "royalty_bands")
                  + (" + royalty bands" if "royalty_bands" in r.terms else ""))
    console.print(t)




@app.command()
@handle_errors
def report(project: Path = _PROJECT,
           output: Path = typer.Option(..., "--output", "-o", help="PDF file to write."),
           html: Path | None = typer.Option(None, "--html", help="Also write the HTML."),
           draws: int = typer.Option(10_000, "--draws", min=0, help="Monte Carlo draws (0 = no Monte Carlo)."),
           seed: int = typer.Option(0, "--seed", help="Monte Carlo seed.")) -> None:
    """Write a PDF report: assumptions, cash flow, NPV/IRR, tornado/spider, Monte Carlo, ESG, provenance."""
    from critmin.economics.evaluate import evaluate as run
    from critmin.economics.project import load_project
    from critmin.economics.risk import monte_carlo, sensitivities
    from critmin.reports.economics import write_economics_report

    p = load_project(project)
    res = run(p)
    mc = monte_carlo(p, draws=draws, seed=seed) if draws > 0 else None
    path = write_economics_report(res, output, sens=sensitivities(p), mc=mc, html_path=html)
    console.print(f"wrote {path}")


@app.command()
@handle_errors
def schedule(project: Path = _PROJECT,
             output: Path | None = typer.Option(None, "--output", "-o", help="CSV file (default: stdout)."),
             json_out: bool = _JSON) -> None:
    """Production/offtake schedule in the supply module's interface (commodity, stage, country, year, …)."""
    from critmin.economics.supply_schedule import production_schedule

    df = production_schedule(_load(project))
    if json_out:
        print_json(df.to_dict(orient="records"))
    elif output is not None:
        df.to_csv(output, index=False)
        console.print(f"wrote {len(df)} rows to {output}")
    else:
        console.print(df.to_csv(index=False), end="")


@app.command()
@handle_errors
def esg(project: Path = _PROJECT, json_out: bool = _JSON) -> None:
    """Score the project's esg section: a responsible-sourcing screen (IRMA, IFC PS1-8, GISTM, OECD red flags)."""
    from critmin.economics.esg import screen
    from critmin.economics.project import load_project

    p = load_project(project)
    raw = p.raw.get("esg")
    res = screen(raw if isinstance(raw, dict) else {}, source=str(project))
    if json_out:
        print_json(res.to_dict())
        return
    t = Table(title=f"ESG screen: {res.rating} (score {res.score}; reviewer {res.reviewer or '—'})")
    for c in ("item", "framework", "status", "evidence"):
        t.add_column(c)
    for i in res.items:
        t.add_row(i["item_id"], i["framework"], i["status"], i["evidence"])
    console.print(t)


screen_app = typer.Typer(help="Screening-grade cost estimates when no study exists.", no_args_is_help=True)
app.add_typer(screen_app, name="screen")


@screen_app.command("lithium-intensity")
@handle_errors
def lithium_intensity(workbook: Path = typer.Argument(..., help="Busch et al. (2025) Data S2 workbook (.xlsx)."),
                      resource_type: str = typer.Option("Brine", "--type", help="Brine, Hard Rock, …"),
                      capacity: float | None = typer.Option(None, "--capacity-tpa",
                                                            help="Project capacity (t/yr LCE) to price."),
                      json_out: bool = _JSON) -> None:
    """Capex per t/yr LCE and opex per t LCE benchmarks (median, quartiles) from the Busch et al. dataset."""
    from critmin.economics.screening import lithium_intensity as li

    d = li(workbook, resource_type)
    cap = d["capex_intensity_usd2022_per_tpa_lce"]
    if capacity is not None and cap["median"] is not None:
        d["capex_estimate_usd2022"] = {k: capacity * cap[k] for k in ("q25", "median", "q75")}
    if json_out:
        print_json(d)
        return
    op = d["opex_usd2022_per_t_lce"]
    console.print(f"{resource_type}: capex {cap['median']:,.0f} US$2022 per t/yr LCE (IQR {cap['q25']:,.0f}–"
                  f"{cap['q75']:,.0f}, n = {cap['n']}); opex median "
                  f"{op['median'] if op['median'] is None else format(op['median'], ',.0f')} US$/t LCE "
                  f"(n = {op['n']}) [screening grade]")
    if "capex_estimate_usd2022" in d:
        e = d["capex_estimate_usd2022"]
        console.print(f"capex for {capacity:,.0f} t/yr: {_money(e['median'])} (IQR {_money(e['q25'])}–"
                      f"{_money(e['q75'])}) US$2022 [screening grade]")


@screen_app.command("taylor")
@handle_errors
def taylor(reserve_t: float = typer.Argument(..., help="Ore reserve (t)."), json_out: bool = _JSON) -> None:
    """Taylor's rule: life = 0.2 × T^0.25 years and the implied capacity."""
    from critmin.economics.screening import taylor_rule

    d = taylor_rule(reserve_t)
    if json_out:
        print_json(d)
        return
    console.print(f"life {d['life_years']:.1f} yr, capacity {d['capacity_t_per_year']:,.0f} t/yr "
                  f"({d['capacity_t_per_day_350d']:,.0f} t/d at 350 d/yr) [screening grade, ±20 %]")


@screen_app.command("camm")
@handle_errors
def camm(equation: str = typer.Argument(..., help="Equation id of the camm1991_cost_equations table."),
         capacity: float = typer.Argument(..., help="Capacity in metric t/day."), json_out: bool = _JSON) -> None:
    """Camm (1991) power-law cost a·C^b (C in short tons/day; converted from t/day)."""
    from critmin.economics.screening import camm_cost

    d = camm_cost(equation, capacity)
    if json_out:
        print_json(d)
        return
    console.print(f"{equation}: {d['value']:,.2f} {d['unit']} [screening grade]")


@app.command()
@handle_errors
def examples(copy_to: Path | None = typer.Option(None, "--copy-to", help="Copy the example files to a directory."),
             ) -> None:
    """List (or copy) the bundled example projects."""
    from importlib import resources

    root = resources.files("critmin.reference").joinpath("projects")
    names = sorted(f.name for f in root.iterdir() if f.name.endswith(".toml"))
    for n in names:
        if copy_to is not None:
            copy_to.mkdir(parents=True, exist_ok=True)
            (copy_to / n).write_text(root.joinpath(n).read_text(encoding="utf-8"), encoding="utf-8")
        console.print(str(copy_to / n) if copy_to is not None else n)


@app.command()
@handle_errors
def compare(projects: list[Path] = typer.Argument(..., help="Two or more project files."),
            json_out: bool = _JSON) -> None:
    """Compare projects side by side: NPV, IRR, payback, attributable NPV, unit costs, break-even, government take."""
    rows = []
    for path in projects:
        res = _load(path)
        rows.append({"file": str(path), "project": res.project.name, "currency": res.project.currency,
                     "discount_rate": res.project.valuation.discount_rate, "npv": res.post_tax.npv,
                     "irr": res.post_tax.irr, "payback_years": res.post_tax.payback_years,
                     "pre_tax_npv": res.pre_tax.npv, "attributable_npv": res.attributable.npv,
                     "c1_per_unit": res.unit_costs["c1_per_unit"], "aisc_per_unit": res.unit_costs["aisc_per_unit"],
                     "breakeven_price": res.breakeven_price,
                     "government_share_pv": res.government_take["government_share_pv"]})
    if json_out:
        print_json(rows)
        return
    t = Table(title="projects side by side")
    for c in ("project", "NPV", "IRR", "payback", "attributable NPV", "AISC", "break-even", "gov. take (PV)"):
        t.add_column(c, justify="right" if c != "project" else "left")
    for r in rows:
        t.add_row(r["project"], _money(r["npv"], r["currency"]), _pct(r["irr"]), _yrs(r["payback_years"]),
                  _money(r["attributable_npv"], r["currency"]), _money(r["aisc_per_unit"]),
                  _money(r["breakeven_price"]), _pct(r["government_share_pv"]))
    console.print(t)
