"""CLI fixtures: ``critmin`` invoked in-process (Typer's CliRunner) on a fresh SQLite file per test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.config import get_settings

Invoke = Callable[..., Result]


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``CRITMIN_DATABASE_URL`` pointing at a new SQLite file (settings cache cleared around the test)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CRITMIN_DATABASE_URL", url)
    monkeypatch.delenv("CRITMIN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray ./critmin.toml
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def cli(db_url: str) -> Invoke:
    """Run ``critmin ARGS…``; returns Click's Result (``exit_code``, ``stdout``, ``stderr``)."""
    runner = CliRunner()

    def invoke(*args: str | Path, ok: bool = True) -> Result:
        res = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        if ok and res.exit_code != 0:
            raise AssertionError(f"critmin {' '.join(map(str, args))} exited {res.exit_code}:\n{res.output}")
        return res

    return invoke


@pytest.fixture
def migrated(cli: Invoke) -> Invoke:
    """``cli`` after ``critmin db upgrade``."""
    cli("db", "upgrade")
    return cli


def as_json(res: Result) -> Any:
    """The JSON document a ``--json`` command printed on stdout."""
    return json.loads(res.stdout)


def row_counts(url: str) -> dict[str, int]:
    """Rows in the main tables of the store at ``url``."""
    from critmin.store.tables import Dataset, Inventory, LinkDecision, Site, SiteCommodity, SiteLink

    eng = create_engine(url)
    try:
        with eng.connect() as c:
            return {t.__tablename__: int(c.execute(select(func.count()).select_from(t)).scalar_one())
                    for t in (Dataset, Site, SiteCommodity, Inventory, SiteLink, LinkDecision)}
    finally:
        eng.dispose()
