"""Request-scoped dependencies: the store, a session, who is asking (principal and organisation).

Who is asking is decided here, once per request, for every route: an ``Authorization: Bearer <token>``
header (an API token) or the ``critmin_session`` cookie of a web sign-in. ``get_viewer`` gives the
organisation code every read path passes to :mod:`critmin.store.visibility`; anonymous requests see public
data only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from critmin.errors import AuthenticationError
from critmin.store.accounts import Principal, authenticate_session, authenticate_token
from critmin.store.db import Database

SESSION_COOKIE = "critmin_session"
CSRF_HEADER = "x-csrf-token"


def get_db(request: Request) -> Database:
    """The application's database (opened once at start-up)."""
    db: Database = request.app.state.db
    return db


def get_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    """A read session closed after the request."""
    with db.session() as s:
        yield s


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def client_address(request: Request) -> str | None:
    """The client's address as the audit log records it."""
    return request.client.host if request.client else None


def get_principal(request: Request, db: Annotated[Database, Depends(get_db)]) -> Principal | None:
    """The signed-in user or token holder; None when anonymous (cached on ``request.state``).

    A bad or expired bearer token is an error (401), never a silent downgrade to anonymous; an
    expired session cookie is treated as signed out.
    """
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    principal: Principal | None = None
    token = bearer_token(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if token is not None or cookie is not None:  # anonymous requests never touch the account tables
        with db.transaction() as s:
            if token is not None:
                principal = authenticate_token(s, token)
            elif cookie is not None:
                try:
                    principal = authenticate_session(s, cookie)
                except AuthenticationError:
                    principal = None
    request.state.principal = principal
    return principal


def get_viewer(principal: Annotated[Principal | None, Depends(get_principal)]) -> str | None:
    """The requesting organisation (None = anonymous: public data only)."""
    return principal.organisation if principal is not None else None


SessionDep = Annotated[Session, Depends(get_session)]
DbDep = Annotated[Database, Depends(get_db)]
PrincipalDep = Annotated[Principal | None, Depends(get_principal)]
ViewerDep = Annotated[str | None, Depends(get_viewer)]
