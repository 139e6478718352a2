"""Exports of the store (both backends): every format, filters, visibility, formula injection.

Real data: the USMIN lithium release (Karl et al. 2019, doi:10.5066/P9ZKRWQF) plus the hand-made
sites of :func:`tests.store.factories.world`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from critmin.errors import InputError
from critmin.store.db import Database
from critmin.store.export import EXPORT_FORMATS, export_sites, sites_frame
from critmin.store.filters import SiteFilter
from critmin.store.ingest import import_files
from critmin.store.sites import import_sites
from tests.store.factories import result, site, world

EXT = {"gpkg": "gpkg", "geoparquet": "parquet", "geojson": "geojson", "csv": "csv", "xlsx": "xlsx"}


@pytest.fixture
def store(db: Database, data_dir: Path) -> Database:
    with db.transaction() as s:
        import_sites(s, world(), organisation="gsi")
    import_files(db, [data_dir / "deposits" / "usmin-lithium"], "usmin", organisation="usgs")
    return db


def _read(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "gpkg":
        return pyogrio.read_dataframe(path, layer="mineral_sites")
    if fmt == "geojson":
        return pyogrio.read_dataframe(path)
    if fmt == "geoparquet":
        return gpd.read_parquet(path)
    if fmt == "csv":
        return pd.read_csv(path, dtype={"record_id": str})
    return pd.read_excel(path, sheet_name="mineral_sites", dtype={"record_id": str})


def test_formats_are_the_five_of_the_issue() -> None:
    assert set(EXPORT_FORMATS) == {"gpkg", "geoparquet", "geojson", "csv", "xlsx"}


@pytest.mark.parametrize("fmt", list(EXT))
def test_export_round_trip(store: Database, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"all.{EXT[fmt]}"
    n = export_sites(store, out)  # format from the extension
    assert n == 8 + 21
    df = _read(out, fmt)
    assert len(df) == n
    assert df["record_id"].astype(str).is_unique or set(df["source"]) == {"gsi", "usmin"}
    smack = df[df["record_id"].astype(str) == "AR00002"].iloc[0]
    assert smack["name"] == "Smackover-Lanxess" and smack["source"] == "usmin" and smack["organisation"] == "usgs"
    assert float(smack["lon"]) == pytest.approx(-92.7791) and float(smack["lat"]) == pytest.approx(33.1686)
    assert smack["commodities"] == "Li, Br"
    assert str(smack["source_file"]).endswith("Site.csv") and int(smack["source_row"]) == 1
    if fmt in ("gpkg", "geojson", "geoparquet"):
        assert df.crs.to_epsg() == 4326
        assert (smack.geometry.x, smack.geometry.y) == pytest.approx((-92.7791, 33.1686))
        nowhere = df[df["record_id"] == "XX-1"].iloc[0]
        assert nowhere.geometry is None or nowhere.geometry.is_empty
    if fmt in ("gpkg", "xlsx"):
        inv = (pyogrio.read_dataframe(out, layer="mineral_inventory", read_geometry=False) if fmt == "gpkg"
               else pd.read_excel(out, sheet_name="mineral_inventory"))
        assert len(inv) == 8 + 103  # one line per factory site + the USMIN Resources and Production rows
        south = inv[inv["zone"] == "Smackover-Lanxess, South Unit"].iloc[0]
        assert south["contained_t"] == 114000.0 and south["commodity"] == "Li"


@pytest.mark.parametrize("fmt", list(EXT))
def test_export_with_filters(store: Database, tmp_path: Path, fmt: str) -> None:
    flt = SiteFilter(commodity=("Li",), bbox=(-125.0, 30.0, -100.0, 45.0))
    gdf, _ = sites_frame(store, flt)
    expected = set(gdf["record_id"])
    assert "US-2" in expected and "AR00002" not in expected and "IN-3" not in expected
    assert all(-125 <= x <= -100 for x in gdf["lon"])
    out = tmp_path / f"west.{EXT[fmt]}"
    assert export_sites(store, out, fmt, flt=flt) == len(expected)  # type: ignore[arg-type]
    assert set(_read(out, fmt)["record_id"].astype(str)) == expected


def test_empty_export_still_writes_a_readable_file(store: Database, tmp_path: Path) -> None:
    for fmt in EXT:
        out = tmp_path / f"none.{EXT[fmt]}"
        assert export_sites(store, out, fmt, flt=SiteFilter(country=("ATA",))) == 0  # type: ignore[arg-type]
        assert out.exists() and len(_read(out, fmt)) == 0


def test_visibility_applies_to_exports(store: Database, tmp_path: Path) -> None:
    with store.transaction() as s:
        import_sites(s, result("gsi-private", [site("gsi-private", "P-1", "Unpublished Prospect", 80.0, 20.0, ["Li"])],
                               sha="c" * 64), organisation="gsi", visibility="private")
    out = tmp_path / "public.csv"
    assert export_sites(store, out, viewer=None) == 29  # anonymous: public only
    assert "P-1" not in set(pd.read_csv(out)["record_id"])
    assert export_sites(store, tmp_path / "gsi.csv", viewer="gsi") == 30  # the owner sees it
    assert export_sites(store, tmp_path / "usgs.csv", viewer="usgs") == 29
    assert export_sites(store, tmp_path / "admin.csv") == 30  # local administration


def test_formula_injection_is_neutralised(db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    evil = [site("sheet", "E1", '=HYPERLINK("http://evil.example","x")', 77.0, 10.0, ["Graphite"], row=1,
                 aliases=["-2+3", "@cmd"]),
            site("sheet", "E2", "+44 Deposit", 77.1, 10.1, ["Graphite"], row=2),
            site("sheet", "E3", "Ordinary = name", 77.2, 10.2, ["Graphite"], row=3)]
    with db.transaction() as s:
        import_sites(s, result("sheet", evil), organisation="gsi")
    out = tmp_path / "x.csv"
    export_sites(db, out)
    with open(out, encoding="utf-8", newline="") as fh:
        rows = {r["record_id"]: r for r in csv.DictReader(fh)}
    assert rows["E1"]["name"] == "'" + '=HYPERLINK("http://evil.example","x")'
    assert rows["E1"]["aliases"] == "'-2+3 | @cmd"
    assert rows["E2"]["name"] == "'+44 Deposit"
    assert rows["E3"]["name"] == "Ordinary = name"
    assert float(rows["E1"]["lon"]) == 77.0  # numbers are not text, so never prefixed
    xl = tmp_path / "x.xlsx"
    export_sites(db, xl)
    ws = load_workbook(xl)["mineral_sites"]
    header = [c.value for c in ws[1]]
    names = [ws.cell(r, header.index("name") + 1) for r in range(2, ws.max_row + 1)]
    assert all(c.data_type == "s" for c in names)
    assert {c.value for c in names} == {"'" + '=HYPERLINK("http://evil.example","x")', "'+44 Deposit",
                                        "Ordinary = name"}
    # GeoJSON/GeoPackage are not spreadsheets: the text stays as it was
    gj = tmp_path / "x.geojson"
    export_sites(db, gj)
    assert set(pyogrio.read_dataframe(gj)["name"]) == {s.name for s in evil}


def test_unknown_format_and_failed_export_leave_no_file(store: Database, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(InputError, match="shp"):
        export_sites(store, out_dir / "x.shp")
    with pytest.raises(InputError):
        export_sites(store, out_dir / "x.csv", "pdf")  # type: ignore[arg-type]
    assert list(out_dir.iterdir()) == []
    # a writer failing half-way leaves neither a partial file nor its temporary file
    target = out_dir / "sites.csv"
    target.write_text("previous export\n", encoding="utf-8")

    def broken_to_csv(self: pd.DataFrame, path: object, *args: object, **kwargs: object) -> None:
        Path(str(path)).write_text("site_id,source\n1,", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken_to_csv)
    with pytest.raises(OSError, match="disk full"):
        export_sites(store, target)
    assert [p.name for p in out_dir.iterdir()] == ["sites.csv"]
    assert target.read_text(encoding="utf-8") == "previous export\n"
