"""REST API of prospectivity (``/api/prospectivity``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/prospectivity", tags=["prospectivity"])
