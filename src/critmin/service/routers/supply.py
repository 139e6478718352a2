"""REST API of supply (``/api/supply``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/supply", tags=["supply"])
