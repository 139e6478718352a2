"""The workflow report: a stored rock-to-supply run (:mod:`critmin.workflows`) as HTML and PDF.

Drawn from a run directory alone (:func:`critmin.workflows.archive.load_run`: record, step data and arrays),
rendered from ``templates/workflow.html.j2`` with the assessment stylesheet inlined and every figure embedded as
inline SVG, so the document references no URL; the PDF is written by :func:`critmin.reports.render.html_to_pdf`
(WeasyPrint, offline).

Sections: Summary; 1 Tract (with Prospectivity); 2 Undiscovered resource; 3 Economic filter; 4 Project;
5 Supply impact (per stage: concentration before and after with its uncertainty band, partner exposure);
Assumptions (the workflow document, section by section, and the stated sources); Provenance (run id, version,
seed, times, workflow and result SHA-256, input files with SHA-256, step keys, parents and cache hits).

Number formats (tests search the PDF text for them): tonnages as :func:`critmin.reports.render.fmt_t`; money
in millions of the currency with one decimal (:func:`fmt_musd`); HHI as integers with thousands separators
(:func:`fmt_hhi`); probabilities and shares as percentages with one decimal (:func:`fmt_pct`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critmin.reports.render import TEMPLATES, fmt_grade, fmt_num, fmt_t, html_to_pdf

if TYPE_CHECKING:
    from critmin.workflows.archive import StoredRun

__all__ = ["REPORT_YEAR", "fmt_hhi", "fmt_musd", "fmt_pct", "render_workflow_html", "workflow_context",
           "write_workflow_report"]

REPORT_YEAR = 10
"""The supply comparison is made in the 10th calendar year of the horizon (the first year is year 1)."""
SECTIONS = ("workflow", "tract", "resource", "economic_filter", "project", "supply")
"""Sections of the workflow document, in the order the assumptions are printed."""


# ------------------------------------------------------------------------------------------------ formatting


def _finite(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def fmt_musd(x: Any) -> str:
    """Money in millions with one decimal and thousands separators (``467996154.75`` → ``"468.0"``)."""
    v = _finite(x)
    return "–" if v is None else f"{v / 1e6:,.1f}"


def fmt_hhi(x: Any) -> str:
    """An HHI (0–10,000) as an integer with thousands separators (``8100.0`` → ``"8,100"``)."""
    v = _finite(x)
    return "–" if v is None else f"{v:,.0f}"


def fmt_pct(x: Any) -> str:
    """A fraction as a percentage with one decimal (``0.3842`` → ``"38.4 %"``)."""
    v = _finite(x)
    return "–" if v is None else f"{100 * v:.1f} %"


def _money_unit(currency: str) -> str:
    return "US$ M" if currency.upper() == "USD" else f"M {currency}"


def _value(v: Any) -> str:
    """A parameter value for the assumptions table."""
    if isinstance(v, bool) or v is None:
        return str(v).lower() if v is not None else "–"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return fmt_num(v, 6)
    if isinstance(v, str):
        return v
    if isinstance(v, list | tuple) and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v):
        return ", ".join(fmt_num(x, 6) for x in v)
    if isinstance(v, list | tuple) and all(isinstance(x, str) for x in v):
        return ", ".join(v)
    return json.dumps(v, ensure_ascii=False)


def _flatten(d: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Dotted key → formatted value for a (nested) section of the workflow document."""
    out: list[tuple[str, str]] = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and v and not all(isinstance(x, int | float) for x in v.values()):
            out.extend(_flatten(v, key + "."))
        elif isinstance(v, Mapping):
            out.append((key, ", ".join(f"{a} {_value(b)}" for a, b in v.items()) or "–"))
        else:
            out.append((key, _value(v)))
    return out


def _band_at(band: Mapping[str, Sequence[float]], i: int) -> dict[str, float]:
    return {k: float(band[k][i]) for k in ("mean", "q10", "q50", "q90") if k in band}


# ------------------------------------------------------------------------------------------------ sections


def _figures(run: StoredRun) -> dict[str, str]:
    from markupsafe import Markup

    from critmin.plot import workflow as pw
    from critmin.plot.assessment import figure_to_svg

    s, a = run.steps, run.arrays
    res, proj, sup = s["resource"], s["project"], s["supply"]
    ra, ea, pa = a.get("resource", {}), a.get("economic_filter", {}), a.get("project", {})
    cur = str(proj["evaluation"].get("currency", "USD"))
    figs = {"tract": pw.plot_tract_map(s["tract"]),
            "gt": pw.plot_gt(ra["gt_ore_t"], ra["gt_grade_pct"], ra["dep_ore_t"], ra["dep_grade_pct"],
                             str(res["grade"]), seed=int(run.record.get("seed", 0))),
            "pmf": pw.plot_pmf(res["pmf"]["support"], res["pmf"]["probabilities"],
                               title=f"Deposit-number pmf ({res['pmf'].get('method', '')})"),
            "ccdf": pw.plot_totals_ccdf(ra["totals_contained_t"], ea["trial_recovered_t"], str(res["grade"])),
            "cash_flow": pw.plot_project_cash_flow(proj["evaluation"]["cash_flow"], currency=cur),
            "npv": pw.plot_npv_histogram(pa["mc_npv"], currency=cur)}
    for stage in sup["stages"]:
        figs[f"supply_{stage}"] = pw.plot_supply_impact(sup, stage, "hhi")
        figs[f"partner_{stage}"] = pw.plot_partner_exposure(sup, stage)
    return {k: Markup(figure_to_svg(f)) for k, f in figs.items()}


def _stats_row(label: str, st: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not st:
        return None
    return {"label": label, "p90": fmt_t(st["p90"]), "p50": fmt_t(st["p50"]), "p10": fmt_t(st["p10"]),
            "mean": fmt_t(st["mean"]), "p_zero": fmt_pct(st.get("prob_zero"))}


def _tract(t: Mapping[str, Any]) -> dict[str, Any]:
    method = str(t.get("method", ""))
    p = dict(t.get("parameters") or {})
    drawn = method.startswith("drawn")
    rule: list[tuple[str, str]] = []
    if not drawn:
        if p.get("source"):
            rule.append(("raster", str(p["source"])))
        if p.get("top_percent") is not None:
            rule.append(("rule", f"top {fmt_num(p['top_percent'])} % of the raster's area"))
        if p.get("threshold") is not None:
            rule.append(("rule", f"cells with a score ≥ {fmt_num(p['threshold'], 6)}"))
        if p.get("cutoff") is not None:
            rule.append(("cut-off score", fmt_num(p["cutoff"], 6)))
        for key, label in (("cells", "cells selected"), ("selected_percent", "share of the valid area (%)"),
                           ("ties", "cells tied at the cut-off"), ("cell_km2", "cell area (km²)"),
                           ("crs", "raster CRS"), ("raster_sha256", "raster SHA-256")):
            if p.get(key) not in (None, ""):
                rule.append((label, f"{p[key]:,}" if key == "cells" else _value(p[key])))
    return {"name": t.get("name", ""), "method": method, "drawn": drawn, "area": f"{float(t['area_km2']):,.0f}",
            "known": int(t.get("known_deposits", len(t.get("deposits") or []))),
            "vertices": len(p.get("polygon") or []), "rule": rule,
            "bounds": ", ".join(f"{float(b):.3f}" for b in t.get("bounds") or []),
            "deposits": [{"name": d.get("name", ""), "type": d.get("deposit_type") or "–",
                          "lon": f"{float(d['lon']):.3f}", "lat": f"{float(d['lat']):.3f}"}
                         for d in t.get("deposits") or []]}


def _resource(r: Mapping[str, Any]) -> dict[str, Any]:
    grade = str(r["grade"])
    dn = dict(r.get("deposit_number") or {})
    est = dict(dn.get("estimate") or {})
    if "undiscovered_expected" in est:
        estimate = (f"deposit density, {est.get('model', '')} model ({est.get('citation', '')}): tract area "
                    f"{fmt_num(est.get('area_km2'))} km², median tonnage {fmt_num(est.get('median_tonnage_mt'))} Mt, "
                    f"{est.get('known_deposits', 0)} known; undiscovered expected "
                    f"{fmt_num(est['undiscovered_expected'])} (N90 {fmt_num(est.get('undiscovered_n90'), 3)}, "
                    f"N50 {fmt_num(est.get('undiscovered_n50'), 3)}, N10 {fmt_num(est.get('undiscovered_n10'), 3)})")
    else:
        estimate = "; ".join(f"{k.replace('_', ' ')} {_value(v)}" for k, v in est.items()
                             if isinstance(v, int | float | str) and len(str(v)) <= 80)
    gt, gm, mc = dict(r.get("gt") or {}), dict(r.get("gt_model") or {}), dict(r.get("moment_check") or {})
    pmf = dict(r["pmf"])
    rows = [_stats_row(f"Contained {grade} (t)", r["contained_t"]), _stats_row("Ore (t)", r.get("ore_t"))]
    ndpr = r.get("ndpr")
    if ndpr:
        rows.append(_stats_row("Contained NdPr oxide (t)", ndpr["contained_t"]))
    return {"grade": grade, "trials": f"{int(r.get('trials', 0)):,}", "method": dn.get("method", "–"),
            "estimate": estimate,
            "pmf": {"method": pmf.get("method", "–"), "mean": fmt_num(pmf.get("mean")), "mode": pmf.get("mode"),
                    "sd": fmt_num(pmf.get("sd")), "min": pmf.get("min"), "max": pmf.get("max")},
            "gt": {"n": gt.get("n_deposits"), "source": gt.get("source") or "–", "sha256": gt.get("sha256", ""),
                   "median_ore": fmt_t(gt["median_ore_t"]) if "median_ore_t" in gt else "–",
                   "median_grade": fmt_grade(gt["median_grade_pct"][grade])
                   if grade in (gt.get("median_grade_pct") or {}) else "–"},
            "model": {"tonnage": (gm.get("tonnage") or {}).get("pdf_type", "–"),
                      "grade": (gm.get("grades") or {}).get("pdf_type", "–"), "sha256": gm.get("sha256", "")},
            "moment": {"passed": bool(mc.get("passed")), "max_z": fmt_num(mc.get("max_abs_z"), 3),
                       "limit": fmt_num(mc.get("z_limit"), 3)} if mc else None,
            "rows": [x for x in rows if x],
            "ndpr": {"fraction": fmt_pct(ndpr["fraction"]), "source": ndpr.get("source", ""),
                     "p50": fmt_t(ndpr["contained_t"]["p50"])} if ndpr else None,
            "contained_p50": fmt_t(r["contained_t"]["p50"])}


def _economic(e: Mapping[str, Any], grade: str) -> dict[str, Any]:
    p = dict(e.get("parameters") or {})
    params = [(k.replace("_", " "), _value(p[k])) for k in ("mill", "geometry", "days_per_year", "cost_index",
                                                            "discount_rate") if k in p]
    for k, label in (("prices_usd_per_t", "prices (US$/t, 2008)"), ("mill_recoveries", "mill recoveries")):
        if p.get(k):
            params.append((label, ", ".join(f"{a} {fmt_num(b, 6)}" for a, b in p[k].items())))
    rows = [_stats_row(f"Recovered {grade} (t)", e["recovered_t"]),
            _stats_row("Recovered NdPr oxide (t)", e.get("ndpr_recovered_t"))]
    rep = e.get("representative")
    return {"n_deposits": f"{int(e['n_deposits']):,}", "n_economic": f"{int(e['n_economic']):,}",
            "fraction": fmt_pct(e["fraction_economic"]), "p_any": fmt_pct(e["p_any_economic"]), "params": params,
            "rows": [x for x in rows if x],
            "representative": None if not rep else {
                "rule": rep.get("rule", ""), "trial": f"{int(rep['trial']):,}", "ore": fmt_t(rep["ore_t"]),
                "grade": fmt_grade(rep["grade_pct"]), "contained": fmt_t(rep["contained_t"]),
                "recovered": fmt_t(rep["recovered_t"]), "depth": f"{float(rep['depth_m']):,.0f}",
                "mine_method": str(rep.get("mine_method", "")).replace("_", " "),
                "npv": fmt_musd(rep.get("raef_npv_usd"))}}


def _project(p: Mapping[str, Any]) -> dict[str, Any]:
    ev = dict(p["evaluation"])
    cur = str(ev.get("currency", "USD"))
    unit = _money_unit(cur)

    def irr(m: Mapping[str, Any]) -> str:
        return fmt_pct(m.get("irr")) if m.get("irr") is not None else f"– ({m.get('irr_reason') or 'none'})"

    att = dict(ev.get("attributable") or {})
    pre = dict(ev.get("pre_tax") or {})
    metrics = [{"basis": "post-tax, 100 %", "npv": fmt_musd(ev.get("npv")), "irr": irr(ev),
                "payback": fmt_num(ev.get("payback_years"), 3)},
               {"basis": "pre-tax, 100 %", "npv": fmt_musd(pre.get("npv")), "irr": irr(pre),
                "payback": fmt_num(pre.get("payback_years"), 3)},
               {"basis": f"attributable ({fmt_pct(att.get('equity_share'))} equity)", "npv": fmt_musd(att.get("npv")),
                "irr": irr(att), "payback": fmt_num(att.get("payback_years"), 3)}]
    mc = dict(p.get("montecarlo") or {})
    s = dict(mc.get("summary") or {})
    mc_rows = [{"basis": "post-tax NPV, 100 %", **{k: fmt_musd(s.get(k)) for k in ("p90", "p50", "p10", "mean")},
                "loss": fmt_pct(s.get("prob_negative"))}]
    if "attributable_p50" in s:
        mc_rows.append({"basis": "attributable NPV",
                        **{k: fmt_musd(s.get(f"attributable_{k}")) for k in ("p90", "p50", "p10", "mean")},
                        "loss": fmt_pct(s.get("attributable_prob_negative"))})
    sc = p.get("scaling")
    scaling = None
    if sc:
        scaling = [("template", str(sc.get("template", ""))), ("method", str(sc.get("method", ""))),
                   ("reference output / capex", f"{fmt_num(sc['reference_annual_output'], 6)} t/yr; "
                                                f"{fmt_musd(sc['reference_capex'])} {unit}"),
                   ("scaled output", f"{fmt_num(sc['annual_output'], 6)} t/yr (cap "
                                     f"{fmt_num(sc.get('max_annual_output'), 6)}); ore "
                                     f"{fmt_t(sc['ore_capacity_t_per_year'])} t/yr"),
                   ("mine life", f"{sc['life_years']} years (Taylor {fmt_num(sc['taylor_life_years'], 4)})"),
                   ("scaled initial capex",
                    f"{fmt_musd(sc['capex'])} {unit} (exponent {fmt_num(sc['capex_exponent'])})"),
                   ("recovery ore → product", fmt_pct(sc["recovery"]))]
    doc = dict(p.get("document") or {})
    price = dict(doc.get("price") or {})
    return {"kind": p.get("kind", ""), "name": ev.get("project", ""), "currency": cur, "unit": unit,
            "country": p.get("country", ""), "stage": p.get("stage", ""), "product": ev.get("product", ""),
            "output": fmt_num(p.get("annual_output"), 6), "life": p.get("life_years"),
            "first_year": p.get("first_year"), "construction": p.get("construction_years"),
            "discount": f"{fmt_pct(ev.get('discount_rate'))} {ev.get('real_or_nominal', '')}",
            "price_source": price.get("source", ""), "npv": fmt_musd(ev.get("npv")), "irr": irr(ev),
            "att_npv": fmt_musd(att.get("npv")), "breakeven": fmt_num(ev.get("breakeven_price"), 6),
            "metrics": metrics, "scaling": scaling, "mc_rows": mc_rows,
            "mc_draws": f"{int(sum((mc.get('histogram') or {}).get('counts') or [])):,}",
            "mc_convention": mc.get("convention", ""), "warnings": list(ev.get("warnings") or [])}


def _supply(s: Mapping[str, Any]) -> dict[str, Any]:
    years = list(s["years"])
    i = min(REPORT_YEAR, len(years)) - 1
    stages = []
    for name, st in s["stages"].items():
        b, a = st["before"], st["after"]
        conc = []
        for key, label, fmt in (("hhi", "HHI", fmt_hhi), ("hhi_wgi", "governance-weighted HHI", fmt_hhi),
                                ("top1_share", "share of the leading country", fmt_pct),
                                ("project_share", "share of the project", fmt_pct)):
            if key in a:
                q = _band_at(a[key], i)
                conc.append({"label": label, "before": fmt(b.get(key)), "median": fmt(q["q50"]),
                             "band": f"{fmt(q['q10'])} – {fmt(q['q90'])}", "mean": fmt(q.get("mean"))})
        part = st["partner"]
        ir = _band_at(part["import_reliance_after"], i)
        exposure = [{"label": "net import reliance", "before": fmt_pct(part["import_reliance_before"]),
                     "median": fmt_pct(ir["q50"]), "band": f"{fmt_pct(ir['q10'])} – {fmt_pct(ir['q90'])}",
                     "mean": fmt_pct(ir.get("mean"))}]
        dis = st.get("disruption")
        if dis:
            sf = _band_at(dis["shortfall_t_after"], i)
            exposure.append({"label": f"shortfall under the disruption (t {s.get('basis', '')}/yr)",
                             "before": fmt_t(dis["shortfall_t_before"]), "median": fmt_t(sf["q50"]),
                             "band": f"{fmt_t(sf['q10'])} – {fmt_t(sf['q90'])}", "mean": fmt_t(sf.get("mean"))})
        gp = st.get("geopolrisk")
        if gp:
            for key, label in (("import_risk", "import risk Σ g·f / (p + F)"), ("geopolrisk", "GeoPolRisk score")):
                q = _band_at(gp["after"][key], i)
                exposure.append({"label": label, "before": fmt_num(gp["before"][key], 3),
                                 "median": fmt_num(q["q50"], 3),
                                 "band": f"{fmt_num(q['q10'], 3)} – {fmt_num(q['q90'], 3)}",
                                 "mean": fmt_num(q.get("mean"), 3)})
        base = st.get("base") or {}
        stages.append({"name": name, "conc": conc, "exposure": exposure,
                       "hhi_before": fmt_hhi(b.get("hhi")), "hhi_after": fmt_hhi(_band_at(a["hhi"], i)["q50"]),
                       "base": {"year": base.get("base_year", "–"), "source": base.get("source", "–"),
                                "total": fmt_t(base["total"]) if "total" in base else "–",
                                "unit": base.get("unit", ""), "notes": list(base.get("notes") or [])},
                       "partner": {"country": part.get("country", ""), "demand": fmt_t(part.get("demand_t")),
                                   "domestic": fmt_t(part.get("domestic_t"))},
                       "disruption": None if not dis else {
                           "countries": ", ".join(dis.get("countries", [])), "fraction": fmt_pct(dis["fraction"]),
                           "import_share": fmt_pct(dis["import_share"]),
                           "source": dis.get("import_share_source", ""),
                           "restricted": fmt_pct(dis.get("restricted_share_of_stage"))}})
    added = _band_at(s["added_t"], i) if s.get("added_t") else {}
    return {"commodity": s.get("commodity", ""), "basis": s.get("basis", ""), "country": s.get("country", ""),
            "partner": s.get("partner", ""), "draws": f"{int(s.get('draws', 0)):,}", "mode": s.get("mode", ""),
            "partner_rule": s.get("partner_rule", ""), "convention": s.get("convention", ""),
            "prob_built": fmt_pct(s.get("prob_built")),
            "prob_producing": fmt_pct((s.get("prob_producing") or [None] * (i + 1))[i]),
            "year": years[i], "year_index": i + 1,
            "added": {k: fmt_t(v) for k, v in added.items()}, "stages": stages}


def _assumptions(doc: Mapping[str, Any]) -> dict[str, Any]:
    sections = [(name, _flatten(doc[name])) for name in SECTIONS if isinstance(doc.get(name), Mapping)]
    sections += [(name, _flatten(v)) for name, v in doc.items() if name not in SECTIONS and isinstance(v, Mapping)]
    sources = []
    for path, label in ((("supply", "demand_source"), "partner demand"),
                        (("supply", "import_shares_source"), "partner import origins (GeoPolRisk)"),
                        (("supply", "disruption", "import_share_source"), "import share of the restricting countries"),
                        (("resource", "ndpr_source"), "NdPr share of the basis")):
        cur: Any = doc
        for k in path:
            cur = cur.get(k) if isinstance(cur, Mapping) else None
        if cur:
            sources.append({"key": ".".join(path), "label": label, "text": str(cur)})
    return {"sections": sections, "sources": sources}


def _provenance(rec: Mapping[str, Any]) -> dict[str, Any]:
    keys = {st["key"]: st["step"] for st in rec.get("steps", [])}
    steps = [{"step": st["step"], "key": st["key"], "cached": "yes" if st.get("cached") else "no",
              "seed": st.get("seed"), "started": st.get("started_at", ""), "ended": st.get("ended_at", ""),
              "operation": (st.get("provenance") or {}).get("operation", "–"),
              "parents": [(keys.get(k, "?"), k) for k in st.get("parents", [])]} for st in rec.get("steps", [])]
    return {"run_id": rec.get("run_id"), "name": rec.get("name", ""), "operation": rec.get("operation", ""),
            "version": rec.get("version", ""), "seed": rec.get("seed"), "started": rec.get("started_at", ""),
            "ended": rec.get("ended_at", ""), "workflow_sha256": rec.get("workflow_sha256", ""),
            "result_sha256": rec.get("result_sha256", ""),
            "inputs": [{"key": k, "path": v.get("path", ""), "sha256": v.get("sha256", "")}
                       for k, v in sorted((rec.get("inputs") or {}).items())],
            "steps": steps}


# ------------------------------------------------------------------------------------------------ public API


def workflow_context(run: StoredRun, *, title: str | None = None, figures: bool = True) -> dict[str, Any]:
    """Everything the template shows, formatted (numbers as strings, figures as inline SVG markup).

    Parameters
    ----------
    run
        A stored run (:func:`critmin.workflows.archive.load_run`).
    title
        Report title (default: the workflow's name).
    figures
        Draw the figures (False: an HTML without figures, for quick checks).

    Returns
    -------
    dict
        The template context: ``title``, ``summary``, ``tract``, ``resource``, ``economic``, ``project``,
        ``supply``, ``assumptions``, ``provenance`` and ``figures`` (name → SVG markup).
    """
    rec, s = run.record, run.steps
    res = _resource(s["resource"])
    econ = _economic(s["economic_filter"], res["grade"])
    proj = _project(s["project"])
    sup = _supply(s["supply"])
    tract = _tract(s["tract"])
    name = str(rec.get("name") or run.result.get("name") or "Workflow run")
    summary = [("tract area", f"{tract['area']} km²", f"{tract['known']} known deposit(s) inside"),
               ("expected undiscovered deposits", res["pmf"]["mean"],
                f"{str(res['method']).replace('_', ' ')} ({res['pmf']['method']} pmf)"),
               (f"contained {res['grade']}, P50", f"{res['contained_p50']} t", f"{res['trials']} trials"),
               ("P(any economic deposit)", econ["p_any"], f"{econ['fraction']} of simulated deposits economic"),
               ("project NPV (post-tax)", f"{proj['npv']} {proj['unit']}", f"IRR {proj['irr']}"),
               ("probability of loss", proj["mc_rows"][0]["loss"], "project Monte Carlo")]
    for st in sup["stages"]:
        summary.append((f"{st['name']} HHI, year {sup['year_index']}",
                        f"{st['hhi_before']} → {st['hhi_after']}", "before → median after"))
    return {"title": title or name, "name": name, "run_id": rec.get("run_id"), "version": rec.get("version", ""),
            "seed": rec.get("seed"), "summary": summary, "tract": tract, "resource": res, "economic": econ,
            "project": proj, "supply": sup, "assumptions": _assumptions(rec.get("parameters") or {}),
            "provenance": _provenance(rec), "figures": _figures(run) if figures else {}}


def render_workflow_html(run: StoredRun, *, title: str | None = None, figures: bool = True) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG; no URLs).

    Parameters
    ----------
    run
        A stored run.
    title
        Report title (default: the workflow's name).
    figures
        Draw the figures.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    css = (TEMPLATES / "assessment.css").read_text(encoding="utf-8") + "\n" + \
        (TEMPLATES / "workflow.css").read_text(encoding="utf-8")
    return env.get_template("workflow.html.j2").render(**workflow_context(run, title=title, figures=figures),
                                                       css=css)


def write_workflow_report(run: StoredRun, pdf_path: str | Path, *, html_path: str | Path | None = None,
                          title: str | None = None) -> dict[str, Path]:
    """Write the PDF report (and the HTML when ``html_path`` is given).

    Parameters
    ----------
    run
        A stored run.
    pdf_path
        Where to write the PDF.
    html_path
        Where to write the HTML (optional).
    title
        Report title (default: the workflow's name).

    Returns
    -------
    dict
        ``{"pdf": path}`` and, when written, ``{"html": path}``.
    """
    html = render_workflow_html(run, title=title)
    out: dict[str, Path] = {}
    if html_path is not None:
        out["html"] = Path(html_path)
        out["html"].write_text(html, encoding="utf-8")
    out["pdf"] = html_to_pdf(html, pdf_path)
    return out
