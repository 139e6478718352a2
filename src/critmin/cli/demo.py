"""``critmin demo``: the bundled demo deposits."""

from __future__ import annotations

import typer

from critmin.cli.common import console, handle_errors, print_json, rich_progress
from critmin.store.db import open_database
from critmin.store.ingest import load_demo

app = typer.Typer(help="Bundled demo data.", no_args_is_help=True)


@app.command("load")
@handle_errors
def load(
    upgrade: bool = typer.Option(True, help="Run `db upgrade` first."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Load the bundled, cited demo deposits (idempotent)."""
    db = open_database()
    if upgrade:
        db.upgrade()
    with rich_progress("demo", enabled=not json_out) as progress:
        summary = load_demo(db, progress=progress)
    if json_out:
        print_json(summary.to_dict())
    else:
        for d in summary.datasets:
            console.print(f"{d['source']}: {d['action']} ({d['sites']} sites)")
