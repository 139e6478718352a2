"""``critmin serve``: run the web service and UI."""

from __future__ import annotations

import typer

from critmin.cli.common import console, handle_errors
from critmin.store.db import open_database


@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
) -> None:
    """Serve the REST API, OGC API – Features and the web UI."""
    import uvicorn

    db = open_database()
    db.check_migrated()
    console.print(f"critmin on http://{host}:{port}  (database {db.safe_url})")
    db.dispose()
    uvicorn.run("critmin.service.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", access_log=False, timeout_worker_healthcheck=120)
