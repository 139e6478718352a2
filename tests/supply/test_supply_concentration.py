"""Concentration indices: shares, HHI, governance-weighted HHI, top-3, worst stage, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from critmin.errors import InputError
from critmin.supply.concentration import concentration, concentration_series, hhi, stage_profile
from critmin.supply.governance import governance_scores, read_governance
from critmin.supply.production import read_user_production, stage_production


def test_contract_ree_mine_2023() -> None:
    """MCS 2024 world table: China 240,000 t of 353,320 t listed (Table 5 gives 69 % of the 350,000 t world total)."""
    c = concentration("rare earths", "mine", 2023)
    assert 0.675 <= c.shares["China"] <= 0.69
    assert c.shares["China"] == pytest.approx(240_000 / 353_320)
    assert 1 < c.hhi <= 10_000 and c.hhi == pytest.approx(10_000 * c.hhi_01)
    assert c.top3_share == pytest.approx((240_000 + 43_000 + 38_000) / 353_320)
    assert c.year == 2023 and "MCS2024" in c.source
    assert sum(c.shares.values()) == pytest.approx(1.0)
    assert c.record.operation == "supply.concentration"


@pytest.mark.parametrize("name", ["gallium", "Ga", "GA", " Gallium "])
def test_commodity_aliases(name: str) -> None:
    assert concentration(name, "refinery", 2023).commodity == "Ga"


def test_other_countries_kept_but_not_in_hhi() -> None:
    c = concentration("cobalt", "mine", 2023)
    listed = [500, 4600, 2100, 170_000, 3200, 17_000, 4000, 3000, 2900, 3800, 8800, 2800]  # MCS 2024, 2023e
    assert c.shares["Other countries"] == pytest.approx(6600 / (sum(listed) + 6600))
    named = [v for k, v in c.shares.items() if k != "Other countries"]
    assert c.hhi_01 == pytest.approx(sum(s * s for s in named))


def test_hhi_wgi_uses_normalised_political_stability() -> None:
    c = concentration("gallium", "refinery", 2023)
    g, used = governance_scores(list(c.iso3.values()), 2023)
    expected = sum((100 * c.shares[n]) ** 2 * g[i] for n, i in c.iso3.items())
    assert c.hhi_wgi == pytest.approx(expected)
    assert used["CHN"] == 2022  # latest WGI year <= 2023
    assert g["CHN"] == pytest.approx((2.5 + 0.441074) / 5)  # WGI 2023 update, China PV 2022 = -0.441074


def test_year_answered_from_latest_edition() -> None:
    assert "MCS2024" in concentration("REE", "mine", 2022).source
    assert "MCS2023" in concentration("REE", "mine", 2022, edition="MCS2023").source


def test_worst_stage_and_series() -> None:
    rows, worst = stage_profile("REE", 2023)
    assert {r.stage for r in rows} == {"mine", "separation", "magnet"}
    assert worst == "separation"
    s = concentration_series("REE", "mine")
    assert list(s.year) == [2021, 2022, 2023]


def test_hhi_bounds() -> None:
    assert hhi([1.0]) == 1.0 and hhi([0.5, 0.5]) == 0.5
    with pytest.raises(InputError):
        hhi([-0.1, 1.1])


def test_missing_year_lists_available() -> None:
    with pytest.raises(InputError, match="years available: 2021, 2022, 2023"):
        concentration("REE", "mine", 2019)


def test_unknown_stage_and_commodity() -> None:
    with pytest.raises(InputError, match="unknown stage"):
        concentration("REE", "smelter", 2023)
    with pytest.raises(InputError, match="unknown commodity"):
        concentration("unobtainium", "mine", 2023)
    with pytest.raises(InputError, match="stages available"):
        concentration("lithium", "magnet", 2023)


def test_withheld_germanium_needs_user_table() -> None:
    with pytest.raises(InputError, match="withholds"):
        concentration("germanium", "refinery", 2023)


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "prod.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_user_production_table(tmp_path: Path) -> None:
    p = _write(tmp_path, "commodity,stage,country,iso3,year,quantity,unit,row_kind\n"
                         "Nb,mine,Brazil,BRA,2023,75000,t,country\nNb,mine,Canada,CAN,2023,7000,t,country\n"
                         "Nb,mine,Other countries,,2023,1000,t,other\n")
    user = read_user_production(p)
    c = concentration("Nb", "mine", 2023, user=user)
    assert c.shares["Brazil"] == pytest.approx(75_000 / 83_000)
    assert c.hhi == pytest.approx(10_000 * ((75 / 83) ** 2 + (7 / 83) ** 2))


@pytest.mark.parametrize(("line", "column"), [
    ("Nb,mine,Brazil,BRA,2023,-5,t", "quantity"),
    ("Nb,smelter,Brazil,BRA,2023,5,t", "stage"),
    ("Nb,mine,Atlantis,ATL,2023,5,t", "iso3"),
    ("Nb,mine,Brazil,BRA,2023,lots,t", "quantity"),
])
def test_user_production_errors_name_row_and_column(tmp_path: Path, line: str, column: str) -> None:
    p = _write(tmp_path, "commodity,stage,country,iso3,year,quantity,unit\n" + line + "\n")
    with pytest.raises(InputError) as err:
        read_user_production(p)
    assert err.value.row == 1 and err.value.column == column and err.value.file == str(p)


def test_user_production_missing_column(tmp_path: Path) -> None:
    p = _write(tmp_path, "commodity,stage,country,year,quantity\nNb,mine,Brazil,2023,1\n")
    with pytest.raises(InputError, match="missing column"):
        read_user_production(p)


def test_missing_governance_lists_countries(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no governance \\(WGI\\) value for ATA, XXX"):
        governance_scores(["XXX", "ATA", "CHN"], 2022)
    g = tmp_path / "g.csv"
    g.write_text("iso3,year,value\nXXX,2022,0.5\nATA,2022,1.0\n", encoding="utf-8")
    scores, _ = governance_scores(["XXX", "ATA", "CHN"], 2022, table=read_governance(g))
    assert scores["XXX"] == pytest.approx(0.4)
    g.write_text("iso3,year,value\nXXX,2022,9\n", encoding="utf-8")
    with pytest.raises(InputError, match="outside"):
        read_governance(g)


def test_every_shipped_producer_has_governance() -> None:
    from critmin.reference import load_table

    t = load_table("supply_production")
    codes = sorted(set(t[t.row_kind == "country"].iso3))
    scores, _ = governance_scores(codes, 2022)
    assert len(scores) == len(codes)
    assert np.all([0 <= v <= 1 for v in scores.values()])


def test_cited_shares_must_sum_to_one() -> None:
    from critmin.supply.concentration import concentration_of

    sp = stage_production("REE", "magnet", 2021)
    bad = sp.rows.copy()
    bad.loc[0, "share"] = 0.5
    from dataclasses import replace

    with pytest.raises(InputError, match="shares sum to"):
        concentration_of(replace(sp, rows=bad))


def test_refined_germanium_2022_from_world_mining_data() -> None:
    """World Mining Data 2024 (BMF), germanium 2022: China 130 t of 139 t (93.5 %), as typed in
    supply_stage_shares_cited; the MCS withholds germanium."""
    c = concentration("germanium", "refinery", 2022)
    assert c.shares["China"] == pytest.approx(130 / 139)
    assert round(100 * c.shares["China"], 1) == 93.5
    assert c.source.startswith("cited, supply_stage_shares_cited")
