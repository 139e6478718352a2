"""The prospectivity API (``/api/prospectivity``) on both store backends: upload, WoE run as a job with progress,
stored COGs, PNG overview, validation plot, deposits, errors.

Data: EIS Toolkit's small WoE test set (../shared/data/prospectivity/eis-wofe-small, EUPL-1.2); its weights are
checked against EIS's own output in tests/prospectivity/test_wofe_eis_parity.py — here the job must reproduce
the same table as the library.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import rasterio
from fastapi.testclient import TestClient

from critmin.config import get_settings
from critmin.prospectivity.files import weights_from_files
from critmin.service.app import create_app

EIS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "prospectivity" / "eis-wofe-small"
API = "/api/prospectivity"


@pytest.fixture
def pclient(seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CRITMIN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    with TestClient(create_app(seeded)) as c:
        yield c
    get_settings.cache_clear()


def _deposits_geojson() -> dict:
    import geopandas as gpd

    return json.loads(gpd.read_file(EIS / "wofe_deposits.shp").to_crs(4326)[["geometry"]].to_json())


def _wait(c: TestClient, rid: int) -> dict:
    seen = []
    for _ in range(3000):
        d = c.get(f"{API}/runs/{rid}").json()
        seen.append(d["progress"])
        if d["status"] in ("done", "failed"):
            d["_seen"] = seen
            return d
        time.sleep(0.05)
    raise AssertionError(f"run {rid} did not finish: {d}")


def test_wofe_run_end_to_end(pclient: TestClient) -> None:
    c = pclient
    up = c.post(f"{API}/uploads", params={"filename": "wofe_evidence_raster.tif"},
                content=(EIS / "wofe_evidence_raster.tif").read_bytes())
    assert up.status_code == 201, up.text
    u = up.json()
    assert u["width"] == 39 and u["height"] == 28 and len(u["id"]) == 64
    body = {"name": "EIS small", "layers": [{"upload": u["id"], "name": "geology", "weights_type": "categorical",
                                             "generalize": "manual", "threshold": 1.0}],
            "deposits": _deposits_geojson(), "unit_cell_km2": 1.0, "count": "pixels"}
    r = c.post(f"{API}/runs", json=body)
    assert r.status_code == 202, r.text
    d = _wait(c, r.json()["id"])
    assert d["status"] == "done", d["message"]
    assert d["progress"] == 1.0 and d["provenance"]["operation"] == "prospectivity.model_run"
    res = d["result"]
    ref = weights_from_files(EIS / "wofe_evidence_raster.tif", EIS / "wofe_deposits.shp", weights_type="categorical",
                             unit_cell_km2=1.0, count="pixels", generalize_rule="manual", threshold=1.0)
    got = {row["class"]: row for row in res["weights"][0]["rows"]}
    for row in ref.to_dict()["rows"]:
        assert got[row["class"]]["generalized_weight"] == pytest.approx(row["generalized_weight"])
    assert 0.5 < res["validation"]["all"]["auc"] <= 1 and res["validation"]["non-deposit"]["background"] == \
        "non-deposit"
    assert res["response"]["ci_test"]["n_observed"] == 16
    rid = d["id"]
    tif = c.get(f"{API}/runs/{rid}/rasters/posterior.tif")
    assert tif.status_code == 200
    with rasterio.MemoryFile(tif.content) as mem, mem.open() as src:
        p = src.read(1)
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
    assert np.nanmax(p) <= 1 and np.isnan(p).sum() == 311  # EIS raster: 311 nodata pixels
    meta = c.get(f"{API}/runs/{rid}/overview/posterior.json").json()
    assert len(meta["bounds"]) == 4 and 20 < meta["bounds"][0] < 30  # Finland, lon/lat
    png = c.get(meta["png"])
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    val = c.get(f"{API}/runs/{rid}/validation.png")
    assert val.status_code == 200 and val.content[:4] == b"\x89PNG"
    assert len(c.get(f"{API}/runs/{rid}/deposits").json()["features"]) == 16
    listing = c.get(f"{API}/runs").json()
    assert listing["total"] >= 1 and listing["items"][0]["id"] == rid


def test_errors(pclient: TestClient) -> None:
    c = pclient
    bad = c.post(f"{API}/uploads", content=b"not a raster")
    assert bad.status_code == 400 and "not a readable raster" in bad.json()["detail"]
    r = c.post(f"{API}/runs", json={"name": "x", "layers": [{"upload": "0" * 64}],
                                    "deposits": _deposits_geojson()})
    assert r.status_code == 404 and "upload" in r.json()["detail"]
    u = c.post(f"{API}/uploads", content=(EIS / "wofe_evidence_raster.tif").read_bytes()).json()
    r = c.post(f"{API}/runs", json={"name": "x", "layers": [{"upload": u["id"], "weights_type": "ascending"}],
                                    "deposits": _deposits_geojson()})
    assert r.status_code == 400 and "generalisation" in r.json()["detail"]
    lines = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}
    r = c.post(f"{API}/runs", json={"name": "x", "layers": [{"upload": u["id"]}], "deposits": lines})
    assert r.status_code == 400 and "expected Point" in r.json()["detail"]
    # a categorical run without generalisation leaves zero-deposit classes without weight: the job fails, naming them
    r = c.post(f"{API}/runs", json={"name": "x", "layers": [{"upload": u["id"], "name": "geo"}],
                                    "deposits": _deposits_geojson(), "count": "pixels"})
    d = _wait(c, r.json()["id"])
    assert d["status"] == "failed" and "layer 'geo', class 2: no generalised weight" in d["message"]
    assert c.get(f"{API}/runs/{d['id']}/rasters/posterior.tif").status_code == 404
    assert c.get(f"{API}/runs/999999").status_code == 404
