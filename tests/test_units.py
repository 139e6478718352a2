"""Mass and grade units: exact definitional factors, aliases, errors, and survey-table numbers.

Definitions: international avoirdupois pound = 0.45359237 kg exactly (1959 international yard and
pound agreement); troy ounce = 31.1034768 g exactly; short ton = 2000 lb; long ton = 2240 lb.
"""

from __future__ import annotations

import pytest

from critmin.errors import InputError, UnitError
from critmin.units import grade_to_pct, grade_unit, mass_unit, parse_number, to_tonnes


@pytest.mark.parametrize(("value", "unit", "tonnes"), [
    (1, "t", 1.0),
    (1, "kt", 1e3),
    (1, "Mt", 1e6),
    (2.5, "million tonnes", 2.5e6),
    (1, "kg", 1e-3),
    (1, "lb", 0.00045359237),
    (1, "Mlb", 453.59237),
    (1, "troy ounce", 31.1034768e-6),
    (1, "koz", 31.1034768e-3),
    (1, "Moz", 31.1034768),
    (1, "short ton", 0.90718474),
    (1, "st", 0.90718474),
    (1, "long ton", 1.0160469088),
    (1, "metric tons", 1.0),
])
def test_mass_factors_are_exact(value: float, unit: str, tonnes: float) -> None:
    assert to_tonnes(value, unit) == pytest.approx(tonnes, rel=1e-12)


def test_usmin_contained_lithium() -> None:
    # USMIN Resources.csv row 1 (AR00002): Mat_Amnt "114,000", Mat_Units "tonnes"
    assert to_tonnes(parse_number("114,000"), "tonnes") == 114000.0


@pytest.mark.parametrize(("value", "unit", "pct"), [
    (1, "%", 1.0),
    (1.4, "% Li2O", 1.4),
    (1, "wt%", 1.0),
    (1, "g/t", 1e-4),
    (1, "grams per tonne", 1e-4),
    (1, "ppm", 1e-4),
    (10_000, "ppm", 1.0),
    (1, "ppb", 1e-7),
    (1, "kg/t", 0.1),
    # 1 troy oz per short ton = 31.1034768 g / 907184.74 g = 34.2857142857 g/t
    (1, "oz/st", 31.1034768 / 907184.74 * 100),
    (1, "opt", 31.1034768 / 907184.74 * 100),
    (1, "oz/t", 31.1034768e-4),
    (1, "lb/st", 1 / 2000 * 100),
])
def test_grade_factors_are_exact(value: float, unit: str, pct: float) -> None:
    assert grade_to_pct(value, unit) == pytest.approx(pct, rel=1e-12)


def test_oz_per_short_ton_in_grams_per_tonne() -> None:
    assert grade_to_pct(1, "oz/st") / grade_to_pct(1, "g/t") == pytest.approx(34.285714285714, rel=1e-12)


@pytest.mark.parametrize(("unit", "key"), [
    ("Tonnes", "t"), ("  million   tonnes ", "mt"), ("MT", "mt"), ("pounds", "lb"), ("Mlbs", "mlb"),
    ("ounces", "oz"), ("short tons", "st"), ("thousand tonnes", "kt"),
])
def test_mass_aliases(unit: str, key: str) -> None:
    assert mass_unit(unit) == key


@pytest.mark.parametrize(("unit", "key", "kind"), [
    ("%", "pct", "mass_fraction"), ("percent", "pct", "mass_fraction"), ("g/tonne", "g/t", "mass_fraction"),
    ("milligrams per liter", "mg/l", "concentration"), ("mg/L", "mg/l", "concentration"),
    ("milligrams per liter Li", "mg/l", "concentration"),  # USMIN CutOffUnit
    ("g/L", "g/l", "concentration"),
])
def test_grade_aliases(unit: str, key: str, kind: str) -> None:
    assert grade_unit(unit) == (key, kind)


def test_unknown_mass_unit_lists_accepted_units() -> None:
    with pytest.raises(UnitError) as e:
        to_tonnes(1, "U.S. barrels")
    msg = str(e.value)
    assert "U.S. barrels" in msg
    for accepted in ("t", "kt", "Mt", "lb", "oz", "short ton"):
        assert accepted in msg
    assert isinstance(e.value, InputError)


def test_unknown_grade_unit_lists_accepted_units() -> None:
    with pytest.raises(UnitError) as e:
        grade_to_pct(3, "carats per hundred tonnes")
    msg = str(e.value)
    assert "carats per hundred tonnes" in msg
    for accepted in ("%", "ppm", "g/t", "oz/st", "mg/L"):
        assert accepted in msg


def test_concentration_is_not_a_mass_fraction() -> None:
    with pytest.raises(UnitError, match="density"):
        grade_to_pct(200, "mg/L")


@pytest.mark.parametrize(("text", "value"), [
    ("114,000", 114000.0), (" 3.5 ", 3.5), ("1,234,567.89", 1234567.89), ("-42", -42.0), (7, 7.0), (2.5, 2.5),
    ("1\u2009000", 1000.0), ("1e3", 1000.0),
])
def test_parse_number(text: object, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [None, "", "  ", "<Null>", "<NULL>", "NA", "n/a", "-", "nan", float("nan")])
def test_parse_number_nulls(text: object) -> None:
    assert parse_number(text) is None


def test_parse_number_rejects_text() -> None:
    with pytest.raises(ValueError):
        parse_number("about 5")
    assert parse_number("0") == 0.0
