"""The one visibility rule of the store, used by every table that carries an owner and a visibility.

A record is visible to ``viewer`` (an organisation code; ``None`` = anonymous; :data:`ADMIN` = local
administration, e.g. the CLI) when

* it is ``public``, or its embargo date (:class:`~critmin.store.tables.RecordEmbargo`) has passed;
* the viewer's organisation owns it;
* it is ``partners`` (shared with every partner organisation of the deployment) and the viewer is a known
  organisation; or
* it is shared with the viewer's organisation by name (:class:`~critmin.store.tables.RecordShare`, any
  visibility) — with ``view``, ``download`` or ``edit`` rights.

Downloading (exports, raster files, reports) needs the ``download`` right: public, embargo-lifted,
``partners`` and owned records have it; a named share has it when its rights are ``download`` or ``edit``.
Every read path (REST, OGC API, exports, search, job results) goes through :func:`visibility_clause`,
:func:`get_visible` or :func:`list_visible`; the access-matrix test in ``tests/service`` proves it route by route.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, defer

from critmin.errors import NotFoundError, PermissionDeniedError
from critmin.store.tables import Organisation, RecordEmbargo, RecordShare

ADMIN = "*"
T = TypeVar("T")
Right = Literal["view", "download", "edit"]
_RIGHTS_AT_LEAST: dict[str, tuple[str, ...]] = {"view": ("view", "download", "edit"),
                                                "download": ("download", "edit"), "edit": ("edit",)}


def visibility_clause(visibility_column: Any, viewer: str | None, right: Right = "view") -> Any:
    """SQL condition for ``viewer`` on a query joined to :class:`Organisation`; None for :data:`ADMIN`.

    ``visibility_column`` is the mapped ``visibility`` attribute of the record's model (its table name is the
    ``record_type`` of shares and embargoes, its ``id`` the record id).
    """
    if viewer == ADMIN:
        return None
    model: Any = visibility_column.class_
    record_type, record_id = model.__tablename__, model.id
    embargo = exists().where(RecordEmbargo.record_type == record_type, RecordEmbargo.record_id == record_id,
                             RecordEmbargo.public_from <= datetime.now(UTC))
    if right == "edit":
        conds: list[Any] = []
    else:
        conds = [visibility_column == "public", embargo]
    if viewer is not None:
        conds.append(Organisation.code == viewer)
        if right != "edit":
            conds.append(visibility_column == "partners")
        partner = aliased(Organisation)
        conds.append(exists().where(and_(
            RecordShare.record_type == record_type, RecordShare.record_id == record_id,
            RecordShare.organisation_id == partner.id, partner.code == viewer,
            RecordShare.rights.in_(_RIGHTS_AT_LEAST[right]))))
    if not conds:
        return Organisation.id != Organisation.id  # nothing (anonymous viewers edit nothing)
    return or_(*conds)


def has_right(session: Session, model: type[Any], record_id: int, *, viewer: str | None, right: Right) -> bool:
    """Whether ``viewer`` holds ``right`` on record ``record_id`` of ``model``."""
    m: Any = model
    if not -(2**63) <= record_id < 2**63:
        return False
    stmt = select(m.id).join(Organisation).where(m.id == record_id)
    clause = visibility_clause(m.visibility, viewer, right)
    return session.execute(stmt if clause is None else stmt.where(clause)).first() is not None


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
    in_range = -(2**63) <= record_id < 2**63  # ids beyond a 64-bit integer cannot exist (and SQLite rejects them)
    row = session.execute(stmt if vis is None else stmt.where(vis)).scalar_one_or_none() if in_range else None
    if row is None:
        raise NotFoundError(f"{what} {record_id} does not exist (or is not visible to you); {hint}")
    return row


def require_download(session: Session, model: type[Any], record_id: int, *, viewer: str | None, what: str) -> None:
    """Raise PermissionDeniedError unless ``viewer`` may download record ``record_id`` (which it can see)."""
    if viewer != ADMIN and not has_right(session, model, record_id, viewer=viewer, right="download"):
        raise PermissionDeniedError(f"{what} {record_id} is shared with your organisation to view only; ask its "
                                    "owner for download rights")


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
