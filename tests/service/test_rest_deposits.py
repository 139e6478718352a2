"""REST API of the deposit knowledge base (``/api/deposits``, ``/api/health``, ``/api/ui``) on both stores.

The ``client`` fixture serves the eight hand-made sites of :func:`tests.store.factories.world`; the
``usmin_client`` fixture adds the real USMIN lithium release (Karl et al. 2019, doi:10.5066/P9ZKRWQF,
../shared/data/deposits/usmin-lithium).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from critmin.config import get_settings
from critmin.service.app import create_app
from critmin.store.ingest import import_files
from critmin.store.sites import import_sites
from tests.store.factories import result, site

SITES = "/api/deposits/sites"
LOCATED = {"IN-1", "IN-2", "IN-3", "US-1", "US-2", "MW-1", "FJ-1"}
ALL = LOCATED | {"XX-1"}


def _records(r) -> list[str]:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text
    return [it["record_id"] for it in r.json()["items"]]


def test_sites_page_shape_and_defaults(client: TestClient) -> None:
    r = client.get(SITES)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"total", "limit", "offset", "items"}
    assert body["total"] == 8 and body["limit"] == 100 and body["offset"] == 0
    assert {it["record_id"] for it in body["items"]} == ALL
    amba = next(it for it in body["items"] if it["record_id"] == "IN-1")
    assert amba["name"] == "Amba Dongar" and amba["source"] == "gsi"
    assert (amba["lon"], amba["lat"]) == (74.05, 22.0) and amba["commodities"] == ["REE", "F"]
    assert amba["status"] == "deposit" and amba["country"] == "IND" and amba["deposit_type"] == "Carbonatite REE"


@pytest.mark.parametrize(("params", "expected"), [
    ({"commodity": "Li"}, {"IN-3", "US-2", "XX-1"}),
    ({"commodity": "lithium"}, {"IN-3", "US-2", "XX-1"}),
    ({"commodity": "REE,Au"}, {"IN-1", "IN-2", "US-1", "MW-1", "FJ-1"}),
    ({"commodity": "Zr"}, {"IN-2"}),
    ({"status": "producer"}, {"IN-2", "US-1"}),
    ({"status": "prospect,producer"}, {"IN-2", "US-1", "IN-3"}),
    ({"country": "usa"}, {"US-1", "US-2"}),
    ({"country": "IND,MWI"}, {"IN-1", "IN-2", "IN-3", "MW-1"}),
    ({"deposit_type": "Carbonatite REE"}, {"IN-1"}),
    ({"deposit_type": "carbonatite"}, {"IN-1"}),         # the group
    ({"deposit_type": "10"}, {"IN-1"}),                  # the Cox & Singer code
    ({"source": "gsi"}, ALL),
    ({"source": "usgs"}, set()),
    ({"q": "pass"}, {"US-1", "US-2"}),
    ({"q": "अम्बा"}, {"IN-1"}),                          # an alias in Devanagari
    ({"bbox": "68,6,98,36"}, {"IN-1", "IN-2", "IN-3"}),
    ({"bbox": "170,-20,-170,-10"}, {"FJ-1"}),            # crosses the antimeridian
    ({"bbox": "-180,-90,180,90"}, LOCATED),              # no location, no bbox match
    ({"commodity": "Li", "country": "IND", "bbox": "68,6,98,36"}, {"IN-3"}),
])
def test_sites_filters(client: TestClient, params: dict[str, str], expected: set[str]) -> None:
    r = client.get(SITES, params=params)
    assert set(_records(r)) == expected
    assert r.json()["total"] == len(expected)


def test_sites_sort_and_pagination(client: TestClient) -> None:
    by_name = _records(client.get(SITES, params={"sort": "name"}))
    assert by_name == ["IN-1", "FJ-1", "IN-2", "US-1", "XX-1", "IN-3", "MW-1", "US-2"]
    assert _records(client.get(SITES, params={"sort": "-name"})) == by_name[::-1]
    by_country = [it["country"] for it in client.get(SITES, params={"sort": "country"}).json()["items"]]
    assert by_country == ["FJI", "IND", "IND", "IND", "MWI", "USA", "USA", None]
    by_id = client.get(SITES, params={"sort": "id"}).json()["items"]
    assert [it["id"] for it in by_id] == sorted(it["id"] for it in by_id)
    pages = [client.get(SITES, params={"sort": "name", "limit": 3, "offset": o}).json() for o in (0, 3, 6, 9)]
    assert [p["total"] for p in pages] == [8, 8, 8, 8]
    assert [it["record_id"] for p in pages for it in p["items"]] == by_name
    assert pages[-1]["items"] == [] and pages[0]["limit"] == 3 and pages[1]["offset"] == 3


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "0,50,10,40", "-200,0,10,10", "0,-95,10,10"])
def test_bad_bbox_is_400(client: TestClient, bbox: str) -> None:
    for path in (SITES, f"{SITES}.geojson", "/api/deposits/facets", "/api/deposits/export"):
        r = client.get(path, params={"bbox": bbox})
        assert r.status_code == 400, (path, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "bbox" in r.json()["detail"]


@pytest.mark.parametrize("params", [{"sort": "colour"}, {"limit": 0}, {"limit": "x"}, {"limit": 10001},
                                    {"offset": -1}])
def test_bad_sort_limit_offset_is_400(client: TestClient, params: dict[str, object]) -> None:
    """Bad query parameters are the client's error: 400 with a problem document naming the parameter
    (as the OGC API routes answer), not FastAPI's default 422."""
    r = client.get(SITES, params=params)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert next(iter(params)) in r.json()["detail"]


def test_sites_geojson(client: TestClient) -> None:
    r = client.get(f"{SITES}.geojson")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    assert fc["numberMatched"] == 8 and fc["numberReturned"] == 7  # XX-1 has no location
    feats = {f["properties"]["record_id"]: f for f in fc["features"]}
    assert set(feats) == LOCATED
    assert feats["US-1"]["geometry"] == {"type": "Point", "coordinates": [-115.53, 35.48]}
    assert feats["IN-2"]["properties"]["commodities"] == "Ti,Zr,REE"
    li = client.get(f"{SITES}.geojson", params={"commodity": "Li"}).json()
    assert {f["properties"]["record_id"] for f in li["features"]} == {"IN-3", "US-2"}


def test_site_detail_and_404(client: TestClient) -> None:
    sid = next(it["id"] for it in client.get(SITES).json()["items"] if it["record_id"] == "IN-1")
    r = client.get(f"{SITES}/{sid}")
    assert r.status_code == 200
    d = r.json()
    assert d["aliases"] == ["अम्बा डोंगर"]
    assert d["commodities"][0] == {"symbol": "REE", "role": "main", "observed": "REE"}
    (inv,) = d["inventory"]
    assert inv["ore_t"] == 1.5e6 and inv["grade_pct"] == 2.5 and inv["category"] == "inferred"
    prov = d["provenance"]
    assert prov["source"] == "gsi" and prov["organisation"] == "gsi" and prov["file"] == "gsi.csv"
    assert prov["row"] == 1 and prov["content_sha256"] == "a" * 64 and prov["imported_at"]
    missing = client.get(f"{SITES}/987654")
    assert missing.status_code == 404 and "987654" in missing.json()["detail"]
    assert client.get(f"{SITES}/not-a-number").status_code in (400, 404, 422)


def test_facets(client: TestClient) -> None:
    f = client.get("/api/deposits/facets").json()
    com = {x["value"]: x["count"] for x in f["commodities"]}
    assert com["REE"] == 4 and com["Li"] == 3 and com["Ti"] == 1 and com["Au"] == 1
    statuses = {x["value"]: x["count"] for x in f["statuses"]}
    assert statuses == {"deposit": 5, "producer": 2, "prospect": 1}
    assert {x["value"]: x["count"] for x in f["countries"]} == {"IND": 3, "USA": 2, "MWI": 1, "FJI": 1}
    assert f["sources"] == [{"value": "gsi", "count": 8}]
    assert f["deposit_types"] == [{"value": "Carbonatite REE", "count": 1}]
    # facets follow the filters
    usa = client.get("/api/deposits/facets", params={"country": "USA"}).json()
    assert {x["value"]: x["count"] for x in usa["commodities"]} == {"REE": 1, "Li": 1}


def test_datasets(client: TestClient) -> None:
    (ds,) = client.get("/api/deposits/datasets").json()
    assert ds["source"] == "gsi" and ds["organisation"] == "gsi" and ds["visibility"] == "public"
    assert ds["record_count"] == 8 and ds["content_sha256"] == "a" * 64 and ds["files"] == ["gsi.csv"]


def test_private_datasets_are_hidden(seeded, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    with seeded.transaction() as s:
        import_sites(s, result("gsi-internal", [site("gsi-internal", "P-1", "Secret Prospect", 80.0, 20.0, ["Li"])],
                               sha="b" * 64), organisation="gsi", visibility="private")
    assert "P-1" not in _records(client.get(SITES, params={"limit": 1000}))
    assert [d["source"] for d in client.get("/api/deposits/datasets").json()] == ["gsi"]
    with seeded.session() as s:
        from sqlalchemy import select

        from critmin.store.tables import Site

        pid = s.execute(select(Site.id).where(Site.record_id == "P-1")).scalar_one()
    assert client.get(f"{SITES}/{pid}").status_code == 404
    content = client.get("/api/deposits/export", params={"format": "csv"}).content.decode()
    assert "Secret Prospect" not in content


_CT = {"gpkg": "application/geopackage+sqlite3", "geoparquet": "application/vnd.apache.parquet",
       "geojson": "application/geo+json", "csv": "text/csv",
       "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.mark.parametrize("fmt", list(_CT))
def test_export_every_format(client: TestClient, tmp_path: Path, fmt: str) -> None:
    import geopandas as gpd
    import pyogrio

    r = client.get("/api/deposits/export", params={"format": fmt, "commodity": "REE"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(_CT[fmt])
    assert "attachment" in r.headers.get("content-disposition", "")
    expected = {"IN-1", "IN-2", "US-1", "MW-1"}
    if fmt == "csv":
        df = pd.read_csv(io.BytesIO(r.content))
    elif fmt == "xlsx":
        df = pd.read_excel(io.BytesIO(r.content), sheet_name="mineral_sites")
    elif fmt == "geoparquet":
        df = gpd.read_parquet(io.BytesIO(r.content))
        assert df.crs.to_epsg() == 4326
    else:
        f = tmp_path / f"x.{fmt}"
        f.write_bytes(r.content)
        df = pyogrio.read_dataframe(f, layer="mineral_sites") if fmt == "gpkg" else pyogrio.read_dataframe(f)
        assert df.crs.to_epsg() == 4326
        pt = df.set_index("record_id").loc["US-1"].geometry
        assert (pt.x, pt.y) == pytest.approx((-115.53, 35.48))
    assert set(df["record_id"]) == expected
    assert len(df) == len(expected)


def test_export_default_is_gpkg_and_unknown_format_rejected(client: TestClient) -> None:
    r = client.get("/api/deposits/export")
    assert r.status_code == 200 and r.content[:16] == b"SQLite format 3\x00"
    assert client.get("/api/deposits/export", params={"format": "shp"}).status_code in (400, 422)


def test_health(client: TestClient, seeded) -> None:  # type: ignore[no-untyped-def]
    from critmin import __version__

    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["version"] == __version__
    assert h["database"] == seeded.backend and h["revision"] == seeded.current_revision() is not None


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("CRITMIN_BOUNDARY_FILE", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_ui_config_default(client: TestClient, clean_settings: pytest.MonkeyPatch) -> None:
    cfg = client.get("/api/ui/config").json()
    assert cfg["boundary_url"] == "/ui/basemap/countries.geojson"
    assert "Natural Earth" in cfg["boundary_note"]
    assert client.get(cfg["boundary_url"]).status_code == 200
    assert client.get("/api/ui/boundary").status_code == 404


def test_ui_config_with_boundary_file(client: TestClient, clean_settings: pytest.MonkeyPatch,
                                      tmp_path: Path) -> None:
    boundary = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "test boundary"},
        "geometry": {"type": "Polygon", "coordinates": [[[68, 6], [98, 6], [98, 37], [68, 37], [68, 6]]]}}]}
    f = tmp_path / "soi_boundary.geojson"
    f.write_text(json.dumps(boundary), encoding="utf-8")
    clean_settings.setenv("CRITMIN_BOUNDARY_FILE", str(f))
    get_settings.cache_clear()
    cfg = client.get("/api/ui/config").json()
    assert cfg["boundary_url"] == "/api/ui/boundary"
    assert "soi_boundary.geojson" in cfg["boundary_note"]
    r = client.get("/api/ui/boundary")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.json() == boundary


# ----------------------------------------------------------------------------- real data

@pytest.fixture
def usmin_client(seeded, data_dir: Path) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    import_files(seeded, [data_dir / "deposits" / "usmin-lithium"], "usmin")
    with TestClient(create_app(seeded)) as c:
        yield c


def test_usmin_through_rest(usmin_client: TestClient) -> None:
    body = usmin_client.get(SITES, params={"source": "usmin", "limit": 100}).json()
    assert body["total"] == 21
    smack = next(it for it in body["items"] if it["record_id"] == "AR00002")
    assert smack["name"] == "Smackover-Lanxess" and smack["commodities"] == ["Li", "Br"]
    assert (smack["lon"], smack["lat"]) == (-92.7791, 33.1686)
    d = usmin_client.get(f"{SITES}/{smack['id']}").json()
    south = next(i for i in d["inventory"] if i["zone"] == "Smackover-Lanxess, South Unit")
    assert south["contained_t"] == 114000.0 and south["commodity"] == "Li" and south["category"] == "inferred"
    assert d["provenance"]["format"] == "usmin"
    # Arkansas bounding box finds the Smackover brines only
    ark = usmin_client.get(SITES, params={"bbox": "-94.7,33.0,-89.6,36.5", "source": "usmin"}).json()
    assert {it["record_id"] for it in ark["items"]} >= {"AR00002"}
    assert all(it["state"] == "AR" for it in ark["items"])
    facets = usmin_client.get("/api/deposits/facets", params={"source": "usmin"}).json()
    assert {x["value"]: x["count"] for x in facets["commodities"]}["Li"] == 21
