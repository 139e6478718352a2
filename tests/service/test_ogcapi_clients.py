"""Real OGC API clients against a live server: GDAL's OAPIF driver (via pyogrio) and owslib."""

from __future__ import annotations

import pyogrio
from owslib.ogcapi.features import Features


def test_gdal_oapif_reads_every_feature(live_server) -> None:
    layers = [row[0] for row in pyogrio.list_layers(f"OAPIF:{live_server}")]
    assert layers == ["mineral_sites"]
    df = pyogrio.read_dataframe(f"OAPIF:{live_server}", layer="mineral_sites")
    assert len(df) == 8
    assert set(df["name"]) >= {"Amba Dongar", "Mountain Pass", "Nowhere"}
    # paging with a small page size must still deliver every feature exactly once
    df2 = pyogrio.read_dataframe(f"OAPIF:{live_server}", layer="mineral_sites", PAGE_SIZE="3")
    assert sorted(df2["record_id"]) == sorted(df["record_id"])
    # spatial filter passed through to the server
    india = pyogrio.read_dataframe(f"OAPIF:{live_server}", layer="mineral_sites", bbox=(68, 6, 98, 37))
    assert sorted(india["name"]) == ["Amba Dongar", "Chavara", "Salal-Haimana"]


def test_owslib_lists_and_reads(live_server) -> None:
    w = Features(live_server)
    assert "mineral_sites" in [c["id"] for c in w.collections()["collections"]]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in w.conformance()["conformsTo"]
    items = w.collection_items("mineral_sites", limit=100)
    assert items["numberMatched"] == 8 and len(items["features"]) == 8
    bbox = w.collection_items("mineral_sites", bbox=[68, 6, 98, 37])
    assert len(bbox["features"]) == 3
    q = w.collection_queryables("mineral_sites")
    assert "commodity" in q["properties"]
