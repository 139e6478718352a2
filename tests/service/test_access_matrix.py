"""The access matrix: every GET route of the OpenAPI route table × principal × sharing state, on both stores.

Records owned by GSI exist in seven sharing states (public, partners, private, shared by name with view or
download rights, embargo passed, embargo pending); four principals ask (anonymous, a GSI viewer, a USGS
analyst holding the named shares, a ministry viewer). For every route:

* detail routes (a record id in the path): a record the principal may not see answers exactly like an id that
  does not exist (status and body), so neither data nor existence leaks;
* list, search, facet, export and OGC routes: no marker of an invisible record appears anywhere in the body, and
  counts (``numberMatched``) equal the number of visible records;
* download routes honour the separate download right (a view-only share does not download);
* admin routes refuse everyone but an administrator.

A new GET route whose path parameter is not classified below fails ``test_every_route_is_classified``: whoever
adds a route must say what its parameter refers to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from critmin.service.app import create_app
from tests.service.access_world import CASES, PRINCIPALS, AccessWorld, can_download, can_view, marker, seed_access_world

MISSING_ID = 987654
KINDS = ("site", "run", "geochem", "econ", "prospect", "workflow")

#: path parameter → (which ids of the world it takes, the marker kind); per route prefix where names repeat
RECORD_PARAMS: dict[tuple[str, str], tuple[str, str]] = {
    ("/api/deposits/", "site_id"): ("sites", "site"),
    ("/collections/", "feature_id"): ("sites", "site"),
    ("/api/assessment/", "run_id"): ("runs", "run"),
    ("/api/geochem/", "dataset_id"): ("geochem", "geochem"),
    ("/api/sharing/", "record_id"): ("datasets", "site"),
    ("/api/economics/", "project_id"): ("econ", "econ"),
    ("/api/prospectivity/", "run_id"): ("prospect", "prospect"),
    ("/api/workflows/", "run_id"): ("workflow", "workflow"),
}
#: path parameters that are not record ids: a fixed value to call the route with
FIXED_PARAMS: dict[tuple[str, str], str] = {
    ("/collections/", "collection_id"): "mineral_sites",
    ("/api/sharing/", "record_type"): "dataset",
    ("/api/prospectivity/", "name"): "posterior",
}
#: routes that hand out files: the download right applies
DOWNLOAD_ROUTES = {"/api/deposits/export", "/api/assessment/runs/{run_id}/totals.csv",
                   "/api/prospectivity/runs/{run_id}/rasters/{name}.tif",
                   "/api/workflows/runs/{run_id}/report.pdf", "/api/workflows/runs/{run_id}/report.html"}
#: query parameters a list route needs to return the seeded records
LIST_PARAMS: dict[str, dict[str, Any]] = {
    "/api/deposits/sites": {"limit": 1000},
    "/api/deposits/sites.geojson": {"limit": 1000},
    "/api/deposits/export": {"format": "csv"},
    "/collections/{collection_id}/items": {"limit": 1000},
    "/api/assessment/gt-from-kb": {"commodity": "Li"},
}
ADMIN_PREFIX = "/api/admin/"


@pytest.fixture
def world(db, tmp_path) -> Iterator[tuple[TestClient, AccessWorld]]:
    w = seed_access_world(db, tmp_path / "artefacts")
    with TestClient(create_app(db)) as client:
        yield client, w


def _get_routes(client: TestClient) -> list[str]:
    return [p for p, ops in client.app.openapi()["paths"].items() if "get" in ops]  # type: ignore[attr-defined]


def _params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _classify(path: str, name: str) -> tuple[str, Any]:
    for (prefix, pname), spec in RECORD_PARAMS.items():
        if pname == name and path.startswith(prefix):
            return "record", spec
    for (prefix, pname), value in FIXED_PARAMS.items():
        if pname == name and path.startswith(prefix):
            return "fixed", value
    return "unknown", None


def test_every_route_is_classified(world) -> None:
    client, _ = world
    unknown = [(p, n) for p in _get_routes(client) for n in _params(p) if _classify(p, n)[0] == "unknown"]
    assert not unknown, f"classify these path parameters in the access matrix (RECORD_PARAMS/FIXED_PARAMS): {unknown}"


def _fill(path: str, record_id: int) -> tuple[str, str]:
    url = path
    for name in _params(path):
        how, spec = _classify(path, name)
        url = url.replace("{" + name + "}", str(record_id) if how == "record" else str(spec))
    return url, spec_kind(path)


def spec_kind(path: str) -> str:
    for name in _params(path):
        how, spec = _classify(path, name)
        if how == "record":
            return str(spec[1])
    return ""


def _ids_for(w: AccessWorld, path: str) -> dict[str, int]:
    for name in _params(path):
        how, spec = _classify(path, name)
        if how == "record":
            return dict(getattr(w, spec[0]))
    return {}


def _masked(body: bytes, record_id: int) -> bytes:
    return re.sub(rb"\b%d\b" % record_id, b"ID", body)


def test_detail_routes_leak_neither_data_nor_existence(world) -> None:
    client, w = world
    checked = 0
    for path in _get_routes(client):
        if path.startswith(ADMIN_PREFIX):
            continue
        ids = _ids_for(w, path)
        if not ids:
            continue
        for who in PRINCIPALS:
            headers = w.headers[who]
            missing_url, _ = _fill(path, MISSING_ID)
            missing = client.get(missing_url, headers=headers)
            for case, record_id in ids.items():
                url, _ = _fill(path, record_id)
                got = client.get(url, headers=headers)
                allowed = (can_download if path in DOWNLOAD_ROUTES else can_view)(case, who)
                if allowed:
                    if path.endswith("}"):  # the record itself (sub-resources may be 409/404 for other reasons)
                        assert got.status_code == 200, (who, case, url, got.status_code, got.text[:300])
                elif can_view(case, who):  # sees the record, lacks the download right: refused, not hidden
                    assert got.status_code == 403, (who, case, url, got.status_code, got.text)
                else:
                    assert got.status_code == missing.status_code, (who, case, url, got.status_code, got.text)
                    assert _masked(got.content, record_id) == _masked(missing.content, MISSING_ID), (who, case, url)
                    for kind in KINDS:
                        assert marker(case, kind) not in got.text, (who, case, url)
                checked += 1
    assert checked > 100


def test_list_and_export_routes_show_only_visible_records(world) -> None:
    client, w = world
    checked = 0
    for path in _get_routes(client):
        if path.startswith(ADMIN_PREFIX) or _ids_for(w, path):
            continue
        url = path
        for name in _params(path):
            url = url.replace("{" + name + "}", str(_classify(path, name)[1]))
        for who in PRINCIPALS:
            got = client.get(url, params=LIST_PARAMS.get(path, {}), headers=w.headers[who])
            body = got.content.decode("utf-8", errors="replace")
            rule = can_download if path in DOWNLOAD_ROUTES else can_view
            for case in CASES:
                for kind in KINDS:
                    if not rule(case, who):
                        assert marker(case, kind) not in body, f"{url} leaks {case}/{kind} to {who}"
            checked += 1
    assert checked >= 4 * 10


@pytest.mark.parametrize("path, kind", [("/api/deposits/sites", "site"),
                                        ("/collections/mineral_sites/items", "site"),
                                        ("/api/deposits/export", "site"),
                                        ("/api/assessment/runs", "run"),
                                        ("/api/geochem/datasets", "geochem"),
                                        ("/api/economics/projects", "econ"),
                                        ("/api/prospectivity/runs", "prospect"),
                                        ("/api/workflows/runs", "workflow")])
def test_lists_show_exactly_the_visible_records(world, path, kind) -> None:
    client, w = world
    template = "/collections/{collection_id}/items" if path.startswith("/collections") else path
    rule = can_download if path in DOWNLOAD_ROUTES else can_view
    for who in PRINCIPALS:
        got = client.get(path, params=LIST_PARAMS.get(template, {}), headers=w.headers[who])
        assert got.status_code == 200, got.text
        shown = {case for case in CASES if marker(case, kind) in got.text}
        assert shown == {case for case in CASES if rule(case, who)}, (path, who)
        if "numberMatched" in got.text:
            assert got.json()["numberMatched"] == len(shown), (path, who)


def test_admin_routes_refuse_everyone_but_admins(world) -> None:
    client, w = world
    admin_paths = [p for p in _get_routes(client) if p.startswith(ADMIN_PREFIX)]
    assert admin_paths
    for path in admin_paths:
        assert client.get(path).status_code == 401
        for who in ("gsi", "usgs", "mines"):
            assert client.get(path, headers=w.headers[who]).status_code == 403
        assert client.get(path, headers=w.admin_headers).status_code == 200


def test_sharing_changes_need_edit_rights(world) -> None:
    client, w = world
    ds = w.datasets["shv"]
    body = {"visibility": "public"}
    # the partner with a view share may read the sharing state but not change it
    assert client.get(f"/api/sharing/dataset/{ds}", headers=w.headers["usgs"]).status_code == 200
    assert client.put(f"/api/sharing/dataset/{ds}", json=body, headers=w.headers["usgs"]).status_code == 403
    # the ministry cannot even see it: answered as for a missing record
    mines = client.put(f"/api/sharing/dataset/{ds}", json=body, headers=w.headers["mines"])
    absent = client.put(f"/api/sharing/dataset/{MISSING_ID}", json=body, headers=w.headers["mines"])
    assert (mines.status_code, _masked(mines.content, ds)) == (absent.status_code, _masked(absent.content, MISSING_ID))
    # the owner's viewer role is too low; anonymous is not signed in
    assert client.put(f"/api/sharing/dataset/{ds}", json=body, headers=w.headers["gsi"]).status_code == 403
    assert client.put(f"/api/sharing/dataset/{ds}", json=body).status_code == 401
    # the owner's analyst may share analyses but not source data; the data manager shares it; all audited
    with_share = {"share": {"mines": "download"}, "public_from": "2030-01-01T00:00:00Z"}
    denied = client.put(f"/api/sharing/dataset/{ds}", json=with_share, headers=w.headers["gsi-analyst"])
    assert denied.status_code == 403 and "data_manager" in denied.json()["detail"]
    run = client.put(f"/api/sharing/assessment_run/{w.runs['shv']}", json=with_share,
                     headers=w.headers["gsi-analyst"])
    assert run.status_code == 200, run.text
    got = client.put(f"/api/sharing/dataset/{ds}", json=with_share, headers=w.headers["gsi-steward"])
    assert got.status_code == 200, got.text
    assert {"organisation": "mines", "rights": "download"} in got.json()["shares"]
    assert got.json()["public_from"].startswith("2030-01-01")
    assert marker("shv", "site") in client.get("/api/deposits/export", params={"format": "csv"},
                                                headers=w.headers["mines"]).text
    events = client.get("/api/admin/audit", params={"action": "share"}, headers=w.admin_headers).json()["events"]
    assert events[0]["actor"].startswith("gsi-steward-user") and events[0]["target"] == f"dataset {ds}"
    assert events[1]["actor"].startswith("gsi-analyst-user")
