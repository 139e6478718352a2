"""The one visibility rule of the store, used by every table that carries an owner and a visibility.

A record is visible to ``viewer`` (an organisation code; ``None`` = anonymous; :data:`ADMIN` = local
administration, e.g. the CLI) when it is public, when the viewer's organisation owns it, or when it is
shared with partners and the viewer is a known organisation. Issue 8 (accounts and sharing) extends this
module; every read path goes through it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, defer

from critmin.errors import NotFoundError
from critmin.store.tables import Organisation

ADMIN = "*"
T = TypeVar("T")


def visibility_clause(visibility_column: Any, viewer: str | None) -> Any:
    """SQL condition for ``viewer`` on a query joined to :class:`Organisation`; None for :data:`ADMIN`."""
    if viewer == ADMIN:
        return None
    conds = [visibility_column == "public"]
    if viewer is not None:
        conds.append(Organisation.code == viewer)
        conds.append(visibility_column == "partners")
    return or_(*conds)


def get_visible(session: Session, model: type[T], record_id: int, *, viewer: str | None, what: str,
                hint: str) -> T:
    """The ``model`` row ``record_id`` if it exists and ``viewer`` may see it.

    Raises
    ------
    NotFoundError
        Unknown or not visible (the message does not say which, so existence does not leak).
    """
    m: Any = model
    stmt = select(m).join(Organisation).where(m.id == record_id)
    vis = visibility_clause(m.visibility, viewer)
    row = session.execute(stmt if vis is None else stmt.where(vis)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"{what} {record_id} does not exist (or is not visible to you); {hint}")
    return row


def list_visible(session: Session, model: type[T], *, viewer: str | None, limit: int, offset: int,
                 deferred: tuple[Any, ...] = ()) -> tuple[int, list[T]]:
    """Visible ``model`` rows, newest first, and their total number (``deferred`` columns not loaded)."""
    m: Any = model
    stmt = select(m).join(Organisation)
    vis = visibility_clause(m.visibility, viewer)
    if vis is not None:
        stmt = stmt.where(vis)
    total = session.execute(select(func.count()).select_from(stmt.with_only_columns(m.id).subquery())).scalar_one()
    rows = session.execute(stmt.options(*(defer(c) for c in deferred)).order_by(m.id.desc())
                           .limit(limit).offset(offset)).scalars().all()
    return int(total), list(rows)


def iso_utc(t: datetime | None) -> str | None:
    """ISO 8601 text of a stored time (SQLite drops the offset; the store writes UTC)."""
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return str(t.isoformat())
