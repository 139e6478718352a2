"""Accounts, tokens, sessions, sharing and the audit log in the store (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from critmin.errors import AuthenticationError, InputError, NotFoundError, PermissionDeniedError
from critmin.store.accounts import (
    add_to_group,
    authenticate_password,
    authenticate_session,
    authenticate_token,
    create_group,
    create_session,
    create_token,
    create_user,
    end_session,
    hash_password,
    list_groups,
    list_tokens,
    revoke_token,
    verify_password,
)
from critmin.store.audit import audit_csv, list_events, record_event
from critmin.store.sharing import set_embargo, set_visibility, share, sharing_state, unshare
from critmin.store.sites import import_sites
from critmin.store.tables import ApiToken, Dataset
from tests.store.factories import result, site


def test_groups(db) -> None:
    with db.transaction() as s:
        create_user(s, "asha", "gsi", role="analyst")
        create_user(s, "ravi", "usgs")
        create_group(s, "gsi", "rare-earth-team")
        with pytest.raises(InputError, match="already exists"):
            create_group(s, "gsi", "rare-earth-team")
        with pytest.raises(NotFoundError):
            create_group(s, "nasa", "x")
        add_to_group(s, "gsi", "rare-earth-team", "asha")
        add_to_group(s, "gsi", "rare-earth-team", "asha")  # idempotent
        with pytest.raises(InputError, match="belongs to usgs"):
            add_to_group(s, "gsi", "rare-earth-team", "ravi")
    with db.session() as s:
        assert list_groups(s) == [{"organisation": "gsi", "name": "rare-earth-team", "members": ["asha"]}]
        assert list_groups(s, "ravi") == []


def test_password_hash_is_salted_scrypt_and_verifies() -> None:
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert verify_password("correct horse battery", a)
    assert not verify_password("correct horse batterY", a)
    assert not verify_password("anything", None)
    with pytest.raises(InputError, match="at least 10"):
        hash_password("short")


def test_users_tokens_and_sessions(db) -> None:
    with db.transaction() as s:
        create_user(s, "asha", "gsi", role="analyst", password="monazite-sands-1")
        with pytest.raises(InputError, match="already exists"):
            create_user(s, "asha", "gsi")
        with pytest.raises(InputError, match="unknown role"):
            create_user(s, "bob", "gsi", role="superuser")
        secret, tok = create_token(s, "asha", "laptop")
        assert secret.startswith("cm_") and tok.token_sha256 != secret and secret not in str(tok.__dict__)
        with pytest.raises(InputError, match="cannot hold"):
            create_token(s, "asha", "too-much", scopes=["admin"])
        ro, _ = create_token(s, "asha", "read-only", scopes=["read"])
        old, old_tok = create_token(s, "asha", "old", expires_days=1)
        old_tok.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    with db.transaction() as s:
        p = authenticate_token(s, secret)
        assert (p.username, p.organisation, p.role, p.can("write")) == ("asha", "gsi", "analyst", True)
        assert not authenticate_token(s, ro).can("write")
        with pytest.raises(AuthenticationError, match="expired"):
            authenticate_token(s, old)
        with pytest.raises(AuthenticationError):
            authenticate_token(s, "cm_not-a-token")
        assert all("token" not in t or t["token"] != secret for t in list_tokens(s, "asha"))
        revoke_token(s, tok.id)
    with db.transaction() as s:
        with pytest.raises(AuthenticationError, match="revoked"):
            authenticate_token(s, secret)
        with pytest.raises(NotFoundError):
            revoke_token(s, 999_999)
        with pytest.raises(AuthenticationError, match="unknown user or wrong password"):
            authenticate_password(s, "asha", "wrong password!")
        with pytest.raises(AuthenticationError, match="unknown user or wrong password"):
            authenticate_password(s, "nobody", "wrong password!")
        p = authenticate_password(s, "asha", "monazite-sands-1")
        cookie, csrf = create_session(s, p, hours=1)
    with db.transaction() as s:
        ps = authenticate_session(s, cookie)
        assert ps.csrf_token == csrf and ps.via == "session"
        end_session(s, cookie)
    with db.transaction() as s:
        with pytest.raises(AuthenticationError):
            authenticate_session(s, cookie)
        assert s.query(ApiToken).count() == 3  # the refused one was never stored


def _dataset(db, source: str, visibility: str) -> int:
    with db.transaction() as s:
        import_sites(s, result(source, [site(source, "R1", f"Site {source}", 75.0, 20.0, ["Li"])],
                               sha=source[:1] * 64), organisation="gsi", visibility=visibility)
        return int(s.query(Dataset.id).filter(Dataset.source == source).scalar())


def test_sharing_state_changes_need_edit_rights(db) -> None:
    ds = _dataset(db, "a-private", "private")
    with db.transaction() as s:
        create_user(s, "u1", "usgs")  # registers the organisation
        create_user(s, "u2", "mines")
        st = share(s, "dataset", ds, "usgs", rights="edit", viewer="gsi")
        assert st["shares"] == [{"organisation": "usgs", "rights": "edit"}] and st["owner"] == "gsi"
        # a partner with edit rights may change it further; one without any share cannot see it
        set_visibility(s, "dataset", ds, "partners", viewer="usgs")
        with pytest.raises(NotFoundError):
            share(s, "dataset", 999_999, "usgs", viewer="gsi")
        with pytest.raises(NotFoundError, match="organisation 'nasa' does not exist"):
            share(s, "dataset", ds, "nasa", viewer="gsi")
        with pytest.raises(InputError, match="unknown rights"):
            share(s, "dataset", ds, "mines", rights="own", viewer="gsi")
        with pytest.raises(InputError, match="no time zone"):
            set_embargo(s, "dataset", ds, datetime(2030, 1, 1), viewer="gsi")
        st = set_embargo(s, "dataset", ds, datetime(2030, 1, 1, tzinfo=UTC), viewer="gsi")
        assert st["public_from"].startswith("2030-01-01")
        set_visibility(s, "dataset", ds, "private", viewer="gsi")
        share(s, "dataset", ds, "mines", rights="view", viewer="gsi")
    with db.transaction() as s:
        with pytest.raises(PermissionDeniedError, match="may view but not change"):
            set_visibility(s, "dataset", ds, "public", viewer="mines")
        st = unshare(s, "dataset", ds, "mines", viewer="gsi")
        assert [x["organisation"] for x in st["shares"]] == ["usgs"]
        with pytest.raises(NotFoundError):
            sharing_state(s, "dataset", ds, viewer="mines")
        with pytest.raises(InputError, match="unknown record type"):
            sharing_state(s, "spaceship", ds)


def test_audit_log_is_append_only(db) -> None:
    with db.transaction() as s:
        record_event(s, "sign-in", actor="asha", organisation="gsi", target="POST /api/auth/login", status=200,
                     client="127.0.0.1")
        record_event(s, "export", actor="=HYPERLINK(\"x\")", target="GET /api/deposits/export", status=200)
    with db.session() as s:
        total, events = list_events(s)
        assert total == 2 and events[0]["action"] == "export"
        csv_text = audit_csv(s)
        assert "'=HYPERLINK" in csv_text  # a spreadsheet will not run it
    for stmt in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"), db.transaction() as s:
            s.execute(text(stmt))
    with db.session() as s:
        assert list_events(s)[0] == 2
