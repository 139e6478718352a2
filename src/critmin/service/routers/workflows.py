"""REST API of workflows (``/api/workflows``): the rock-to-supply workflow as a job.

``GET /examples`` lists the bundled workflows (their documents prefill the guided UI page). ``POST /runs`` runs a
bundled example with overrides (a tract drawn on the map, trials, seed, the partner's demand …) as a job: the
request is validated like a workflow file (400 naming the key), stored ``queued`` and executed by a one-worker
pool that writes the step progress to the run; ``GET /runs/{id}`` polls it and holds every step's result when it
is done. Input files cannot be named through the API (only the example's own files are read); the CLI runs any
file. ``GET /runs/{id}/report.pdf|.html`` renders the report, ``/provenance`` the run record, and
``POST /runs/{id}/rerun`` re-runs the archived inputs without the cache.
"""

from __future__ import annotations

import os
import threading
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from critmin.config import get_settings
from critmin.errors import InputError, NotFoundError
from critmin.service.access import require_export
from critmin.service.deps import SessionDep, ViewerDep
from critmin.service.jobs import JobKind, JobPool, RunAccepted, RunPage
from critmin.store.db import Database
from critmin.store.visibility import require_download
from critmin.store.workflow_runs import (
    WorkflowRun,
    create_rerun,
    create_run,
    execute_run,
    fail_run,
    get_run,
    list_runs,
    run_detail,
    run_summary,
)

router = APIRouter(prefix="/api/workflows", tags=["workflows"])

EXAMPLES = Path(__file__).resolve().parents[2] / "workflows" / "examples"
LIMITS = {("resource", "trials"): 100_000, ("workflow", "draws"): 20_000, ("project", "montecarlo_draws"): 100_000}
"""Largest Monte Carlo sizes accepted from the API (larger runs: the CLI)."""


def artefact_root() -> Path:
    """Where run archives and the step cache live (``<data_dir>/artefacts/workflows``)."""
    return get_settings().data_dir / "artefacts" / "workflows"


def _pool(db: Database) -> JobPool:
    return JobPool(db, artefact_root(), kind="workflows", table="workflow_run", execute=execute_run, fail=fail_run)


JOBS = JobKind("workflows", _pool)
"""The workflows runs' pool: ``JOBS.start``/``JOBS.stop`` in the application's lifespan, ``JobsDep`` in routes."""
start_jobs, stop_jobs = JOBS.start, JOBS.stop
JobsDep = Annotated[JobPool, Depends(JOBS.get)]


def _examples() -> dict[str, Path]:
    return {p.name: p for p in sorted(EXAMPLES.iterdir()) if (p / "workflow.toml").is_file()}


def _example_doc(name: str) -> tuple[dict[str, Any], Path]:
    ex = _examples()
    if name not in ex:
        raise InputError(f"example {name!r} does not exist; examples: {', '.join(ex)}", column="example")
    d = ex[name]
    return tomllib.loads((d / "workflow.toml").read_text(encoding="utf-8")), d


class RunRequest(BaseModel):
    """A bundled example with overrides (sections → keys), e.g. ``{"tract": {"polygon": [[lon, lat], …]}}``.

    ``prospectivity_run`` takes the tract from a finished prospectivity run's posterior raster instead (with
    ``overrides.tract.top_percent`` or ``threshold``); the run must be visible with the download right.
    """

    model_config = ConfigDict(extra="forbid")
    example: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    prospectivity_run: int | None = Field(default=None, ge=1, lt=2**63)
    visibility: Literal["private", "partners", "public"] = "public"


def _check_overrides(overrides: dict[str, dict[str, Any]]) -> None:
    from critmin.workflows.spec import FILE_KEYS

    allowed = {"workflow", "tract", "resource", "economic_filter", "project", "supply"}
    for sec, values in overrides.items():
        if sec not in allowed:
            raise InputError(f"overrides.{sec}: unknown section; expected one of {', '.join(sorted(allowed))}",
                             column=f"overrides.{sec}")
        for key in values:
            if (sec, key) in {k[:2] for k in FILE_KEYS}:
                if (sec, key) == ("tract", "deposits") and values[key] == "knowledge_base":
                    continue
                raise InputError(f"overrides.{sec}.{key}: input files cannot be named through the API (the example's "
                                 "own files are used); run other files with `critmin run`", column=f"{sec}.{key}")
        for (lsec, lkey), limit in LIMITS.items():
            if lsec == sec and isinstance(values.get(lkey), int | float) and values[lkey] > limit:
                raise InputError(f"overrides.{sec}.{lkey} = {values[lkey]}: the API accepts at most {limit:,}; run "
                                 "larger simulations with `critmin run`", column=f"{sec}.{lkey}")


def _prospectivity_tract(session: Any, viewer: str | None, run_id: int, tract: dict[str, Any],
                         given: dict[str, Any]) -> dict[str, Any]:
    """The tract section for a prospectivity run's posterior (server-resolved path; the caller's rule)."""
    from critmin.store.prospectivity_runs import ProspectivityRun, run_file
    from critmin.store.prospectivity_runs import get_run as get_prospectivity_run

    if ("top_percent" in given) == ("threshold" in given):
        raise InputError("a tract from a prospectivity run needs exactly one of overrides.tract.top_percent or "
                         "overrides.tract.threshold", column="tract.top_percent")
    if "polygon" in given:
        raise InputError("give either a drawn polygon or a prospectivity run, not both", column="tract.polygon")
    pr = get_prospectivity_run(session, run_id, viewer=viewer)
    require_download(session, ProspectivityRun, run_id, viewer=viewer, what="prospectivity run")
    cog = run_file(pr, "posterior.tif")
    out = {k: v for k, v in tract.items() if k not in ("polygon", "threshold", "top_percent")}
    out.update({k: given[k] for k in ("top_percent", "threshold", "deposit_types") if k in given})
    out["raster"] = str(cog)
    out["name"] = str(given.get("name") or f"prospectivity run {run_id} ({pr.name})")
    out["source_label"] = f"posterior of prospectivity run {run_id} ({pr.name})"
    return out


@router.get("/examples", summary="Bundled example workflows (documents to prefill the guided page)")
def examples() -> dict[str, Any]:
    """Name, title and the parsed document of each bundled workflow."""
    items = []
    for name in _examples():
        doc, _ = _example_doc(name)
        items.append({"name": name, "title": doc.get("workflow", {}).get("name", name), "document": doc})
    return {"items": items}


@router.post("/runs", status_code=202, response_model=RunAccepted, summary="Run a bundled workflow as a job")
def submit_run(body: RunRequest, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> RunAccepted:
    """Validate the example with its overrides (400 naming the key), store and queue; poll ``GET /runs/{id}``."""
    from critmin.workflows.spec import merge_overrides

    _check_overrides(body.overrides)
    doc, base = _example_doc(body.example)
    merged = merge_overrides(doc, body.overrides)
    if body.prospectivity_run is not None:
        merged["tract"] = _prospectivity_tract(session, viewer, body.prospectivity_run, merged["tract"],
                                               body.overrides.get("tract", {}))
    run = create_run(session, document=merged, base_dir=base, source=f"example {body.example} (service)",
                     organisation=viewer or get_settings().organisation, visibility=body.visibility,
                     origin="service")
    session.commit()
    run_id = run.id
    jobs.submit(run_id)
    return RunAccepted(id=run_id, status="queued", url=f"/api/workflows/runs/{run_id}")


@router.get("/runs", response_model=RunPage, summary="Workflow runs, newest first")
def runs(session: SessionDep, viewer: ViewerDep, jobs: JobsDep,
         limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> RunPage:
    """Status summaries of the visible runs."""
    total, rows = list_runs(session, viewer=viewer, limit=limit, offset=offset)
    return RunPage(total=total, items=[run_summary(r) for r in rows])


@router.get("/runs/{run_id}", summary="One run: status, step progress, document, results and run record")
def run(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """404 if unknown or not visible; ``result`` is null until the run is done."""
    return run_detail(get_run(session, run_id, viewer=viewer))


@router.get("/runs/{run_id}/provenance", summary="The run record: inputs with SHA-256, parameters, seed, steps")
def provenance(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """The record of a finished run (and whether a rerun reproduced its original)."""
    r = get_run(session, run_id, viewer=viewer)
    if r.status != "done":
        raise NotFoundError(f"workflow run {run_id} is {r.status}; its record exists when it is done")
    doc: dict[str, Any] = {"run_id": r.id, "rerun_of": r.rerun_of, "result_sha256": r.result_sha256,
                           "record": r.provenance}
    if r.rerun_of is not None:
        orig = session.get(WorkflowRun, r.rerun_of)
        doc["identical_to_original"] = orig is not None and orig.result_sha256 == r.result_sha256
    return doc


@router.post("/runs/{run_id}/rerun", status_code=202, response_model=RunAccepted,
             summary="Re-run a finished run from its archived inputs (no cache)")
def rerun(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> RunAccepted:
    """A new run of the same document and inputs; its ``result_sha256`` must equal the original's."""
    original = get_run(session, run_id, viewer=viewer)
    new = create_rerun(session, original, organisation=viewer or get_settings().organisation)
    session.commit()
    new_id = new.id
    jobs.submit(new_id, use_cache=False)
    return RunAccepted(id=new_id, status="queued", url=f"/api/workflows/runs/{new_id}")


def _report(run_id: int, session: Any, viewer: str | None, kind: str) -> Path:
    from critmin.reports.workflow import write_workflow_report
    from critmin.workflows.archive import load_run

    r = get_run(session, run_id, viewer=viewer)
    require_download(session, WorkflowRun, run_id, viewer=viewer, what="workflow run")
    if r.status != "done" or not r.artefact_dir:
        raise NotFoundError(f"workflow run {run_id} is {r.status}; its report exists when it is done")
    d = Path(r.artefact_dir)
    pdf, html = d / "report.pdf", d / "report.html"
    if not pdf.exists() or not html.exists():  # rendered once, then served; written aside and moved in
        tag = f"{os.getpid()}.{threading.get_ident()}"
        tmp_pdf, tmp_html = d / f".report.{tag}.pdf", d / f".report.{tag}.html"
        try:
            write_workflow_report(load_run(d), tmp_pdf, html_path=tmp_html)
            os.replace(tmp_html, html)
            os.replace(tmp_pdf, pdf)
        finally:
            tmp_pdf.unlink(missing_ok=True)
            tmp_html.unlink(missing_ok=True)
    return pdf if kind == "pdf" else html


@router.get("/runs/{run_id}/report.pdf", response_model=None, summary="The run's PDF report",
            responses={200: {"content": {"application/pdf": {}}}}, dependencies=[Depends(require_export)])
def report_pdf(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> Response:
    """Map, GT fit, pmf, totals, economic filter, project, supply impact, assumptions, provenance (download
    right needed)."""
    return FileResponse(_report(run_id, session, viewer, "pdf"), media_type="application/pdf",
                        filename=f"workflow_{run_id}_report.pdf")


@router.get("/runs/{run_id}/report.html", response_class=HTMLResponse, summary="The run's HTML report",
            dependencies=[Depends(require_export)])
def report_html(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> HTMLResponse:
    """The same report as one self-contained HTML page (download right needed)."""
    return HTMLResponse(_report(run_id, session, viewer, "html").read_text(encoding="utf-8"))
