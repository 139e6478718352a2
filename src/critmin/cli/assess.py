"""``critmin assess``: USGS three-part quantitative resource assessment.

Deposit-number pmfs, Monte Carlo simulation of undiscovered resources, summaries of MapMark4GUI simulation
files, the RAEF-style economic filter and tract aggregation. Exit codes: 0 ok, 1 bad input (the message names
the file, row and column), 2 bad usage.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from critmin.cli.common import console, handle_errors, key_values, print_json, rich_progress
from critmin.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from critmin.assessment.pmf import DepositPmf

app = typer.Typer(help="Quantitative resource assessment (USGS three-part method): pmf, simulate, summarize, "
                       "filter, aggregate, report.", no_args_is_help=True)

PMF_METHODS = ["negative-binomial", "mark3", "poisson", "custom"]
PDF_TYPES = ["normal", "kde"]
GEOMETRIES = {"massive-disseminated": "massive_disseminated", "flat-stratiform": "flat_stratiform",
              "vein-steep": "vein_steep"}
MILLS = ["3_product_flotation", "2_product_flotation", "1_product_flotation", "sx_ew", "ccd", "cip",
         "au_heap_leach", "au_float_roast_leach", "none"]

_JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")


# ------------------------------------------------------------------------------------------ helpers


def _choice(value: str, allowed: list[str], hint: str) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=hint)
    return value


def _int_list(text: str, hint: str) -> list[int]:
    try:
        vals = [float(x) for x in text.replace(" ", "").split(",") if x != ""]
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a comma list of numbers (e.g. 1,2,4)", param_hint=hint) from None
    if not vals or any(v != int(v) for v in vals):
        raise typer.BadParameter(f"{text!r}: expected whole numbers of deposits, e.g. 1,2,4", param_hint=hint)
    return [int(v) for v in vals]




def _build_pmf(estimates: Path | None, mark3: str | None, pmf_file: Path | None, method: str | None,
               mean: float | None, *, require: bool = True) -> DepositPmf:
    """The deposit-number pmf from exactly one source (usage errors exit 2)."""
    from critmin.assessment import pmf as pmfs
    from critmin.assessment.estimates import read_estimates

    if method is not None:
        _choice(method, PMF_METHODS, "--method")
    if method == "poisson" and mean is not None:
        if estimates or mark3 or pmf_file:
            raise typer.BadParameter("--method poisson --mean X takes no --estimates/--mark3/--pmf",
                                     param_hint="--mean")
        return pmfs.poisson_pmf(mean)
    sources = [s for s in (estimates, mark3, pmf_file) if s is not None]
    if len(sources) != 1:
        raise typer.BadParameter("give exactly one of --estimates, --mark3, --pmf (or --method poisson --mean X)",
                                 param_hint="--estimates/--mark3/--pmf")
    if mean is not None:
        raise typer.BadParameter("--mean is only used with --method poisson", param_hint="--mean")
    if mark3 is not None:
        if method not in (None, "mark3"):
            raise typer.BadParameter(f"--mark3 builds a Mark3 pmf; --method {method} does not apply",
                                     param_hint="--method")
        return pmfs.mark3_pmf(_int_list(mark3, "--mark3"))
    if pmf_file is not None:
        if method not in (None, "custom"):
            raise typer.BadParameter(f"--pmf reads a given pmf; --method {method} does not apply",
                                     param_hint="--method")
        return pmfs.read_pmf_csv(pmf_file)
    assert estimates is not None
    if method not in (None, "negative-binomial"):
        raise typer.BadParameter("--estimates is fitted with --method negative-binomial (for a Mark3 pmf give "
                                 "--mark3 N90,N50,N10)", param_hint="--method")
    return pmfs.fit_negative_binomial(read_estimates(estimates))


def _pmf_dict(p: DepositPmf) -> dict[str, Any]:
    d = p.to_dict()
    return {k: d[k] for k in ("mean", "variance", "sd", "mode", "min", "max", "entropy", "probabilities",
                              "method", "parameters", "provenance") if k in d}


def _stats_table(title: str, stats: dict[str, Any]) -> Table:
    t = Table(title=title)
    for col in ("quantity", "mean", "P90", "P50", "P10", "P(0)", "P(>=mean)"):
        t.add_column(col, justify="right")
    for q, s in stats.items():
        e = s["exceedance"]
        t.add_row(q, f"{s['mean']:.4g}", f"{e['P90']:.4g}", f"{e['P50']:.4g}", f"{e['P10']:.4g}",
                  f"{s['p_zero']:.3f}", f"{s['p_ge_mean']:.3f}")
    return t


def _seed(seed: int | None) -> int:
    return int(seed) if seed is not None else secrets.randbits(32)


# ------------------------------------------------------------------------------------------ pmf


@app.command("pmf")
@handle_errors
def pmf_cmd(
    estimates: Path | None = typer.Option(None, "--estimates", exists=True, dir_okay=False,
                                          help="MapMark4 estimates CSV: Name, Weight, N90, N50, N10."),
    mark3: str | None = typer.Option(None, "--mark3", help="Mark3 thresholds N90,N50,N10[,N05,N01…] "
                                     "(3, 5, 7 or 9 whole numbers)."),
    pmf_file: Path | None = typer.Option(None, "--pmf", exists=True, dir_okay=False,
                                         help="A pmf CSV (N, probability) or MapMark4GUI *_03_PMF_Probs.csv."),
    method: str | None = typer.Option(None, "--method", help="One of " + ", ".join(PMF_METHODS)
                                      + " (default: from the source)."),
    mean: float | None = typer.Option(None, "--mean", help="Mean number of deposits (--method poisson)."),
    out: Path | None = typer.Option(None, "--out", dir_okay=False,
                                    help="Also write the pmf as a MapMark4GUI *_03_PMF_Probs.csv file."),
    json_out: bool = _JSON,
) -> None:
    """Probability mass function of the number of undiscovered deposits."""
    p = _build_pmf(estimates, mark3, pmf_file, method, mean)
    if out is not None:
        from critmin.assessment.mapmark4_files import write_pmf_probs

        write_pmf_probs(p, out)
    if json_out:
        print_json(_pmf_dict(p))
        return
    s = p.summary()
    console.print(f"{p.method} pmf: mean {s['mean']:.4f}, variance {s['variance']:.4f}, sd {s['sd']:.4f}, "
                  f"mode {s['mode']}, support {s['min']}-{s['max']}, entropy {s['entropy']:.5f}")
    t = Table("N", "P(N)", "P(>=N)")
    exceed = 1.0
    for n, pr in zip(range(s["min"], s["max"] + 1), s["probabilities"], strict=True):
        t.add_row(str(n), f"{pr:.6g}", f"{exceed:.6g}")
        exceed -= pr
    console.print(t)


# options shared by `simulate` and `report` (one definition each)
_GT = typer.Option(..., "--gt", exists=True, dir_okay=False,
                   help="GT model CSV (MapMark4 layout: ID, Name, ore t, grade % per element).")
_ESTIMATES = typer.Option(None, "--estimates", exists=True, dir_okay=False,
                          help="Expert estimates CSV (negative-binomial fit).")
_MARK3 = typer.Option(None, "--mark3", help="Mark3 thresholds N90,N50,N10[,N05,N01…].")
_PMF_FILE = typer.Option(None, "--pmf", exists=True, dir_okay=False, help="A pmf CSV.")
_METHOD = typer.Option(None, "--method", help="Pmf method (see `assess pmf`).")
_MEAN = typer.Option(None, "--mean", help="Mean number of deposits (--method poisson).")
_TONNAGE_PDF = typer.Option("normal", "--tonnage-pdf", help="normal (lognormal) or kde.")
_GRADE_PDF = typer.Option("normal", "--grade-pdf", help="normal (ilr normal) or kde.")
_TRUNCATE = typer.Option(False, "--truncate", help="Truncate the pdfs to the observed ranges.")
_JOINT = typer.Option(False, "--joint", help="Joint tonnage-grade model (correlated).")
_TRIALS = typer.Option(20000, "--trials", min=1, help="Number of Monte Carlo trials.")
_SEED = typer.Option(None, "--seed", help="Random seed (default: a fresh one, reported).")


def _run_tract(gt: Path, estimates: Path | None, mark3: str | None, pmf_file: Path | None, method: str | None,
               mean: float | None, tonnage_pdf: str, grade_pdf: str, truncate: bool, joint: bool, trials: int,
               seed: int | None, *, show_progress: bool, **extra: Any) -> tuple[DepositPmf, Any, int]:
    """Validate the shared options, build the pmf, read the GT data and run the assessment."""
    from critmin.assessment.gt_data import read_gt
    from critmin.assessment.run import run_assessment

    _choice(tonnage_pdf, PDF_TYPES, "--tonnage-pdf")
    _choice(grade_pdf, PDF_TYPES, "--grade-pdf")
    p = _build_pmf(estimates, mark3, pmf_file, method, mean)
    data = read_gt(gt)
    s = _seed(seed)
    with rich_progress("simulate", enabled=show_progress) as progress:
        run = run_assessment(p, data, trials=trials, seed=s, tonnage_pdf=tonnage_pdf,  # type: ignore[arg-type]
                             grade_pdf=grade_pdf, truncate=truncate, joint=joint,  # type: ignore[arg-type]
                             progress=lambda done, total: progress(done, total), **extra)
    return p, run, s


# ------------------------------------------------------------------------------------------ simulate


@app.command("simulate")
@handle_errors
def simulate_cmd(
    gt: Path = _GT,
    estimates: Path | None = _ESTIMATES,
    mark3: str | None = _MARK3,
    pmf_file: Path | None = _PMF_FILE,
    method: str | None = _METHOD,
    mean: float | None = _MEAN,
    tonnage_pdf: str = _TONNAGE_PDF,
    grade_pdf: str = _GRADE_PDF,
    truncate: bool = _TRUNCATE,
    joint: bool = _JOINT,
    trials: int = _TRIALS,
    seed: int | None = _SEED,
    out: Path | None = typer.Option(None, "--out", file_okay=False,
                                    help="Directory for MapMark4GUI-style files (_03, _05, _07, _08)."),
    run_id: str = typer.Option("critmin", "--run-id", help="File-name prefix of the --out files."),
    json_out: bool = _JSON,
) -> None:
    """Monte Carlo simulation of undiscovered ore and contained metal in a tract."""
    p, run, s = _run_tract(gt, estimates, mark3, pmf_file, method, mean, tonnage_pdf, grade_pdf, truncate, joint,
                           trials, seed, show_progress=not json_out, per_deposit=out is not None)
    res, stats, check = run.result, run.statistics, run.moment_check
    files: list[str] = []
    if out is not None:
        files = _write_run(out, run_id, p, res, stats)
    doc = {**run.to_dict(), "files": files}
    doc.pop("tract", None)
    if json_out:
        print_json(doc)
        return
    console.print(f"{trials} trials, seed {s}; pmf {p.method} mean {p.mean:.4f}; "
                  f"{int(res.totals['n_deposits'].sum())} deposits simulated")
    console.print(_stats_table("Undiscovered resources (metric t); P90 = amount exceeded with probability 0.9",
                               stats))
    verdict = "[green]passed[/]" if check["passed"] else "[red]FAILED[/]"
    console.print(f"moment check (E[T] = E[N]·mu, Cov[T] = E[N]·Sigma + Var(N)·mu·mu^T): {verdict}, "
                  f"max |z| = {check['max_abs_z']:.2f}")
    for f in files:
        console.print(f"wrote {f}")


def _write_run(out: Path, run_id: str, p: DepositPmf, res: Any, stats: dict[str, Any]) -> list[str]:
    from critmin.assessment.mapmark4_files import write_contained_stats, write_pmf_probs, write_sim_ef

    out.mkdir(parents=True, exist_ok=True)
    paths = [write_pmf_probs(p, out / f"{run_id}_03_PMF_Probs.csv"),
             write_sim_ef(res, out / f"{run_id}_05_SIM_EF.csv")]
    totals = out / f"{run_id}_07_SIM_Contained_Totals.csv"
    res.totals.to_csv(totals, index=False)
    paths += [totals, write_contained_stats(stats, out / f"{run_id}_08_SIM_Contained_Stats.csv")]
    return [str(x) for x in paths]


# ------------------------------------------------------------------------------------------ report


def _report_command(gt: Path, sources: dict[str, Any], opts: dict[str, Any]) -> str:
    """The canonical command line that reproduces a report (shown under provenance)."""
    parts = ["critmin assess report", "--gt", str(gt)]
    for flag, value in sources.items():
        if value is not None:
            parts += [flag, str(value)]
    for flag, value in opts.items():
        if value is True:
            parts.append(flag)
        elif value not in (None, False):
            parts += [flag, str(value)]
    return " ".join(parts)


@app.command("report")
@handle_errors
def report_cmd(
    gt: Path = _GT,
    estimates: Path | None = _ESTIMATES,
    mark3: str | None = _MARK3,
    pmf_file: Path | None = _PMF_FILE,
    method: str | None = _METHOD,
    mean: float | None = _MEAN,
    tonnage_pdf: str = _TONNAGE_PDF,
    grade_pdf: str = _GRADE_PDF,
    truncate: bool = _TRUNCATE,
    joint: bool = _JOINT,
    trials: int = _TRIALS,
    seed: int | None = _SEED,
    econ: bool = typer.Option(False, "--filter", help="Apply the RAEF-style economic filter (RAEF defaults)."),
    geometry: str = typer.Option("massive-disseminated", "--geometry", help="Economic filter: deposit geometry, "
                                 + ", ".join(GEOMETRIES) + "."),
    mill: str = typer.Option("3_product_flotation", "--mill", help="Economic filter: mill type."),
    tract: str | None = typer.Option(None, "--tract", help="Tract name (default: from the input file names)."),
    title: str | None = typer.Option(None, "--title", help="Report title."),
    out: Path = typer.Option(..., "--out", dir_okay=False, help="PDF file to write."),
    html: Path | None = typer.Option(None, "--html", dir_okay=False, help="Also write the HTML (self-contained)."),
    json_out: bool = _JSON,
) -> None:
    """PDF report of a tract assessment: inputs, GT fit, pmf, totals, CCDF plots, filter results, provenance."""
    from critmin.assessment.economic_filter import EconomicParameters
    from critmin.reports.render import ReportInput, write_assessment_report

    _choice(mill, MILLS, "--mill")
    geo = GEOMETRIES.get(geometry)
    if geo is None:
        raise typer.BadParameter(f"{geometry!r} is not one of {', '.join(GEOMETRIES)}", param_hint="--geometry")
    params = EconomicParameters(geometry=geo, mill=mill) if econ else None  # type: ignore[arg-type]
    name = tract or (estimates or pmf_file or gt).stem
    _, run, s = _run_tract(gt, estimates, mark3, pmf_file, method, mean, tonnage_pdf, grade_pdf, truncate, joint,
                           trials, seed, show_progress=not json_out, economic=params, tract=name)
    inputs = [ReportInput.from_path("Grade–tonnage data", gt)]
    for label, path in (("Deposit estimates", estimates), ("Deposit-number pmf", pmf_file)):
        if path is not None:
            inputs.append(ReportInput.from_path(label, path))
    command = _report_command(gt, {"--estimates": estimates, "--mark3": mark3, "--pmf": pmf_file,
                                   "--method": method, "--mean": mean},
                              {"--tonnage-pdf": tonnage_pdf, "--grade-pdf": grade_pdf, "--truncate": truncate,
                               "--joint": joint, "--trials": trials, "--seed": s, "--filter": econ,
                               "--geometry": geometry if econ else None, "--mill": mill if econ else None,
                               "--tract": name})
    write_assessment_report(run, out, html_path=html, inputs=inputs, title=title, command=command)
    doc = {"pdf": str(out), "html": str(html) if html else None, "tract": name, "trials": trials, "seed": s,
           "statistics": run.statistics, "moment_check_passed": run.moment_check["passed"],
           "economic_filter": econ, "provenance": run.provenance.to_dict()}
    if json_out:
        print_json(doc)
        return
    console.print(_stats_table(f"{name}: undiscovered resources (metric t); P90 = amount exceeded with "
                               "probability 0.9", run.statistics))
    console.print(f"wrote {out}" + (f" and {html}" if html else ""))


# ------------------------------------------------------------------------------------------ summarize


@app.command("summarize")
@handle_errors
def summarize_cmd(
    sim_ef: Path = typer.Argument(..., exists=True, dir_okay=False, help="MapMark4GUI *_05_SIM_EF.csv file."),
    out: Path | None = typer.Option(None, "--out", dir_okay=False,
                                    help="Also write the statistics as a *_08_SIM_Contained_Stats.csv file."),
    json_out: bool = _JSON,
) -> None:
    """USGS-style statistics of a MapMark4GUI simulation file (per-trial ore and contained-metal totals)."""
    from critmin.assessment.mapmark4_files import read_sim_ef, write_contained_stats
    from critmin.assessment.statistics import statistics
    from critmin.provenance import RunRecord, sha256_file

    totals = read_sim_ef(sim_ef)
    quantities = [c for c in totals.columns if c not in ("trial", "n_deposits")]
    stats = statistics(totals, quantities)
    if out is not None:
        write_contained_stats(stats, out)
    n = totals["n_deposits"]
    rec = RunRecord.create("assessment.summarize", inputs_sha256=sha256_file(sim_ef),
                           parameters={"file": str(sim_ef)})
    doc = {"file": str(sim_ef), "trials": len(totals), "n_deposits_simulated": int(n.sum()),
           "mean_n_deposits": float(n.mean()), "quantities": quantities, "statistics": stats,
           "provenance": rec.to_dict()}
    if json_out:
        print_json(doc)
        return
    console.print(f"{sim_ef.name}: {len(totals)} trials, {int(n.sum())} deposits")
    console.print(_stats_table("Contained totals (metric t); P90 = amount exceeded with probability 0.9", stats))


# ------------------------------------------------------------------------------------------ filter


def _depth_intervals(text: str) -> tuple[Any, ...]:
    from critmin.assessment.economic_filter import DepthInterval

    out = []
    for part in text.replace(" ", "").split(","):
        try:
            rng, _, frac = part.partition(":")
            lo, _, hi = rng.partition("-")
            out.append(DepthInterval(float(lo), float(hi), float(frac)))
        except ValueError:
            raise typer.BadParameter(f"{part!r}: expected MIN-MAX:FRACTION, e.g. 0-250:0.2,251-500:0.2,"
                                     "501-1000:0.6", param_hint="--depth") from None
    return tuple(out)


def _is_pmf_file(path: Path) -> bool:
    """A pmf/other table rather than a MapMark4GUI SIM_EF file (whose header names Simulation.Index)."""
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        return "Simulation" not in fh.readline()


def _read_deposits(path: Path) -> tuple[pd.DataFrame, list[int] | None]:
    """Per-deposit rows of a MapMark4GUI SIM_EF file, or of a critmin per-deposit CSV (trial, ore_t, El_pct…)."""
    import pandas as pd

    from critmin.assessment.mapmark4_files import read_sim_ef, read_sim_ef_deposits

    if not _is_pmf_file(path):
        return read_sim_ef_deposits(path), read_sim_ef(path)["trial"].tolist()
    try:
        return pd.read_csv(path), None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the deposit table ({exc})", file=path) from exc


@app.command("filter")
@handle_errors
def filter_cmd(
    sim_ef: Path = typer.Argument(..., exists=True, dir_okay=False,
                                  help="Per-deposit simulation: MapMark4GUI *_05_SIM_EF.csv or a CSV with trial, "
                                       "ore_t and <El>_pct (or contained <El>_t) columns."),
    geometry: str = typer.Option("massive-disseminated", "--geometry", help="Deposit geometry: "
                                 + ", ".join(GEOMETRIES) + "."),
    mill: str = typer.Option("3_product_flotation", "--mill", help="Mill type: " + ", ".join(MILLS) + "."),
    depth: str = typer.Option("0-250:0.2,251-500:0.2,501-1000:0.6", "--depth",
                              help="Depth-to-top intervals MIN-MAX:FRACTION (m), comma separated (RAEF preset)."),
    days: int = typer.Option(350, "--days", help="Operating days per year: 350 or 260."),
    cost_index: float = typer.Option(1.26, "--cost-index", help="Cost index on Camm (1991) costs (RAEF: 1.26)."),
    discount_rate: float = typer.Option(0.15, "--discount-rate", help="Discount rate for the NPV."),
    capital_inflation: float = typer.Option(1.0, "--capital-inflation", help="Extra factor on capital costs."),
    operating_inflation: float = typer.Option(1.0, "--operating-inflation", help="Extra factor on operating costs."),
    price: list[str] | None = typer.Option(None, "--price", help="Commodity value EL=US$ per metric t "
                                           "(repeatable; default RAEF 1989-2008 averages in 2008 US$)."),
    recovery: list[str] | None = typer.Option(None, "--recovery", help="Mill recovery EL=fraction (repeatable)."),
    no_tailings: bool = typer.Option(False, "--no-tailings", help="No tailings pond and dam costs."),
    no_liner: bool = typer.Option(False, "--no-liner", help="No liner costs."),
    area_km2: float | None = typer.Option(None, "--area-km2", help="Tract area for NPV per km2."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the depth draws (default: fresh, reported)."),
    out: Path | None = typer.Option(None, "--out", dir_okay=False, help="Write the per-deposit economics CSV."),
    totals_out: Path | None = typer.Option(None, "--totals-out", dir_okay=False,
                                           help="Write contained vs recovered totals per trial (CSV)."),
    json_out: bool = _JSON,
) -> None:
    """RAEF-style economic filter: mine method, costs, NPV per deposit; contained vs recovered metal."""
    from critmin.assessment.economic_filter import EconomicParameters, economic_filter

    geo = GEOMETRIES.get(geometry)
    if geo is None:
        raise typer.BadParameter(f"{geometry!r} is not one of {', '.join(GEOMETRIES)}", param_hint="--geometry")
    _choice(mill, MILLS, "--mill")
    if days not in (350, 260):
        raise typer.BadParameter(f"{days} is not 350 or 260", param_hint="--days")
    params = EconomicParameters(
        depth_intervals=_depth_intervals(depth), geometry=geo, mill=mill, days_per_year=days,  # type: ignore[arg-type]
        tailings_pond_and_dam=not no_tailings, liner=not no_liner, cost_index=cost_index,
        discount_rate=discount_rate, capital_inflation=capital_inflation, operating_inflation=operating_inflation,
        prices_usd_per_t=key_values(price, "--price"), mill_recoveries=key_values(recovery, "--recovery"),
        tract_area_km2=area_km2)
    deposits, trials = _read_deposits(sim_ef)
    s = _seed(seed)
    try:
        res = economic_filter(deposits, params, seed=s, trials=trials)
    except InputError as exc:
        raise exc.located(file=sim_ef) from None
    if out is not None:
        res.deposits.to_csv(out, index=False)
    if totals_out is not None:
        res.totals.to_csv(totals_out, index=False)
    doc = {"file": str(sim_ef), "seed": s, **res.to_dict()}
    if json_out:
        print_json(doc)
        return
    console.print(f"{doc['n_deposits']} deposits in {doc['n_trials']} trials; economic: {doc['n_economic']} "
                  f"({100 * doc['fraction_economic']:.1f} %); seed {s}")
    console.print(f"mine methods: {doc['mine_methods']}; economic: {doc['economic_by_mine_method']}")
    console.print(_stats_table("Contained (metric t)", doc["statistics"]["contained"]))
    console.print(_stats_table("Recovered from economic deposits (metric t)", doc["statistics"]["recovered"]))


# ------------------------------------------------------------------------------------------ aggregate


@app.command("aggregate")
@handle_errors
def aggregate_cmd(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False,
                                       help="Per-tract MapMark4GUI *_05_SIM_EF.csv files, or pmf files "
                                            "(*_03_PMF_Probs.csv / N,probability CSV) — all of one kind."),
    names: str | None = typer.Option(None, "--names", help="Comma list of tract names (default: file stems)."),
    correlation: Path | None = typer.Option(None, "--correlation", exists=True, dir_okay=False,
                                            help="Rank-correlation matrix CSV (header of tract names; lower "
                                                 "triangle suffices). Default: independent tracts."),
    trials: int | None = typer.Option(None, "--trials", min=2, help="Trials (pmfs: default 20000; simulation "
                                      "files: resample every tract to this many)."),
    rank_by: str | None = typer.Option(None, "--rank-by", help="Quantity whose ranks are correlated (default ore)."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: fresh, reported)."),
    out: Path | None = typer.Option(None, "--out", dir_okay=False, help="Write the aggregated totals (CSV)."),
    json_out: bool = _JSON,
) -> None:
    """Aggregate several tracts: independent or rank-correlated (Iman-Conover)."""
    from critmin.assessment.aggregate import aggregate_pmfs, aggregate_totals, read_correlation_matrix
    from critmin.assessment.mapmark4_files import read_sim_ef
    from critmin.assessment.pmf import read_pmf_csv

    tract_names = [n.strip() for n in names.split(",")] if names else [f.stem for f in files]
    if len(tract_names) != len(files) or len(set(tract_names)) != len(tract_names):
        raise typer.BadParameter(f"{len(tract_names)} distinct names for {len(files)} files", param_hint="--names")
    kinds = {_is_pmf_file(f) for f in files}
    if len(kinds) != 1:
        raise typer.BadParameter("mix of pmf and simulation files; give one kind", param_hint="FILES")
    matrix = None
    if correlation is not None:
        c_names, m = read_correlation_matrix(correlation)
        if set(tract_names) <= set(c_names):
            _, matrix = read_correlation_matrix(correlation, tracts=tract_names)
        elif len(c_names) == len(files):
            matrix = m  # positional: the matrix rows follow the order of the files
        else:
            raise InputError(f"matrix tracts {', '.join(c_names)} do not match the {len(files)} files "
                             f"({', '.join(tract_names)}); use --names", file=correlation)
    s = _seed(seed)
    if kinds == {True}:
        if rank_by not in (None, "n_deposits"):
            raise typer.BadParameter("pmf aggregation ranks by n_deposits", param_hint="--rank-by")
        res = aggregate_pmfs({n: read_pmf_csv(f) for n, f in zip(tract_names, files, strict=True)},
                             trials=trials or 20000, seed=s, correlation=matrix)
    else:
        frames = {n: read_sim_ef(f) for n, f in zip(tract_names, files, strict=True)}
        res = aggregate_totals(frames, seed=s, correlation=matrix, rank_by=rank_by, trials=trials)
    if out is not None:
        res.totals.to_csv(out, index=False)
    doc = {"seed": s, "files": [str(f) for f in files], **res.to_dict()}
    if json_out:
        print_json(doc)
        return
    console.print(f"{res.method} aggregation of {len(files)} tracts, {len(res.totals)} trials, seed {s}")
    console.print(_stats_table("Aggregated totals", doc["statistics"]))
