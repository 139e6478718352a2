"""Typed, validated settings from environment variables (``CRITMIN_*``) and an optional TOML file.

Precedence: environment variables > TOML file (``CRITMIN_CONFIG`` or ``./critmin.toml``) > defaults.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from critmin.errors import ConfigError

Visibility = Literal["private", "partners", "public"]


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "critmin"


class Settings(BaseSettings):
    """critmin settings.

    Attributes
    ----------
    data_dir
        Directory for the embedded database and artefacts (``CRITMIN_DATA_DIR``).
    database_url
        SQLAlchemy URL (``CRITMIN_DATABASE_URL``); default ``sqlite:///<data_dir>/critmin.db``.
        Use ``postgresql+psycopg://user:pass@host/db`` for the PostGIS server store.
    organisation
        Organisation code that owns imports when none is given (``CRITMIN_ORGANISATION``).
    default_visibility
        Visibility of new datasets when none is given.
    boundary_file
        Optional GeoJSON/TopoJSON file served to the web UI as the boundary layer, replacing the
        bundled Natural Earth (world-atlas) boundaries, e.g. the Survey of India boundary.
    ogc_max_limit
        Largest ``limit`` an OGC API items request may ask for.
    auth_required
        ``CRITMIN_AUTH_REQUIRED``: writes need a signed-in user or an API token with the right role and scope
        (a multi-organisation deployment). Off (the default, a local single-user store), anonymous requests may
        write as :attr:`organisation`; reads are always filtered by the visibility rule.
    max_upload_mb
        Largest request body accepted (HTTP 413 beyond).
    rate_limit_per_minute
        Requests per minute per API token (or per client address when anonymous); 0 disables the limit.
    session_hours
        Lifetime of a web sign-in session.
    max_import_rows, max_geometry_vertices, max_uncompressed_mb
        Input limits every importer applies (:mod:`critmin.limits`).
    oidc_issuer, oidc_client_id, oidc_client_secret, oidc_redirect_url, oidc_username_claim
        Optional OpenID Connect sign-in (``critmin.service.routers.oidc``): the provider's issuer URL, this
        client's id and secret, the callback URL the provider redirects to (default: derived from the request)
        and the claim matched to a local username.
    """

    model_config = SettingsConfigDict(env_prefix="CRITMIN_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = ""
    organisation: str = "demo"
    default_visibility: Visibility = "public"
    boundary_file: Path | None = None
    ogc_max_limit: int = Field(default=10000, ge=1, le=1_000_000)
    ogc_default_limit: int = Field(default=100, ge=1)
    auth_required: bool = False
    max_upload_mb: float = Field(default=200.0, gt=0)
    rate_limit_per_minute: int = Field(default=0, ge=0)
    session_hours: float = Field(default=12.0, gt=0)
    max_import_rows: int = Field(default=5_000_000, ge=1)
    max_geometry_vertices: int = Field(default=1_000_000, ge=4)
    max_uncompressed_mb: float = Field(default=2000.0, gt=0)
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_redirect_url: str = ""
    oidc_username_claim: str = "preferred_username"

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, v: str) -> str:
        if v and not (v.startswith("sqlite") or v.startswith("postgresql")):
            raise ValueError(
                f"CRITMIN_DATABASE_URL={v!r} is neither sqlite:///… nor postgresql+psycopg://…; "
                "use one of those two schemes"
            )
        return v

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            if self.database_url.startswith("postgresql://"):
                return "postgresql+psycopg://" + self.database_url[len("postgresql://"):]
            return self.database_url
        return f"sqlite:///{self.data_dir / 'critmin.db'}"


def _toml_values() -> dict[str, Any]:
    path = os.environ.get("CRITMIN_CONFIG")
    p = Path(path) if path else Path("critmin.toml")
    if not p.exists():
        if path:
            raise ConfigError(f"CRITMIN_CONFIG={path!r} does not exist; point it at a TOML settings file")
        return {}
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML ({exc})") from exc
    section = data.get("critmin", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{p}: expected a [critmin] table")
    return section


def load_settings(**overrides: Any) -> Settings:
    """Read settings (env > TOML > defaults), validating every value.

    Raises
    ------
    ConfigError
        With the offending setting named, if any value is invalid.
    """
    values = _toml_values()
    env_keys = {k[len("CRITMIN_"):].lower() for k in os.environ if k.startswith("CRITMIN_")}
    values = {k: v for k, v in values.items() if k not in env_keys}
    values.update(overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid critmin settings: {errs}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (cached). Call ``get_settings.cache_clear()`` after changing the env."""
    return load_settings()
