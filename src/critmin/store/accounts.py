"""Accounts: users with a role in one organisation, hashed API tokens, web sign-in sessions.

Secrets are never stored: passwords as scrypt hashes (RFC 7914, ``hashlib.scrypt``), API tokens and session
cookies as their SHA-256. A token is shown once, when it is created. Every check compares in constant time.

Roles are ordered ``viewer < analyst < data_manager < admin``; token scopes are ``read``, ``write``,
``export`` and ``admin``. What a principal may do with a record is decided by :mod:`critmin.store.visibility`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from critmin.errors import AuthenticationError, InputError, NotFoundError
from critmin.store.sites import get_or_create_organisation
from critmin.store.tables import ApiToken, Organisation, User, UserGroup, UserGroupMember, WebSession

Role = Literal["viewer", "analyst", "data_manager", "admin"]
Scope = Literal["read", "write", "export", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
SCOPES: tuple[str, ...] = get_args(Scope)
TOKEN_PREFIX = "cm_"

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1

__all__ = [
    "ROLES",
    "SCOPES",
    "Principal",
    "Role",
    "Scope",
    "add_to_group",
    "authenticate_password",
    "authenticate_session",
    "authenticate_token",
    "create_group",
    "create_session",
    "create_token",
    "create_user",
    "end_session",
    "hash_password",
    "list_groups",
    "list_tokens",
    "list_users",
    "revoke_token",
    "role_at_least",
    "verify_password",
]


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user of an organisation with a role, through a token (with scopes) or a session."""

    username: str
    organisation: str
    role: str
    scopes: frozenset[str] = field(default_factory=lambda: frozenset(SCOPES))
    via: Literal["token", "session", "local"] = "token"
    token_name: str | None = None
    csrf_token: str | None = None

    @property
    def actor(self) -> str:
        """The name written to the audit log."""
        return f"{self.username} (token {self.token_name})" if self.token_name else self.username

    def can(self, scope: str) -> bool:
        """Whether the credential carries ``scope`` (a session carries every scope its role allows)."""
        return scope in self.scopes


def role_at_least(role: str, minimum: str) -> bool:
    """Whether ``role`` ranks at or above ``minimum`` in ``viewer < analyst < data_manager < admin``."""
    return ROLES.index(role) >= ROLES.index(minimum)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; the store writes UTC."""
    return t if t is None or t.tzinfo is not None else t.replace(tzinfo=UTC)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` for ``password`` (a fresh random salt each time).

    References
    ----------
    Percival, C., and Josefsson, S., 2016, The scrypt Password-Based Key Derivation Function: RFC 7914,
    doi:10.17487/RFC7914.
    """
    if len(password) < 10:
        raise InputError("password too short: given fewer than 10 characters; expected at least 10")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the ``stored`` hash (constant-time comparison)."""
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt_hex, hash_hex = stored.split("$")
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p),
                            dklen=len(hash_hex) // 2)
    return hmac.compare_digest(digest.hex(), hash_hex)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")


def create_user(session: Session, username: str, organisation: str, *, role: str = "viewer",
                password: str | None = None) -> User:
    """Add a user to ``organisation`` (created if new). Raises InputError if the name is taken."""
    _check_role(role)
    if not username or len(username) > 128 or not username.replace("-", "").replace("_", "").replace(".", "")\
            .replace("@", "").isalnum():
        raise InputError(f"invalid username {username!r}; expected 1–128 letters, digits, '-', '_', '.', '@'")
    if session.execute(select(User.id).where(User.username == username)).first() is not None:
        raise InputError(f"user {username!r} already exists; choose another name")
    org = get_or_create_organisation(session, organisation)
    user = User(username=username, organisation_id=org.id, role=role,
                password_hash=hash_password(password) if password is not None else None, created_at=_now())
    session.add(user)
    session.flush()
    return user


def _get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFoundError(f"user {username!r} does not exist; list users with `critmin users list`")
    return user


def list_users(session: Session) -> list[dict[str, object]]:
    """All users with organisation and role (no secrets)."""
    rows = session.execute(select(User, Organisation.code).join(Organisation).order_by(User.username)).all()
    return [{"username": u.username, "organisation": code, "role": u.role, "disabled": u.disabled,
             "has_password": u.password_hash is not None} for u, code in rows]


def _principal(user: User, org_code: str, **kw: object) -> Principal:
    return Principal(username=user.username, organisation=org_code, role=user.role, **kw)  # type: ignore[arg-type]


def authenticate_password(session: Session, username: str, password: str) -> Principal:
    """The principal for a correct username/password; AuthenticationError (same message) otherwise."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or user.disabled or not verify_password(password, user.password_hash):
        raise AuthenticationError("sign-in failed: unknown user or wrong password")
    return _principal(user, user.organisation.code, via="session")


def _scopes_for(role: str, scopes: list[str] | None) -> list[str]:
    allowed = {"viewer": ["read", "export"], "analyst": ["read", "write", "export"],
               "data_manager": ["read", "write", "export"], "admin": list(SCOPES)}[role]
    if scopes is None:
        return allowed
    bad = [s for s in scopes if s not in SCOPES]
    if bad:
        raise InputError(f"unknown token scope(s) {bad}; expected some of {', '.join(SCOPES)}")
    over = [s for s in scopes if s not in allowed]
    if over:
        raise InputError(f"a {role} cannot hold token scope(s) {over}; allowed: {', '.join(allowed)}")
    return list(scopes)


def create_token(session: Session, username: str, name: str, *, scopes: list[str] | None = None,
                 expires_days: float | None = 90.0) -> tuple[str, ApiToken]:
    """Create an API token for ``username``: returns the secret (shown once) and its stored row."""
    user = _get_user(session, username)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = _now() + timedelta(days=expires_days) if expires_days is not None else None
    tok = ApiToken(user_id=user.id, name=name, token_sha256=_sha256(secret), scopes=_scopes_for(user.role, scopes),
                   created_at=_now(), expires_at=expires)
    session.add(tok)
    session.flush()
    return secret, tok


def list_tokens(session: Session, username: str | None = None) -> list[dict[str, object]]:
    """Tokens (never their secrets): id, user, name, scopes, created, expires, revoked, last used."""
    stmt = select(ApiToken, User.username).join(User).order_by(ApiToken.id)
    if username is not None:
        stmt = stmt.where(User.username == username)
    out: list[dict[str, object]] = []
    for t, uname in session.execute(stmt).all():
        out.append({"id": t.id, "username": uname, "name": t.name, "scopes": list(t.scopes),
                    "created_at": t.created_at.isoformat(),
                    "expires_at": _iso(t.expires_at), "revoked_at": _iso(t.revoked_at),
                    "last_used_at": _iso(t.last_used_at)})
    return out


def _iso(t: datetime | None) -> str | None:
    t = _aware(t)
    return t.isoformat() if t is not None else None


def revoke_token(session: Session, token_id: int, *, username: str | None = None) -> None:
    """Revoke token ``token_id`` (of ``username`` when given: users revoke only their own)."""
    tok = session.get(ApiToken, token_id)
    if tok is None or (username is not None and tok.user.username != username):
        raise NotFoundError(f"API token {token_id} does not exist; list tokens with `critmin users tokens`")
    if tok.revoked_at is None:
        tok.revoked_at = _now()


def authenticate_token(session: Session, secret: str) -> Principal:
    """The principal of a valid, unexpired, unrevoked token; AuthenticationError otherwise."""
    tok = session.execute(select(ApiToken).where(ApiToken.token_sha256 == _sha256(secret))).scalar_one_or_none()
    now = _now()
    if tok is None or tok.revoked_at is not None or tok.user.disabled:
        raise AuthenticationError("invalid or revoked API token; create one with `critmin users token-create`")
    expires = _aware(tok.expires_at)
    if expires is not None and expires <= now:
        raise AuthenticationError(f"API token {tok.name!r} expired at {expires.isoformat()}; create a new one")
    last = _aware(tok.last_used_at)
    if last is None or (now - last) > timedelta(minutes=1):
        tok.last_used_at = now
    return _principal(tok.user, tok.user.organisation.code, scopes=frozenset(tok.scopes), via="token",
                      token_name=tok.name)


def create_session(session: Session, principal: Principal, *, hours: float) -> tuple[str, str]:
    """Start a web session: returns the cookie secret and the CSRF token."""
    user = _get_user(session, principal.username)
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.add(WebSession(user_id=user.id, session_sha256=_sha256(secret), csrf_token=csrf, created_at=_now(),
                           expires_at=_now() + timedelta(hours=hours)))
    session.flush()
    return secret, csrf


def authenticate_session(session: Session, secret: str) -> Principal:
    """The principal of a live session cookie; AuthenticationError otherwise."""
    ws = session.execute(select(WebSession).where(WebSession.session_sha256 == _sha256(secret))).scalar_one_or_none()
    if ws is None or ws.user.disabled or (_aware(ws.expires_at) or _now()) <= _now():
        raise AuthenticationError("not signed in (the session is unknown or expired); sign in again")
    return _principal(ws.user, ws.user.organisation.code, scopes=frozenset(_scopes_for(ws.user.role, None)),
                      via="session", csrf_token=ws.csrf_token)


def end_session(session: Session, secret: str) -> None:
    """Sign out: delete the session (no error if it is already gone)."""
    ws = session.execute(select(WebSession).where(WebSession.session_sha256 == _sha256(secret))).scalar_one_or_none()
    if ws is not None:
        session.delete(ws)


def create_group(session: Session, organisation: str, name: str) -> UserGroup:
    """A named group of users within ``organisation`` (e.g. ``rare-earth-team``)."""
    org = session.execute(select(Organisation).where(Organisation.code == organisation)).scalar_one_or_none()
    if org is None:
        raise NotFoundError(f"organisation {organisation!r} does not exist; add a user of it first")
    if session.execute(select(UserGroup.id).where(UserGroup.organisation_id == org.id, UserGroup.name == name)
                       ).first() is not None:
        raise InputError(f"group {name!r} already exists in {organisation}")
    group = UserGroup(organisation_id=org.id, name=name)
    session.add(group)
    session.flush()
    return group


def add_to_group(session: Session, organisation: str, name: str, username: str) -> None:
    """Add a user of ``organisation`` to its group ``name``."""
    group = session.execute(select(UserGroup).join(Organisation, Organisation.id == UserGroup.organisation_id)
                            .where(Organisation.code == organisation, UserGroup.name == name)).scalar_one_or_none()
    if group is None:
        raise NotFoundError(f"group {name!r} of {organisation} does not exist; create it with "
                            "`critmin users group-create`")
    user = _get_user(session, username)
    if user.organisation_id != group.organisation_id:
        raise InputError(f"user {username!r} belongs to {user.organisation.code}, not {organisation}; groups hold "
                         "users of their own organisation")
    if session.get(UserGroupMember, (group.id, user.id)) is None:
        session.add(UserGroupMember(group_id=group.id, user_id=user.id))
        session.flush()


def list_groups(session: Session, username: str | None = None) -> list[dict[str, object]]:
    """Groups with their organisation and members (only ``username``'s groups when given)."""
    stmt = (select(UserGroup.id, UserGroup.name, Organisation.code, User.username)
            .join(Organisation, Organisation.id == UserGroup.organisation_id)
            .outerjoin(UserGroupMember, UserGroupMember.group_id == UserGroup.id)
            .outerjoin(User, User.id == UserGroupMember.user_id)
            .order_by(Organisation.code, UserGroup.name, User.username))
    if username is not None:
        mine = select(UserGroupMember.group_id).join(User, User.id == UserGroupMember.user_id).where(
            User.username == username)
        stmt = stmt.where(UserGroup.id.in_(mine))
    groups: dict[int, dict[str, object]] = {}
    for gid, name, org, member in session.execute(stmt).all():
        g = groups.setdefault(gid, {"organisation": org, "name": name, "members": []})
        if member is not None:
            cast(list[str], g["members"]).append(member)
    return list(groups.values())
