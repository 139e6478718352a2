"""OpenID Connect sign-in against a fake identity provider (httpx mock transport, RS256-signed ID tokens):
state, nonce and PKCE are checked, the ID token verified against the JWKS, and only provisioned users get in."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from critmin.config import get_settings
from critmin.service.app import create_app
from critmin.service.routers import oidc
from critmin.store.accounts import create_user

ISSUER, CLIENT = "https://idp.example.org", "critmin-test"


class FakeIdP:
    """Discovery, JWKS and a token endpoint that checks the PKCE verifier and returns a signed ID token."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.wrong_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, str]] = {}
        self.sign_with_wrong_key = False
        self.audience = CLIENT

    def authorize(self, url: str, username: str) -> str:
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert q["response_type"] == "code" and q["client_id"] == CLIENT and q["code_challenge_method"] == "S256"
        code = f"code-{len(self.codes)}"
        self.codes[code] = {"nonce": q["nonce"], "challenge": q["code_challenge"], "username": username}
        return f"{q['redirect_uri']}?code={code}&state={q['state']}"

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(200, json={"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize",
                                             "token_endpoint": f"{ISSUER}/token", "jwks_uri": f"{ISSUER}/jwks"})
        if request.url.path == "/jwks":
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return httpx.Response(200, json={"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
        if request.url.path == "/token":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            grant = self.codes.pop(form["code"], None)
            verifier_hash = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest())
            if grant is None or verifier_hash.rstrip(b"=").decode() != grant["challenge"]:
                return httpx.Response(400, json={"error": "invalid_grant"})
            now = int(time.time())
            claims = {"iss": ISSUER, "aud": self.audience, "sub": f"sub-{grant['username']}", "iat": now,
                      "exp": now + 300, "nonce": grant["nonce"], "preferred_username": grant["username"]}
            key = self.wrong_key if self.sign_with_wrong_key else self.key
            token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
            return httpx.Response(200, json={"id_token": token, "access_token": "x", "token_type": "Bearer"})
        return httpx.Response(404)


@pytest.fixture
def idp(seeded, monkeypatch) -> Iterator[tuple[TestClient, FakeIdP]]:
    fake = FakeIdP()
    monkeypatch.setenv("CRITMIN_OIDC_ISSUER", ISSUER)
    monkeypatch.setenv("CRITMIN_OIDC_CLIENT_ID", CLIENT)
    monkeypatch.setenv("CRITMIN_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setattr(oidc, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(fake.handler)))
    oidc._discovery.clear()
    get_settings.cache_clear()
    with seeded.transaction() as s:
        create_user(s, "asha", "gsi", role="analyst")
    with TestClient(create_app(seeded), follow_redirects=False) as c:
        yield c, fake
    get_settings.cache_clear()


def _sign_in(c: TestClient, fake: FakeIdP, username: str) -> httpx.Response:
    start = c.get("/api/auth/oidc/login")
    assert start.status_code == 302 and start.headers["location"].startswith(f"{ISSUER}/authorize?")
    back = fake.authorize(start.headers["location"], username)
    return c.get(back.replace("http://testserver", ""))


def test_provisioned_user_signs_in(idp) -> None:
    c, fake = idp
    assert c.get("/api/ui/config").json()["oidc"] is True
    done = _sign_in(c, fake, "asha")
    assert done.status_code == 302 and done.headers["location"] == "/", done.text
    me = c.get("/api/auth/me").json()
    assert (me["username"], me["organisation"], me["role"], me["via"]) == ("asha", "gsi", "analyst", "session")


def test_unprovisioned_identity_is_refused(idp) -> None:
    c, fake = idp
    got = _sign_in(c, fake, "mallory")
    assert got.status_code == 403 and "no critmin account" in got.json()["detail"]
    assert c.get("/api/auth/me").json() == {"anonymous": True}


def test_forged_or_replayed_callbacks_are_refused(idp) -> None:
    c, fake = idp
    start = c.get("/api/auth/oidc/login")
    back = fake.authorize(start.headers["location"], "asha")
    tampered = back.replace("state=", "state=x")
    assert c.get(tampered.replace("http://testserver", "")).status_code == 401  # state mismatch
    fake.sign_with_wrong_key = True
    got = _sign_in(c, fake, "asha")
    assert got.status_code == 401 and "not valid" in got.json()["detail"]
    fake.sign_with_wrong_key, fake.audience = False, "another-client"
    got = _sign_in(c, fake, "asha")
    assert got.status_code == 401 and "audience" in got.json()["detail"].lower()


def test_not_configured_answers_404(client) -> None:
    get_settings.cache_clear()
    assert client.get("/api/auth/oidc/login").status_code == 404
