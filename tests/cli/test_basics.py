"""``critmin --version``, ``db upgrade``/``db current``, ``demo load`` and the exit codes (0 ok, 1 error, 2 usage)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from critmin import __version__
from tests.cli.conftest import Invoke, as_json, row_counts


def test_version_through_the_real_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "CRITMIN_DATABASE_URL": f"sqlite:///{tmp_path / 'v.db'}"}
    out = subprocess.run([sys.executable, "-m", "critmin.cli.main", "--version"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"critmin {__version__}"


def test_usage_error_exit_code_through_the_real_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "CRITMIN_DATABASE_URL": f"sqlite:///{tmp_path / 'v.db'}"}
    out = subprocess.run([sys.executable, "-m", "critmin.cli.main", "deposits", "import", "x.csv", "--format",
                          "shapefile"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "shapefile" in out.stderr


def test_db_upgrade_and_current(cli: Invoke, db_url: str) -> None:
    before = as_json(cli("db", "current", "--json"))
    assert before["revision"] is None
    assert before["backend"] == "sqlite"
    res = cli("db", "upgrade")
    assert "at revision" in res.stdout
    info = as_json(cli("db", "current", "--json"))
    assert set(info) == {"url", "backend", "revision"}
    assert info["url"] == db_url
    assert info["revision"] is not None
    # upgrading again is a no-op
    cli("db", "upgrade")
    assert as_json(cli("db", "current", "--json"))["revision"] == info["revision"]
    assert row_counts(db_url)["site"] == 0


def test_commands_on_an_unmigrated_store_exit_1_with_advice(cli: Invoke) -> None:
    res = cli("deposits", "list", ok=False)
    assert res.exit_code == 1
    assert "critmin db upgrade" in res.stderr


def test_demo_load_is_idempotent(cli: Invoke, db_url: str) -> None:
    first = as_json(cli("demo", "load", "--json"))
    (ds,) = first["datasets"]
    assert ds["source"] == "critmin-demo"
    assert ds["action"] == "created"
    assert ds["sites"] >= 100
    counts = row_counts(db_url)
    assert counts["site"] == ds["sites"]
    second = cli("demo", "load")
    assert "critmin-demo: unchanged" in second.stdout
    assert row_counts(db_url) == counts
    # the partnership's flagship deposits are there
    names = {it["name"] for it in as_json(cli("deposits", "list", "--json", "--limit", "1000"))["items"]}
    for must in ("Mountain Pass", "Bayan Obo", "Mount Weld", "Amba Dongar"):
        assert any(must in n for n in names), must


@pytest.mark.parametrize("args", [
    ["deposits", "import", "x.csv", "--format", "shapefile"],       # unknown format
    ["deposits", "import", "x.csv"],                                # missing --format
    ["deposits", "import", "--format", "csv"],                      # missing PATH
    ["deposits", "list", "--sort", "colour"],                       # unknown sort key
    ["deposits", "list", "--limit", "0"],                           # out of range
    ["deposits", "decide", "a", "1", "b", "2", "--same"],           # missing --curator
    ["deposits", "frobnicate"],                                     # unknown command
    ["db", "current", "--jsn"],                                     # unknown option
])
def test_bad_usage_exits_2(migrated: Invoke, args: list[str]) -> None:
    res = migrated(*args, ok=False)
    assert res.exit_code == 2, res.output
