"""Shared fixtures: data paths, both store backends, and the strict switch.

``CRITMIN_REQUIRE_SERVICES=1`` (set by ``.ci/run``) turns every skip into a failure, so a missing
PostGIS server, browser, built UI or data directory can never pass silently.

PostGIS tests use ``CRITMIN_TEST_POSTGRES_URL`` (a superuser URL, e.g.
``postgresql+psycopg://critmin:critmin@127.0.0.1:5432/postgres``): a migrated template database is
built once per session and every test gets a fresh copy of it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
STRICT = os.environ.get("CRITMIN_REQUIRE_SERVICES", "") not in ("", "0", "false")
PG_URL = os.environ.get("CRITMIN_TEST_POSTGRES_URL", "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    rep = outcome.get_result()
    if STRICT and rep.skipped and not hasattr(rep, "wasxfail"):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        rep.outcome = "failed"
        rep.longrepr = f"skipped under CRITMIN_REQUIRE_SERVICES=1 (a required service is missing): {reason}"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``../shared/data`` beside the repository (tests only; the product never needs it)."""
    if not DATA.exists():
        pytest.skip(f"shared test data not found at {DATA}")
    return DATA


# ----------------------------------------------------------------------------- stores

def _pg_admin_url() -> str:
    if not PG_URL:
        pytest.skip("CRITMIN_TEST_POSTGRES_URL is not set: no PostgreSQL/PostGIS server for the server-store tests")
    return PG_URL if "+psycopg" in PG_URL else PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)


def _with_db(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """Name of a migrated PostGIS template database (created once per session)."""
    from sqlalchemy import create_engine, text

    admin = _pg_admin_url()
    name = f"critmin_tpl_{uuid.uuid4().hex[:8]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # connection refused etc.
        pytest.skip(f"cannot reach PostgreSQL at {admin.split('@')[-1]}: {exc}")
    from critmin.store.db import open_database

    db = open_database(_with_db(admin, name))
    db.upgrade()
    db.dispose()
    yield name
    with eng.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    eng.dispose()


@pytest.fixture(params=["sqlite", "postgis"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """A migrated, empty store on each backend (SQLite file; fresh PostGIS database)."""
    from critmin.store.db import open_database

    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'critmin.db'}")
        database.upgrade()
        yield database
        database.dispose()
        return
    from sqlalchemy import create_engine, text

    tpl = request.getfixturevalue("pg_template")
    admin = _pg_admin_url()
    name = f"critmin_t_{uuid.uuid4().hex[:10]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{tpl}"'))
    database = open_database(_with_db(admin, name))
    yield database
    database.dispose()
    with eng.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    eng.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[object]:
    """A migrated SQLite store only (for CLI-level tests)."""
    from critmin.store.db import open_database

    database = open_database(f"sqlite:///{tmp_path / 'critmin.db'}")
    database.upgrade()
    yield database
    database.dispose()
