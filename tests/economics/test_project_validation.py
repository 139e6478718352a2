"""Project-file validation: every bad input named in issue 7 gives an InputError naming the key."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from critmin.economics.project import load_project, parse_project
from critmin.errors import InputError
from tests.economics.conftest import EXAMPLE


def _err(d: dict[str, Any]) -> str:
    with pytest.raises(InputError) as ei:
        parse_project(d)
    return str(ei.value)


def test_phasing_must_sum_to_one(base: dict[str, Any]) -> None:
    base["costs"].update(construction_years=2, capex_phasing=[0.5, 0.4])
    msg = _err(base)
    assert "costs.capex_phasing" in msg and "sum to 1" in msg


def test_phasing_length_matches_construction_years(base: dict[str, Any]) -> None:
    base["costs"].update(construction_years=2, capex_phasing=[1.0])
    assert "costs.capex_phasing" in _err(base)


def test_negative_life(base: dict[str, Any]) -> None:
    base["production"]["life_years"] = -5
    msg = _err(base)
    assert "production.life_years" in msg and "negative" in msg


def test_tax_rate_above_one(base: dict[str, Any]) -> None:
    base["fiscal"]["income_tax_rate"] = 30
    msg = _err(base)
    assert "fiscal.income_tax_rate" in msg and "0.3 for 30 %" in msg


def test_unknown_regime(base: dict[str, Any]) -> None:
    base["fiscal"]["regime"] = "atlantis"
    msg = _err(base)
    assert "fiscal.regime" in msg and "atlantis" in msg and "malawi" in msg


def test_missing_price_years(base: dict[str, Any]) -> None:
    base["price"] = {"deck": {"1": 10.0, "3": 12.0}}
    msg = _err(base)
    assert "price.deck" in msg and "production years 2" in msg


def test_missing_calendar_price_years(base: dict[str, Any]) -> None:
    base["project"]["first_year"] = 2030  # production 2031-2033
    base["price"] = {"deck": {"2031": 10.0, "2032": 11.0}}
    msg = _err(base)
    assert "calendar years 2033" in msg


def test_deck_extend_last(base: dict[str, Any]) -> None:
    base["price"] = {"deck": {"1": 10.0, "2": 12.0}, "deck_extend": "last"}
    assert parse_project(base).price.per_year == (10.0, 12.0, 12.0)


@pytest.mark.parametrize(("section", "key"), [("costs", "capex"), ("price", "flat"), ("fiscal", "royalty_rate"),
                                              ("valuation", "discount_rate"), ("production", "annual_output")])
def test_nan_anywhere(base: dict[str, Any], section: str, key: str) -> None:
    base[section][key] = math.nan
    msg = _err(base)
    assert f"{section}.{key}" in msg and "NaN" in msg


def test_nan_in_list(base: dict[str, Any]) -> None:
    base["production"]["ramp_up"] = [0.5, math.nan]
    assert "production.ramp_up" in _err(base)


def test_nan_in_toml_text() -> None:
    text = EXAMPLE.read_text().replace("opex_per_unit = 5000", "opex_per_unit = nan")
    with pytest.raises(InputError, match=r"costs\.opex_per_unit"):
        parse_project(text)


def test_working_capital_fraction_is_rejected(base: dict[str, Any]) -> None:
    base["costs"]["working_capital_pct_revenue"] = 0.1
    msg = _err(base)
    assert "PERCENT" in msg and "costs.working_capital_pct_revenue" in msg


def test_unknown_key_and_section(base: dict[str, Any]) -> None:
    base["costs"]["capexx"] = 1.0
    assert "costs.capexx" in _err(base)
    del base["costs"]["capexx"]
    base["cost"] = {}
    assert "unknown section" in _err(base)


def test_missing_required_key(base: dict[str, Any]) -> None:
    del base["fiscal"]["income_tax_rate"]
    assert "fiscal.income_tax_rate" in _err(base)


def test_regime_without_cited_tax_asks_for_it(base: dict[str, Any]) -> None:
    base["fiscal"] = {"regime": "malawi", "depreciation_years": 5, "rrt_threshold_rate": 0.2}
    msg = _err(base)
    assert "fiscal.income_tax_rate" in msg and "malawi" in msg


def test_rrt_needs_threshold(base: dict[str, Any]) -> None:
    base["fiscal"]["resource_rent_tax_rate"] = 0.15
    assert "fiscal.rrt_threshold_rate" in _err(base)


def test_equity_share_cannot_exceed_non_carried(base: dict[str, Any]) -> None:
    base["fiscal"]["state_free_carry"] = 0.1
    base["ownership"] = {"equity_share": 0.95}
    assert "ownership.equity_share" in _err(base)


def test_regime_merge_and_override(base: dict[str, Any]) -> None:
    base["fiscal"] = {"regime": "tanzania", "depreciation_years": 5, "royalty_rate": 0.06}
    f = parse_project(base).fiscal
    assert f.royalty_rate == 0.06 and f.sources["royalty_rate"] == "project file"
    assert f.clearing_fee_rate == 0.01 and f.state_free_carry == 0.16 and f.income_tax_rate == 0.30
    assert "regime tanzania" in f.sources["state_free_carry"]


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text("[project\nname=1")
    with pytest.raises(InputError, match=r"p\.toml"):
        load_project(bad)
    with pytest.raises(InputError, match="cannot read"):
        load_project(tmp_path / "missing.toml")


def test_json_and_yaml_equal_toml(tmp_path: Path) -> None:
    import tomllib

    data = tomllib.loads(EXAMPLE.read_text())
    (tmp_path / "p.json").write_text(json.dumps(data))
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    ref = load_project(EXAMPLE)
    for name in ("p.json", "p.yaml"):
        p = load_project(tmp_path / name)
        assert (p.costs, p.fiscal.income_tax_rate, p.price) == (ref.costs, ref.fiscal.income_tax_rate, ref.price)


def test_ore_grade_recovery_input(base: dict[str, Any]) -> None:
    base["production"] = {"ore_t_per_year": 800_000, "grade_fraction": 0.029, "recovery": 0.6, "conversion": 1.0,
                          "life_years": 3}
    assert parse_project(base).production.annual_output == pytest.approx(800_000 * 0.029 * 0.6)
