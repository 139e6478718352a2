"""Annual cash flows of a project, vectorised over scenarios (rows) and years (columns).

Timing conventions (each documented in ``docs/economics.md``):

* year 1 is the first construction year; construction takes ``costs.construction_years`` years and initial
  capex is spread by ``costs.capex_phasing``;
* production starts the year after construction and lasts ``production.life_years`` years; ramp-up fractions
  apply to the first production years;
* initial capex is depreciated straight line over ``fiscal.depreciation_years`` from the first production year;
  sustaining capex likewise from the year it is spent; any undepreciated balance is written off in the last
  production year;
* royalties, export duty and clearing fees are deductible for income tax; tax losses carry forward without
  limit (``fiscal.loss_carry_forward``); closure is deductible in the year it is paid;
* working capital is a balance proportional to revenue (or set by receivable/inventory/payable days); its change
  is a cash flow; it is released in full in the last production year;
* closure is paid the year after production ends (year ``construction_years + life_years + 1``, the last
  column);
* the resource rent tax follows Garnaut & Clunies Ross: negative post-income-tax net cash flows accumulate at
  ``fiscal.rrt_threshold_rate``; a positive balance is taxed at ``fiscal.resource_rent_tax_rate``;
* cost escalation compounds from year 1 (factor ``(1 + e)^(t-1)``).

Every scenario row can scale price, opex, capex and output (grade × recovery) by a multiplier, which is how
sensitivities and the Monte Carlo reuse this one engine.

References
----------
Garnaut, R., and Clunies Ross, A., 1975, Uncertainty, risk aversion and the taxing of natural resource projects:
The Economic Journal 85(338), 272–287, doi:10.2307/2230992.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from critmin.economics.project import Project

__all__ = ["ROWS", "CashFlows", "cash_flows", "shift_for_delay"]

F64 = NDArray[np.float64]

ROWS: tuple[str, ...] = (
    "production", "price", "gross_revenue", "offtake_discount", "realised_revenue", "freight_tc_rc",
    "net_revenue", "royalty", "export_duty", "clearing_fee", "opex", "ebitda", "depreciation", "taxable_income",
    "income_tax", "resource_rent_tax", "initial_capex", "sustaining_capex", "vat_net", "working_capital_change",
    "closure", "pre_tax_fcf", "post_tax_fcf", "debt_draw", "interest", "principal", "equity_fcf",
    "investor_fcf", "government_take", "private_take", "byproduct_revenue",
)
"""Rows of the annual cash-flow table (money in currency units; production in product units)."""


@dataclass(frozen=True)
class CashFlows:
    """Annual rows of shape (scenarios, years); year ``t`` is column ``t - 1``."""

    rows: dict[str, F64]
    construction_years: int
    life_years: int

    @property
    def years(self) -> int:
        """Number of columns (construction + production + closure year)."""
        return self.construction_years + self.life_years + 1

    def __getitem__(self, key: str) -> F64:
        return self.rows[key]


def _col(n: int, v: F64 | None) -> F64:
    if v is None:
        return np.ones((n, 1))
    a = np.asarray(v, dtype=float)
    return a if a.ndim == 2 else a.reshape(-1, 1)


def cash_flows(project: Project, *, price_mult: F64 | None = None, opex_mult: F64 | None = None,
               capex_mult: F64 | None = None, output_mult: F64 | None = None,
               scenarios: int | None = None) -> CashFlows:
    """Build the annual cash-flow rows for one or many scenarios.

    Parameters
    ----------
    project
        A validated project.
    price_mult, opex_mult, capex_mult, output_mult
        Optional per-scenario multipliers (1-D arrays of equal length); ``None`` means 1. ``price_mult`` may also
        be 2-D (scenarios × years, one multiplier per scenario and year: a price path).
    scenarios
        Number of scenarios when no multiplier is given (default 1).
    """
    sizes = {len(np.atleast_1d(m)) for m in (price_mult, opex_mult, capex_mult, output_mult) if m is not None}
    n = sizes.pop() if sizes else (scenarios or 1)
    pm, om, cm, qm = (_col(n, m) for m in (price_mult, opex_mult, capex_mult, output_mult))
    c, life = project.costs.construction_years, project.production.life_years
    t_total = c + life + 1
    prod = slice(c, c + life)
    f, costs, pr = project.fiscal, project.costs, project.production
    esc = (1.0 + costs.escalation_rate) ** np.arange(t_total, dtype=float)[None, :]

    def z() -> F64:
        return np.zeros((n, t_total))

    ramp = np.ones(life)
    ramp[: len(pr.ramp_up)] = pr.ramp_up
    shape = z()
    shape[:, prod] = ramp[None, :]
    shape = shape * qm
    q = pr.annual_output * shape
    price = z()
    price[:, prod] = np.asarray(project.price.per_year)[None, :]
    price = price * pm
    gross_main = q * price * pr.payability
    byp = shape * pm * sum(b.annual_output * b.price_per_unit for b in pr.byproducts)
    gross = gross_main + byp
    off = z()
    if project.offtake.fraction > 0 and project.offtake.discount > 0 and project.offtake.years > 0:
        yrs = min(project.offtake.years, life)
        off[:, c:c + yrs] = project.offtake.fraction * project.offtake.discount * gross_main[:, c:c + yrs]
    realised = gross - off
    freight = (costs.freight_per_unit + costs.tc_rc_per_unit) * q * esc
    nsr = realised - freight
    opex = (costs.opex_per_unit * q + costs.fixed_opex_per_year * (shape > 0)) * om * esc
    if f.royalty_base == "gross_revenue":
        base = realised
    elif f.royalty_base == "nsr":
        base = nsr
    else:
        base = np.maximum(nsr - f.pit_head_deductions_per_unit * q * esc - f.pit_head_deductions_opex_share * opex,
                          0.0)
    royalty = f.royalty_rate * base
    if f.royalty_bands:
        unit_price = price * pr.payability
        per_unit = np.zeros_like(unit_price)
        for lo, hi, rate in f.royalty_bands:
            per_unit += rate * np.clip(unit_price - lo, 0.0, hi - lo)
        royalty = royalty + per_unit * q
    export = f.export_duty_rate * realised
    clearing = f.clearing_fee_rate * realised
    ebitda = nsr - royalty - export - clearing - opex

    phasing = np.asarray(costs.capex_phasing)
    init = z()
    init[:, :c] = costs.capex * phasing[None, :]
    init = init * cm * esc
    sust = z()
    sust[:, prod] = costs.sustaining_capex_per_year
    sust = sust * cm * esc
    vat = z()
    if costs.vat_rate_on_capex > 0:
        paid = costs.vat_rate_on_capex * init
        vat -= paid
        lag = costs.vat_refund_lag_years
        for j in range(c):
            vat[:, min(j + lag, t_total - 1)] += paid[:, j]
    dep = _depreciation(init, sust, c, life, f.depreciation_years)
    closure = z()
    closure[:, c + life] = costs.closure_cost
    closure = closure * esc
    wc_bal = z()
    if costs.receivable_days is not None or costs.inventory_days is not None or costs.payable_days is not None:
        wc_bal = ((costs.receivable_days or 0.0) * realised + ((costs.inventory_days or 0.0)
                  - (costs.payable_days or 0.0)) * opex) / 365.0
    else:
        wc_bal = costs.working_capital_pct_revenue / 100.0 * realised
    wc_bal[:, c + life - 1:] = 0.0
    dwc = np.diff(wc_bal, axis=1, prepend=0.0)

    taxable = ebitda - dep - closure
    tax = _income_tax(taxable, f.income_tax_rate, f.loss_carry_forward)
    pre = ebitda - init - sust + vat - dwc - closure
    ncf = pre - tax
    rrt = _rent_tax(ncf, f.resource_rent_tax_rate, f.rrt_threshold_rate or 0.0)
    post = ncf - rrt

    draw, interest, principal = _debt(project, init)
    levered = post + draw - interest * (1.0 - f.income_tax_rate) - principal
    carry, wht = f.state_free_carry, f.dividend_withholding_rate
    e = project.ownership.equity_share
    pos, neg = np.maximum(levered, 0.0), np.minimum(levered, 0.0)
    paying = 1.0 - carry
    investor = (e / paying if paying > 0 else 0.0) * neg + e * (1.0 - wht) * pos
    if project.offtake.benefit_to_investor:
        investor = investor + off
    gov = royalty + export + clearing + tax + rrt + carry * pos + wht * paying * pos
    private = paying * (1.0 - wht) * pos + neg
    rows = {
        "production": q, "price": price, "gross_revenue": gross, "offtake_discount": off,
        "realised_revenue": realised, "freight_tc_rc": freight, "net_revenue": nsr, "royalty": royalty,
        "export_duty": export, "clearing_fee": clearing, "opex": opex, "ebitda": ebitda, "depreciation": dep,
        "taxable_income": taxable, "income_tax": tax, "resource_rent_tax": rrt, "initial_capex": init,
        "sustaining_capex": sust, "vat_net": vat, "working_capital_change": dwc, "closure": closure,
        "pre_tax_fcf": pre, "post_tax_fcf": post, "debt_draw": draw, "interest": interest, "principal": principal,
        "equity_fcf": levered, "investor_fcf": investor, "government_take": gov, "private_take": private,
        "byproduct_revenue": byp,
    }
    return CashFlows(rows=rows, construction_years=c, life_years=life)


def _depreciation(init: F64, sust: F64, c: int, life: int, years: int) -> F64:
    """Straight-line depreciation: initial capex from the first production year, sustaining from its year."""
    n, t_total = init.shape
    dep = np.zeros((n, t_total))
    total_init = init.sum(axis=1, keepdims=True)
    span = min(years, life)
    dep[:, c:c + span] = total_init / years
    cs = np.cumsum(sust, axis=1)
    lagged = np.zeros_like(cs)
    if years < t_total:
        lagged[:, years:] = cs[:, :-years]
    dep += (cs - lagged) / years
    last = c + life - 1
    dep[:, last + 1:] = 0.0
    depreciable = total_init[:, 0] + sust[:, : last + 1].sum(axis=1)
    dep[:, last] += depreciable - dep[:, : last + 1].sum(axis=1)
    return dep


def _income_tax(taxable: F64, rate: float, carry_forward: bool) -> F64:
    if not carry_forward:
        return rate * np.maximum(taxable, 0.0)
    tax = np.zeros_like(taxable)
    losses = np.zeros(taxable.shape[0])
    for j in range(taxable.shape[1]):
        avail = taxable[:, j] + losses
        tax[:, j] = rate * np.maximum(avail, 0.0)
        losses = np.minimum(avail, 0.0)
    return tax


def _rent_tax(ncf: F64, rate: float, threshold: float) -> F64:
    rrt = np.zeros_like(ncf)
    if rate <= 0:
        return rrt
    balance = np.zeros(ncf.shape[0])
    for j in range(ncf.shape[1]):
        b = balance * (1.0 + threshold) + ncf[:, j]
        rrt[:, j] = rate * np.maximum(b, 0.0)
        balance = np.minimum(b, 0.0)
    return rrt


def _debt(project: Project, init: F64) -> tuple[F64, F64, F64]:
    fin = project.financing
    n, t_total = init.shape
    draw, interest, principal = (np.zeros((n, t_total)) for _ in range(3))
    if fin.debt_share_of_capex <= 0:
        return draw, interest, principal
    c = project.costs.construction_years
    draw[:, :c] = fin.debt_share_of_capex * init[:, :c]
    balance = np.zeros(n)
    for j in range(c):  # interest capitalised during construction
        balance = balance * (1.0 + fin.interest_rate) + draw[:, j]
    repay = balance / fin.tenor_years
    for j in range(c, min(c + fin.tenor_years, t_total)):
        interest[:, j] = fin.interest_rate * balance
        principal[:, j] = np.minimum(repay, balance)
        balance = balance - principal[:, j]
    return draw, interest, principal


def shift_for_delay(flows: F64, delay_years: NDArray[np.int64], construction_years: int) -> F64:
    """Delay production: columns from the first production year move ``delay`` years later per row.

    Construction spending stays where it is (the money is committed; first production is late). The output
    has ``max(delay)`` more columns.
    """
    d = np.asarray(delay_years, dtype=np.int64).reshape(-1)
    n, t_total = flows.shape
    extra = int(d.max()) if d.size else 0
    if extra == 0:
        return flows
    out = np.zeros((n, t_total + extra))
    out[:, :construction_years] = flows[:, :construction_years]
    cols = np.arange(construction_years, t_total)[None, :] + d[:, None]
    rows = np.arange(n)[:, None]
    out[rows, cols] = flows[:, construction_years:]
    return out
