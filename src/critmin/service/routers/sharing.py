"""Who may see a record: visibility, named shares, embargo (``/api/sharing/{record_type}/{record_id}``).

Reading the state needs view rights; changing it needs edit rights (the owner organisation, or a partner holding
an ``edit`` share) and a role: ``data_manager`` for source data (deposit datasets, assay files), ``analyst`` for
analyses (runs, projects, rasters). Every change is audited as ``share``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from critmin.errors import PermissionDeniedError
from critmin.service.access import SignedInDep
from critmin.service.deps import DbDep, ViewerDep, client_address
from critmin.store.accounts import role_at_least
from critmin.store.audit import record_event
from critmin.store.sharing import set_embargo, set_visibility, share, sharing_state, unshare

router = APIRouter(prefix="/api/sharing", tags=["sharing"])

#: source data (deposit datasets, assay files): their sharing is a data manager's decision; analyses an analyst's
DATA_RECORDS = frozenset({"dataset", "geochem_dataset"})


class ShareChange(BaseModel):
    """Any of: a new visibility, shares to add or update, organisations to unshare, an embargo date."""

    visibility: Literal["private", "partners", "public"] | None = None
    share: dict[str, Literal["view", "download", "edit"]] = Field(default_factory=dict,
                                                                 description="organisation code → rights")
    unshare: list[str] = Field(default_factory=list)
    public_from: datetime | None = Field(default=None, description="embargo end (UTC), e.g. 2027-01-01T00:00:00Z")
    clear_embargo: bool = False


@router.get("/{record_type}/{record_id}")
def get_sharing(record_type: str, record_id: int, viewer: ViewerDep, db: DbDep) -> dict[str, Any]:
    """The record's owner, visibility, named shares and embargo date."""
    with db.session() as s:
        return sharing_state(s, record_type, record_id, viewer=viewer)


@router.put("/{record_type}/{record_id}")
def change_sharing(record_type: str, record_id: int, body: ShareChange, principal: SignedInDep, db: DbDep,
                   request: Request) -> dict[str, Any]:
    """Change visibility, shares and embargo in one transaction (all or nothing)."""
    needed = "data_manager" if record_type in DATA_RECORDS else "analyst"
    if not role_at_least(principal.role, needed):
        raise PermissionDeniedError(f"{principal.username!r} is a {principal.role}; changing the sharing of a "
                                    f"{record_type.replace('_', ' ')} needs the {needed} role or higher")
    org = principal.organisation
    with db.transaction() as s:
        state = sharing_state(s, record_type, record_id, viewer=org)
        if body.visibility is not None:
            state = set_visibility(s, record_type, record_id, body.visibility, viewer=org)
        for partner, rights in body.share.items():
            state = share(s, record_type, record_id, partner, rights=rights, viewer=org)
        for partner in body.unshare:
            state = unshare(s, record_type, record_id, partner, viewer=org)
        if body.clear_embargo or body.public_from is not None:
            state = set_embargo(s, record_type, record_id, None if body.clear_embargo else body.public_from,
                                viewer=org)
        record_event(s, "share", actor=principal.actor, organisation=org,
                     target=f"{record_type} {record_id}", status=200,
                     client=client_address(request),
                     detail=body.model_dump(mode="json", exclude_defaults=True))
    return state
