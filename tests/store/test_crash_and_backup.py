"""Crash safety (SIGKILL in the middle of an import and of a server write) and backup/restore, on both stores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from benchmarks.generate_mrds import generate
from sqlalchemy import func, select, text

from critmin.errors import InputError
from critmin.store.backup import backup, restore
from critmin.store.db import open_database
from critmin.store.sites import import_sites
from critmin.store.tables import Dataset, Site
from tests.store.factories import world

ROWS = 40_000


def _cli(db_url: str, *args: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CRITMIN_DATABASE_URL": db_url, "CRITMIN_DATA_DIR": str(data_dir)}
    return subprocess.Popen([sys.executable, "-m", "critmin.cli.main", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _consistent(db) -> tuple[int, int]:
    """Integrity holds; every dataset's record count equals its sites; returns (datasets, sites)."""
    with db.session() as s:
        if db.backend == "sqlite":
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert s.execute(text("PRAGMA foreign_key_check")).first() is None
        for ds in s.execute(select(Dataset)).scalars():
            n = s.execute(select(func.count()).where(Site.dataset_id == ds.id)).scalar_one()
            assert n == ds.record_count, (ds.source, n, ds.record_count)
        return (s.execute(select(func.count()).select_from(Dataset)).scalar_one(),
                s.execute(select(func.count()).select_from(Site)).scalar_one())


def test_sigkill_during_import_leaves_a_consistent_store_and_the_import_reruns(db, tmp_path) -> None:
    src = tmp_path / "mrds.csv"
    generate(ROWS, src, seed=3)
    with db.transaction() as s:
        import_sites(s, world(), organisation="gsi")
    before = _consistent(db)
    proc = _cli(db.url, "deposits", "import", str(src), "--format", "mrds", data_dir=tmp_path)
    time.sleep(4.0)  # parsing is done in about a second; the kill lands while rows are written
    assert proc.poll() is None, f"the import finished before the kill: {proc.communicate()}"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db.dispose()
    assert _consistent(db) == before  # all or nothing: the killed transaction left no trace
    again = _cli(db.url, "deposits", "import", str(src), "--format", "mrds", data_dir=tmp_path)
    _, err = again.communicate(timeout=900)
    assert again.returncode == 0, err.decode()[-2000:]
    datasets, sites = _consistent(db)
    assert (datasets, sites) == (before[0] + 1, before[1] + ROWS)


def test_backup_and_restore_round_trip(db, tmp_path) -> None:
    with db.transaction() as s:
        import_sites(s, world(), organisation="gsi")
    art = tmp_path / "artefacts"
    (art / "geochem" / "1").mkdir(parents=True)
    (art / "geochem" / "1" / "table.parquet").write_bytes(b"PAR1 test artefact")
    archive = tmp_path / "backup.tar.gz"
    manifest = backup(db, art, archive)
    assert manifest["backend"] == db.backend and manifest["revision"] == db.current_revision()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "artefacts/geochem/1/table.parquet" in names
    with pytest.raises(InputError, match="never overwrites"):
        backup(db, art, archive)
    # damage after the backup: a dataset deleted, an artefact lost
    with db.transaction() as s:
        s.execute(text("DELETE FROM site_commodity"))
        s.execute(text("DELETE FROM inventory"))
        s.execute(text("DELETE FROM site"))
    (art / "geochem" / "1" / "table.parquet").unlink()
    with pytest.raises(InputError, match="--force"):
        restore(db, art, archive)
    restore(db, art, archive, force=True)
    db2 = open_database(db.url)
    try:
        assert _consistent(db2)[1] == 8
        assert (art / "geochem" / "1" / "table.parquet").read_bytes() == b"PAR1 test artefact"
    finally:
        db2.dispose()


def test_restore_refuses_a_damaged_or_foreign_archive(db, tmp_path) -> None:
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tarball")
    with pytest.raises(InputError, match="not a readable critmin backup"):
        restore(db, tmp_path / "art", bad, force=True)
    with pytest.raises(InputError, match="not found"):
        restore(db, tmp_path / "art", tmp_path / "missing.tar.gz")
