"""The cash-flow engine against hand-computed cash flows, one timing convention at a time.

The expected numbers are worked by hand from the conventions in docs/economics.md (toy project: 1 construction
year, 3 production years of 100 t at 10 USD/t, opex 4 USD/t, capex 1,000).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from critmin.economics.cashflow import cash_flows, shift_for_delay
from critmin.economics.evaluate import evaluate
from critmin.economics.project import parse_project


def _rows(d: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: v[0] for k, v in cash_flows(parse_project(d)).rows.items()}


def test_untaxed_toy(base: dict[str, Any]) -> None:
    r = _rows(base)
    # year 1 construction, years 2-4 production, year 5 closure
    np.testing.assert_allclose(r["production"], [0, 100, 100, 100, 0])
    np.testing.assert_allclose(r["ebitda"], [0, 600, 600, 600, 0])
    np.testing.assert_allclose(r["pre_tax_fcf"], [-1000, 600, 600, 600, 0])
    np.testing.assert_allclose(r["post_tax_fcf"], r["pre_tax_fcf"])
    # depreciation starts with production, straight line over 3 years
    np.testing.assert_allclose(r["depreciation"], [0, 1000 / 3, 1000 / 3, 1000 / 3, 0])


def test_tax_loss_carry_forward_and_closure(base: dict[str, Any]) -> None:
    base["fiscal"].update(income_tax_rate=0.3, depreciation_years=1)
    base["costs"]["closure_cost"] = 50.0
    r = _rows(base)
    # year 2: taxable 600 - 1000 = -400 (loss carried); year 3: 600 - 400 = 200 -> tax 60; year 4: 600 -> 180;
    # year 5: closure -50 deductible but no profit left -> no tax
    np.testing.assert_allclose(r["income_tax"], [0, 0, 60, 180, 0])
    np.testing.assert_allclose(r["closure"], [0, 0, 0, 0, 50])
    np.testing.assert_allclose(r["post_tax_fcf"], [-1000, 600, 540, 420, -50])
    base["fiscal"]["loss_carry_forward"] = False
    np.testing.assert_allclose(_rows(base)["income_tax"], [0, 0, 180, 180, 0])


def test_royalty_is_deductible(base: dict[str, Any]) -> None:
    base["fiscal"].update(royalty_rate=0.05, income_tax_rate=0.5, depreciation_years=1)
    r = _rows(base)
    # royalty 50/yr; EBITDA 550; year 2 taxable 550-1000=-450; year 3 550-450=100 -> 50; year 4 550 -> 275
    np.testing.assert_allclose(r["royalty"], [0, 50, 50, 50, 0])
    np.testing.assert_allclose(r["income_tax"], [0, 0, 50, 275, 0])


def test_working_capital_builds_and_is_released_in_last_production_year(base: dict[str, Any]) -> None:
    base["costs"]["working_capital_pct_revenue"] = 10
    base["production"]["ramp_up"] = [0.5]
    r = _rows(base)
    # revenue 500, 1000, 1000 -> balance 50, 100, 0 (released) -> change 50, 50, -100
    np.testing.assert_allclose(r["working_capital_change"], [0, 50, 50, -100, 0])
    np.testing.assert_allclose(r["working_capital_change"].sum(), 0.0)


def test_working_capital_days(base: dict[str, Any]) -> None:
    base["costs"].update(receivable_days=36.5, payable_days=36.5)
    r = _rows(base)
    # balance = 0.1*revenue - 0.1*opex = 100 - 40 = 60 in years 2-3, released in year 4
    np.testing.assert_allclose(r["working_capital_change"], [0, 60, 0, -60, 0])


def test_sustaining_capex_depreciation_and_writeoff(base: dict[str, Any]) -> None:
    base["costs"]["sustaining_capex_per_year"] = 30.0
    base["fiscal"]["depreciation_years"] = 2
    r = _rows(base)
    # initial 1000 over 2 years from year 2: 500, 500; sustaining 30 each year depreciated over 2 years from its
    # year: y2 15, y3 15+15, y4 15+15 + write-off of the last 15 of year-4 sustaining
    np.testing.assert_allclose(r["depreciation"], [0, 515, 530, 45, 0])
    assert r["depreciation"].sum() == pytest.approx(1000 + 90)


def test_royalty_bases_nsr_and_pit_head(base: dict[str, Any]) -> None:
    base["costs"]["freight_per_unit"] = 1.0
    base["fiscal"].update(royalty_rate=0.1, royalty_base="nsr")
    assert _rows(base)["royalty"][1] == pytest.approx(0.1 * (1000 - 100))
    base["fiscal"].update(royalty_base="pit_head", pit_head_deductions_per_unit=2.0,
                          pit_head_deductions_opex_share=0.5)
    # pit-head value = NSR 900 - 2*100 - 0.5*400 = 500
    assert _rows(base)["royalty"][1] == pytest.approx(50.0)


def test_corfo_progressive_bands(base: dict[str, Any]) -> None:
    # SQM-CORFO Annex 5 bands at 12,000 USD/t: 0.068*4000 + 0.08*1000 + 0.10*1000 + 0.17*1000 + 0.25*3000 + 0.40*2000
    base["price"]["flat"] = 12_000.0
    base["fiscal"] = {"regime": "chile_corfo", "depreciation_years": 3}
    per_t = 0.068 * 4000 + 0.08 * 1000 + 0.10 * 1000 + 0.17 * 1000 + 0.25 * 3000 + 0.40 * 2000
    assert per_t == pytest.approx(2172.0)
    assert _rows(base)["royalty"][1] == pytest.approx(100 * per_t)


def test_export_duty_and_clearing_fee(base: dict[str, Any]) -> None:
    base["fiscal"].update(export_duty_rate=0.045, clearing_fee_rate=0.01)
    r = _rows(base)
    assert r["export_duty"][1] == pytest.approx(45.0) and r["clearing_fee"][1] == pytest.approx(10.0)
    assert r["ebitda"][1] == pytest.approx(600 - 55)


def test_resource_rent_tax_garnaut_clunies_ross(base: dict[str, Any]) -> None:
    base["fiscal"].update(resource_rent_tax_rate=0.5, rrt_threshold_rate=0.2)
    r = _rows(base)
    # NCF -1000, 600, 600, 600: balance -1000 -> -1200+600=-600 -> -720+600=-120 -> -144+600=456 -> RRT 228
    np.testing.assert_allclose(r["resource_rent_tax"], [0, 0, 0, 228, 0])


def test_free_carry_withholding_and_attributable(base: dict[str, Any]) -> None:
    base["fiscal"].update(state_free_carry=0.1, dividend_withholding_rate=0.1)
    base["ownership"] = {"equity_share": 0.45}
    r = _rows(base)
    # investor funds 0.45/0.9 = 50 % of the capex, receives 45 % of distributions less 10 % withholding
    np.testing.assert_allclose(r["investor_fcf"], [-500, 0.45 * 0.9 * 600, 243, 243, 0])
    # government: carry 10 % of 600 + withholding on the 90 % private share
    np.testing.assert_allclose(r["government_take"][1], 0.1 * 600 + 0.1 * 0.9 * 600)
    np.testing.assert_allclose((r["government_take"] + r["private_take"]).sum(), r["post_tax_fcf"].sum())


def test_offtake_discount(base: dict[str, Any]) -> None:
    base["offtake"] = {"partner": "USA", "fraction": 0.5, "years": 2, "discount": 0.1, "benefit_to_investor": True}
    r = _rows(base)
    np.testing.assert_allclose(r["offtake_discount"], [0, 50, 50, 0, 0])
    np.testing.assert_allclose(r["investor_fcf"] - r["post_tax_fcf"], r["offtake_discount"])


def test_debt_equal_principal(base: dict[str, Any]) -> None:
    base["financing"] = {"debt_share_of_capex": 0.6, "interest_rate": 0.1, "tenor_years": 2}
    r = _rows(base)
    # draw 600 at the end of year 1 (no interest yet), repaid 300/yr; interest 10 % of the opening balance
    np.testing.assert_allclose(r["debt_draw"], [600, 0, 0, 0, 0])
    np.testing.assert_allclose(r["principal"], [0, 300, 300, 0, 0])
    np.testing.assert_allclose(r["interest"], [0, 60, 30, 0, 0])
    np.testing.assert_allclose(r["equity_fcf"], [-400, 600 - 60 - 300, 600 - 30 - 300, 600, 0])
    # two construction years: interest on the year-1 draw is capitalised in year 2
    base["costs"].update(construction_years=2, capex_phasing=[0.5, 0.5])
    r = _rows(base)
    assert r["principal"][2] == pytest.approx((300 * 1.1 + 300) / 2)


def test_escalation_and_vat(base: dict[str, Any]) -> None:
    base["costs"].update(escalation_rate=0.1, vat_rate_on_capex=0.2, vat_refund_lag_years=2)
    r = _rows(base)
    np.testing.assert_allclose(r["opex"], [0, 440, 484, 532.4, 0])
    np.testing.assert_allclose(r["vat_net"], [-200, 0, 200, 0, 0])


def test_multipliers_vectorise(base: dict[str, Any]) -> None:
    p = parse_project(base)
    cf = cash_flows(p, price_mult=np.array([1.0, 2.0]), opex_mult=np.array([1.0, 0.5]))
    np.testing.assert_allclose(cf["ebitda"][:, 1], [600, 2000 - 200])


def test_mid_year_discounting(base: dict[str, Any]) -> None:
    base["valuation"]["discounting"] = "mid_year"
    res = evaluate(parse_project(base))
    flows = np.array([-1000, 600, 600, 600, 0])
    expected = sum(f / 1.1 ** (t - 0.5) for t, f in enumerate(flows, start=1))
    assert res.post_tax.npv == pytest.approx(expected)


def test_delay_shift() -> None:
    flows = np.array([[-10.0, 5, 6, 7], [-10.0, 5, 6, 7]])
    out = shift_for_delay(flows, np.array([0, 2]), construction_years=1)
    np.testing.assert_allclose(out, [[-10, 5, 6, 7, 0, 0], [-10, 0, 0, 5, 6, 7]])
