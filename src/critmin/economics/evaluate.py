"""Evaluate a project: cash-flow table, NPV/IRR/payback (post-tax, pre-tax, attributable), unit costs,
break-even price and government vs investor take, with provenance.

Unit costs follow the conventions of the economics notes (§1.2): C1 = (opex + freight + TC/RC − by-product
credits) / units; AISC = C1 + (royalties + export duty + clearing fees + sustaining capex) / units, both
life-of-mine averages over the production years (World Gold Council 2013/2018 guidance for the AISC items).

References
----------
World Gold Council, 2018, Guidance Note on Non-GAAP Metrics — All-In Sustaining Costs and All-In Costs
(https://www.gold.org/goldhub/research/non-gaap-metrics-guide).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from critmin.economics.cashflow import ROWS, CashFlows, cash_flows
from critmin.economics.metrics import IrrResult, irr, npv, payback
from critmin.economics.project import Project
from critmin.provenance import RunRecord, utcnow

__all__ = ["EconResult", "Metrics", "breakeven_multiplier", "evaluate"]


@dataclass(frozen=True)
class Metrics:
    """NPV/IRR/payback of one cash-flow stream."""

    npv: float
    irr: float | None
    irr_reason: str | None
    irr_roots: tuple[float, ...]
    payback_years: float | None
    payback_from_construction_start_years: float | None
    npv_by_rate: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (the keys of ``pre_tax`` and ``attributable`` in the CLI JSON)."""
        return {"npv": self.npv, "irr": self.irr, "irr_reason": self.irr_reason, "irr_roots": list(self.irr_roots),
                "payback_years": self.payback_years,
                "payback_from_construction_start_years": self.payback_from_construction_start_years,
                "npv_by_rate": dict(self.npv_by_rate)}


@dataclass(frozen=True)
class EconResult:
    """The evaluation of one project."""

    project: Project
    flows: CashFlows
    post_tax: Metrics
    pre_tax: Metrics
    attributable: Metrics
    unit_costs: dict[str, Any]
    breakeven_price: float | None
    breakeven_price_multiplier: float | None
    government_take: dict[str, float | None]
    totals: dict[str, float]
    provenance: RunRecord
    warnings: tuple[str, ...] = field(default=())

    def table(self) -> pd.DataFrame:
        """The annual cash-flow table: one row per year (``year`` 1 = first construction year)."""
        df = pd.DataFrame({k: self.flows.rows[k][0] for k in ROWS})
        df.insert(0, "year", np.arange(1, self.flows.years + 1))
        phase = ["construction"] * self.flows.construction_years + ["production"] * self.flows.life_years + \
            ["closure"]
        df.insert(1, "phase", phase)
        if self.project.first_year is not None:
            df.insert(1, "calendar_year", self.project.first_year + np.arange(self.flows.years))
        df["cumulative_post_tax_fcf"] = df["post_tax_fcf"].cumsum()
        v = self.project.valuation
        df["discounted_post_tax_fcf"] = df["post_tax_fcf"].to_numpy() * _dfs(self.flows.years, v.discount_rate,
                                                                             v.discounting)
        return df

    def to_dict(self, *, include_table: bool = True) -> dict[str, Any]:
        """JSON document of ``critmin econ evaluate --json`` (keys documented in docs/economics.md)."""
        p = self.project
        d: dict[str, Any] = {
            "project": p.name, "currency": p.currency, "product": p.product,
            "basis": "100 % project, post-tax (after royalties, income tax and resource rent tax), unlevered",
            "discount_rate": p.valuation.discount_rate, "real_or_nominal": p.valuation.real_or_nominal,
            "discounting": p.valuation.discounting,
            **{k: v for k, v in self.post_tax.to_dict().items()},
            "pre_tax": self.pre_tax.to_dict(),
            "attributable": {**self.attributable.to_dict(), "equity_share": p.ownership.equity_share,
                             "state_free_carry": p.fiscal.state_free_carry,
                             "dividend_withholding_rate": p.fiscal.dividend_withholding_rate,
                             "levered": p.financing.debt_share_of_capex > 0},
            "unit_costs": dict(self.unit_costs),
            "breakeven_price": self.breakeven_price,
            "breakeven_price_multiplier": self.breakeven_price_multiplier,
            "government_take": dict(self.government_take),
            "totals": dict(self.totals),
            "fiscal": {"regime": p.fiscal.regime, "royalty_rate": p.fiscal.royalty_rate,
                       "royalty_base": p.fiscal.royalty_base, "income_tax_rate": p.fiscal.income_tax_rate,
                       "sources": dict(p.fiscal.sources)},
            "warnings": list(self.warnings),
            "provenance": self.provenance.to_dict(),
        }
        if include_table:
            t = self.table()
            d["cash_flow"] = [{k: (_clean(v)) for k, v in row.items()} for row in t.to_dict(orient="records")]
        return d


def _clean(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _dfs(years: int, rate: float, discounting: str) -> np.ndarray:
    t = np.arange(1, years + 1, dtype=float) - (0.5 if discounting == "mid_year" else 0.0)
    return np.asarray((1.0 + rate) ** -t)


def _metrics(flows: np.ndarray, project: Project) -> Metrics:
    v = project.valuation
    rates = sorted({*v.npv_rates, v.discount_rate})
    ir: IrrResult = irr(flows, v.discounting)
    c = project.costs.construction_years
    return Metrics(npv=float(npv(flows, v.discount_rate, v.discounting)), irr=ir.value, irr_reason=ir.reason,
                   irr_roots=ir.roots, payback_years=payback(flows, start_year=c + 1),
                   payback_from_construction_start_years=payback(flows, start_year=1),
                   npv_by_rate={f"{r:g}": float(npv(flows, r, v.discounting)) for r in rates})


def breakeven_multiplier(project: Project, stream: str = "post_tax_fcf") -> float | None:
    """Price multiplier at which the NPV of ``stream`` at the project rate is zero (``None`` if not in (0, 20])."""
    v = project.valuation

    def f(m: float) -> float:
        cf = cash_flows(project, price_mult=np.array([m]))
        return float(npv(cf[stream][0], v.discount_rate, v.discounting))

    lo, hi = 1e-6, 20.0
    flo, fhi = f(lo), f(hi)
    if flo > 0:
        return 0.0
    if fhi < 0:
        return None
    return float(brentq(f, lo, hi, xtol=1e-10))


def evaluate(project: Project) -> EconResult:
    """Evaluate a validated project (deterministic base case)."""
    started = utcnow()
    cf = cash_flows(project)
    r = {k: v[0] for k, v in cf.rows.items()}
    post, pre, att = (_metrics(r[k], project) for k in ("post_tax_fcf", "pre_tax_fcf", "investor_fcf"))
    c, life = cf.construction_years, cf.life_years
    prod = slice(c, c + life)
    units = float(r["production"][prod].sum())
    byp = float(r["byproduct_revenue"][prod].sum())
    opex = float(r["opex"][prod].sum())
    c1_total = opex + float(r["freight_tc_rc"][prod].sum()) - byp
    aisc_total = c1_total + float((r["royalty"] + r["export_duty"] + r["clearing_fee"])[prod].sum()) + \
        float(r["sustaining_capex"][prod].sum())
    unit_costs: dict[str, Any] = {
        "unit": f"{project.currency} per {project.product}",
        "opex_per_unit": opex / units if units else None,
        "c1_per_unit": c1_total / units if units else None,
        "aisc_per_unit": aisc_total / units if units else None,
    }
    m = breakeven_multiplier(project)
    avg_price = float((r["price"][prod] * r["production"][prod]).sum() / units) if units else None
    v = project.valuation
    dfs = _dfs(cf.years, v.discount_rate, v.discounting)
    gov, private = r["government_take"], r["private_take"]
    pre_gov = gov + private  # cash flow before any government take
    gov_u, priv_u = float(gov.sum()), float(private.sum())
    gov_pv, priv_pv = float(gov @ dfs), float(private @ dfs)
    take = {
        "government_undiscounted": gov_u, "investors_undiscounted": priv_u,
        "government_share_undiscounted": gov_u / float(pre_gov.sum()) if pre_gov.sum() > 0 else None,
        "government_pv": gov_pv, "investors_pv": priv_pv,
        "government_share_pv": gov_pv / (gov_pv + priv_pv) if (gov_pv + priv_pv) > 0 else None,
        "royalties": float(r["royalty"].sum()), "export_duty_and_fees": float((r["export_duty"]
                                                                               + r["clearing_fee"]).sum()),
        "income_tax": float(r["income_tax"].sum()), "resource_rent_tax": float(r["resource_rent_tax"].sum()),
        "state_carry_and_withholding": float((gov - r["royalty"] - r["export_duty"] - r["clearing_fee"]
                                              - r["income_tax"] - r["resource_rent_tax"]).sum()),
    }
    totals = {k: float(r[k].sum()) for k in ("production", "gross_revenue", "realised_revenue", "royalty", "opex",
                                               "ebitda", "income_tax", "initial_capex", "sustaining_capex",
                                               "closure", "pre_tax_fcf", "post_tax_fcf")}
    totals["average_annual_ebitda"] = float(r["ebitda"][prod].mean())
    totals["peak_funding"] = float(-np.minimum(np.cumsum(r["post_tax_fcf"]), 0.0).max())
    totals["npv_to_capex"] = post.npv / project.costs.capex if project.costs.capex else float("nan")
    warnings = []
    if post.irr is None:
        warnings.append(f"post-tax IRR {post.irr_reason}")
    if project.fiscal.regime:
        from critmin.economics.regimes import list_regimes

        st = {x.regime: x.status for x in list_regimes()}.get(project.fiscal.regime, "")
        if st in ("secondary", "partial", "unsourced"):
            warnings.append(f"fiscal regime {project.fiscal.regime!r} is {st}: check its terms against the law")
    rec = RunRecord.create("economics.evaluate", inputs_sha256=project.inputs_sha256,
                           parameters={"source_file": project.source_file}, started_at=started)
    return EconResult(project=project, flows=cf, post_tax=post, pre_tax=pre, attributable=att,
                      unit_costs=unit_costs, breakeven_price=(m * avg_price if (m is not None and avg_price) else None),
                      breakeven_price_multiplier=m, government_take=take,
                      totals={k: (v if math.isfinite(v) else None) for k, v in totals.items()},  # type: ignore[misc]
                      provenance=rec, warnings=tuple(warnings))
