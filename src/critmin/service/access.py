"""The write gate every route passes through (installed as an application-wide dependency).

Safe methods (GET, HEAD, OPTIONS) pass; what they return is filtered by the visibility rule. Unsafe methods:

* a request authenticated by a session cookie must echo the session's CSRF token in ``X-CSRF-Token``;
* with ``CRITMIN_AUTH_REQUIRED`` on, a write needs a principal whose role is at least ``analyst`` and whose
  credential carries the ``write`` scope (sign-in and sign-out are exempt);
* a token without the ``write`` scope never writes, whatever the setting.

Admin-only routes use :func:`require_admin`; export routes :func:`require_export`.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from critmin.config import get_settings
from critmin.errors import AuthenticationError, PermissionDeniedError
from critmin.service.deps import CSRF_HEADER, get_principal
from critmin.store.accounts import Principal, role_at_least

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: unsafe routes anyone may call (they establish or end who is asking)
AUTH_EXEMPT = frozenset({"/api/auth/login", "/api/auth/logout"})


def write_gate(request: Request, principal: Annotated[Principal | None, Depends(get_principal)]) -> None:
    """Refuse an unsafe request that lacks CSRF proof, a write scope or (when required) a writer's role."""
    if request.method in SAFE_METHODS:
        return
    if principal is not None and principal.via == "session":
        sent = request.headers.get(CSRF_HEADER, "")
        if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
            raise PermissionDeniedError("missing or wrong X-CSRF-Token header for a signed-in request; the web UI "
                                        "sends the token it received at sign-in")
    if request.url.path in AUTH_EXEMPT:
        return
    if principal is not None and not principal.can("write"):
        if principal.via == "token":
            raise PermissionDeniedError(f"token {principal.token_name!r} has scopes {sorted(principal.scopes)}; "
                                        "writing needs the 'write' scope")
        raise PermissionDeniedError(f"user {principal.username!r} is a {principal.role}; writing needs the "
                                    "analyst role or higher")
    if get_settings().auth_required:
        if principal is None:
            raise AuthenticationError("this deployment needs a signed-in user or an API token to write; send "
                                      "'Authorization: Bearer <token>'")
        if not role_at_least(principal.role, "analyst"):
            raise PermissionDeniedError(f"user {principal.username!r} is a {principal.role}; writing needs the "
                                        "analyst role or higher")


def require_admin(principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal:
    """The principal, if it is an admin with the admin scope (401/403 otherwise)."""
    if principal is None:
        raise AuthenticationError("sign in as an administrator (or send an admin API token)")
    if principal.role != "admin" or not principal.can("admin"):
        raise PermissionDeniedError(f"{principal.username!r} is not an administrator with the 'admin' scope")
    return principal


def require_signed_in(principal: Annotated[Principal | None, Depends(get_principal)]) -> Principal:
    """The principal (401 when anonymous)."""
    if principal is None:
        raise AuthenticationError("sign in (or send 'Authorization: Bearer <token>')")
    return principal


def require_export(principal: Annotated[Principal | None, Depends(get_principal)]) -> None:
    """A token without the ``export`` scope may not download (anonymous users download public data)."""
    if principal is not None and not principal.can("export"):
        raise PermissionDeniedError(f"token {principal.token_name!r} lacks the 'export' scope")


AdminDep = Annotated[Principal, Depends(require_admin)]
SignedInDep = Annotated[Principal, Depends(require_signed_in)]
