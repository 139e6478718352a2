"""REST API of economics (``/api/economics``)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/economics", tags=["economics"])
