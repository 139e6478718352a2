"""Hardening middleware: security headers, request-size limit, per-token rate limit, audit of writes and exports.

Pure ASGI middleware (no response buffering): streamed exports stay streamed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from critmin.store.audit import record_event
from critmin.store.db import Database

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CSP_UI = ("default-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; child-src 'self' blob:; "
           "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; font-src 'self' data:; "
           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI's page starts itself with an inline script
_CSP_DOCS = _CSP_UI.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
#: GET routes that hand data out (audited as "export"); matched on the path
EXPORT_MARKERS = ("/export", "/download", "/report", ".pdf", ".gpkg", ".csv", ".tif")


def _problem(status: int, title: str, detail: str) -> tuple[dict[str, Any], bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/problem+json"),
                         (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]}
    return start, body


class SecurityHeaders:
    """Adds the security headers (and a content-security policy) to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = (_CSP_DOCS if scope["path"] == "/docs" else _CSP_UI).encode()

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in
                           {k for k, _ in SECURITY_HEADERS} | {b"content-security-policy"}]
                message["headers"] = [*headers, *SECURITY_HEADERS, (b"content-security-policy", csp)]
            await send(message)

        await self.app(scope, receive, wrapped)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length and while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        detail = (f"request body larger than the limit of {limit / 1e6:g} MB (CRITMIN_MAX_UPLOAD_MB); "
                  "send a smaller file")
        for k, v in scope.get("headers", []):
            if k == b"content-length" and v.isdigit() and int(v) > limit:
                start, body = _problem(413, "Payload too large", detail)
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(detail)
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge as exc:
            start, body = _problem(413, "Payload too large", str(exc))
            await send(start)
            await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class RateLimit:
    """Token bucket per API token (or per client address when anonymous): ``per_minute`` requests a minute."""

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app, self.rate = app, per_minute / 60.0
        self.capacity = float(per_minute)
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def _key(self, scope: Scope) -> str:
        for k, v in scope.get("headers", []):
            if k == b"authorization":
                return "t:" + hashlib.sha256(v).hexdigest()
        client = scope.get("client") or ("?", 0)
        return f"a:{client[0]}"

    def _take(self, key: str) -> bool:
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            ok = tokens >= 1.0
            self.buckets[key] = (tokens - 1.0 if ok else tokens, now)
            if len(self.buckets) > 100_000:  # forget idle clients
                self.buckets = {k: b for k, b in self.buckets.items() if now - b[1] < 120}
            return ok

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0 or self._take(self._key(scope)):
            await self.app(scope, receive, send)
            return
        start, body = _problem(429, "Too many requests",
                               f"more than {self.capacity:g} requests a minute (CRITMIN_RATE_LIMIT_PER_MINUTE); "
                               "slow down and retry")
        start["headers"].append((b"retry-after", b"60"))
        await send(start)
        await send({"type": "http.response.body", "body": body})


class AuditLog:
    """Appends an audit event for every write (unsafe method) and every export-like GET, after the response.

    Records who (the principal resolved by the route), what (method and path, never the query string or
    body), when, from where (client address) and the status code.
    """

    def __init__(self, app: ASGIApp, db_getter: Callable[[], Database | None]) -> None:
        self.app, self.db_getter = app, db_getter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        unsafe = method not in ("GET", "HEAD", "OPTIONS")
        export = not unsafe and any(m in path for m in EXPORT_MARKERS) and not path.startswith("/ui/")
        if not (unsafe or export):
            await self.app(scope, receive, send)
            return
        status: list[int] = []
        scope.setdefault("state", {})  # the route's request.state writes the principal here

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, wrapped)
        db = self.db_getter()
        if db is None or path in ("/api/auth/login",):  # sign-ins are audited by the route itself
            return
        state = scope.get("state") or {}
        principal = state.get("principal")
        client = (scope.get("client") or ("", 0))[0]
        try:
            with db.transaction() as s:
                record_event(s, "write" if unsafe else "export",
                             actor=principal.actor if principal is not None else None,
                             organisation=principal.organisation if principal is not None else None,
                             target=f"{method} {path}", status=status[0] if status else None, client=client)
        except SQLAlchemyError as exc:  # the response is already sent: report the lost event loudly
            logging.getLogger("critmin.audit").error("audit event for %s %s not written: %s", method, path, exc)
