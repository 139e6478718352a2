"""Optional OpenID Connect sign-in (``/api/auth/oidc``) for deployments with an identity provider.

The identity provider authenticates; critmin authorises. A person signs in at the provider (authorization-code
flow with PKCE, state and nonce) and is matched to a **pre-provisioned** local user by a claim
(``CRITMIN_OIDC_USERNAME_CLAIM``, default ``preferred_username``); the local user's organisation and role
apply. A provider identity without a local user is refused (403) — provisioning stays an administrator's act
(``critmin users add``). The ID token is verified against the provider's published keys (JWKS): signature,
issuer, audience, expiry and nonce.

Enabled when ``CRITMIN_OIDC_ISSUER`` and ``CRITMIN_OIDC_CLIENT_ID`` are set; otherwise the routes answer 404.

References
----------
OpenID Foundation, 2014, OpenID Connect Core 1.0 (incorporating errata set 2), sections 3.1 and 15.5.2;
Sakimura, N., Bradley, J., and Agarwal, N., 2015, Proof Key for Code Exchange by OAuth Public Clients:
RFC 7636, doi:10.17487/RFC7636.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from critmin.config import Settings, get_settings
from critmin.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from critmin.service.deps import SESSION_COOKIE, DbDep, client_address
from critmin.store.accounts import Principal, create_session
from critmin.store.audit import record_event
from critmin.store.tables import User

router = APIRouter(prefix="/api/auth/oidc", tags=["auth"])

FLOW_COOKIE = "critmin_oidc"
_DISCOVERY_TTL_S = 3600.0
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}


def http_client() -> httpx.Client:
    """The HTTP client used to talk to the provider (tests replace it with a mock transport)."""
    return httpx.Client(timeout=10.0)


def _settings() -> Settings:
    s = get_settings()
    if not (s.oidc_issuer and s.oidc_client_id):
        raise NotFoundError("OpenID Connect sign-in is not configured on this deployment (CRITMIN_OIDC_ISSUER, "
                            "CRITMIN_OIDC_CLIENT_ID); sign in with a local account or an API token")
    return s


def _provider(s: Settings) -> dict[str, Any]:
    issuer = s.oidc_issuer.rstrip("/")
    cached = _discovery.get(issuer)
    if cached and time.monotonic() - cached[0] < _DISCOVERY_TTL_S:
        return cached[1]
    with http_client() as c:
        r = c.get(f"{issuer}/.well-known/openid-configuration")
    if r.status_code != 200:
        raise AuthenticationError(f"the identity provider {issuer} did not answer its discovery document "
                                  f"(HTTP {r.status_code})")
    doc = dict(r.json())
    if doc.get("issuer", "").rstrip("/") != issuer:
        raise AuthenticationError(f"the identity provider's discovery names issuer {doc.get('issuer')!r}, not "
                                  f"{issuer!r}")
    _discovery[issuer] = (time.monotonic(), doc)
    return doc


def _callback_url(request: Request, s: Settings) -> str:
    return s.oidc_redirect_url or str(request.url_for("oidc_callback"))


@router.get("/login", summary="Start OpenID Connect sign-in (redirects to the identity provider)")
def oidc_login(request: Request) -> RedirectResponse:
    """Redirect to the provider's authorization endpoint with state, nonce and a PKCE challenge."""
    s = _settings()
    doc = _provider(s)
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode({"response_type": "code", "client_id": s.oidc_client_id,
                       "redirect_uri": _callback_url(request, s), "scope": "openid profile email", "state": state,
                       "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256"})
    resp = RedirectResponse(f"{doc['authorization_endpoint']}?{query}", status_code=302)
    resp.set_cookie(FLOW_COOKIE, f"{state}.{nonce}.{verifier}", httponly=True, samesite="lax", max_age=600,
                    secure=request.url.scheme == "https", path="/api/auth/oidc")
    return resp


def _verify_id_token(s: Settings, doc: dict[str, Any], id_token: str, nonce: str) -> dict[str, Any]:
    with http_client() as c:
        keys = c.get(doc["jwks_uri"]).json()
    try:
        header = jwt.get_unverified_header(id_token)
        jwk = next((k for k in keys.get("keys", []) if k.get("kid") == header.get("kid")), None)
        if jwk is None:
            raise AuthenticationError("the ID token is signed with a key the provider does not publish")
        key = jwt.PyJWK(jwk).key
        claims: dict[str, Any] = jwt.decode(id_token, key=key, algorithms=["RS256", "ES256", "PS256"],
                                            audience=s.oidc_client_id, issuer=doc["issuer"],
                                            options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"the ID token is not valid: {exc}") from None
    if claims.get("nonce") != nonce:
        raise AuthenticationError("the ID token's nonce does not match this sign-in; start again")
    return claims


@router.get("/callback", name="oidc_callback", summary="OpenID Connect redirect target", response_model=None)
def oidc_callback(request: Request, db: DbDep, code: str = "", state: str = "", error: str = "") -> Response:
    """Check state, exchange the code (with the PKCE verifier), verify the ID token, start a session."""
    s = _settings()
    if error:
        raise AuthenticationError(f"the identity provider refused the sign-in: {error}")
    flow = request.cookies.get(FLOW_COOKIE, "").split(".")
    if len(flow) != 3 or not code or not secrets.compare_digest(flow[0], state):
        raise AuthenticationError("this sign-in was not started here or has expired (state mismatch); start again")
    _, nonce, verifier = flow
    doc = _provider(s)
    with http_client() as c:
        r = c.post(doc["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": _callback_url(request, s),
            "client_id": s.oidc_client_id, "client_secret": s.oidc_client_secret, "code_verifier": verifier})
    if r.status_code != 200 or "id_token" not in r.json():
        raise AuthenticationError(f"the identity provider did not exchange the code (HTTP {r.status_code})")
    claims = _verify_id_token(s, doc, str(r.json()["id_token"]), nonce)
    username = str(claims.get(s.oidc_username_claim) or "")
    client = client_address(request)
    with db.transaction() as t:
        user = t.query(User).filter(User.username == username).one_or_none() if username else None
        if user is None or user.disabled:
            record_event(t, "sign-in-failed", actor=username[:128] or claims.get("sub"), target="OIDC callback",
                         status=403, client=client, detail={"reason": "not provisioned"})
            raise PermissionDeniedError(f"the identity {username or claims.get('sub')!r} has no critmin account; "
                                        "ask an administrator to add it (critmin users add)")
        principal = Principal(username=user.username, organisation=user.organisation.code, role=user.role,
                              via="session")
        secret, _ = create_session(t, principal, hours=s.session_hours)
        record_event(t, "sign-in", actor=user.username, organisation=principal.organisation, target="OIDC callback",
                     status=302, client=client, detail={"issuer": doc["issuer"]})
    resp = RedirectResponse("/", status_code=302)
    resp.delete_cookie(FLOW_COOKIE, path="/api/auth/oidc")
    resp.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                    max_age=int(s.session_hours * 3600), path="/")
    return resp
