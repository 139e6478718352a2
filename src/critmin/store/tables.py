"""ORM tables of the deposit knowledge base (SQLAlchemy 2 declarative).

Every dataset belongs to an organisation and has a visibility (private / partners / public); every
site keeps its provenance (dataset, source record id, file, row, import time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import shapely
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from critmin.store.geometry import GeometryWKB


class Base(DeclarativeBase):
    """Declarative base of all critmin tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Organisation(Base):
    """An organisation that owns datasets (e.g. ``gsi``, ``usgs``)."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(256))


class Dataset(Base):
    """One imported source dataset (identified by its source id within an organisation)."""

    __tablename__ = "dataset"
    __table_args__ = (UniqueConstraint("organisation_id", "source", name="uq_dataset_org_source"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(512))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    format: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    files: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    #: the source guarantees its records are distinct sites (a curated compilation): never auto-linked
    records_distinct: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation: Mapped[Organisation] = relationship()


class Site(Base):
    """A mineral-site record of one dataset (``record_id`` as in the source file)."""

    __tablename__ = "site"
    __table_args__ = (
        UniqueConstraint("dataset_id", "record_id", name="uq_site_dataset_record"),
        Index("ix_site_name_norm", "name_norm"),
        Index("ix_site_country", "country"),
        Index("ix_site_status", "status"),
        Index("ix_site_deposit_type", "deposit_type"),
        Index("ix_site_canonical", "canonical_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[str] = mapped_column(String(512))
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    name_norm: Mapped[str | None] = mapped_column(String(512), nullable=True)
    search_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    geom: Mapped[shapely.Geometry | None] = mapped_column(GeometryWKB("POINT"), nullable=True)
    footprint_wkt: Mapped[str | None] = mapped_column(Text, nullable=True)
    crs: Mapped[str] = mapped_column(String(64), default="EPSG:4326")
    location_accuracy_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    location_quality: Mapped[str | None] = mapped_column(String(128), nullable=True)
    country: Mapped[str | None] = mapped_column(String(128), nullable=True)
    state: Mapped[str | None] = mapped_column(String(256), nullable=True)
    status: Mapped[str] = mapped_column(String(32), default="unknown")
    commodities: Mapped[str] = mapped_column(Text, default="")
    deposit_type: Mapped[str | None] = mapped_column(String(256), nullable=True)
    deposit_group: Mapped[str | None] = mapped_column(String(256), nullable=True)
    deposit_environment: Mapped[str | None] = mapped_column(String(128), nullable=True)
    cox_singer_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    references: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    canonical_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dataset: Mapped[Dataset] = relationship()


class SiteCommodity(Base):
    """Normalised commodity of a site (one row per symbol), indexed for filtering.

    ``dataset_id``, ``lon`` and ``lat`` repeat the site's, so that a commodity + bbox (+ visibility)
    query is one range scan of ``ix_site_commodity_symbol_xy`` (the knowledge base's most common query).
    """

    __tablename__ = "site_commodity"
    __table_args__ = (Index("ix_site_commodity_symbol_xy", "symbol", "lon", "lat", "dataset_id", "site_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    symbol: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="unknown")
    observed: Mapped[str] = mapped_column(Text, default="")
    dataset_id: Mapped[int] = mapped_column(Integer)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)


class SiteDepositType(Base):
    """A deposit-type candidate of a site (CMMI type, group, environment; Cox & Singer code)."""

    __tablename__ = "site_deposit_type"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column("group_name", Text, nullable=True)
    environment: Mapped[str | None] = mapped_column(Text, nullable=True)
    cox_singer_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    observed: Mapped[str] = mapped_column(Text, default="")


class Inventory(Base):
    """A mineral-inventory line (normalised values beside the original value/unit pairs)."""

    __tablename__ = "inventory"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    commodity: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32), default="unclassified")
    classification_method: Mapped[str] = mapped_column(String(32), default="unknown")
    unfc_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    ore_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    grade_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    grade_mg_per_l: Mapped[float | None] = mapped_column(Float, nullable=True)
    contained_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    cutoff: Mapped[str | None] = mapped_column(Text, nullable=True)
    date: Mapped[str | None] = mapped_column(String(32), nullable=True)
    material_form: Mapped[str | None] = mapped_column(String(64), nullable=True)
    zone: Mapped[str | None] = mapped_column(Text, nullable=True)
    ore_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    ore_unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    grade_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    grade_unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    contained_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    contained_unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reference: Mapped[str | None] = mapped_column(Text, nullable=True)


class SiteLink(Base):
    """An automatically scored candidate pair of sites (replaced by every linking run)."""

    __tablename__ = "site_link"
    __table_args__ = (UniqueConstraint("site_a_id", "site_b_id", name="uq_site_link_pair"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_a_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    site_b_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    same: Mapped[bool] = mapped_column(Boolean)
    decided_by: Mapped[str] = mapped_column(String(16), default="model")  # model | curator
    method: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LinkDecision(Base):
    """A curator's confirm/reject of a pair, keyed by source ids so it survives re-import and re-linking."""

    __tablename__ = "link_decision"
    __table_args__ = (
        UniqueConstraint("source_a", "record_id_a", "source_b", "record_id_b", name="uq_link_decision_pair"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_a: Mapped[str] = mapped_column(String(512))
    record_id_a: Mapped[str] = mapped_column(String(512))
    source_b: Mapped[str] = mapped_column(String(512))
    record_id_b: Mapped[str] = mapped_column(String(512))
    same: Mapped[bool] = mapped_column(Boolean)
    curator: Mapped[str] = mapped_column(String(256))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssessmentRun(Base):
    """A quantitative resource assessment of one tract, run as a job (USGS three-part method).

    ``inputs`` keeps the GT table and the deposit-number estimates as given (with hashes), so the run can be
    repeated even after the knowledge base changes; ``result`` and ``provenance`` are set only when the run is
    ``done``; artefacts (per-trial totals …) live in ``artefact_dir``.
    """

    __tablename__ = "assessment_run"
    __table_args__ = (Index("ix_assessment_run_status", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    geom: Mapped[shapely.Geometry | None] = mapped_column(GeometryWKB("GEOMETRY"), nullable=True)
    tract_wkt: Mapped[str | None] = mapped_column(Text, nullable=True)
    tract_area_km2: Mapped[float | None] = mapped_column(Float, nullable=True)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(BigInteger)
    trials: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    artefact_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    organisation: Mapped[Organisation] = relationship()


class GeochemDataset(Base):
    """An uploaded assay file (:mod:`critmin.geochem`): one sample per row, stored as Parquet artefacts.

    The parsed table (values in each column's own unit, censoring codes, detection limits, passthrough id
    columns) lives in ``artefact_dir`` (see :mod:`critmin.store.geochem_datasets`); this row keeps what
    describes it: units and analytes per column, id and coordinate columns, the file's hash.
    """

    __tablename__ = "geochem_dataset"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    filename: Mapped[str] = mapped_column(String(512))
    content_sha256: Mapped[str] = mapped_column(String(64))
    n_samples: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    analytes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    id_columns: Mapped[list[Any]] = mapped_column(JSON, default=list)
    lon_column: Mapped[str | None] = mapped_column(String(256), nullable=True)
    lat_column: Mapped[str | None] = mapped_column(String(256), nullable=True)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    artefact_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    organisation: Mapped[Organisation] = relationship()


class User(Base):
    """A person who signs in: one organisation, one role (viewer < analyst < data_manager < admin)."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    #: ``scrypt$n$r$p$salt_hex$hash_hex`` (never the password); None = token-only account
    password_hash: Mapped[str | None] = mapped_column(String(256), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    organisation: Mapped[Organisation] = relationship()


class UserGroup(Base):
    """A named group of users within an organisation (e.g. ``rare-earth-team``)."""

    __tablename__ = "user_group"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_user_group_org_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))


class UserGroupMember(Base):
    """Membership of a user in a group."""

    __tablename__ = "user_group_member"
    group_id: Mapped[int] = mapped_column(ForeignKey("user_group.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)


class ApiToken(Base):
    """An API token: stored as its SHA-256 only; scoped (read/write/export/admin), expiring, revocable."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    user: Mapped[User] = relationship()


class WebSession(Base):
    """A web UI sign-in: the cookie's SHA-256 and the CSRF token that unsafe requests must echo."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    session_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class RecordShare(Base):
    """A record (dataset, run, raster, project …) shared with a named partner organisation.

    ``record_type`` is the table name of the record; ``rights`` is ``view``, ``download`` or ``edit``
    (each includes the ones before it). Read by :mod:`critmin.store.visibility`.
    """

    __tablename__ = "record_share"
    __table_args__ = (UniqueConstraint("record_type", "record_id", "organisation_id", name="uq_record_share"),
                      Index("ix_record_share_record", "record_type", "record_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    rights: Mapped[str] = mapped_column(String(16), default="view")


class RecordEmbargo(Base):
    """A record that becomes public at ``public_from`` (UTC), whatever its visibility before."""

    __tablename__ = "record_embargo"
    record_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Append-only audit log: sign-ins, writes, permission changes, exports (who, what, when, from where).

    Rows are only inserted (PostgreSQL: a trigger rejects UPDATE and DELETE; SQLite: likewise).
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str | None] = mapped_column(String(128), nullable=True)  # username or "token:<name>"
    organisation: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(64))  # sign-in, sign-in-failed, write, export, share, token …
    target: Mapped[str | None] = mapped_column(Text, nullable=True)  # e.g. "POST /api/assessment/runs"
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
