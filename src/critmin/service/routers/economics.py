"""REST API of economics (``/api/economics``): evaluate posted projects, sensitivities, Monte Carlo, stored projects.

A project is posted as ``{"project": {...}}`` (the parsed TOML/JSON/YAML document) or ``{"text": "...",
"format": "toml"}``; validation errors are 400 naming the key. The shapes follow ``docs/economics.md``.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import inspect

from critmin.config import get_settings
from critmin.economics.esg import checklist, screen
from critmin.economics.evaluate import evaluate
from critmin.economics.project import Project, parse_project
from critmin.economics.regimes import list_regimes
from critmin.economics.risk import monte_carlo, sensitivities
from critmin.economics.supply_schedule import production_schedule
from critmin.errors import InputError, StoreError
from critmin.service.deps import DbDep, SessionDep, ViewerDep
from critmin.store.db import Database
from critmin.store.economics_projects import (
    get_project,
    list_projects,
    project_of,
    project_summary,
    save_project,
)

router = APIRouter(prefix="/api/economics", tags=["economics"])

MAX_ID = 2**31 - 1
"""Largest record id a path or query may carry (beyond it the store's integer type overflows)."""
MAX_DRAWS = 200_000
"""Largest Monte Carlo an API request may ask for (the CLI has no limit)."""


class ProjectIn(BaseModel):
    """A project: the parsed document, or its text and format."""

    model_config = ConfigDict(extra="forbid")
    project: dict[str, Any] | None = Field(default=None, description="The project document (TOML sections).")
    text: str | None = Field(default=None, max_length=2_000_000, description="The project file's text.")
    format: Literal["toml", "json", "yaml"] = "toml"


class SensitivityIn(ProjectIn):
    """A project and the sensitivity settings."""

    range: float | None = Field(default=None, gt=0, lt=1)
    steps: list[float] = Field(default=[-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3], max_length=41)


class MonteCarloIn(ProjectIn):
    """A project and the Monte Carlo settings."""

    draws: int = Field(default=10_000, ge=100, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0)
    bins: int = Field(default=50, ge=5, le=500)


class StoreIn(ProjectIn):
    """A project to store and its visibility."""

    visibility: Literal["private", "partners", "public"] = "private"


def _project(body: ProjectIn) -> Project:
    if (body.project is None) == (body.text is None):
        raise InputError("give exactly one of 'project' (the document) or 'text' (the file's text)",
                         column="project")
    if body.project is not None:
        return parse_project(body.project, source="posted project")
    assert body.text is not None
    return parse_project(body.text, fmt=body.format, source="posted project")


def _with_esg(p: Project, doc: dict[str, Any]) -> dict[str, Any]:
    esg = p.raw.get("esg")
    if isinstance(esg, dict):
        doc["esg"] = screen(esg, source="[esg]").to_dict()
    return doc


def _check_tables(db: Database) -> None:
    if not inspect(db.engine).has_table("economics_project"):
        raise StoreError(f"the database {db.safe_url} has no economics tables; run `critmin db upgrade`")


@router.post("/parse", summary="Validate a project file's text and return its document")
def parse(body: ProjectIn) -> dict[str, Any]:
    """``{"project": document}`` of a valid project (400 naming the key otherwise)."""
    p = _project(body)
    return {"project": dict(p.raw), "name": p.name}


@router.post("/evaluate", summary="Evaluate a posted project: NPV, IRR, payback, cash-flow table, government take")
def evaluate_project(body: ProjectIn) -> dict[str, Any]:
    """The evaluation document of ``critmin econ evaluate --json`` (plus ``esg`` when the project has one)."""
    p = _project(body)
    return _with_esg(p, evaluate(p).to_dict())


@router.post("/sensitivity", summary="Tornado and spider sensitivities of the post-tax NPV")
def sensitivity(body: SensitivityIn) -> dict[str, Any]:
    """Tornado at ±range and spider curves."""
    return sensitivities(_project(body), swing=body.range, steps=body.steps).to_dict()


@router.post("/montecarlo", summary="Monte Carlo of the post-tax NPV (correlated price, costs, output, delay)")
def montecarlo(body: MonteCarloIn) -> dict[str, Any]:
    """P10/P50/P90, P(NPV<0), histogram; same seed → same result."""
    return monte_carlo(_project(body), draws=body.draws, seed=body.seed).to_dict(bins=body.bins)


@router.post("/schedule", summary="Production/offtake schedule for the supply module's diversification analysis")
def schedule(body: ProjectIn) -> dict[str, Any]:
    """Rows with commodity, stage, country, year, quantity, unit, basis, offtake_partner, offtake_fraction."""
    df = production_schedule(evaluate(_project(body)))
    return {"columns": list(df.columns), "rows": df.to_dict(orient="records")}


@router.post("/esg", summary="Score a responsible-sourcing screen")
def esg(body: dict[str, Any]) -> dict[str, Any]:
    """Body: ``{reviewer, reviewed, items: {ITEM_ID: {status, evidence}}}``."""
    return screen(body, source="posted screen").to_dict()


@router.get("/checklist", summary="The responsible-sourcing checklist (IRMA, IFC PS1-8, GISTM, OECD red flags)")
def esg_checklist() -> list[dict[str, Any]]:
    """Checklist items."""
    return checklist()


@router.get("/regimes", summary="The fiscal-regime library with the source of each term")
def regimes() -> list[dict[str, Any]]:
    """Regimes and their cited terms."""
    return [r.to_dict() for r in list_regimes()]


@router.get("/examples", summary="The bundled example projects (documents with their published figures)")
def examples() -> list[dict[str, Any]]:
    """Each example's file name and parsed document."""
    root = resources.files("critmin.reference").joinpath("projects")
    out = []
    for f in sorted(root.iterdir(), key=lambda x: x.name):
        if f.name.endswith(".toml"):
            out.append({"file": f.name, "text": f.read_text(encoding="utf-8"),
                        "project": tomllib.loads(f.read_text(encoding="utf-8"))})
    return out


@router.post("/projects", status_code=201, summary="Evaluate and store a project")
def store_project(body: StoreIn, db: DbDep, viewer: ViewerDep) -> Response:
    """Store the project (owner = the caller's organisation); 201 with its summary."""
    _check_tables(db)
    p = _project(body)
    with db.transaction() as s:
        pid = save_project(s, p, organisation=viewer or get_settings().organisation, visibility=body.visibility)
    with db.session() as s:
        doc = project_summary(get_project(s, pid, viewer="*"))
    return JSONResponse(doc, status_code=201, headers={"Location": doc["url"]})


@router.get("/projects", summary="Stored projects visible to the caller, newest first")
def projects(session: SessionDep, viewer: ViewerDep, db: DbDep,
             limit: Annotated[int, Query(ge=1, le=1000)] = 100,
             offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """Summaries (NPV, IRR, payback, unit costs) of the visible projects."""
    _check_tables(db)
    total, rows = list_projects(session, viewer=viewer, limit=limit, offset=offset)
    return {"total": total, "items": [project_summary(r) for r in rows]}


@router.get("/projects/{project_id}", summary="One stored project: document and full evaluation")
def project(project_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, viewer: ViewerDep,
            db: DbDep) -> dict[str, Any]:
    """The stored document and its evaluation (re-run on the stored document)."""
    _check_tables(db)
    row = get_project(session, project_id, viewer=viewer)
    p = project_of(row)
    return {**project_summary(row), "document": row.document, "evaluation": _with_esg(p, evaluate(p).to_dict())}


@router.get("/compare", summary="Compare stored projects side by side")
def compare(session: SessionDep, viewer: ViewerDep, db: DbDep,
            ids: Annotated[str, Query(description="Comma list of project ids (2-10).")]) -> dict[str, Any]:
    """Headline metrics of several visible projects (404 if any is unknown or invisible)."""
    _check_tables(db)
    try:
        wanted = [int(x) for x in ids.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"ids={ids!r}: expected a comma list of project ids, e.g. 1,2", column="ids") from None
    if not 1 <= len(wanted) <= 10:
        raise InputError("ids: give between 1 and 10 project ids", column="ids")
    if any(not 1 <= i <= MAX_ID for i in wanted):
        raise InputError(f"ids: project ids are between 1 and {MAX_ID}", column="ids")
    rows = [project_summary(get_project(session, i, viewer=viewer)) for i in wanted]
    keys = ("name", "currency", "npv", "irr", "payback_years", "breakeven_price")
    return {"items": rows, "table": [{k: r.get(k) for k in keys} | {"id": r["id"],
                                                                    "attributable_npv": r["attributable"]["npv"]}
                                     for r in rows]}
