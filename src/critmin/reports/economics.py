"""PDF report of a project evaluation: assumptions, cash-flow table and chart, NPV/IRR, risk, ESG, provenance.

Rendered from ``templates/economics.html.j2`` to one self-contained HTML document (inline CSS and SVG, no URLs)
and to PDF with WeasyPrint (:func:`critmin.reports.render.html_to_pdf`, offline).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from critmin.economics.esg import screen
from critmin.economics.evaluate import EconResult
from critmin.economics.risk import MonteCarloResult, SensitivityResult
from critmin.reports.render import TEMPLATES, html_to_pdf

__all__ = ["economics_context", "render_economics_html", "write_economics_report"]

_TABLE_ROWS = ("production", "realised_revenue", "royalty", "export_duty", "clearing_fee", "opex", "ebitda",
               "depreciation", "income_tax", "resource_rent_tax", "initial_capex", "sustaining_capex",
               "working_capital_change", "closure", "pre_tax_fcf", "post_tax_fcf", "investor_fcf",
               "government_take")


def _m(x: Any) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{float(x) / 1e6:,.1f}"


def _pct(x: Any) -> str:
    return "—" if x is None else f"{100 * float(x):.1f} %"


def _num(x: Any, digits: int = 0) -> str:
    return "—" if x is None else f"{float(x):,.{digits}f}"


def economics_context(res: EconResult, *, sens: SensitivityResult | None = None, mc: MonteCarloResult | None = None,
                      figures: bool = True) -> dict[str, Any]:
    """Template context (strings already formatted)."""
    from critmin.plot.assessment import figure_to_svg

    p = res.project
    d = res.to_dict(include_table=False)
    df = res.table()
    years = [str(int(y)) for y in (df["calendar_year"] if "calendar_year" in df else df["year"])]
    table = [{"label": k.replace("_", " "), "cells": [_num(v) if k == "production" else _m(v) for v in df[k]]}
             for k in _TABLE_ROWS if k in df and (df[k] != 0).any()]
    metrics = [{"basis": b, "npv": _m(m.npv), "irr": _pct(m.irr) if m.irr is not None else f"— ({m.irr_reason})",
                "payback": _num(m.payback_years, 1), "payback_c": _num(m.payback_from_construction_start_years, 1),
                "rates": {k: _m(v) for k, v in m.npv_by_rate.items()}}
               for b, m in (("post-tax, 100 %", res.post_tax), ("pre-tax, 100 %", res.pre_tax),
                            (f"attributable ({p.ownership.equity_share:.0%})", res.attributable))]
    published = p.raw.get("published") if isinstance(p.raw.get("published"), dict) else None
    comparison = []
    if published:
        for key, label, model in (("npv_post_tax", "post-tax NPV", res.post_tax.npv),
                                  ("irr_post_tax", "post-tax IRR", res.post_tax.irr),
                                  ("npv_pre_tax", "pre-tax NPV", res.pre_tax.npv),
                                  ("irr_pre_tax", "pre-tax IRR", res.pre_tax.irr)):
            if key in published and model is not None:
                pub = float(published[key])
                fmt = _pct if key.startswith("irr") else _m
                comparison.append({"label": label, "model": fmt(model), "published": fmt(pub),
                                   "gap": f"{100 * (model / pub - 1):+.1f} %"})
    assumptions = [
        ("Product", f"{p.product}; nameplate {p.production.annual_output:,.0f} per year for {p.production.life_years} "
                    f"years; ramp-up {list(p.production.ramp_up) or 'none'}"),
        ("Price", f"{min(p.price.per_year):,.0f}–{max(p.price.per_year):,.0f} {p.currency} per unit "
                  f"({p.price.source or 'project file'})"),
        ("Capital", f"{_m(p.costs.capex)} M {p.currency} over {p.costs.construction_years} years "
                    f"{list(p.costs.capex_phasing)}; sustaining {_m(p.costs.sustaining_capex_per_year)} M/yr; "
                    f"closure {_m(p.costs.closure_cost)} M"),
        ("Operating cost", f"{p.costs.opex_per_unit:,.0f} {p.currency} per unit; working capital "
                           f"{p.costs.working_capital_pct_revenue:g} % of revenue"),
        ("Fiscal", f"regime {p.fiscal.regime or '—'}; royalty {_pct(p.fiscal.royalty_rate)} on {p.fiscal.royalty_base}"
                   f"{' + progressive bands' if p.fiscal.royalty_bands else ''}; CIT {_pct(p.fiscal.income_tax_rate)}; "
                   f"depreciation {p.fiscal.depreciation_years} years; RRT {_pct(p.fiscal.resource_rent_tax_rate)}; "
                   f"state free carry {_pct(p.fiscal.state_free_carry)}"),
        ("Valuation", f"{_pct(p.valuation.discount_rate)} {p.valuation.real_or_nominal}, "
                      f"{p.valuation.discounting.replace('_', '-')} discounting; year 1 = first construction year"),
        ("Ownership", f"co-investor {p.ownership.equity_share:.0%}; offtake {p.offtake.fraction:.0%} at "
                      f"{p.offtake.discount:.0%} discount for {p.offtake.years} years ({p.offtake.partner or '—'})"),
    ]
    figs: dict[str, str] = {}
    if figures:
        from critmin.plot.economics import plot_cash_flow, plot_npv_histogram, plot_spider, plot_tornado

        figs["cash_flow"] = figure_to_svg(plot_cash_flow(res))
        if sens is not None:
            figs["tornado"] = figure_to_svg(plot_tornado(sens, p.currency))
            figs["spider"] = figure_to_svg(plot_spider(sens, p.currency))
        if mc is not None:
            figs["mc"] = figure_to_svg(plot_npv_histogram(mc, p.currency))
    esg_raw = p.raw.get("esg")
    esg = screen(esg_raw).to_dict() if isinstance(esg_raw, dict) else None
    g = res.government_take
    return {
        "title": p.name, "study": p.study, "currency": p.currency, "product": p.product,
        "version": res.provenance.version, "created_at": res.provenance.created_at,
        "metrics": metrics, "rates": sorted(res.post_tax.npv_by_rate), "comparison": comparison,
        "published_source": (published or {}).get("source", ""), "assumptions": assumptions,
        "unit_costs": {k: _num(v) if not isinstance(v, str) else v for k, v in res.unit_costs.items()},
        "breakeven": _num(res.breakeven_price), "years": years, "table": table,
        "take": {"gov_pv": _m(g["government_pv"]), "inv_pv": _m(g["investors_pv"]),
                 "share_pv": _pct(g["government_share_pv"]), "share_u": _pct(g["government_share_undiscounted"])},
        "sens": sens.to_dict() if sens else None,
        "tornado": [{"driver": r["driver"], "low": _m(r["npv_low"]), "high": _m(r["npv_high"])}
                    for r in (sens.tornado if sens else [])],
        "mc": {k: (_pct(v) if k.endswith("prob_negative") else _m(v)) for k, v in mc.summary.items()} if mc else None,
        "mc_draws": f"{mc.npv.size:,}" if mc else "", "mc_seed": mc.provenance.seed if mc else None,
        "esg": esg, "warnings": list(res.warnings), "fiscal_sources": d["fiscal"]["sources"],
        "provenance": res.provenance.to_dict(), "figures": figs,
    }


def render_economics_html(res: EconResult, *, sens: SensitivityResult | None = None,
                          mc: MonteCarloResult | None = None, figures: bool = True) -> str:
    """The report as one self-contained HTML document."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    css = (TEMPLATES / "assessment.css").read_text(encoding="utf-8") + "\n" + \
        (TEMPLATES / "economics.css").read_text(encoding="utf-8")
    return env.get_template("economics.html.j2").render(**economics_context(res, sens=sens, mc=mc, figures=figures),
                                                        css=css)


def write_economics_report(res: EconResult, pdf_path: str | Path, *, sens: SensitivityResult | None = None,
                           mc: MonteCarloResult | None = None, html_path: str | Path | None = None) -> Path:
    """Write the PDF (and the HTML when ``html_path`` is given); returns the PDF path."""
    html = render_economics_html(res, sens=sens, mc=mc)
    if html_path is not None:
        Path(html_path).write_text(html, encoding="utf-8")
    return html_to_pdf(html, pdf_path)
