"""The assessment report: an :class:`~critmin.assessment.run.AssessmentRun` as HTML and PDF.

The HTML comes from the Jinja2 template ``templates/assessment.html.j2`` with the local stylesheet
``templates/assessment.css`` inlined and every figure embedded as inline SVG, so the document is one
self-contained file that references no URL. The PDF is rendered by WeasyPrint with a URL fetcher that only
accepts ``data:`` URLs — nothing is fetched from the network or the file system — and the system fonts
(DejaVu Sans).

Sections: summary (USGS statistics with the P90 convention spelled out), inputs (files with SHA-256, pmf,
GT data and model options), deposit-number pmf, GT model (scatter, marginal fits, KS statistics), simulated
totals (CCDF, quantiles, moment check), economic filter (when applied) and provenance.

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: USGS Techniques and Methods 7-C14, doi:10.3133/tm7C14.
Shapiro, J.L., and Robinson, G.R., Jr., 2019, Resource Assessment Economic Filter (RAEF): USGS Techniques
and Methods 7-C23, doi:10.3133/tm7C23.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critmin.provenance import sha256_file

if TYPE_CHECKING:
    from critmin.assessment.run import AssessmentRun

__all__ = ["ReportInput", "assessment_context", "html_to_pdf", "render_assessment_html", "write_assessment_report"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""Directory of the report templates and stylesheet."""

SUMMARY_EXCEEDANCE = ("P90", "P50", "P10")
DETAIL_EXCEEDANCE = ("P95", "P90", "P50", "P10", "P5")


@dataclass(frozen=True)
class ReportInput:
    """An input file named in the report: what it is, where it was read from and its SHA-256."""

    label: str
    path: str
    sha256: str

    @classmethod
    def from_path(cls, label: str, path: str | Path) -> ReportInput:
        """Hash the file at ``path``."""
        return cls(label, str(path), sha256_file(path))


# ------------------------------------------------------------------------------------------------ formatting


def fmt_t(x: Any) -> str:
    """Metric tons, three significant figures with thousands separators (as in the plots)."""
    from critmin.plot.assessment import format_tonnes

    return format_tonnes(float(x))


def fmt_num(x: Any, digits: int = 4) -> str:
    """A plain number with ``digits`` significant figures (``–`` for missing)."""
    if x is None:
        return "–"
    v = float(x)
    if not math.isfinite(v):
        return "–"
    if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
        return f"{v:.{digits}g}"
    return f"{v:,.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"


def fmt_grade(pct: Any) -> str:
    """A grade in % (and g/t when below 0.01 %, as precious metals are quoted)."""
    v = float(pct)
    if not math.isfinite(v):
        return "–"
    if v < 0.01:
        return f"{v:.3g} % ({v * 1e4:.3g} g/t)"
    return f"{v:.3g} %"


def _scalars(d: Mapping[str, Any], skip: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Scalar entries of a parameter dict, formatted (nested dicts and long lists left out)."""
    out: list[tuple[str, str]] = []
    for k, v in d.items():
        if k in skip or v is None or isinstance(v, dict):
            continue
        if isinstance(v, bool | str):
            out.append((k, str(v)))
        elif isinstance(v, int | float):
            out.append((k, fmt_num(v, 6)))
        elif isinstance(v, list | tuple) and len(v) <= 9 and all(isinstance(x, int | float) for x in v):
            out.append((k, ", ".join(fmt_num(x, 6) for x in v)))
    return out


# ------------------------------------------------------------------------------------------------ context


def _figures(run: AssessmentRun) -> dict[str, str]:
    from markupsafe import Markup

    from critmin.plot.assessment import (
        figure_to_svg,
        plot_economic_filter,
        plot_gt_scatter,
        plot_marginal_fits,
        plot_pmf,
        plot_totals_ccdf,
    )

    figs = {"pmf": plot_pmf(run.pmf), "gt_scatter": plot_gt_scatter(run.gt, run.model, seed=run.seed),
            "marginals": plot_marginal_fits(run.model, seed=run.seed),
            "ccdf": plot_totals_ccdf(run.result, statistics=run.statistics)}
    if run.economic is not None:
        figs["economic"] = plot_economic_filter(run.economic)
    return {k: Markup(figure_to_svg(f)) for k, f in figs.items()}


def _quantity_label(q: str) -> str:
    return "Ore" if q == "ore" else q


def _stat_rows(stats: Mapping[str, Any], levels: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for q, s in stats.items():
        rows.append({"quantity": _quantity_label(q), "mean": fmt_t(s["mean"]), "sd": fmt_t(s["sd"]),
                     "median": fmt_t(s["median"]), "min": fmt_t(s["min"]), "max": fmt_t(s["max"]),
                     "exceedance": [fmt_t(s["exceedance"][k]) for k in levels],
                     "p_zero": f"{s['p_zero']:.3f}", "p_ge_mean": f"{s['p_ge_mean']:.3f}"})
    return rows


def _economic(run: AssessmentRun) -> dict[str, Any] | None:
    econ = run.economic
    if econ is None:
        return None
    d = econ.to_dict()
    contained, recovered = d["statistics"]["contained"], d["statistics"]["recovered"]
    rows = []
    for q in econ.contained_quantities:
        c, r = contained[q], recovered[q]
        rows.append({"quantity": _quantity_label(q) + (" (economic deposits)" if q == "ore" else ""),
                     "contained_mean": fmt_t(c["mean"]), "recovered_mean": fmt_t(r["mean"]),
                     "share": f"{100 * r['mean'] / c['mean']:.1f} %" if c["mean"] > 0 else "–",
                     "contained": [fmt_t(c["exceedance"][k]) for k in SUMMARY_EXCEEDANCE],
                     "recovered": [fmt_t(r["exceedance"][k]) for k in SUMMARY_EXCEEDANCE]})
    p = econ.parameters
    params = [("geometry", p.geometry.replace("_", " ")), ("mill", p.mill.replace("_", " ")),
              ("operating days per year", str(p.days_per_year)), ("cost index", fmt_num(p.cost_index)),
              ("discount rate", fmt_num(p.discount_rate)),
              ("depth to top (m: fraction)", ", ".join(f"{fmt_num(i.min_m)}–{fmt_num(i.max_m)}: {fmt_num(i.fraction)}"
                                                     for i in p.depth_intervals)),
              ("tailings pond and dam, liner", f"{p.tailings_pond_and_dam}, {p.liner}")]
    if p.prices_usd_per_t:
        params.append(("prices (US$/t)", ", ".join(f"{k} {fmt_num(v)}" for k, v in p.prices_usd_per_t.items())))
    if p.mill_recoveries:
        params.append(("mill recoveries", ", ".join(f"{k} {fmt_num(v)}" for k, v in p.mill_recoveries.items())))
    npv = d["statistics"]["npv_usd"]
    return {"n_deposits": f"{d['n_deposits']:,}", "n_economic": f"{d['n_economic']:,}",
            "fraction": f"{100 * d['fraction_economic']:.1f} %",
            "mine_methods": [(k.replace("_", " "), f"{v:,}", f"{d['economic_by_mine_method'].get(k, 0):,}")
                             for k, v in d["mine_methods"].items()],
            "rows": rows, "parameters": params,
            "npv": {"mean": fmt_num(npv["mean"] / 1e6, 4), "P50": fmt_num(npv["exceedance"]["P50"] / 1e6, 4)},
            "provenance": econ.provenance}


def assessment_context(run: AssessmentRun, *, inputs: Sequence[ReportInput] = (), title: str | None = None,
                       command: str | None = None, figures: bool = True) -> dict[str, Any]:
    """Everything the template shows, formatted (numbers as strings, figures as inline SVG markup).

    Parameters
    ----------
    run
        The assessment (:func:`critmin.assessment.run.run_assessment`).
    inputs
        Input files to list with their hashes.
    title
        Report title (default: from the tract name).
    command
        The command line that reproduces the run (shown under provenance).
    figures
        Draw the figures (False: an HTML without figures, for quick checks).
    """
    from critmin import __version__

    pmf, gt, model, check = run.pmf, run.gt, run.model, run.moment_check
    tract = run.tract or "Unnamed tract"
    pmf_params = dict(pmf.parameters)
    est = pmf_params.get("estimates") if isinstance(pmf_params.get("estimates"), dict) else None
    diag = model.diagnostics()
    fits = [{"what": f"{gt.tonnage_name} tonnage", "pdf": model.tonnage.pdf_type, "n": diag["tonnage"]["n"],
             "ks": f"{diag['tonnage']['ks_statistic']:.3f}", "p": f"{diag['tonnage']['ks_pvalue']:.3f}"}]
    if "grades" in diag:
        for el, g in diag["grades"]["elements"].items():
            fits.append({"what": f"{el} grade", "pdf": diag["grades"]["pdf_type"], "n": g["n_reported"],
                         "ks": f"{g['ks_statistic']:.3f}", "p": f"{g['ks_pvalue']:.3f}"})
    moment_rows = [{"quantity": _quantity_label(r["quantity"]), "statistic": r["statistic"],
                    "simulated": fmt_num(r["simulated"]), "predicted": fmt_num(r["predicted"]),
                    "se": fmt_num(r["se"], 3), "z": f"{r['z']:+.2f}"} for r in check["rows"]]
    gs = gt.summary()
    n_sim = int(run.result.totals["n_deposits"].sum())
    sim_prov = run.result.provenance
    return {
        "title": title or f"Undiscovered mineral resources — {tract}",
        "tract": tract,
        "version": __version__,
        "created_at": run.provenance.created_at,
        "summary": {"expected_n": fmt_num(pmf.mean), "mode_n": pmf.mode, "trials": f"{run.trials:,}",
                    "seed": run.seed, "n_simulated": f"{n_sim:,}", "elements": ", ".join(gt.elements) or "–",
                    "check_passed": bool(check["passed"]), "max_z": f"{check['max_abs_z']:.2f}",
                    "z_limit": fmt_num(check["z_limit"])},
        "summary_levels": SUMMARY_EXCEEDANCE,
        "detail_levels": DETAIL_EXCEEDANCE,
        "stats_rows": _stat_rows(run.statistics, SUMMARY_EXCEEDANCE),
        "detail_rows": _stat_rows(run.statistics, DETAIL_EXCEEDANCE),
        "inputs": list(inputs),
        "pmf": {"method": pmf.method, "mean": fmt_num(pmf.mean, 6), "variance": fmt_num(pmf.variance, 6),
                "sd": fmt_num(pmf.sd, 4), "mode": pmf.mode, "min": pmf.n_min, "max": pmf.n_max,
                "entropy": fmt_num(pmf.entropy, 6), "parameters": _scalars(pmf_params),
                "estimates": est["rows"] if est else None},
        "gt": {"n": gs["n_deposits"], "source": gt.source or "–", "sha256": gt.sha256,
               "median_ore": fmt_t(gs["median_ore_t"]),
               "median_grades": [(el, fmt_grade(v)) for el, v in gs["median_grade_pct"].items()],
               "n_reported": gs["n_reported"], "warnings": list(gs["warnings"])},
        "model": {"options": run.options, "tonnage": _scalars(model.tonnage.to_dict()), "fits": fits,
                  "sha256": model.to_dict()["sha256"], "warnings": list(model.warnings)},
        "moments": {"rows": moment_rows, "expected_n": fmt_num(check["expected_n"]),
                    "variance_n": fmt_num(check["variance_n"]),
                    "n_samples": f"{check['deposit_moments']['n_samples']:,}"},
        "economic": _economic(run),
        "provenance": {"run": run.provenance, "simulation": sim_prov,
                       "pmf": pmf.provenance, "command": command},
        "figures": _figures(run) if figures else {},
    }


# ------------------------------------------------------------------------------------------------ output


def render_assessment_html(run: AssessmentRun, *, inputs: Sequence[ReportInput] = (), title: str | None = None,
                           command: str | None = None, figures: bool = True) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG; no URLs)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    ctx = assessment_context(run, inputs=inputs, title=title, command=command, figures=figures)
    css = (TEMPLATES / "assessment.css").read_text(encoding="utf-8")
    return env.get_template("assessment.html.j2").render(**ctx, css=css)


def html_to_pdf(html: str, path: str | Path) -> Path:
    """Render HTML to a PDF file with WeasyPrint, fetching nothing (only ``data:`` URLs are allowed)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    path = Path(path)
    fetcher = URLFetcher(allowed_protocols=("data",))
    HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher).write_pdf(path)
    return path


def write_assessment_report(run: AssessmentRun, pdf_path: str | Path, *, html_path: str | Path | None = None,
                            inputs: Sequence[ReportInput] = (), title: str | None = None,
                            command: str | None = None) -> Path:
    """Write the PDF report (and the HTML when ``html_path`` is given); returns the PDF path."""
    html = render_assessment_html(run, inputs=inputs, title=title, command=command)
    if html_path is not None:
        Path(html_path).write_text(html, encoding="utf-8")
    return html_to_pdf(html, pdf_path)
