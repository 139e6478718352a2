"""A corpus of malformed input files for every importer, built at test time (nothing binary is committed).

Each :class:`Case` names the importer (a deposit format, or ``assays`` for geochemistry), the file, an
optional column mapping and a fragment the error message must contain (besides the file name).
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

GOOD_CSV = "name,lat,lon,commodity\nAmba Dongar,22.0,74.05,REE\nChavara,8.99,76.53,Ti\n"
MRDS_HEADER = ("dep_id,url,mrds_id,mas_id,site_name,latitude,longitude,region,country,state,county,com_type,"
               "commod1,commod2,commod3,oper_type,dep_type,prod_size,dev_stat,ore,gangue,other_matl,orebody_fm,"
               "work_type,model,alteration,conc_proc,names,ore_ctrl,reporting,hrock_unit,hrock_type,arock_unit,"
               "arock_type,structure,tectonic,ref,yfp_ba,yr_fst_prd,ylp,yr_lst_prd,dy_ba,disc_yr,prod_yrs,"
               "discr,score")
N_MRDS = len(MRDS_HEADER.split(","))


@dataclass
class Case:
    """One malformed file."""

    name: str
    importer: str  # csv | xlsx | geojson | gpkg | mrds | usmin | minmod | critmin | assays
    path: Path
    expect: str = ""  # a fragment of the error message (case-insensitive)
    mapping: dict[str, Any] | None = None
    limits: dict[str, Any] = field(default_factory=dict)  # environment overrides (CRITMIN_MAX_*)


def _mrds_row(**over: str) -> str:
    cells = dict.fromkeys(MRDS_HEADER.split(","), "")
    cells.update({"dep_id": "10001", "mrds_id": "M1", "site_name": "Test", "latitude": "35.0", "longitude": "-115.0",
                  "country": "United States", "commod1": "Rare Earths", "dev_stat": "Producer", "score": "B"})
    cells.update(over)
    return ",".join(cells.values())


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _xlsx_bomb(path: Path) -> Path:
    """A valid-looking workbook whose sheet inflates from ~100 kB to ~100 MB."""
    good = _xlsx(path.with_name("seed.xlsx"), [["name", "lat", "lon"], ["A", 1, 2]])
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w") as fh:
                    fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                             b'spreadsheetml/2006/main"><sheetData>')
                    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
                    chunk = row * 10_000
                    for _ in range(150):
                        fh.write(chunk)
                    fh.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(item, src.read(item.filename))
    good.unlink()
    return path


def _gpkg(path: Path, wkts: list[str], crs: str = "EPSG:4326") -> Path:
    import geopandas as gpd
    import shapely

    gdf = gpd.GeoDataFrame({"name": [f"S{i}" for i in range(len(wkts))]},
                           geometry=[shapely.from_wkt(w) for w in wkts], crs=crs)
    gdf.to_file(path, driver="GPKG", layer="sites")
    return path


def _geojson(path: Path, features: list[dict[str, Any]], crs: str | None = None) -> Path:
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _feature(geom: dict[str, Any], name: str = "S") -> dict[str, Any]:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geom}


BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


def build_corpus(d: Path) -> list[Case]:
    """Write the malformed files into ``d`` and return their cases."""
    d.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, importer: str, content: bytes | str | Callable[[Path], Path], suffix: str,
            expect: str = "", **kw: Any) -> None:
        p = d / f"{name}{suffix}"
        if callable(content):
            content(p)
        elif isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        cases.append(Case(name, importer, p, expect, **kw))

    rng = np.random.default_rng(0)
    garbage = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()

    # --- generic CSV ---------------------------------------------------------------------------------------
    add("csv-empty", "csv", b"", ".csv", "empty")
    add("csv-header-only", "csv", "name,lat,lon\n", ".csv", "no rows")
    add("csv-utf16", "csv", GOOD_CSV.encode("utf-16"), ".csv", "")
    add("csv-binary", "csv", garbage, ".csv", "")
    add("csv-nul-bytes", "csv", GOOD_CSV.replace("Chavara", "Cha\x00vara"), ".csv", "")
    add("csv-unclosed-quote", "csv", 'name,lat,lon\n"Amba Dongar,22.0,74.05\nChavara,8.99,76.53\n', ".csv", "")
    add("csv-ragged", "csv", "name,lat,lon\nAmba Dongar,22.0,74.05,extra,cells\n", ".csv", "")
    add("csv-lat-out-of-range", "csv", "name,lat,lon\nA,95.0,74.0\n", ".csv", "lat")
    add("csv-lon-out-of-range", "csv", "name,lat,lon\nA,22.0,200.0\n", ".csv", "lon")
    add("csv-lat-not-number", "csv", "name,lat,lon\nA,abc,74.0\n", ".csv", "lat")
    add("csv-lat-swapped-dms", "csv", "name,lat,lon\nA,74°03'E,22°00'N\n", ".csv", "")
    add("csv-lat-inf", "csv", "name,lat,lon\nA,inf,74.0\n", ".csv", "lat")
    add("csv-no-location", "csv", "name,commodity\nA,Li\n", ".csv", "location")
    add("csv-no-name", "csv", "lat,lon\n22,74\n", ".csv", "")
    add("csv-duplicate-columns", "csv", "name,lat,lat,lon\nA,22,23,74\n", ".csv", "")
    add("csv-formula-name", "csv", 'name,lat,lon\n"=HYPERLINK(""http://x"",""y"")",22,74\n', ".csv", "formula")
    add("csv-formula-at", "csv", "name,lat,lon\n@SUM(A1:A9),22,74\n", ".csv", "formula")
    add("csv-dms-bad-minutes", "csv", "name,lat,lon\nA,22°61'00\"N,74°00'00\"E\n", ".csv", "")
    add("csv-utm-as-degrees", "csv", "name,lat,lon\nA,2433000,512000\n", ".csv", "")
    add("csv-unknown-crs", "csv", "name,x,y\nA,512000,2433000\n", ".csv", "",
        mapping={"columns": {"name": "name", "x": "x", "y": "y"}, "coordinates": {"crs": "EPSG:999999"}})
    add("csv-mapping-missing-column", "csv", GOOD_CSV, ".csv", "",
        mapping={"columns": {"name": "Nom", "lat": "lat", "lon": "lon"}})
    add("csv-truncated", "csv", GOOD_CSV + '"Salal,33.1', ".csv", "")
    add("csv-too-many-rows", "csv", "name,lat,lon\n" + "".join(f"S{i},22,74\n" for i in range(60)), ".csv",
        "rows", limits={"CRITMIN_MAX_IMPORT_ROWS": "50"})

    # --- XLSX ----------------------------------------------------------------------------------------------
    add("xlsx-truncated", "xlsx", lambda p: p.write_bytes(_xlsx(p, [["name", "lat", "lon"], ["A", 22, 74]])
                                                         .read_bytes()[:700]), ".xlsx", "")
    add("xlsx-not-a-zip", "xlsx", GOOD_CSV, ".xlsx", "")
    add("xlsx-zip-bomb", "xlsx", _xlsx_bomb, ".xlsx", "compress")
    add("xlsx-formulas", "xlsx", lambda p: _xlsx(p, [["name", "lat", "lon"], ["=1+1", 22, 74]]), ".xlsx",
        "formula")
    add("xlsx-empty-sheet", "xlsx", lambda p: _xlsx(p, []), ".xlsx", "")
    add("xlsx-missing-sheet", "xlsx", lambda p: _xlsx(p, [["name", "lat", "lon"], ["A", 22, 74]]), ".xlsx", "",
        mapping={"sheet": "Deposits", "columns": {"name": "name", "lat": "lat", "lon": "lon"}})
    add("xlsx-lat-out-of-range", "xlsx", lambda p: _xlsx(p, [["name", "lat", "lon"], ["A", -91, 74]]), ".xlsx",
        "lat")

    def traversal(p: Path) -> Path:
        _xlsx(p, [["name", "lat", "lon"], ["A", 22, 74]])
        with zipfile.ZipFile(p, "a") as z:
            z.writestr("../../evil.txt", "x")
        return p

    add("xlsx-path-traversal", "xlsx", traversal, ".xlsx", "")

    # --- GeoJSON -------------------------------------------------------------------------------------------
    add("geojson-invalid-json", "geojson", '{"type": "FeatureCollection", "features": [', ".geojson", "")
    add("geojson-not-geojson", "geojson", '{"a": 1}', ".geojson", "")
    add("geojson-binary", "geojson", garbage, ".geojson", "")
    add("geojson-unknown-geometry-type", "geojson", lambda p: _geojson(p, [
        _feature({"type": "Blob", "coordinates": [74, 22]})]), ".geojson", "")
    add("geojson-empty", "geojson", lambda p: _geojson(p, []), ".geojson", "")
    add("geojson-self-intersecting", "geojson", lambda p: _geojson(p, [_feature(BOWTIE)]), ".geojson",
        "invalid geometry")
    add("geojson-lon-out-of-range", "geojson", lambda p: _geojson(
        p, [_feature({"type": "Point", "coordinates": [500.0, 22.0]})]), ".geojson", "")
    add("geojson-projected-as-wgs84", "geojson", lambda p: _geojson(
        p, [_feature({"type": "Point", "coordinates": [512000.0, 2433000.0]})]), ".geojson", "")
    add("geojson-truncated", "geojson", lambda p: p.write_text(json.dumps(
        {"type": "FeatureCollection", "features": [_feature({"type": "Point", "coordinates": [74, 22]})] * 5}
    )[:150], encoding="utf-8"), ".geojson", "")
    add("geojson-too-complex", "geojson", lambda p: _geojson(p, [_feature({"type": "LineString", "coordinates": [
        [74 + i * 1e-5, 22 + (i % 2) * 1e-5] for i in range(5000)]})]), ".geojson", "vertices",
        limits={"CRITMIN_MAX_GEOMETRY_VERTICES": "1000"})
    add("geojson-nan-coordinate", "geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",'
        '"properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[NaN,22]}}]}', ".geojson", "")

    # --- GeoPackage ----------------------------------------------------------------------------------------
    add("gpkg-binary", "gpkg", garbage, ".gpkg", "")
    add("gpkg-truncated", "gpkg", lambda p: p.write_bytes(_gpkg(p, ["POINT (74 22)"]).read_bytes()[:2048]),
        ".gpkg", "")
    add("gpkg-self-intersecting", "gpkg", lambda p: _gpkg(p, ["POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"]), ".gpkg",
        "invalid geometry")
    add("gpkg-out-of-range", "gpkg", lambda p: _gpkg(p, ["POINT (512000 2433000)"]), ".gpkg", "")
    add("gpkg-no-features", "gpkg", lambda p: _gpkg(p, []), ".gpkg", "")

    def plain_sqlite(p: Path) -> Path:
        con = sqlite3.connect(p)
        con.execute("CREATE TABLE t (a)")
        con.commit()
        con.close()
        return p

    add("gpkg-plain-sqlite", "gpkg", plain_sqlite, ".gpkg", "")

    # --- MRDS ----------------------------------------------------------------------------------------------
    add("mrds-missing-columns", "mrds", "dep_id,site_name\n1,A\n", ".csv", "")
    add("mrds-lat-out-of-range", "mrds", MRDS_HEADER + "\n" + _mrds_row(latitude="135.0") + "\n", ".csv", "")
    add("mrds-lat-not-number", "mrds", MRDS_HEADER + "\n" + _mrds_row(latitude="north") + "\n", ".csv", "")
    add("mrds-truncated", "mrds", MRDS_HEADER + "\n" + _mrds_row()[:40] + '"', ".csv", "")
    add("mrds-binary", "mrds", garbage, ".csv", "")

    # --- USMIN / MinMod / critmin layout -------------------------------------------------------------------
    add("usmin-wrong-columns", "usmin", "a,b\n1,2\n", ".csv", "")
    add("minmod-invalid-json", "minmod", "{not json", ".json", "")
    add("minmod-wrong-shape", "minmod", "[1, 2, 3]", ".json", "")
    add("minmod-site-without-keys", "minmod", json.dumps({"MineralSite": [{"foo": 1}]}), ".json", "")
    add("critmin-missing-columns", "critmin", "record_id,name\nX,Y\n", ".csv", "")
    add("critmin-bad-ore", "critmin", "record_id,name,aliases,lat,lon,location_accuracy_m,country,state,status,"
        "commodities_main,commodities_byproduct,deposit_type,deposit_group,deposit_environment,cox_singer_code,"
        "inventory_category,classification,inventory_date,ore_mt,grades,contained,citation,notes\n"
        "X,Y,,22,74,,IND,,deposit,REE,,,,,,inferred,JORC,,lots,,,,\n", ".csv", "ore")

    # --- geochemistry assays -------------------------------------------------------------------------------
    add("assays-no-units", "assays", "sample_id,La,Ce\nS1,1,2\n", ".csv", "unit")
    add("assays-binary", "assays", garbage, ".csv", "")
    add("assays-utf16", "assays", "sample_id,La_ppm\nS1,1\n".encode("utf-16"), ".csv", "")
    add("assays-xlsx-bomb", "assays", _xlsx_bomb, ".xlsx", "compress")
    add("assays-empty", "assays", b"", ".csv", "")
    return cases
