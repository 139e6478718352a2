"""Backup and restore of a whole store: the database plus the artefacts directory, as one ``.tar.gz``.

* SQLite: a consistent snapshot with SQLite's online backup API (safe while the server runs).
* PostgreSQL/PostGIS: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` (PostgreSQL client
  programs, installed with the server; the ``.ci/run`` machine has them).

The archive holds ``manifest.json`` (backend, schema revision, time, SHA-256 of the database file),
``database.sqlite`` or ``database.pgdump``, and ``artefacts/`` (assessment trials, geochemistry tables,
rasters …). Restoring checks the manifest and the hash before touching the target, restores into a temporary
file first (SQLite) and replaces the target only when that succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from critmin.errors import InputError, StoreError
from critmin.provenance import sha256_file
from critmin.store.db import Database

__all__ = ["backup", "restore"]


def _sqlite_path(db: Database) -> Path:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise InputError("an in-memory SQLite store cannot be backed up; use a file database")
    return Path(path)


def _libpq_url(db: Database) -> str:
    url = make_url(db.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(cmd: list[str], what: str) -> None:
    exe = shutil.which(cmd[0])
    if exe is None:
        raise StoreError(f"{cmd[0]} not found; install the PostgreSQL client programs (Debian: postgresql-client) "
                         f"to {what}")
    proc = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise StoreError(f"{cmd[0]} failed ({what}): {proc.stderr.strip()[-500:]}")


def backup(db: Database, artefacts_dir: Path, out: Path) -> dict[str, Any]:
    """Write a backup archive of ``db`` and ``artefacts_dir`` to ``out``; returns its manifest."""
    out = Path(out)
    if out.exists():
        raise InputError(f"{out} exists; choose a new file name (a backup never overwrites)")
    with tempfile.TemporaryDirectory(prefix="critmin-backup-") as tmp:
        work = Path(tmp)
        if db.backend == "sqlite":
            dump = work / "database.sqlite"
            src = sqlite3.connect(str(_sqlite_path(db)))
            dst = sqlite3.connect(str(dump))
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        else:
            dump = work / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), _libpq_url(db)], "back up")
        manifest = {"format": "critmin-backup/1", "backend": db.backend, "revision": db.current_revision(),
                    "created_at": datetime.now(UTC).isoformat(), "database_file": dump.name,
                    "database_sha256": sha256_file(dump)}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            if artefacts_dir.is_dir():
                tar.add(artefacts_dir, arcname="artefacts")
        os.replace(partial, out)  # an interrupted backup leaves no file that looks complete
    return manifest


def restore(db: Database, artefacts_dir: Path, archive: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore ``archive`` into ``db`` and ``artefacts_dir`` (``force`` to replace a non-empty store)."""
    archive = Path(archive)
    if not archive.is_file():
        raise InputError(f"backup archive {archive} not found")
    with tempfile.TemporaryDirectory(prefix="critmin-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise InputError(f"{archive} is not a readable critmin backup (.tar.gz): {exc}") from None
        try:
            manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{archive} has no valid manifest.json: {exc}") from None
        if manifest.get("format") != "critmin-backup/1":
            raise InputError(f"{archive}: unknown backup format {manifest.get('format')!r}; expected critmin-backup/1")
        if manifest["backend"] != db.backend:
            raise InputError(f"{archive} is a {manifest['backend']} backup; the target store is {db.backend}. "
                             "Restore into the same kind of store (or export/import the data)")
        dump = work / manifest["database_file"]
        if not dump.is_file() or sha256_file(dump) != manifest["database_sha256"]:
            raise InputError(f"{archive}: the database file is missing or its SHA-256 does not match the manifest")
        if not force and db.current_revision() is not None:
            raise InputError(f"the target store {db.safe_url} already has a schema; pass --force to replace it")
        if db.backend == "sqlite":
            target = _sqlite_path(db)
            db.dispose()
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(dump, staged)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            os.replace(staged, target)
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname",
                  _libpq_url(db), str(dump)], "restore")
            db.dispose()
        src_art = work / "artefacts"
        if src_art.is_dir():
            if artefacts_dir.exists():
                shutil.rmtree(artefacts_dir)
            shutil.copytree(src_art, artefacts_dir)
    return manifest
