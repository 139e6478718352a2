"""Map critmin errors to HTTP problem responses (RFC 9457 style JSON)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from critmin.errors import (
    AuthenticationError,
    CritminError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    StoreError,
)


def problem(status: int, title: str, detail: str) -> JSONResponse:
    """A JSON problem response."""
    return JSONResponse({"type": "about:blank", "title": title, "status": status, "detail": detail},
                        status_code=status, media_type="application/problem+json")


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers: InputError and invalid parameters → 400, AuthenticationError → 401,
    PermissionDeniedError → 403, NotFoundError → 404, StoreError → 503, other CritminError → 500."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{loc}: {e.get('msg')} (given {e.get('input')!r})")
        return problem(400, "Bad request", "; ".join(parts) or "invalid request")

    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return problem(400, "Bad request", str(exc))

    @app.exception_handler(AuthenticationError)
    async def _unauthenticated(_: Request, exc: AuthenticationError) -> JSONResponse:
        resp = problem(401, "Unauthorized", str(exc))
        resp.headers["WWW-Authenticate"] = 'Bearer realm="critmin"'
        return resp

    @app.exception_handler(PermissionDeniedError)
    async def _forbidden(_: Request, exc: PermissionDeniedError) -> JSONResponse:
        return problem(403, "Forbidden", str(exc))

    @app.exception_handler(NotFoundError)
    async def _missing(_: Request, exc: NotFoundError) -> JSONResponse:
        return problem(404, "Not found", str(exc))

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        return problem(503, "Store unavailable", str(exc))

    @app.exception_handler(CritminError)
    async def _other(_: Request, exc: CritminError) -> JSONResponse:
        return problem(500, "Server error", str(exc))
