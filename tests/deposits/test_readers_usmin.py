"""Tests of the USMIN reader against the real lithium tables.

Data: Karl and others, 2019, Lithium deposits in the United States, USGS data release
doi:10.5066/P9ZKRWQF, in ``<repo>/../shared/data/deposits/usmin-lithium`` (21 sites, 73 Resources
rows, 30 Production rows; cp1252, ``<Null>``, "114,000", header suffixes " *").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from critmin.deposits.readers import read
from critmin.deposits.readers.usmin import read_usmin
from critmin.errors import InputError

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "deposits" / "usmin-lithium"


@pytest.fixture(scope="module")
def result():
    return read_usmin([DATA])


def test_sites_and_inventory_counts(result) -> None:
    assert len(result.sites) == 21
    assert len({s.record_id for s in result.sites}) == 21
    assert sum(len(s.inventory) for s in result.sites) == 73 + 30
    assert list(result.datasets) == ["usmin"]
    assert len(result.datasets["usmin"].content_sha256) == 64


def test_smackover_lanxess(result) -> None:
    s = next(s for s in result.sites if s.record_id == "AR00002")
    assert s.name == "Smackover-Lanxess"
    assert "Lanxess Smackover Lithium-Brine Property" in s.aliases
    assert (s.lon, s.lat, s.state, s.country) == (-92.7791, 33.1686, "AR", "United States")
    assert [c.symbol for c in s.commodities] == ["Li", "Br"] and s.commodities[0].role == "main"
    inv = s.inventory[0]
    assert inv.commodity == "Li" and inv.contained_t == 114_000.0
    assert inv.category == "inferred" and inv.classification_method == "CIM"
    assert inv.cutoff == "50 milligrams per liter Li" and inv.date == "2018"
    assert inv.reference and inv.reference.startswith("Eccles, D.R.")
    # production of bromine from brine wells: grade in mg/L, volumes in barrels (not a mass)
    prod = [i for i in s.inventory if i.category in ("extracted", "cumulative_extracted")]
    assert prod and prod[0].commodity == "Br" and prod[0].grade_mg_per_l == 5070.0
    assert prod[0].ore_t is None and prod[0].ore_unit == "U.S. barrels"
    assert s.deposit_types[0].observed == "lithium-enriched oilfield brine"
    assert s.status == "deposit"  # latest History row: Evaluation (NI 43-101, 2019)


def test_kings_mountain_pegmatite(result) -> None:
    s = next(s for s in result.sites if s.record_id == "NC00002")
    assert s.deposit_types[0].name == "LCT pegmatite"
    assert s.origin is not None and s.origin.row >= 1


def test_subset_of_tables_and_bad_number(tmp_path: Path) -> None:
    for t in ("Site", "Resources"):
        shutil.copy(DATA / f"{t}.csv", tmp_path / f"{t}.csv")
    res = read([tmp_path / "Site.csv", tmp_path / "Resources.csv"], "usmin", source="usgs-usmin-li")
    assert len(res.sites) == 21 and res.sites[0].source == "usgs-usmin-li"
    text = (tmp_path / "Resources.csv").read_text(encoding="utf-8").replace('"114,000"', '"lots"', 1)
    (tmp_path / "Resources.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_usmin([tmp_path])
    assert e.value.row == 1 and e.value.column == "Mat_Amnt"


def test_site_table_is_required(tmp_path: Path) -> None:
    shutil.copy(DATA / "History.csv", tmp_path / "History.csv")
    with pytest.raises(InputError, match=r"Site\.csv"):
        read_usmin([tmp_path / "History.csv"])
