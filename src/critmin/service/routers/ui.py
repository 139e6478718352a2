"""Health, UI configuration and the boundary layer of the web UI."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from critmin import __version__
from critmin.config import get_settings
from critmin.errors import NotFoundError
from critmin.service.deps import DbDep

router = APIRouter(prefix="/api", tags=["platform"])

DEFAULT_BOUNDARY = "/ui/basemap/countries.geojson"
BOUNDARY_NOTE = ("Boundaries indicative, not authoritative (Natural Earth via world-atlas). "
                 "A deployment may replace them, e.g. with the Survey of India boundary.")


@router.get("/health", summary="Service health, version and store backend")
def health(db: DbDep) -> dict[str, Any]:
    """Liveness plus the database backend and schema revision."""
    return {"status": "ok", "version": __version__, "database": db.backend, "revision": db.current_revision()}


@router.get("/ui/config", summary="Web UI configuration (boundary layer, sign-in options)")
def ui_config() -> dict[str, Any]:
    """Where the UI loads its boundary layer from (the bundled default or CRITMIN_BOUNDARY_FILE) and whether
    OpenID Connect sign-in is offered."""
    s = get_settings()
    oidc = bool(s.oidc_issuer and s.oidc_client_id)
    if s.boundary_file is not None:
        return {"boundary_url": "/api/ui/boundary", "boundary_note": f"Boundaries from {s.boundary_file.name}.",
                "oidc": oidc}
    return {"boundary_url": DEFAULT_BOUNDARY, "boundary_note": BOUNDARY_NOTE, "oidc": oidc}


@router.get("/ui/boundary", summary="The configured boundary layer (GeoJSON)")
def boundary() -> FileResponse:
    """The deployment's boundary file (CRITMIN_BOUNDARY_FILE)."""
    s = get_settings()
    if s.boundary_file is None or not s.boundary_file.exists():
        raise NotFoundError("no boundary file configured (set CRITMIN_BOUNDARY_FILE to a GeoJSON file)")
    return FileResponse(s.boundary_file, media_type="application/geo+json")
