"""``critmin db``: migrate and inspect the store."""

from __future__ import annotations

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
