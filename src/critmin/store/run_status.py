"""Status changes shared by every table of background runs (assessment runs, prospectivity runs …).

A run table has ``status`` (queued | running | done | failed), ``progress``, ``message``, ``result``,
``provenance``, ``artefact_dir`` and ``finished_at``; each change here is its own short transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from critmin.provenance import utcnow
from critmin.store.db import Database
from critmin.store.visibility import iso_utc

__all__ = ["mark_failed", "record_progress", "status_fields"]


def record_progress(db: Database, model: type[Any], run_id: int, progress: float, message: str) -> None:
    """Write a running run's progress (clipped to 0 … 1) and stage message."""
    with db.transaction() as s:
        s.execute(update(model).where(model.id == run_id, model.status == "running")
                  .values(progress=float(min(max(progress, 0.0), 1.0)), message=message[:2000]))


def mark_failed(db: Database, model: type[Any], run_id: int, message: str) -> None:
    """Mark a run ``failed`` with ``message``; any result, provenance and artefact directory are cleared."""
    with db.transaction() as s:
        s.execute(update(model).where(model.id == run_id).values(
            status="failed", message=message[:4000], result=None, provenance=None, artefact_dir=None,
            finished_at=utcnow()))


def status_fields(run: Any) -> dict[str, Any]:
    """The fields every run summary shares: id, name, owner, visibility, status, progress, message and times."""
    return {"id": run.id, "name": run.name, "organisation": run.organisation.code, "visibility": run.visibility,
            "status": run.status, "progress": run.progress, "message": run.message,
            "created_at": iso_utc(run.created_at), "started_at": iso_utc(run.started_at),
            "finished_at": iso_utc(run.finished_at)}
