"""Administration (``/api/admin``, admins only): the audit log (view and export) and the user list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from critmin.service.access import AdminDep
from critmin.service.deps import DbDep
from critmin.store.accounts import list_users
from critmin.store.audit import audit_csv, list_events

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/audit")
def audit(_: AdminDep, db: DbDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
          offset: Annotated[int, Query(ge=0)] = 0, action: str | None = None) -> dict[str, Any]:
    """Audit events, newest first."""
    with db.session() as s:
        total, events = list_events(s, limit=limit, offset=offset, action=action)
    return {"total": total, "events": events}


@router.get("/audit.csv")
def audit_export(_: AdminDep, db: DbDep) -> Response:
    """The whole audit log as CSV."""
    with db.session() as s:
        text = audit_csv(s)
    return Response(text, media_type="text/csv",
                    headers={"content-disposition": 'attachment; filename="critmin-audit.csv"'})


@router.get("/users")
def users(_: AdminDep, db: DbDep) -> list[dict[str, object]]:
    """Users with organisation and role."""
    with db.session() as s:
        return list_users(s)
