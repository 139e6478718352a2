"""Sign-in with session cookie and CSRF, API tokens over HTTP, the write gate, audit of writes and exports,
security headers, request-size and rate limits (both stores)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from critmin.config import get_settings
from critmin.service.app import create_app
from critmin.store.accounts import create_token, create_user

PASSWORD = "monazite-sands-1"


@pytest.fixture
def accounts(seeded):
    with seeded.transaction() as s:
        create_user(s, "asha", "gsi", role="analyst", password=PASSWORD)
        create_user(s, "vik", "gsi", role="viewer", password=PASSWORD)
        create_user(s, "root", "gsi", role="admin", password=PASSWORD)
        ro, _ = create_token(s, "asha", "read-only", scopes=["read"])
        rw, _ = create_token(s, "asha", "scripts")
        admin, _ = create_token(s, "root", "admin")
    return seeded, {"ro": ro, "rw": rw, "admin": admin}


@pytest.fixture
def settings_env(monkeypatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_sign_in_sets_a_safe_cookie_and_csrf_protects_writes(accounts) -> None:
    db, _ = accounts
    with TestClient(create_app(db)) as c:
        assert c.get("/api/auth/me").json() == {"anonymous": True}
        bad = c.post("/api/auth/login", json={"username": "asha", "password": "nope-nope-nope"})
        assert bad.status_code == 401 and "wrong password" in bad.json()["detail"]
        got = c.post("/api/auth/login", json={"username": "asha", "password": PASSWORD})
        assert got.status_code == 200, got.text
        cookie = got.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and PASSWORD not in got.text
        csrf = got.json()["csrf_token"]
        me = c.get("/api/auth/me").json()
        assert (me["username"], me["organisation"], me["role"], me["via"]) == ("asha", "gsi", "analyst", "session")
        # an unsafe request without the CSRF token is refused, with it accepted
        assert c.post("/api/auth/tokens", json={"name": "x"}).status_code == 403
        made = c.post("/api/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201 and made.json()["token"].startswith("cm_")
        listed = c.get("/api/auth/tokens").json()
        assert [t["name"] for t in listed] == ["read-only", "scripts", "x"]
        assert all("token" not in t for t in listed)
        gone = c.delete(f"/api/auth/tokens/{made.json()['id']}", headers={"X-CSRF-Token": csrf})
        assert gone.status_code == 200
        assert c.get("/api/auth/me", headers=_bearer(made.json()["token"])).status_code == 401
        c.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
        assert c.get("/api/auth/me").json() == {"anonymous": True}
        audit = c.get("/api/admin/audit", headers=_bearer(accounts[1]["admin"])).json()["events"]
        actions = [e["action"] for e in audit]
        assert {"sign-in", "sign-in-failed", "token-create", "token-revoke"} <= set(actions)
        assert all(PASSWORD not in str(e) for e in audit)


def test_bad_tokens_are_errors_not_anonymous(accounts) -> None:
    db, tokens = accounts
    with TestClient(create_app(db)) as c:
        got = c.get("/api/deposits/sites", headers=_bearer("cm_forged"))
        assert got.status_code == 401 and got.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/api/deposits/sites", headers=_bearer(tokens["ro"])).status_code == 200


def test_write_gate_in_a_multi_organisation_deployment(accounts, settings_env) -> None:
    db, tokens = accounts
    settings_env.setenv("CRITMIN_AUTH_REQUIRED", "1")
    body = {"name": "x"}  # any write: the gate answers before the route validates the body
    with TestClient(create_app(db)) as c:
        assert c.post("/api/assessment/runs", json=body).status_code == 401
        assert c.post("/api/assessment/runs", json=body, headers=_bearer(tokens["ro"])).status_code == 403
        assert c.post("/api/assessment/runs", json=body, headers=_bearer(tokens["rw"])).status_code == 400
        vik = c.post("/api/auth/login", json={"username": "vik", "password": PASSWORD}).json()
        denied = c.post("/api/assessment/runs", json=body, headers={"X-CSRF-Token": vik["csrf_token"]})
        assert denied.status_code == 403 and "analyst role" in denied.json()["detail"]


def test_writes_and_exports_are_audited(accounts) -> None:
    db, tokens = accounts
    with TestClient(create_app(db)) as c:
        assert c.get("/api/deposits/export", params={"format": "csv"}, headers=_bearer(tokens["rw"])).status_code \
            == 200
        c.post("/api/assessment/runs", json={}, headers=_bearer(tokens["rw"]))
        events = c.get("/api/admin/audit", headers=_bearer(tokens["admin"])).json()["events"]
        export = next(e for e in events if e["action"] == "export")
        assert export["actor"] == "asha (token scripts)" and export["target"] == "GET /api/deposits/export"
        assert export["organisation"] == "gsi" and export["status"] == 200 and export["client"]
        assert any(e["action"] == "write" and e["target"] == "POST /api/assessment/runs" for e in events)
        csv_text = c.get("/api/admin/audit.csv", headers=_bearer(tokens["admin"])).text
        assert csv_text.splitlines()[0] == "id,at,actor,organisation,action,target,status,client,detail"
        # a token without the export scope cannot download
        assert c.get("/api/deposits/export", headers=_bearer(tokens["ro"])).status_code == 403


def test_security_headers_on_every_response(client) -> None:
    for path in ("/", "/api/deposits/sites", "/api/deposits/sites/999999", "/docs"):
        h = client.get(path).headers
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert ("'unsafe-inline'" in h["content-security-policy"].split("script-src")[1].split(";")[0]) \
            == (path == "/docs")


def test_request_size_limit(seeded, settings_env) -> None:
    settings_env.setenv("CRITMIN_MAX_UPLOAD_MB", "0.001")  # 1 kB
    with TestClient(create_app(seeded)) as c:
        got = c.post("/api/geochem/datasets", files={"file": ("big.csv", b"a,b\n" + b"1,2\n" * 1000)})
        assert got.status_code == 413 and "CRITMIN_MAX_UPLOAD_MB" in got.json()["detail"]


def test_rate_limit_per_token(accounts, settings_env) -> None:
    db, tokens = accounts
    settings_env.setenv("CRITMIN_RATE_LIMIT_PER_MINUTE", "5")
    with TestClient(create_app(db)) as c:
        codes = [c.get("/api/health", headers=_bearer(tokens["rw"])).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3
        # another credential has its own bucket
        assert c.get("/api/health", headers=_bearer(tokens["ro"])).status_code == 200
