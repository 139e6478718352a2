"""Imports of the real shipped files into both stores, in one transaction each.

* USMIN: Karl, N.A., Mauk, J.L., Reyes, T.A., and Scott, P.C., 2019, Lithium deposits in the United
  States: USGS data release, doi:10.5066/P9ZKRWQF (../shared/data/deposits/usmin-lithium).
* MinMod: DARPA CriticalMAAS ta2-minmod-data @ 050de43, ``mineral-sites/umn/mrdata_ree`` (UMN's
  harvest of the USGS REE deposits database, https://mrdata.usgs.gov/ree).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from critmin.errors import InputError
from critmin.store.db import Database
from critmin.store.ingest import import_files
from critmin.store.sites import get_site, list_datasets, query_sites, site_detail
from critmin.store.tables import Dataset, Inventory, Site, SiteCommodity, SiteDepositType


def _counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {t.__tablename__: int(s.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (Dataset, Site, SiteCommodity, SiteDepositType, Inventory)}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="cp1252", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def usmin_dir(data_dir: Path) -> Path:
    return data_dir / "deposits" / "usmin-lithium"


def test_usmin_lithium(db: Database, usmin_dir: Path) -> None:
    summary, warnings = import_files(db, sorted(usmin_dir.glob("*.csv")), "usmin", organisation="usgs")
    assert summary.datasets[0]["action"] == "created" and summary.sites_written == 21
    site_rows = _rows(usmin_dir / "Site.csv")
    resources = _rows(usmin_dir / "Resources.csv")
    production = _rows(usmin_dir / "Production.csv")
    c = _counts(db)
    assert c["site"] == len(site_rows) == 21
    assert c["inventory"] == len(resources) + len(production) == 73 + 30
    assert c["dataset"] == 1
    with db.session() as s:
        per_site = dict(s.execute(select(Site.record_id, func.count(Inventory.id)).join(Inventory)
                                  .group_by(Site.record_id)).all())
    expected: dict[str, int] = {}
    for r in resources + production:
        expected[r["Site_ID *"]] = expected.get(r["Site_ID *"], 0) + 1
    assert per_site == expected
    # AR00002 Smackover-Lanxess: Resources row 1, "114,000" tonnes of lithium, Inferred, CIM
    with db.session() as s:
        total, rows = query_sites(s, sort="id", limit=None)
        by_rid = {r.record_id: r for r in rows}
        d = site_detail(s, get_site(s, by_rid["AR00002"].id))
    assert total == 21
    assert d["name"] == "Smackover-Lanxess" and (d["lon"], d["lat"]) == (-92.7791, 33.1686)
    assert "Lanxess Property" in d["aliases"] and [c["symbol"] for c in d["commodities"]] == ["Li", "Br"]
    south = [i for i in d["inventory"] if i["zone"] == "Smackover-Lanxess, South Unit"]
    assert len(south) == 1
    inv = south[0]
    assert inv["contained_t"] == 114000.0 and inv["contained_value"] == 114000.0 and inv["contained_unit"] == "tonnes"
    assert inv["commodity"] == "Li" and inv["category"] == "inferred" and inv["classification_method"] == "CIM"
    assert inv["cutoff"] == "50 milligrams per liter Li" and inv["date"] == "2018"
    brines = [i for i in d["inventory"] if i["commodity"] == "Br"]
    assert brines and all(i["ore_unit"] == "U.S. barrels" and i["ore_t"] is None for i in brines)
    assert any("U.S. barrels" in w for w in warnings)
    assert d["provenance"]["source"] == "usmin" and d["provenance"]["organisation"] == "usgs"
    # importing the same release again changes nothing
    again, _ = import_files(db, [usmin_dir], "usmin", organisation="usgs")
    assert again.datasets[0]["action"] == "unchanged" and _counts(db) == c


def test_minmod_mrdata_ree(db: Database, data_dir: Path) -> None:
    files = sorted((data_dir / "deposits" / "minmod" / "mineral-sites" / "umn" / "mrdata_ree").glob("*.json"))
    records = [rec for f in files for rec in json.loads(f.read_text(encoding="utf-8"))]
    distinct = {str(r["record_id"]) for r in records}
    with_cerium = {str(r["record_id"]) for r in records
                   if any((m.get("commodity") or {}).get("observed_name") == "Cerium"
                          for m in r.get("mineral_inventory", []))}
    assert len(distinct) == 799
    summary, _ = import_files(db, files, "minmod")
    (ds,) = summary.datasets
    assert ds["source"] == "https://mrdata.usgs.gov/ree" and ds["sites"] == 799
    assert _counts(db)["site"] == 799
    with db.session() as s:
        stored = set(s.execute(select(Site.record_id)).scalars())
        cerium = set(s.execute(select(Site.record_id).join(SiteCommodity)
                               .where(SiteCommodity.symbol == "Ce")).scalars())
    assert stored == distinct
    assert cerium == with_cerium and len(cerium) > 700  # individual lanthanides keep their symbols
    (info,) = list_datasets(db.session())
    assert info["record_count"] == 799 and info["format"] == "minmod" and len(info["files"]) == len(files)


def test_bad_file_writes_nothing(db: Database, usmin_dir: Path, tmp_path: Path) -> None:
    import_files(db, [usmin_dir], "usmin")
    before = _counts(db)
    datasets_before = list_datasets(db.session())
    # a copy of the release with text in the latitude of data row 3 of Site.csv
    bad_dir = tmp_path / "usmin-bad"
    bad_dir.mkdir()
    for f in usmin_dir.glob("*.csv"):
        (bad_dir / f.name).write_bytes(f.read_bytes())
    text = (bad_dir / "Site.csv").read_text(encoding="cp1252").splitlines(keepends=True)
    header = next(csv.reader([text[0]]))
    row3 = next(csv.reader([text[3]]))
    row3[header.index("Approx_Lat")] = "somewhere in Nevada"
    import io
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row3)
    text[3] = buf.getvalue()
    (bad_dir / "Site.csv").write_text("".join(text), encoding="cp1252")
    with pytest.raises(InputError) as e:
        import_files(db, [bad_dir], "usmin", source="usmin-bad")
    assert e.value.file is not None and e.value.file.endswith("Site.csv")
    assert e.value.row == 3 and e.value.column is not None and "Approx_Lat" in e.value.column
    assert _counts(db) == before
    assert list_datasets(db.session()) == datasets_before

    # a bad MinMod file among good ones: nothing from the good files is written either
    good = sorted(usmin_dir.parent.joinpath("minmod", "mineral-sites", "umn", "mrdata_ree")
                                   .glob("b00[0-1].json"))
    assert good
    broken = tmp_path / "broken.json"
    broken.write_text('[{"source_id": "https://mrdata.usgs.gov/ree", "record_id": "x"', encoding="utf-8")
    with pytest.raises(InputError) as e2:
        import_files(db, [*good, broken], "minmod")
    assert e2.value.file is not None and e2.value.file.endswith("broken.json")
    assert _counts(db) == before
