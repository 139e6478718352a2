"""Sign-in, sign-out, who am I, and API tokens (``/api/auth``).

The web UI signs in with a username and password and receives an HttpOnly, SameSite=Strict session cookie
plus a CSRF token it must echo in ``X-CSRF-Token`` on every unsafe request. Scripts use API tokens
(``Authorization: Bearer cm_…``), created here or with ``critmin users token-create``; a token's secret is
shown once.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from critmin.config import get_settings
from critmin.errors import AuthenticationError
from critmin.service.access import SignedInDep
from critmin.service.deps import SESSION_COOKIE, DbDep, PrincipalDep, client_address
from critmin.store.accounts import (
    Principal,
    authenticate_password,
    create_session,
    create_token,
    end_session,
    list_groups,
    list_tokens,
    revoke_token,
)
from critmin.store.audit import record_event

router = APIRouter(prefix="/api/auth", tags=["auth"])


class Login(BaseModel):
    """Username and password."""

    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)


class TokenRequest(BaseModel):
    """A new API token: a name, optional scopes (default: all the role allows) and lifetime in days."""

    name: str = Field(min_length=1, max_length=128)
    scopes: list[str] | None = None
    expires_days: float | None = Field(default=90.0, gt=0, le=3650)


def _me(p: Principal) -> dict[str, Any]:
    return {"username": p.username, "organisation": p.organisation, "role": p.role, "scopes": sorted(p.scopes),
            "via": p.via}


@router.post("/login")
def login(body: Login, request: Request, response: Response, db: DbDep) -> dict[str, Any]:
    """Sign in: sets the session cookie and returns the user with the CSRF token."""
    try:
        with db.transaction() as s:
            principal = authenticate_password(s, body.username, body.password)
            secret, csrf = create_session(s, principal, hours=get_settings().session_hours)
            record_event(s, "sign-in", actor=principal.username, organisation=principal.organisation,
                         target="POST /api/auth/login", status=200, client=client_address(request))
    except AuthenticationError:
        with db.transaction() as s:
            record_event(s, "sign-in-failed", actor=body.username[:128], target="POST /api/auth/login",
                         status=401, client=client_address(request))
        raise
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=int(get_settings().session_hours * 3600),
                        path="/")
    return {**_me(principal), "csrf_token": csrf}


@router.post("/logout")
def logout(request: Request, response: Response, db: DbDep) -> dict[str, bool]:
    """Sign out (ends the session; no error when not signed in)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with db.transaction() as s:
            end_session(s, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"signed_out": True}


@router.get("/me")
def me(principal: PrincipalDep, db: DbDep) -> dict[str, Any]:
    """Who is asking: the user, organisation, role, scopes and groups, or ``{"anonymous": true}``."""
    if principal is None:
        return {"anonymous": True}
    out = _me(principal)
    with db.session() as s:
        out["groups"] = [g["name"] for g in list_groups(s, principal.username)]
    if principal.csrf_token:
        out["csrf_token"] = principal.csrf_token
    return out


@router.get("/tokens")
def tokens(principal: SignedInDep, db: DbDep) -> list[dict[str, object]]:
    """The caller's API tokens (never their secrets)."""
    with db.session() as s:
        return list_tokens(s, principal.username)


@router.post("/tokens", status_code=201)
def new_token(body: TokenRequest, principal: SignedInDep, db: DbDep, request: Request) -> dict[str, Any]:
    """Create an API token for the caller; the response holds the secret, shown this once."""
    with db.transaction() as s:
        secret, tok = create_token(s, principal.username, body.name, scopes=body.scopes,
                                   expires_days=body.expires_days)
        record_event(s, "token-create", actor=principal.actor, organisation=principal.organisation,
                     target=f"token {tok.id} ({body.name})", status=201, client=client_address(request))
        return {"id": tok.id, "name": tok.name, "scopes": list(tok.scopes), "token": secret,
                "expires_at": tok.expires_at.isoformat() if tok.expires_at else None}


@router.delete("/tokens/{token_id}")
def delete_token(token_id: int, principal: SignedInDep, db: DbDep, request: Request) -> dict[str, Any]:
    """Revoke one of the caller's tokens."""
    with db.transaction() as s:
        revoke_token(s, token_id, username=principal.username)
        record_event(s, "token-revoke", actor=principal.actor, organisation=principal.organisation,
                     target=f"token {token_id}", status=200, client=client_address(request))
    return {"revoked": token_id}
