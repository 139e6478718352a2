"""``/api/workflows``: the bundled example as a job with overrides, its report, record and rerun (both stores)."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

SMALL = {"resource": {"trials": 2000}, "project": {"montecarlo_draws": 1000}, "workflow": {"draws": 500}}


def _wait(client: TestClient, url: str) -> dict[str, Any]:
    for _ in range(240):
        d = client.get(url).json()
        if d["status"] in ("done", "failed"):
            return d
        time.sleep(0.25)
    raise AssertionError(f"{url} did not finish")


def test_examples_prefill_the_guided_page(client: TestClient) -> None:
    items = client.get("/api/workflows/examples").json()["items"]
    assert [i["name"] for i in items] == ["india_carbonatite_ree"]
    assert items[0]["document"]["tract"]["polygon"][0] == [73.75, 21.75]


def test_a_drawn_tract_runs_as_a_job(client: TestClient) -> None:
    polygon = [[73.9, 21.9], [74.2, 21.9], [74.2, 22.2], [73.9, 22.2]]
    r = client.post("/api/workflows/runs", json={"example": "india_carbonatite_ree",
                                                 "overrides": {**SMALL, "tract": {"polygon": polygon}}})
    assert r.status_code == 202, r.text
    d = _wait(client, r.json()["url"])
    assert d["status"] == "done", d["message"]
    assert all(s["status"] == "done" for s in d["steps"].values())
    assert d["document"]["tract"]["polygon"] == polygon
    assert 1000 < d["result"]["tract"]["area_km2"] < 1100
    rid = d["id"]
    pdf = client.get(f"/api/workflows/runs/{rid}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"
    html = client.get(f"/api/workflows/runs/{rid}/report.html")
    assert html.status_code == 200 and "5 Supply impact" in html.text
    prov = client.get(f"/api/workflows/runs/{rid}/provenance").json()
    assert prov["result_sha256"] == d["result_sha256"] and prov["record"]["seed"] == 20261126
    again = client.post(f"/api/workflows/runs/{rid}/rerun")
    assert again.status_code == 202
    d2 = _wait(client, again.json()["url"])
    assert d2["status"] == "done" and d2["result_sha256"] == d["result_sha256"]
    assert client.get(f"/api/workflows/runs/{d2['id']}/provenance").json()["identical_to_original"] is True
    assert client.get("/api/workflows/runs").json()["total"] == 2


def test_bad_requests_name_the_key_and_store_nothing(client: TestClient) -> None:
    cases = [({"tract": {"polygon": [[74, 22], [74.1, 22]]}}, "tract.polygon"),
             ({"resource": {"gt": "/etc/passwd"}}, "input files cannot be named"),
             ({"project": {"template": "../../secret.toml"}}, "input files cannot be named"),
             ({"resource": {"trials": 10_000_000}}, "at most 100,000"),
             ({"supply": {"demand_t": -1}}, "supply.demand_t"),
             ({"nonsense": {}}, "unknown section")]
    for overrides, text in cases:
        r = client.post("/api/workflows/runs", json={"example": "india_carbonatite_ree", "overrides": overrides})
        assert r.status_code == 400 and text in r.json()["detail"], (overrides, r.text)
    r = client.post("/api/workflows/runs", json={"example": "no_such", "overrides": {}})
    assert r.status_code == 400 and "does not exist" in r.json()["detail"]
    assert client.get("/api/workflows/runs").json()["total"] == 0
    assert client.get("/api/workflows/runs/5").status_code == 404


def test_a_tract_from_a_stored_prospectivity_run(client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The tract is the top x % of a finished prospectivity run's posterior; hidden runs answer like missing."""
    import numpy as np
    import rasterio
    from affine import Affine
    from pyproj import Transformer

    from critmin.provenance import utcnow
    from critmin.store.prospectivity_runs import ProspectivityRun
    from critmin.store.sites import get_or_create_organisation

    db = client.app.state.db  # type: ignore[attr-defined]
    x0, y0 = Transformer.from_crs("EPSG:4326", "EPSG:32643", always_xy=True).transform(73.9, 22.2)
    run_dir = tmp_path / "prospect-run"
    run_dir.mkdir()
    values = np.tile(np.linspace(0, 1, 40), (40, 1))  # 40 × 40 cells of 1 km, rising to the east
    with rasterio.open(run_dir / "posterior.tif", "w", driver="GTiff", width=40, height=40, count=1,
                       dtype="float32", crs="EPSG:32643", transform=Affine(1000, 0, x0, 0, -1000, y0)) as dst:
        dst.write(values.astype("float32"), 1)
    ids = {}
    with db.transaction() as s:
        for vis, org in (("public", "gsi"), ("private", "usgs")):
            pr = ProspectivityRun(name=f"carbonatite WoE {vis}", organisation_id=get_or_create_organisation(s, org).id,
                                  visibility=vis, model="weights-of-evidence", inputs={}, parameters={},
                                  status="done", progress=1.0, message="done", artefact_dir=str(run_dir),
                                  created_at=utcnow())
            s.add(pr)
            s.flush()
            ids[vis] = pr.id
    body = {"example": "india_carbonatite_ree", "prospectivity_run": ids["public"],
            "overrides": {**SMALL, "tract": {"top_percent": 25}}}
    r = client.post("/api/workflows/runs", json=body)
    assert r.status_code == 202, r.text
    d = _wait(client, r.json()["url"])
    assert d["status"] == "done", d["message"]
    t = d["result"]["tract"]
    assert t["method"] == "prospectivity raster top 25 % of area"
    assert t["parameters"]["cells"] == 400 and t["area_km2"] == 400.0  # 10 of 40 columns × 40 rows × 1 km²
    assert t["parameters"]["source"].startswith(f"posterior of prospectivity run {ids['public']}")
    assert "Prospectivity" in client.get(f"/api/workflows/runs/{d['id']}/report.html").text
    hidden = client.post("/api/workflows/runs", json={**body, "prospectivity_run": ids["private"]})
    missing = client.post("/api/workflows/runs", json={**body, "prospectivity_run": 987654})
    assert hidden.status_code == missing.status_code == 404
    both = client.post("/api/workflows/runs", json={**body, "overrides": {"tract": {"top_percent": 5, "threshold": 1}}})
    assert both.status_code == 400 and "exactly one of" in both.json()["detail"]
