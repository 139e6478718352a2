"""``critmin deposits list / show / datasets / export`` on the bundled demo data plus the USMIN lithium
release (Karl et al. 2019, doi:10.5066/P9ZKRWQF), checked against the unfiltered listing."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.conftest import Invoke, as_json

FORMULA = '=HYPERLINK("http://evil.example/x","click")'


@pytest.fixture
def loaded(migrated: Invoke, data_dir: Path, tmp_path: Path) -> Invoke:
    migrated("demo", "load")
    migrated("deposits", "import", data_dir / "deposits" / "usmin-lithium", "--format", "usmin")
    f = tmp_path / "tricky.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "latitude", "longitude", "commodity", "country"])
        w.writerow(["T1", "-Minus sign deposit", "10.5", "77.5", "Graphite", "IND"])
        w.writerow(["T2", "+Plus sign deposit", "10.6", "77.6", "Graphite", "IND"])
        w.writerow(["T3", "@Home mine", "10.7", "77.7", "Graphite", "IND"])
    migrated("deposits", "import", f, "--format", "csv", "--source", "tricky")
    return migrated


def _all(cli: Invoke) -> list[dict]:
    out = as_json(cli("deposits", "list", "--json", "--limit", "100000", "--sort", "id"))
    assert out["total"] == len(out["items"])
    return out["items"]


def _ids(cli: Invoke, *args: str) -> list[int]:
    out = as_json(cli("deposits", "list", "--json", "--limit", "100000", "--sort", "id", *args))
    assert set(out) == {"total", "limit", "offset", "items"}
    assert out["total"] == len(out["items"])
    return [it["id"] for it in out["items"]]


def test_list_shape_and_pagination(loaded: Invoke) -> None:
    everything = _all(loaded)
    assert len(everything) >= 100 + 21 + 3
    page = as_json(loaded("deposits", "list", "--json", "--limit", "7", "--offset", "5", "--sort", "id"))
    assert (page["total"], page["limit"], page["offset"]) == (len(everything), 7, 5)
    assert [it["id"] for it in page["items"]] == [it["id"] for it in everything[5:12]]
    item = page["items"][0]
    assert {"id", "source", "record_id", "name", "lon", "lat", "country", "status", "commodities",
            "deposit_type", "canonical_id"} <= set(item)
    beyond = as_json(loaded("deposits", "list", "--json", "--offset", str(len(everything) + 10)))
    assert beyond["total"] == len(everything) and beyond["items"] == []
    # sorting
    by_name = as_json(loaded("deposits", "list", "--json", "--limit", "100000", "--sort", "name"))["items"]
    names = [it["name"].lower() for it in by_name if it["name"]]
    assert names == sorted(names)
    desc = as_json(loaded("deposits", "list", "--json", "--limit", "100000", "--sort", "-id"))["items"]
    assert [it["id"] for it in desc] == sorted((it["id"] for it in everything), reverse=True)
    # the table form prints too
    table = loaded("deposits", "list", "--limit", "3")
    assert f"{len(everything)} sites" in table.stdout


def test_list_every_filter(loaded: Invoke) -> None:
    everything = _all(loaded)
    li = [it["id"] for it in everything if "Li" in it["commodities"]]
    assert len(li) >= 21 and _ids(loaded, "--commodity", "Li") == li
    assert _ids(loaded, "--commodity", "lithium") == li  # names normalise to symbols
    ree_or_li = [it["id"] for it in everything if {"Li", "REE"} & set(it["commodities"])]
    assert _ids(loaded, "--commodity", "Li,REE") == ree_or_li
    usa = [it["id"] for it in everything if it["country"] == "USA"]
    assert usa and _ids(loaded, "--country", "usa") == usa
    prod = [it["id"] for it in everything if it["status"] == "producer"]
    assert prod and _ids(loaded, "--status", "producer") == prod
    usmin = [it["id"] for it in everything if it["source"] == "usmin"]
    assert len(usmin) == 21 and _ids(loaded, "--source", "usmin") == usmin
    lct = [it["id"] for it in everything if it["deposit_type"] == "LCT pegmatite"]
    assert lct and _ids(loaded, "--deposit-type", "LCT pegmatite") == lct
    # India's bounding box
    india = [it["id"] for it in everything if it["lon"] is not None and 68 <= it["lon"] <= 98 and 6 <= it["lat"] <= 36]
    assert len(india) >= 10 and _ids(loaded, "--bbox", "68,6,98,36") == india
    # name / alias text (case-insensitive)
    passes = _ids(loaded, "--q", "PASS")
    assert {it["id"] for it in everything if "pass" in (it["name"] or "").lower()} <= set(passes)
    # all filters together
    combo = [it["id"] for it in everything if "Li" in it["commodities"] and it["country"] == "USA"
             and it["source"] == "usmin" and -125 <= (it["lon"] or 999) <= -114 and 32 <= (it["lat"] or 999) <= 42]
    assert combo and _ids(loaded, "--commodity", "Li", "--country", "united states", "--source", "usmin",
                          "--bbox", "-125,32,-114,42") == combo
    assert _ids(loaded, "--commodity", "Li", "--country", "ZZZ") == []


def test_bad_bbox_exits_1_with_explanation(loaded: Invoke) -> None:
    res = loaded("deposits", "list", "--bbox", "1,2,3", ok=False)
    assert res.exit_code == 1 and "bbox" in res.stderr
    res = loaded("deposits", "list", "--bbox", "0,50,10,40", ok=False)
    assert res.exit_code == 1 and "miny" in res.stderr


def test_show_json_has_provenance(loaded: Invoke, data_dir: Path) -> None:
    (sid,) = [it["id"] for it in _all(loaded) if it["source"] == "usmin" and it["record_id"] == "AR00002"]
    d = as_json(loaded("deposits", "show", str(sid), "--json"))
    assert d["id"] == sid and d["name"] == "Smackover-Lanxess"
    prov = d["provenance"]
    assert set(prov) >= {"dataset", "source", "organisation", "visibility", "format", "file", "row", "imported_at",
                         "content_sha256"}
    assert prov["source"] == "usmin" and prov["format"] == "usmin" and prov["file"].endswith("Site.csv")
    assert isinstance(prov["row"], int) and prov["row"] >= 1 and len(prov["content_sha256"]) == 64
    assert {"aliases", "inventory", "commodities", "deposit_types", "references", "links"} <= set(d)
    res = loaded("deposits", "show", "999999", ok=False)
    assert res.exit_code == 1 and "999999" in res.stderr


def test_datasets_json(loaded: Invoke) -> None:
    ds = {d["source"]: d for d in as_json(loaded("deposits", "datasets", "--json"))}
    assert set(ds) == {"critmin-demo", "usmin", "tricky"}
    assert ds["usmin"]["record_count"] == 21 and ds["usmin"]["visibility"] == "public"
    assert ds["usmin"]["organisation"] == "demo"


@pytest.mark.parametrize("ext", ["gpkg", "parquet", "geojson", "csv", "xlsx"])
def test_export_every_format_with_filters(loaded: Invoke, tmp_path: Path, ext: str) -> None:
    import geopandas as gpd
    import pyogrio

    # USMIN writes "United States", the demo data ISO3 "USA": both are stored as USA, either name finds both
    expected = _ids(loaded, "--commodity", "Li", "--country", "USA,United States")
    assert len(expected) > 21  # USMIN plus the demo's US lithium deposits
    assert _ids(loaded, "--commodity", "Li", "--country", "United States") == expected
    out = tmp_path / f"li_usa.{ext}"
    res = as_json(loaded("deposits", "export", out, "--commodity", "Li", "--country", "USA,United States", "--json"))
    assert res == {"output": str(out), "sites": len(expected)}
    if ext in ("gpkg", "geojson"):
        gdf = pyogrio.read_dataframe(out, layer="mineral_sites") if ext == "gpkg" else pyogrio.read_dataframe(out)
        assert gdf.crs.to_epsg() == 4326
        assert sorted(gdf["site_id"].astype(int)) == expected
        row = gdf.set_index("site_id").loc[expected[0]]
        assert row.geometry.x == pytest.approx(row["lon"]) and row.geometry.y == pytest.approx(row["lat"])
        if ext == "gpkg":
            assert "mineral_inventory" in [name for name, _ in pyogrio.list_layers(out)]
            inv = pyogrio.read_dataframe(out, layer="mineral_inventory", read_geometry=False)
            assert set(inv["site_id"].astype(int)) <= set(expected) and len(inv) > 0
    elif ext == "parquet":
        gdf = gpd.read_parquet(out)
        assert gdf.crs.to_epsg() == 4326 and sorted(gdf["site_id"]) == expected
    elif ext == "csv":
        df = pd.read_csv(out)
        assert sorted(df["site_id"]) == expected
        assert {"source", "record_id", "name", "commodities", "lon", "lat", "source_file", "source_row",
                "imported_at"} <= set(df.columns)
        assert all("Li" in c for c in df["commodities"])
    else:
        df = pd.read_excel(out, sheet_name="mineral_sites")
        assert sorted(df["site_id"]) == expected
        inv = pd.read_excel(out, sheet_name="mineral_inventory")
        assert set(inv["site_id"]) <= set(expected)


def test_export_format_option_overrides_extension(loaded: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "usmin.dat"
    loaded("deposits", "export", out, "--format", "csv", "--source", "usmin")
    assert len(pd.read_csv(out)) == 21
    res = loaded("deposits", "export", tmp_path / "x.shp", ok=False)
    assert res.exit_code == 1 and "shp" in res.stderr
    assert not (tmp_path / "x.shp").exists()


def test_import_refuses_formula_cells(migrated: Invoke, tmp_path: Path) -> None:
    f = tmp_path / "evil.csv"
    f.write_text(f'id,name,latitude,longitude\nE1,"{FORMULA.replace(chr(34), chr(34) * 2)}",10.5,77.5\n',
                 encoding="utf-8")
    res = migrated("deposits", "import", f, "--format", "csv", ok=False)
    assert res.exit_code == 1 and "spreadsheet formula" in res.output and "row 1" in res.output
    assert "evil" not in migrated("deposits", "datasets").output


def test_export_neutralises_formula_injection(loaded: Invoke, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "tricky.csv"
    loaded("deposits", "export", out, "--source", "tricky")
    with open(out, encoding="utf-8", newline="") as fh:
        names = {r["record_id"]: r["name"] for r in csv.DictReader(fh)}
    assert names == {"T1": "'-Minus sign deposit", "T2": "'+Plus sign deposit", "T3": "'@Home mine"}
    xl = tmp_path / "tricky.xlsx"
    loaded("deposits", "export", xl, "--source", "tricky")
    ws = load_workbook(xl)["mineral_sites"]
    header = [c.value for c in ws[1]]
    cells = {ws.cell(r, header.index("record_id") + 1).value: ws.cell(r, header.index("name") + 1)
             for r in range(2, ws.max_row + 1)}
    assert cells["T1"].value == "'-Minus sign deposit" and cells["T1"].data_type == "s"
    # numbers are not touched; negative longitudes stay numbers in GeoJSON/CSV of other sources
    usmin = tmp_path / "usmin.csv"
    loaded("deposits", "export", usmin, "--source", "usmin")
    assert (pd.read_csv(usmin)["lon"] < 0).all()
