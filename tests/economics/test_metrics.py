"""NPV, IRR and payback against closed-form cases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from critmin.economics.evaluate import evaluate
from critmin.economics.metrics import irr, npv, payback
from critmin.economics.project import parse_project


def test_npv_end_year_discounts_year_one() -> None:
    # unlike numpy_financial.npv, year 1 is discounted a full year
    assert npv([-100.0, 110.0], 0.1) == pytest.approx(-100 / 1.1 + 110 / 1.21)


def test_irr_simple() -> None:
    r = irr([-100.0, 110.0])
    assert r.value == pytest.approx(0.10, abs=1e-10) and r.reason is None


def test_irr_annuity_closed_form() -> None:
    # -1000 then 5 x 263.797... : the annuity factor at 10 % for 5 years is 3.790787
    pay = 1000 / 3.790786769
    r = irr([-1000.0, *([pay] * 5)], "end_year")
    # flows start in year 1, so the same IRR as the textbook t=0 convention
    assert r.value == pytest.approx(0.10, abs=1e-8)


def test_irr_multiple_roots_reported() -> None:
    # -1, 5, -6: (1+r)^2 - 5(1+r) + 6 = 0 -> 1+r in {2, 3} -> r in {1, 2}
    r = irr([-1.0, 5.0, -6.0])
    assert r.value is None and "not unique" in (r.reason or "")
    assert r.roots == pytest.approx((1.0, 2.0), abs=1e-9)


def test_irr_no_sign_change() -> None:
    r = irr([100.0, 50.0])
    assert r.value is None and "non-negative" in (r.reason or "")
    r = irr([0.0, 0.0])
    assert r.value is None and "zero" in (r.reason or "")


def test_irr_no_root_in_range() -> None:
    r = irr([-100.0, 10.0, 10.0])  # never pays back: IRR < -50 %
    assert r.value is None and "does not change sign" in (r.reason or "")


def test_payback_interpolated() -> None:
    flows = [-1000.0, 600.0, 600.0, 600.0]
    assert payback(flows) == pytest.approx(1 + 1 + 400 / 600)  # from start of year 1
    assert payback(flows, start_year=2) == pytest.approx(1 + 400 / 600)
    assert payback([-10.0, 1.0]) is None


def test_breakeven_price_gives_zero_npv(base: dict[str, Any]) -> None:
    base["fiscal"].update(income_tax_rate=0.3, royalty_rate=0.05)
    p = parse_project(base)
    res = evaluate(p)
    assert res.breakeven_price is not None
    base["price"]["flat"] = res.breakeven_price
    assert abs(evaluate(parse_project(base)).post_tax.npv) < 1e-6


def test_unit_costs(base: dict[str, Any]) -> None:
    base["costs"].update(sustaining_capex_per_year=30.0, freight_per_unit=1.0)
    base["fiscal"]["royalty_rate"] = 0.05
    base["production"]["byproducts"] = [{"name": "K2SO4", "annual_output": 10.0, "price_per_unit": 5.0}]
    res = evaluate(parse_project(base))
    # C1 = opex 4 + freight 1 - by-product credit 0.5 per t; AISC adds royalty (5 % of 1,050)/100 and 0.3
    assert res.unit_costs["c1_per_unit"] == pytest.approx(4.5)
    assert res.unit_costs["aisc_per_unit"] == pytest.approx(4.5 + 0.525 + 0.3)


def test_result_json_keys(base: dict[str, Any]) -> None:
    d = evaluate(parse_project(base)).to_dict()
    for k in ("npv", "irr", "irr_reason", "payback_years", "payback_from_construction_start_years", "pre_tax",
              "attributable", "npv_by_rate", "unit_costs", "breakeven_price", "government_take", "cash_flow",
              "provenance"):
        assert k in d
    assert set(d["pre_tax"]) >= {"npv", "irr", "payback_years", "npv_by_rate"}
    assert set(d["npv_by_rate"]) == {"0.05", "0.08", "0.1"}
    assert d["provenance"]["inputs_sha256"] and d["provenance"]["version"]
    assert np.isfinite(d["npv"])
