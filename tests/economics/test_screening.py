"""Screening-grade estimates: Busch et al. (2025) Data S2 intensities, Taylor's rule, Camm (1991), six-tenths."""

from __future__ import annotations

import pytest

from critmin.economics.screening import (
    camm_cost,
    lithium_intensity,
    lithium_intensity_table,
    six_tenths,
    taylor_rule,
)
from critmin.errors import InputError
from tests.economics.conftest import BUSCH

S2 = BUSCH / "Data_S2_lithium_deposit_database.xlsx"


def test_brine_and_hard_rock_capex_intensity_match_the_notes() -> None:
    # critmin economics notes §1.6 (computed from Busch et al. 2025 Data S2): brine median US$23,400 per t/a LCE
    # (IQR 15,300-39,200, n = 27); hard rock median US$5,700 (IQR 3,600-14,700, n = 22); brine opex median
    # US$3,842/t LCE (n = 26)
    brine = lithium_intensity(S2, "Brine")
    cap = brine["capex_intensity_usd2022_per_tpa_lce"]
    assert cap["median"] == pytest.approx(23_400, rel=0.03)
    assert 24 <= cap["n"] <= 27
    assert brine["opex_usd2022_per_t_lce"]["median"] == pytest.approx(3_842, rel=0.03)
    hard = lithium_intensity(S2, "Hard Rock")["capex_intensity_usd2022_per_tpa_lce"]
    assert hard["median"] == pytest.approx(5_700, rel=0.02) and hard["n"] == 22
    assert hard["q25"] == pytest.approx(3_600, rel=0.02) and hard["q75"] == pytest.approx(14_700, rel=0.02)
    assert brine["screening_grade"] is True


def test_intensity_table_and_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    t = lithium_intensity_table(S2)
    assert {"deposit", "resource_type", "capex_intensity_usd2022_per_tpa_lce"} <= set(t.columns)
    with pytest.raises(InputError, match="resource type"):
        lithium_intensity(S2, "Seawater")
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(InputError, match=r"x\.xlsx"):
        lithium_intensity_table(bad)


def test_taylor_rule() -> None:
    # Taylor (1986): life = 0.2 T^0.25; 10 Mt -> 0.2 * 56.23 = 11.25 years, 889 kt/yr
    r = taylor_rule(10_000_000)
    assert r["life_years"] == pytest.approx(11.2468, rel=1e-4)
    assert r["capacity_t_per_year"] == pytest.approx(10_000_000 / 11.2468, rel=1e-4)
    with pytest.raises(InputError):
        taylor_rule(-1)


def test_camm_equation_from_reference_table() -> None:
    # camm1991_cost_equations: open_pit_small_capital a = 160,000, b = 0.515, C in short tons per day
    r = camm_cost("open_pit_small_capital", 10_000 * 0.90718474)
    assert r["value"] == pytest.approx(160_000 * 10_000 ** 0.515, rel=1e-9)
    with pytest.raises(InputError, match="outside the range"):
        camm_cost("open_pit_small_capital", 50_000)
    with pytest.raises(InputError, match="unknown Camm"):
        camm_cost("nope", 1)


def test_six_tenths() -> None:
    assert six_tenths(100.0, 10.0, 20.0) == pytest.approx(100 * 2 ** 0.6)
