"""OGC API – Features Part 1 core/GeoJSON assertions (replaying the ETS checks we can run offline).

Reference: OGC 17-069r4, OGC API – Features – Part 1: Core 1.0.1, abstract test suite (Annex A).
"""

from __future__ import annotations

from critmin.service.routers.ogcapi import COLLECTION


def _rels(doc):
    return {link["rel"]: link for link in doc["links"]}


def test_landing_page(client) -> None:
    r = client.get("/", headers={"accept": "application/json"})
    assert r.status_code == 200
    rels = _rels(r.json())
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    # browsers get the UI (or the not-built page), not JSON
    html = client.get("/", headers={"accept": "text/html,application/xhtml+xml"})
    assert html.headers["content-type"].startswith("text/html")


def test_conformance(client) -> None:
    c = client.get("/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in c
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in c


def test_collections(client) -> None:
    doc = client.get("/collections").json()
    col = next(c for c in doc["collections"] if c["id"] == COLLECTION)
    bbox = col["extent"]["spatial"]["bbox"][0]
    assert bbox == [-118.08, -17.0, 179.5, 41.71]
    assert "items" in _rels(col)
    assert client.get(f"/collections/{COLLECTION}").json()["id"] == COLLECTION
    assert client.get("/collections/nope").status_code == 404


def test_items_paging_follows_next_links(client) -> None:
    url = f"/collections/{COLLECTION}/items?limit=3"
    seen, pages = [], 0
    while url:
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
        doc = r.json()
        assert doc["type"] == "FeatureCollection" and doc["numberMatched"] == 8
        assert doc["numberReturned"] == len(doc["features"]) <= 3
        seen += [f["id"] for f in doc["features"]]
        nxt = _rels(doc).get("next")
        url = nxt["href"].replace("http://testserver", "") if nxt else None
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == 8  # last page advertises no next link


def test_items_bbox_and_properties(client) -> None:
    doc = client.get(f"/collections/{COLLECTION}/items", params={"bbox": "68,6,98,37"}).json()
    assert sorted(f["properties"]["name"] for f in doc["features"]) == ["Amba Dongar", "Chavara", "Salal-Haimana"]
    doc = client.get(f"/collections/{COLLECTION}/items", params={"commodity": "Li", "country": "USA"}).json()
    assert [f["properties"]["name"] for f in doc["features"]] == ["Thacker Pass"]
    f = doc["features"][0]
    assert f["geometry"] == {"type": "Point", "coordinates": [-118.08, 41.71]}


def test_items_limit_capped_and_validated(client) -> None:
    assert client.get(f"/collections/{COLLECTION}/items", params={"limit": 10**9}).status_code == 200
    assert client.get(f"/collections/{COLLECTION}/items", params={"limit": 0}).status_code == 400
    assert client.get(f"/collections/{COLLECTION}/items", params={"limit": "x"}).status_code == 400
    r = client.get(f"/collections/{COLLECTION}/items", params={"bbox": "0,0,200,10"})
    assert r.status_code == 400 and "bbox" in r.json()["detail"]
    assert client.get(f"/collections/{COLLECTION}/items", params={"colour": "red"}).status_code == 400


def test_item_by_id(client) -> None:
    first = client.get(f"/collections/{COLLECTION}/items?limit=1").json()["features"][0]
    r = client.get(f"/collections/{COLLECTION}/items/{first['id']}")
    assert r.status_code == 200 and r.json()["id"] == first["id"]
    assert client.get(f"/collections/{COLLECTION}/items/999999").status_code == 404
    assert client.get(f"/collections/{COLLECTION}/items/abc").status_code == 404


def test_queryables(client) -> None:
    q = client.get(f"/collections/{COLLECTION}/queryables").json()
    assert {"commodity", "status", "country"} <= set(q["properties"])


def test_openapi_and_offline_swagger(client) -> None:
    spec = client.get("/openapi.json").json()
    assert "/collections/{collection_id}/items" in spec["paths"]
    html = client.get("/docs").text
    assert "/ui/swagger/swagger-ui-bundle.js" in html and "cdn" not in html
