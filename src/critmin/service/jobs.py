"""Background job pools for stored runs (assessment runs, prospectivity runs …), one pool per kind and app.

A run is stored first (``queued``) by the router, then submitted here; the pool's worker calls the store's
``execute`` function, which records progress, the result or the failure on the run's row. Stopping the
service cancels: the running job sees ``cancel`` and ends failed, queued ones are marked failed with a message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from pydantic import BaseModel
from sqlalchemy import inspect

from critmin.errors import StoreError
from critmin.store.db import Database

Execute = Callable[..., None]
Fail = Callable[[Database, int, str], None]

_LOCK = threading.Lock()


class RunAccepted(BaseModel):
    """The stored run: poll ``url`` until ``status`` is done or failed."""

    id: int
    status: str
    url: str


class RunPage(BaseModel):
    """A page of run summaries, newest first."""

    total: int
    items: list[dict[str, Any]]


class JobPool:
    """Workers for one kind of stored run.

    Parameters
    ----------
    db, artefact_root
        The store and where the runs write their artefacts.
    kind
        Name used for thread names, the ``app.state`` attribute and messages (``"assessment"``).
    table
        The runs' table (checked once: a store that was not migrated answers 503).
    execute, fail
        ``execute(db, run_id, *, artefact_root, cancel, **kwargs)`` runs one stored run;
        ``fail(db, run_id, message)`` marks one failed.
    workers
        Runs executed at the same time (each run may itself be multi-threaded).
    """

    def __init__(self, db: Database, artefact_root: Path, *, kind: str, table: str, execute: Execute, fail: Fail,
                 workers: int = 1) -> None:
        self.db, self.artefact_root, self.kind, self.table = db, artefact_root, kind, table
        self._execute, self._fail = execute, fail
        self.cancel = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"critmin-{kind}")
        self.futures: dict[int, Future[None]] = {}
        self.tables_checked = False

    def submit(self, run_id: int, **kwargs: Any) -> None:
        """Queue a stored run (extra keyword arguments go to ``execute``)."""
        self.futures = {k: f for k, f in self.futures.items() if not f.done()}
        self.futures[run_id] = self.pool.submit(self._execute, self.db, run_id, artefact_root=self.artefact_root,
                                                cancel=self.cancel, **kwargs)

    def check_tables(self) -> None:
        """StoreError (503) if the store lacks the runs' table (``critmin db upgrade`` was not run)."""
        if not self.tables_checked:
            if not inspect(self.db.engine).has_table(self.table):
                raise StoreError(f"the database {self.db.safe_url} has no {self.kind} tables; run "
                                 "`critmin db upgrade`")
            self.tables_checked = True

    def shutdown(self) -> None:
        """Stop: the running run ends failed (cancelled); queued ones are marked failed."""
        self.cancel.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for run_id, fut in self.futures.items():
            if fut.cancelled():
                self._fail(self.db, run_id, "cancelled: the service stopped before the run started; submit it again")


def start_pool(app: FastAPI, factory: Callable[[Database], JobPool]) -> JobPool:
    """Create a pool for ``app`` (in the lifespan, after ``app.state.db`` is set) and keep it on ``app.state``."""
    pool = factory(app.state.db)
    setattr(app.state, f"{pool.kind}_jobs", pool)
    return pool


def stop_pool(app: FastAPI, kind: str) -> None:
    """Shut ``kind``'s pool down (in the lifespan, before the database is disposed)."""
    pool: JobPool | None = getattr(app.state, f"{kind}_jobs", None)
    if pool is not None:
        pool.shutdown()


def get_pool(request: Request, kind: str, factory: Callable[[Database], JobPool]) -> JobPool:
    """The app's pool of ``kind`` (created on first use when the lifespan did not), tables checked."""
    with _LOCK:
        pool: JobPool | None = getattr(request.app.state, f"{kind}_jobs", None)
        if pool is None:
            pool = start_pool(request.app, factory)
    pool.check_tables()
    return pool


@dataclass(frozen=True)
class JobKind:
    """One kind of stored run and its pool: the lifespan hooks and the request dependency of a router.

    ``factory(db)`` builds the pool; ``start``/``stop`` go in the application's lifespan and ``get`` is the
    FastAPI dependency that hands a request the pool (503 without the run table).
    """

    kind: str
    factory: Callable[[Database], JobPool]

    def start(self, app: FastAPI) -> None:
        """Create the pool (in the lifespan, after ``app.state.db`` is set)."""
        start_pool(app, self.factory)

    def stop(self, app: FastAPI) -> None:
        """Shut the pool down (in the lifespan, before the database is disposed)."""
        stop_pool(app, self.kind)

    def get(self, request: Request) -> JobPool:
        """The application's pool, created on first use when the lifespan did not; tables checked."""
        return get_pool(request, self.kind, self.factory)
