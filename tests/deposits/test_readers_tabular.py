"""Tests of the generic table reader (CSV, XLSX, GeoJSON, GeoPackage) and column mappings."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from critmin.deposits.readers import read
from critmin.deposits.readers.coords import parse_dms
from critmin.deposits.readers.mapping import load_mapping
from critmin.deposits.readers.tabular import read_tabular
from critmin.errors import InputError

ROWS = [
    {"ID": "GSI-001", "Name": "Amba Dongar", "name_hi": "अंबा डोंगर", "name_translit": "Ambā Ḍoṅgar",
     "Lat": "21°59'0\"N", "Lon": "74°1'30\"E", "Commodity": "Fluorite; REE", "Status": "Past Producer",
     "Type": "Carbonatite", "Tonnage": "11.6", "Grade": "30", "Category": "332"},
    {"ID": "GSI-002", "Name": "Sung Valley", "name_hi": "सुंग घाटी", "name_translit": "Sung Ghati",
     "Lat": "25 31 30 N", "Lon": "92 0 0 E", "Commodity": "REE, Nb, P", "Status": "prospect",
     "Type": "", "Tonnage": "", "Grade": "", "Category": ""},
]
MAPPING = """
[columns]
record_id = "ID"
name = "Name"
aliases_from = ["name_hi", "name_translit"]
lat = "Lat"
lon = "Lon"
commodities = "Commodity"
status = "Status"
deposit_type = "Type"

[coordinates]
format = "dms"

[inventory]
ore = "Tonnage"
ore_unit = "Mt"
grade = "Grade"
grade_unit = "%"
commodity = "Commodity"
category = "Category"
"""


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("text", "value"),
    [("21°30'15\"N", 21.504167), ("21 30 15 N", 21.504167), ("-21:30:15", -21.504167),
     ("21d30m15s", 21.504167), ("74°1'30\"W", -74.025), ("S 12° 30'", -12.5), ("-21.5", -21.5)],
)
def test_parse_dms(text: str, value: float) -> None:
    assert parse_dms(text) == pytest.approx(value, abs=1e-6)


def test_csv_with_mapping_dms_devanagari(tmp_path: Path) -> None:
    f = _csv(tmp_path / "gsi_sites.csv", ROWS)
    (tmp_path / "m.toml").write_text(MAPPING, encoding="utf-8")
    res = read([f], "csv", mapping={"path": str(tmp_path / "m.toml")})
    assert list(res.datasets) == ["gsi_sites"]  # default source: the file stem
    amba, sung = res.sites
    assert amba.record_id == "GSI-001" and amba.aliases == ["अंबा डोंगर", "Ambā Ḍoṅgar"]
    assert amba.lat == pytest.approx(21 + 59 / 60) and amba.lon == pytest.approx(74.025)
    assert amba.commodity_symbols == ["F", "REE"] and amba.status == "past_producer"
    assert amba.deposit_types[0].name == "Carbonatite REE"
    inv = amba.inventory[0]
    assert inv.ore_t == pytest.approx(11.6e6) and inv.grade_pct == 30 and inv.category == "indicated"
    assert inv.unfc_code == "332"
    assert sung.lat == pytest.approx(25.525) and sung.inventory == [] and sung.commodity_symbols == ["REE", "Nb", "P"]
    assert sung.origin is not None and sung.origin.row == 2


def test_bad_cell_names_row_and_column(tmp_path: Path) -> None:
    rows = [ROWS[0], dict(ROWS[1], Lat="twenty-five")]
    f = _csv(tmp_path / "s.csv", rows)
    with pytest.raises(InputError) as e:
        read_tabular([f], mapping=load_mapping(_toml(tmp_path)))
    assert (e.value.file, e.value.row, e.value.column) == (str(f), 2, "Lat")
    rows = [ROWS[0], dict(ROWS[1], Tonnage="a lot", Grade="1")]
    f = _csv(tmp_path / "s2.csv", rows)
    with pytest.raises(InputError) as e:
        read_tabular([f], mapping=load_mapping(_toml(tmp_path)))
    assert (e.value.row, e.value.column) == (2, "Tonnage")


def _toml(tmp_path: Path) -> Path:
    p = tmp_path / "m.toml"
    p.write_text(MAPPING, encoding="utf-8")
    return p


@pytest.mark.parametrize("epsg", ["EPSG:32643", "EPSG:24378"])
def test_projected_coordinates(tmp_path: Path, epsg: str) -> None:
    from pyproj import Transformer

    lon, lat = 76.53, 8.99  # Chavara, Kerala
    x, y = Transformer.from_crs("EPSG:4326", epsg, always_xy=True).transform(lon, lat)
    f = _csv(tmp_path / "p.csv", [{"site_id": "1", "site_name": "Chavara", "easting": f"{x:.3f}",
                                   "northing": f"{y:.3f}"}])
    res = read_tabular([f], mapping={"columns": {"record_id": "site_id", "name": "site_name", "x": "easting",
                                                 "y": "northing"}, "coordinates": {"crs": epsg}})
    s = res.sites[0]
    assert s.lon == pytest.approx(lon, abs=1e-5) and s.lat == pytest.approx(lat, abs=1e-5)
    assert s.crs == epsg


def test_autodetect_and_refusal(tmp_path: Path) -> None:
    f = _csv(tmp_path / "auto.csv", [{"Site_Name": "Kolar", "Latitude": "12.95", "Longitude": "78.27",
                                      "Commodity": "Au"}])
    s = read_tabular([f]).sites[0]
    assert (s.record_id, s.name, s.lat, s.commodity_symbols) == ("Kolar", "Kolar", 12.95, ["Au"])
    g = _csv(tmp_path / "bad.csv", [{"foo": "1", "bar": "2"}])
    with pytest.raises(InputError, match="columns found: foo, bar"):
        read_tabular([g])


def test_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(ROWS[0]))
    for r in ROWS:
        ws.append(list(r.values()))
    f = tmp_path / "sites.xlsx"
    wb.save(f)
    res = read([f], "xlsx", mapping={"path": str(_toml(tmp_path))})
    assert [s.record_id for s in res.sites] == ["GSI-001", "GSI-002"]
    assert res.sites[0].aliases[0] == "अंबा डोंगर" and res.datasets["sites"].format == "xlsx"


def test_gpkg_and_geojson(tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point, Polygon

    gdf = gpd.GeoDataFrame(
        {"name": ["Kangankunde", "Songwe Hill district"], "commodity": ["REE", "REE; Sr"]},
        geometry=[Point(34.89, -15.12), Polygon([(35.0, -15.5), (35.2, -15.5), (35.2, -15.3), (35.0, -15.3)])],
        crs="EPSG:4326",
    )
    for ext, driver in ((".gpkg", "GPKG"), (".geojson", "GeoJSON")):
        f = tmp_path / f"africa{ext}"
        pyogrio.write_dataframe(gdf.to_crs("EPSG:32736") if ext == ".gpkg" else gdf, f, driver=driver)
        res = read_tabular([f])
        a, b = res.sites
        assert a.lon == pytest.approx(34.89, abs=1e-6) and a.lat == pytest.approx(-15.12, abs=1e-6)
        assert a.geometry_wkt is None and b.geometry_wkt is not None and b.geometry_wkt.startswith("POLYGON")
        assert 35.0 < b.lon < 35.2 and -15.5 < b.lat < -15.3
        assert b.commodity_symbols == ["REE", "Sr"]
        assert np.isfinite(b.lon)
