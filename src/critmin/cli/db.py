"""``critmin db``: migrate and inspect the store."""

from __future__ import annotations

from pathlib import Path

import typer

from critmin.cli.common import console, handle_errors, print_json
from critmin.store.db import open_database

app = typer.Typer(help="Database: create or upgrade the schema (SQLite file or PostGIS).", no_args_is_help=True)


@app.command("upgrade")
@handle_errors
def upgrade(revision: str = typer.Argument("head", help="Alembic revision to upgrade to.")) -> None:
    """Create or migrate the schema of the database in CRITMIN_DATABASE_URL."""
    db = open_database()
    db.upgrade(revision)
    console.print(f"database {db.safe_url} at revision {db.current_revision()}")


@app.command("current")
@handle_errors
def current(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the database URL (password hidden), backend and schema revision."""
    db = open_database()
    info = {"url": db.safe_url, "backend": db.backend, "revision": db.current_revision()}
    if json_out:
        print_json(info)
    else:
        console.print(info)


@app.command("backup")
@handle_errors
def backup_cmd(out: Path = typer.Argument(..., help="Archive to write (.tar.gz); never overwritten.")) -> None:
    """Back up the store (database + artefacts) into one archive (safe while the server runs)."""
    from critmin.config import get_settings
    from critmin.store.backup import backup

    db = open_database()
    manifest = backup(db, get_settings().data_dir / "artefacts", out)
    console.print(f"backed up {db.safe_url} (revision {manifest['revision']}) to {out}")


@app.command("restore")
@handle_errors
def restore_cmd(archive: Path = typer.Argument(..., help="Archive written by `critmin db backup`."),
                force: bool = typer.Option(False, "--force", help="Replace a store that already has data.")) -> None:
    """Restore the store from a backup archive (checks the manifest and hash before touching anything)."""
    from critmin.config import get_settings
    from critmin.store.backup import restore

    db = open_database()
    manifest = restore(db, get_settings().data_dir / "artefacts", archive, force=force)
    console.print(f"restored {archive} (revision {manifest['revision']}, {manifest['created_at']}) into "
                  f"{db.safe_url}")
