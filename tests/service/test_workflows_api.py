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
