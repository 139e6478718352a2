"""Diversification (``add_supply``) on the economics ↔ supply interface schedule (/tmp/interface.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.supply.concentration import concentration
from critmin.supply.diversification import LCE_TO_LI, add_supply, convert_quantity


def _schedule(**over) -> pd.DataFrame:
    row = {"commodity": "lithium", "stage": "refinery", "country": "ARG", "year": 2028, "quantity": 25_000.0,
           "unit": "t", "basis": "LCE", "offtake_partner": "", "offtake_fraction": 1.0}
    rows = [row, row | {"offtake_partner": "IND", "offtake_fraction": 0.4}]
    return pd.DataFrame([r | over for r in rows])


def test_lce_factor() -> None:
    assert LCE_TO_LI == 0.18795  # the interface factor; stoichiometric 2 x 6.94 / 73.89 = 0.18785
    assert LCE_TO_LI == pytest.approx(2 * 6.94 / 73.89, abs=2e-4)
    assert convert_quantity("Li", "LCE", "t", 1000, "t") == pytest.approx(187.95)
    assert convert_quantity("Ga", "contained metal", "t", 1, "kg") == 1000
    assert convert_quantity("Cu", "contained metal", "t", 1000, "kt") == 1


def test_add_lithium_project() -> None:
    r = add_supply(_schedule(), partner_demand_t={"Li": 10_000.0})
    row = r.table.iloc[0]
    added = 25_000 * LCE_TO_LI
    base = concentration("Li", "mine", 2023)
    assert row.base_year == 2023 and row.added == pytest.approx(added)
    assert row.project_share == pytest.approx(added / (base.total_listed + added))
    arg_before = base.shares["Argentina"] * base.total_listed
    named = {k: v * base.total_listed for k, v in base.shares.items() if k != "Other countries"}
    named["Argentina"] = arg_before + added
    total = base.total_listed + added
    assert row.hhi_after == pytest.approx(10_000 * sum((v / total) ** 2 for v in named.values()))
    assert row.hhi_after < row.hhi_before
    assert row.offtake == pytest.approx(0.4 * added)
    assert row.partner_secured_share == pytest.approx(0.4 * added / 10_000)
    assert row.partner_risk_after < row.partner_risk_before
    assert any("brine" in n for n in r.notes)
    assert r.record.operation == "supply.diversification.add_supply"


def test_ree_separation_uses_mine_total() -> None:
    s = _schedule(commodity="REE", stage="separation", country="MWI", basis="NdPr oxide", year=2030,
                  quantity=2000.0)
    r = add_supply(s)
    assert r.table.iloc[0].top1_share_after < 0.9
    assert any("only cited shares" in n for n in r.notes)


@pytest.mark.parametrize(("over", "column"), [
    ({"basis": "spodumene"}, "basis"),
    ({"unit": "lb"}, "unit"),
    ({"country": "Argentina"}, "country"),
    ({"stage": "smelter"}, "stage"),
    ({"quantity": -1.0}, "quantity"),
    ({"offtake_fraction": 2.0}, "offtake_fraction"),
    ({"commodity": "unobtainium"}, "commodity"),
])
def test_bad_schedules_name_the_column(over, column) -> None:
    with pytest.raises(InputError) as err:
        add_supply(_schedule(**over))
    assert err.value.column == column


def test_missing_column() -> None:
    with pytest.raises(InputError) as err:
        add_supply(_schedule().drop(columns="basis"))
    assert err.value.column == "basis"
