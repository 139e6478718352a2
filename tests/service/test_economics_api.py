"""REST API of economics: evaluate posted projects, risk, schedule, ESG, stored projects with visibility."""

from __future__ import annotations

import tomllib
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".." / "shared" / "checks" / "example_project.toml"
PROJECTS = ROOT / "src" / "critmin" / "reference" / "projects"


def _doc(name: str = "kangankunde_fs_2024.toml") -> dict:  # type: ignore[type-arg]
    return tomllib.loads((PROJECTS / name).read_text())


def test_evaluate_document_and_text(client: TestClient) -> None:
    r = client.post("/api/economics/evaluate", json={"project": _doc()})
    assert r.status_code == 200, r.text
    d = r.json()
    assert abs(d["npv"]) > 1e6 and d["pre_tax"]["npv"] > d["npv"] and len(d["cash_flow"]) == 48
    r2 = client.post("/api/economics/evaluate", json={"text": EXAMPLE.read_text(), "format": "toml"})
    assert r2.status_code == 200 and r2.json()["irr"] is not None


def test_evaluate_bad_input_400_names_key(client: TestClient) -> None:
    doc = _doc()
    doc["fiscal"]["income_tax_rate"] = 1.5
    r = client.post("/api/economics/evaluate", json={"project": doc})
    assert r.status_code == 400 and "fiscal.income_tax_rate" in r.json()["detail"]
    r = client.post("/api/economics/evaluate", json={})
    assert r.status_code == 400


def test_sensitivity_montecarlo_schedule(client: TestClient) -> None:
    s = client.post("/api/economics/sensitivity", json={"project": _doc(), "range": 0.2}).json()
    assert s["tornado"][0]["swing"] >= s["tornado"][-1]["swing"]
    body = {"project": _doc(), "draws": 1000, "seed": 3}
    a, b = (client.post("/api/economics/montecarlo", json=body).json() for _ in range(2))
    assert a["summary"] == b["summary"]
    assert client.post("/api/economics/montecarlo", json={**body, "draws": 10_000_000}).status_code == 400
    sch = client.post("/api/economics/schedule", json={"project": _doc()}).json()
    assert sch["columns"][0] == "commodity" and sch["rows"][0]["country"] == "MWI"


def test_reference_routes(client: TestClient) -> None:
    assert any(r["regime"] == "malawi" for r in client.get("/api/economics/regimes").json())
    assert len(client.get("/api/economics/checklist").json()) >= 14
    ex = client.get("/api/economics/examples").json()
    assert {e["file"] for e in ex} >= {"arizaro_pea_2023.toml", "kangankunde_fs_2024.toml"}
    esg = client.post("/api/economics/esg", json={"reviewer": "A", "items": {
        "OECD-RF-ABUSE": {"status": "red", "evidence": "report X"}}}).json()
    assert esg["rating"] == "red"


def test_store_list_get_compare(client: TestClient) -> None:
    ids = []
    for name in ("kangankunde_fs_2024.toml", "arizaro_pea_2023.toml"):
        r = client.post("/api/economics/projects", json={"project": _doc(name), "visibility": "public"})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
        assert r.headers["location"].endswith(f"/projects/{r.json()['id']}")
    lst = client.get("/api/economics/projects").json()
    assert lst["total"] >= 2
    one = client.get(f"/api/economics/projects/{ids[0]}").json()
    assert one["evaluation"]["npv"] == one["npv"] and one["document"]["project"]["country"] == "MWI"
    cmp = client.get("/api/economics/compare", params={"ids": f"{ids[0]},{ids[1]}"}).json()
    assert [r["id"] for r in cmp["table"]] == ids and cmp["table"][1]["currency"] == "USD"
    assert client.get("/api/economics/projects/987654").status_code == 404
    assert client.get("/api/economics/compare", params={"ids": "x"}).status_code == 400


def test_private_project_invisible_to_anonymous(client: TestClient) -> None:
    r = client.post("/api/economics/projects", json={"project": _doc(), "visibility": "private"})
    pid = r.json()["id"]
    # anonymous readers see public records only; a private one answers like a missing id
    assert client.get(f"/api/economics/projects/{pid}").status_code == 404
    assert all(i["id"] != pid for i in client.get("/api/economics/projects").json()["items"])


def test_stored_projects_follow_the_visibility_rule(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Seven sharing states x four principals (tests/service/access_world.py): detail answers exactly like a
    missing id when not visible; the list and compare routes show only visible projects."""
    from datetime import UTC, datetime, timedelta

    from critmin.economics.project import parse_project
    from critmin.service.app import create_app
    from critmin.store.economics_projects import save_project
    from critmin.store.sharing import set_embargo, share
    from tests.service.access_world import CASES, PRINCIPALS, can_view, marker, seed_access_world

    w = seed_access_world(db, tmp_path / "artefacts")
    ids: dict[str, int] = {}
    now = datetime.now(UTC)
    with db.transaction() as s:
        for case, (visibility, shared, embargo) in CASES.items():
            doc = _doc()
            doc["project"]["name"] = marker(case, "econ")
            ids[case] = save_project(s, parse_project(doc), organisation="gsi", visibility=visibility)
            if shared:
                share(s, "economics_project", ids[case], "usgs", rights=shared, viewer="gsi")
            if embargo:
                when = now - timedelta(days=1) if embargo == "past" else now + timedelta(days=365)
                set_embargo(s, "economics_project", ids[case], when, viewer="gsi")
    with TestClient(create_app(db)) as client:
        missing = {who: client.get("/api/economics/projects/987654", headers=w.headers[who]) for who in PRINCIPALS}
        for who in PRINCIPALS:
            listed = client.get("/api/economics/projects", headers=w.headers[who]).text
            for case, pid in ids.items():
                r = client.get(f"/api/economics/projects/{pid}", headers=w.headers[who])
                if can_view(case, who):
                    assert r.status_code == 200 and marker(case, "econ") in r.text, (case, who)
                    assert marker(case, "econ") in listed, (case, who)
                else:
                    assert r.status_code == missing[who].status_code == 404, (case, who)
                    assert r.json()["detail"].replace(str(pid), "ID") == \
                        missing[who].json()["detail"].replace("987654", "ID")
                    assert marker(case, "econ") not in listed, (case, who)
                    c = client.get("/api/economics/compare", params={"ids": str(pid)}, headers=w.headers[who])
                    assert c.status_code == 404 and marker(case, "econ") not in c.text
