"""Stored economics projects: a validated project file with its owner, visibility and headline results.

One ``economics_project`` row keeps the parsed project document (the JSON form of the TOML/JSON/YAML file, so it
re-validates to the same :class:`~critmin.economics.project.Project`), its content hash, a summary of the
evaluation (NPV, IRR, payback, unit costs, attributable NPV) and the optional ESG screen. Reads follow the one
visibility rule of :mod:`critmin.store.visibility`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from critmin.economics.evaluate import EconResult, evaluate
from critmin.economics.project import Project, parse_project
from critmin.errors import InputError
from critmin.provenance import utcnow
from critmin.store.sharing import register_shareable
from critmin.store.sites import get_or_create_organisation
from critmin.store.tables import Base, Organisation
from critmin.store.visibility import get_visible, iso_utc, list_visible

__all__ = ["VISIBILITIES", "EconomicsProject", "get_project", "list_projects", "project_of", "project_summary",
           "save_project"]

VISIBILITIES: Final = ("private", "partners", "public")


class EconomicsProject(Base):
    """A stored project file (:mod:`critmin.economics`) with its evaluation summary."""

    __tablename__ = "economics_project"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="private")
    content_sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    organisation: Mapped[Organisation] = relationship()


register_shareable(EconomicsProject)  # shares and embargoes work on stored projects (record type economics_project)


def _summary(res: EconResult) -> dict[str, Any]:
    d = res.to_dict(include_table=False)
    keep = ("currency", "product", "discount_rate", "real_or_nominal", "npv", "irr", "irr_reason", "payback_years",
            "payback_from_construction_start_years", "npv_by_rate", "pre_tax", "attributable", "unit_costs",
            "breakeven_price", "government_take", "provenance")
    out = {k: d[k] for k in keep}
    out["country"] = res.project.country
    return out


def save_project(session: Session, project: Project, *, organisation: str, visibility: str = "private") -> int:
    """Evaluate and store ``project``; returns its id.

    Raises
    ------
    InputError
        For an unknown visibility.
    """
    if visibility not in VISIBILITIES:
        raise InputError(f"visibility {visibility!r}; expected one of {', '.join(VISIBILITIES)}",
                         column="visibility")
    res = evaluate(project)
    org = get_or_create_organisation(session, organisation)
    doc = dict(project.raw)
    row = EconomicsProject(name=project.name[:256], organisation=org, visibility=visibility,
                           content_sha256=project.inputs_sha256, document=doc, summary=_summary(res),
                           created_at=utcnow())
    session.add(row)
    session.flush()
    return int(row.id)


def get_project(session: Session, project_id: int, *, viewer: str | None) -> EconomicsProject:
    """A visible stored project (NotFoundError otherwise, without saying which)."""
    return get_visible(session, EconomicsProject, project_id, viewer=viewer, what="economics project",
                       hint="list them with GET /api/economics/projects")


def list_projects(session: Session, *, viewer: str | None, limit: int = 100,
                  offset: int = 0) -> tuple[int, list[EconomicsProject]]:
    """Visible stored projects, newest first, and their total number."""
    return list_visible(session, EconomicsProject, viewer=viewer, limit=limit, offset=offset,
                        deferred=(EconomicsProject.document,))


def project_of(row: EconomicsProject) -> Project:
    """Re-validate the stored document into a :class:`Project`."""
    return parse_project(row.document, source=f"economics project {row.id}")


def project_summary(row: EconomicsProject) -> dict[str, Any]:
    """JSON summary of a stored project (no cash-flow table)."""
    return {"id": row.id, "name": row.name, "organisation": row.organisation.code, "visibility": row.visibility,
            "created_at": iso_utc(row.created_at), "content_sha256": row.content_sha256,
            "url": f"/api/economics/projects/{row.id}", **row.summary}
