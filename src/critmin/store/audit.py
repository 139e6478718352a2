"""The append-only audit log: sign-ins, writes, permission changes and exports.

Rows are only ever inserted (the database rejects UPDATE and DELETE with a trigger, migration 0006).
Secrets never reach the log: the service records the method and path, never query strings, bodies or headers.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from critmin.store.tables import AuditEvent

__all__ = ["audit_csv", "list_events", "record_event"]

_COLUMNS = ("id", "at", "actor", "organisation", "action", "target", "status", "client", "detail")


def record_event(session: Session, action: str, *, actor: str | None = None, organisation: str | None = None,
                 target: str | None = None, status: int | None = None, client: str | None = None,
                 detail: dict[str, Any] | None = None) -> None:
    """Append one event (flushed with the caller's transaction)."""
    session.add(AuditEvent(at=datetime.now(UTC), actor=actor, organisation=organisation, action=action,
                           target=target, status=status, client=client, detail=detail or {}))


def _row(e: AuditEvent) -> dict[str, Any]:
    at = e.at if e.at.tzinfo else e.at.replace(tzinfo=UTC)
    return {"id": e.id, "at": at.isoformat(), "actor": e.actor, "organisation": e.organisation,
            "action": e.action, "target": e.target, "status": e.status, "client": e.client, "detail": e.detail}


def list_events(session: Session, *, limit: int = 100, offset: int = 0, action: str | None = None
                ) -> tuple[int, list[dict[str, Any]]]:
    """Events newest first, and how many there are (optionally of one ``action``)."""
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session.execute(stmt.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)).scalars().all()
    return int(total), [_row(e) for e in rows]


def audit_csv(session: Session) -> str:
    """The whole log as CSV, oldest first (cells that a spreadsheet would run as formulas are neutralised)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(_COLUMNS)
    for e in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        r = _row(e)
        cells = [r[c] for c in _COLUMNS]
        w.writerow([_safe(c) for c in cells])
    return buf.getvalue()


def _safe(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v
