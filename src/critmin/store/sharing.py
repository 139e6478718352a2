"""Changing who may see a record: visibility, named shares with partner organisations, embargo dates.

Every function checks that the acting organisation may edit the record (owner, or a share with ``edit``
rights; :data:`~critmin.store.visibility.ADMIN` may do anything) and returns the record's new sharing state.
Reads are decided by :mod:`critmin.store.visibility`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from critmin.errors import InputError, NotFoundError, PermissionDeniedError
from critmin.store.sites import get_or_create_organisation
from critmin.store.tables import AssessmentRun, Base, Dataset, GeochemDataset, Organisation, RecordEmbargo, RecordShare
from critmin.store.visibility import ADMIN, get_visible, has_right

VISIBILITIES = ("private", "partners", "public")
RIGHTS = ("view", "download", "edit")

#: record types that can be shared, by the name used in the API (``record_type`` is the table name)
SHAREABLE: dict[str, type[Base]] = {"dataset": Dataset, "assessment_run": AssessmentRun,
                                    "geochem_dataset": GeochemDataset}

__all__ = ["RIGHTS", "SHAREABLE", "VISIBILITIES", "register_shareable", "set_embargo", "set_visibility", "share",
           "sharing_state", "unshare"]


def register_shareable(model: type[Base]) -> None:
    """Make another owned table (it has ``id``, ``organisation_id`` and ``visibility``) shareable."""
    SHAREABLE[str(model.__tablename__)] = model


def _model(record_type: str) -> type[Base]:
    try:
        return SHAREABLE[record_type]
    except KeyError:
        raise InputError(f"unknown record type {record_type!r}; expected one of {', '.join(sorted(SHAREABLE))}")\
            from None


def _editable(session: Session, record_type: str, record_id: int, viewer: str | None) -> Any:
    model = _model(record_type)
    record = get_visible(session, model, record_id, viewer=viewer, what=record_type.replace("_", " "),
                         hint="check the id")
    if viewer != ADMIN and not has_right(session, model, record_id, viewer=viewer, right="edit"):
        raise PermissionDeniedError(f"{record_type} {record_id}: your organisation may view but not change its "
                                    "sharing; ask its owner")
    return record


def sharing_state(session: Session, record_type: str, record_id: int, *, viewer: str | None = ADMIN
                  ) -> dict[str, Any]:
    """Visibility, owner, named shares and embargo of a record the viewer can see."""
    model: Any = _model(record_type)
    record = get_visible(session, model, record_id, viewer=viewer, what=record_type.replace("_", " "),
                         hint="check the id")
    shares = session.execute(select(Organisation.code, RecordShare.rights).join(
        Organisation, Organisation.id == RecordShare.organisation_id).where(
        RecordShare.record_type == record_type, RecordShare.record_id == record_id).order_by(Organisation.code)).all()
    emb = session.get(RecordEmbargo, (record_type, record_id))
    public_from = None
    if emb is not None:
        t = emb.public_from if emb.public_from.tzinfo else emb.public_from.replace(tzinfo=UTC)
        public_from = t.isoformat()
    return {"record_type": record_type, "record_id": record_id, "owner": record.organisation.code,
            "visibility": record.visibility, "shares": [{"organisation": c, "rights": r} for c, r in shares],
            "public_from": public_from}


def set_visibility(session: Session, record_type: str, record_id: int, visibility: str, *,
                   viewer: str | None) -> dict[str, Any]:
    """Set ``private``, ``partners`` or ``public``."""
    if visibility not in VISIBILITIES:
        raise InputError(f"unknown visibility {visibility!r}; expected one of {', '.join(VISIBILITIES)}")
    record = _editable(session, record_type, record_id, viewer)
    record.visibility = visibility
    session.flush()
    return sharing_state(session, record_type, record_id)


def share(session: Session, record_type: str, record_id: int, organisation: str, *, rights: str = "view",
          viewer: str | None) -> dict[str, Any]:
    """Share a record with a named partner organisation (replacing an earlier share's rights)."""
    if rights not in RIGHTS:
        raise InputError(f"unknown rights {rights!r}; expected one of {', '.join(RIGHTS)}")
    _editable(session, record_type, record_id, viewer)
    exists = session.execute(select(Organisation).where(Organisation.code == organisation)).scalar_one_or_none()
    if exists is None:
        raise NotFoundError(f"organisation {organisation!r} does not exist; expected a registered organisation code")
    org = get_or_create_organisation(session, organisation)
    row = session.execute(select(RecordShare).where(
        RecordShare.record_type == record_type, RecordShare.record_id == record_id,
        RecordShare.organisation_id == org.id)).scalar_one_or_none()
    if row is None:
        session.add(RecordShare(record_type=record_type, record_id=record_id, organisation_id=org.id, rights=rights))
    else:
        row.rights = rights
    session.flush()
    return sharing_state(session, record_type, record_id)


def unshare(session: Session, record_type: str, record_id: int, organisation: str, *,
            viewer: str | None) -> dict[str, Any]:
    """Withdraw a named share (no error if there was none)."""
    _editable(session, record_type, record_id, viewer)
    org_id = select(Organisation.id).where(Organisation.code == organisation).scalar_subquery()
    session.execute(delete(RecordShare).where(RecordShare.record_type == record_type,
                                              RecordShare.record_id == record_id,
                                              RecordShare.organisation_id == org_id))
    session.flush()
    return sharing_state(session, record_type, record_id)


def set_embargo(session: Session, record_type: str, record_id: int, public_from: datetime | None, *,
                viewer: str | None) -> dict[str, Any]:
    """Make the record public from ``public_from`` (UTC); None removes the embargo date."""
    _editable(session, record_type, record_id, viewer)
    row = session.get(RecordEmbargo, (record_type, record_id))
    if public_from is None:
        if row is not None:
            session.delete(row)
    else:
        if public_from.tzinfo is None:
            raise InputError(f"embargo date {public_from.isoformat()} has no time zone; expected e.g. "
                             "2027-01-01T00:00:00Z")
        if row is None:
            session.add(RecordEmbargo(record_type=record_type, record_id=record_id, public_from=public_from))
        else:
            row.public_from = public_from
    session.flush()
    return sharing_state(session, record_type, record_id)
