"""REST API of quantitative resource assessment (``/api/assessment``): tract runs as background jobs.

``POST /runs`` validates the inputs synchronously (400 naming the problem), stores a ``queued`` run and returns
202; a small thread pool (created in the application's lifespan, see :func:`start_jobs`) executes the runs and
writes their progress to the store. The shapes are documented in ``docs/api-assessment.md``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from critmin.assessment.gt_model import GTModel
from critmin.config import get_settings
from critmin.jsonsafe import json_safe
from critmin.service.access import require_export
from critmin.service.deps import SessionDep, ViewerDep
from critmin.service.errors import problem
from critmin.service.jobs import JobKind, JobPool, RunAccepted, RunPage
from critmin.service.params import BboxQ, CountryQ, DepositTypeQ, SourceQ
from critmin.store.assessment_gt import gt_query_store
from critmin.store.assessment_inputs import gt_deposits, gt_input, parse_tract, pmf_input
from critmin.store.assessment_runs import (
    create_run,
    execute_run,
    fail_run,
    get_run,
    gt_points,
    list_runs,
    pmf_of,
    read_ccdf,
    read_totals,
    run_detail,
    run_summary,
)
from critmin.store.db import Database
from critmin.store.filters import parse_bbox, split_list
from critmin.store.tables import AssessmentRun
from critmin.store.visibility import require_download

router = APIRouter(prefix="/api/assessment", tags=["assessment"])

MAX_TRIALS = 1_000_000
"""Largest number of trials a run submitted through the API may ask for (the CLI has no limit)."""
JOB_WORKERS = 1
"""Runs executed at the same time (each simulation is itself multi-threaded)."""
SIM_WORKERS = max(1, min(4, os.cpu_count() or 1))
"""Threads of one simulation."""

PdfType = Literal["normal", "kde"]


# ------------------------------------------------------------------------------------------ job pool


def _pool(db: Database) -> JobPool:
    return JobPool(db, get_settings().data_dir / "artefacts" / "assessment", kind="assessment",
                   table="assessment_run", execute=execute_run, fail=fail_run, workers=JOB_WORKERS)


JOBS = JobKind("assessment", _pool)
"""The assessment runs' pool: ``JOBS.start``/``JOBS.stop`` in the application's lifespan, ``JobsDep`` in routes."""
start_jobs, stop_jobs = JOBS.start, JOBS.stop
JobsDep = Annotated[JobPool, Depends(JOBS.get)]


# ------------------------------------------------------------------------------------------ request models


class GTRow(BaseModel):
    """One known deposit: ore tonnage (t) and grades (weight %; missing/null = not reported)."""

    model_config = ConfigDict(extra="forbid")
    id: str | int | None = None
    name: str | None = None
    ore_t: float
    grades_pct: dict[str, float | None] = Field(default_factory=dict)


class KBQuery(BaseModel):
    """Build the GT table from the knowledge base (filters as in ``/api/deposits/sites``)."""

    model_config = ConfigDict(extra="forbid")
    commodity: list[str] | str
    deposit_type: list[str] | str | None = None
    country: list[str] | str | None = None
    source: list[str] | str | None = None
    bbox: list[float] | None = None


class GTSpec(BaseModel):
    """Exactly one of ``rows``, ``csv`` (MapMark4 GT CSV text) or ``from_kb``."""

    model_config = ConfigDict(extra="forbid")
    rows: list[GTRow] | None = None
    csv: str | None = None
    from_kb: KBQuery | None = None


class EstimateRow(BaseModel):
    """One assessor's estimate: N90 ≤ N50 ≤ N10 deposits, weight > 0."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    weight: float = 1.0
    n90: float
    n50: float
    n10: float


class CustomPmf(BaseModel):
    """P(N = n) for the listed n."""

    model_config = ConfigDict(extra="forbid")
    n: list[int]
    probability: list[float]


class PmfSpec(BaseModel):
    """Exactly one source of the deposit-number pmf."""

    model_config = ConfigDict(extra="forbid")
    estimates: list[EstimateRow] | None = None
    estimates_csv: str | None = None
    mark3: list[float] | None = None
    poisson_mean: float | None = None
    custom: CustomPmf | None = None
    csv: str | None = None


class RunRequest(BaseModel):
    """A tract assessment to run."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=256)
    tract: dict[str, Any] | None = Field(default=None, description="GeoJSON Polygon/MultiPolygon (lon/lat)")
    visibility: Literal["private", "partners", "public"] = "public"
    gt: GTSpec
    pmf: PmfSpec
    tonnage_pdf: PdfType = "normal"
    grade_pdf: PdfType = "normal"
    truncate: bool = False
    joint: bool = False
    trials: int = Field(default=20000, ge=1, le=MAX_TRIALS)
    seed: int | None = Field(default=None, ge=0, lt=2**63)


class GTPreviewRequest(BaseModel):
    """A GT table and model options to fit (nothing is stored)."""

    model_config = ConfigDict(extra="forbid")
    gt: GTSpec
    tonnage_pdf: PdfType = "normal"
    grade_pdf: PdfType = "normal"
    truncate: bool = False
    joint: bool = False


# ------------------------------------------------------------------------------------------ endpoints


def _not_ready(run: AssessmentRun) -> JSONResponse | None:
    if run.status == "done":
        return None
    why = f"failed: {run.message}" if run.status == "failed" else f"{run.status} ({100 * run.progress:.0f} %)"
    return problem(409, "Conflict", f"assessment run {run.id} is {why}; results exist only when it is done")


@router.post("/runs", status_code=202, response_model=RunAccepted, summary="Submit a tract assessment run")
def submit_run(body: RunRequest, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> RunAccepted:
    """Validate the inputs (400 naming the problem), store the run and queue it; poll ``GET /runs/{id}``."""
    tract = parse_tract(body.tract)
    gt = gt_input(body.gt.model_dump(exclude_none=True), session=session, viewer=viewer)
    pmf = pmf_input(body.pmf.model_dump(exclude_none=True))
    seed = body.seed if body.seed is not None else secrets.randbits(32)
    run = create_run(session, name=body.name, organisation=viewer or get_settings().organisation, gt=gt,
                     pmf=pmf, tract=tract, visibility=body.visibility, tonnage_pdf=body.tonnage_pdf,
                     grade_pdf=body.grade_pdf, truncate=body.truncate, joint=body.joint, trials=body.trials,
                     seed=seed)
    session.commit()
    run_id = run.id
    jobs.submit(run_id, pmf=pmf.pmf, data=gt.data, workers=SIM_WORKERS)
    return RunAccepted(id=run_id, status="queued", url=f"/api/assessment/runs/{run_id}")


@router.get("/runs", response_model=RunPage, summary="Assessment runs, newest first")
def runs(session: SessionDep, viewer: ViewerDep, jobs: JobsDep,
         limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> RunPage:
    """Status summaries of the visible runs."""
    total, rows = list_runs(session, viewer=viewer, limit=limit, offset=offset)
    return RunPage(total=total, items=[run_summary(r) for r in rows])


@router.get("/runs/{run_id}", summary="One run: status, progress, inputs, result and provenance")
def run(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """404 if unknown or not visible; ``result`` and ``provenance`` are null until the run is done."""
    return run_detail(get_run(session, run_id, viewer=viewer))


@router.get("/runs/{run_id}/totals.csv", response_model=None, summary="Per-trial totals (CSV)",
            responses={200: {"content": {"text/csv": {}}}}, dependencies=[Depends(require_export)])
def totals_csv(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> Response:
    """One row per trial: ``trial, n_deposits, ore, <element>…`` in metric tons (409 unless done)."""
    r = get_run(session, run_id, viewer=viewer)
    require_download(session, AssessmentRun, run_id, viewer=viewer, what="assessment run")
    bad = _not_ready(r)
    if bad is not None:
        return bad
    frame = read_totals(r)

    def chunks() -> Iterator[str]:
        step = 50_000
        for i in range(0, max(len(frame), 1), step):
            yield frame.iloc[i:i + step].to_csv(index=False, header=i == 0, lineterminator="\n")

    return StreamingResponse(chunks(), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="assessment_{run_id}_totals.csv"'})


@router.get("/runs/{run_id}/pmf", summary="The run's deposit-number pmf")
def run_pmf(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """Summary plus ``n``, ``probability`` and ``exceedance`` (P(N ≥ n)) lists."""
    return pmf_of(get_run(session, run_id, viewer=viewer))


@router.get("/runs/{run_id}/ccdf", response_model=None, summary="CCDF of the simulated totals per quantity")
def run_ccdf(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any] | JSONResponse:
    """Per quantity: ``x`` ascending, ``p_exceed`` = P(T ≥ x), ≤ 500 points (409 unless done)."""
    r = get_run(session, run_id, viewer=viewer)
    bad = _not_ready(r)
    return bad if bad is not None else read_ccdf(r)


@router.get("/runs/{run_id}/gt", summary="The grade–tonnage points the run used")
def run_gt(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """Deposits (id, name, ore_t, grades_pct), elements and the GT summary."""
    return gt_points(get_run(session, run_id, viewer=viewer))


@router.post("/gt-preview", summary="Fit a grade–tonnage model (nothing stored)")
def gt_preview(body: GTPreviewRequest, session: SessionDep, viewer: ViewerDep) -> dict[str, Any]:
    """Summary, points, fitted parameters and fit diagnostics of a GT table."""
    gt = gt_input(body.gt.model_dump(exclude_none=True), session=session, viewer=viewer)
    model = GTModel.fit(gt.data, tonnage_pdf=body.tonnage_pdf, grade_pdf=body.grade_pdf, truncate=body.truncate,
                        joint=body.joint)
    doc: dict[str, Any] = json_safe({
        "summary": gt.data.summary(), "deposits": gt_deposits(gt.data), "dropped": gt.dropped,
        "model": model.to_dict(), "diagnostics": model.diagnostics(),
        "warnings": list(dict.fromkeys([*gt.data.warnings, *model.warnings]))})
    return doc


@router.get("/gt-from-kb", summary="A grade–tonnage table from the knowledge base's inventory records")
def gt_from_kb(session: SessionDep, viewer: ViewerDep,
               commodity: Annotated[str, Query(description="Comma list of element symbols for the grade columns, "
                                                           "e.g. Cu,Au.", examples=["Cu,Au"])],
               deposit_type: DepositTypeQ = None, country: CountryQ = None, source: SourceQ = None,
               bbox: BboxQ = None) -> dict[str, Any]:
    """One row per deposit (largest resource/reserve tonnage, its grades); sites without tonnage are listed."""
    res = gt_query_store(session, commodity=split_list(commodity), deposit_type=split_list(deposit_type),
                         country=split_list(country), source=split_list(source), bbox=parse_bbox(bbox),
                         viewer=viewer)
    doc: dict[str, Any] = json_safe({
        "query": res.query, "n_sites": res.n_sites, "tonnage_name": res.data.tonnage_name,
        "elements": res.data.elements, "deposits": gt_deposits(res.data), "dropped": res.dropped,
        "summary": res.data.summary(), "warnings": list(res.data.warnings)})
    return doc


__all__ = ["router", "start_jobs", "stop_jobs"]
