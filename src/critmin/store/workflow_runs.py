"""Workflow runs: a rock-to-supply workflow executed (by ``critmin run`` or as a service job) with its record.

Life cycle as for the other runs: :func:`create_run` stores the workflow document (``queued``);
:func:`execute_run` marks it ``running``, reads the knowledge base's sites (and inventories) that the run's
organisation may download, runs :func:`critmin.workflows.run_workflow` with progress per step written to the row
and the step cache under ``<artefact_root>/cache``, archives the run (record, result, arrays, copies of the
inputs) in ``<artefact_root>/runs/<id>/`` and stores the summary, the run record and the result hash
(``done``) — or ``failed`` with the message and nothing partial.

A rerun (:func:`create_rerun`) is a new run of the archived document and inputs of an earlier one; it records
``rerun_of`` and its result hash must equal the original's.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from critmin.errors import CritminError, InputError, NotFoundError
from critmin.provenance import utcnow
from critmin.store.db import Database
from critmin.store.export import sites_frame
from critmin.store.filters import SiteFilter
from critmin.store.run_status import mark_failed, status_fields
from critmin.store.sharing import register_shareable
from critmin.store.sites import ADMIN, get_or_create_organisation
from critmin.store.tables import Base, Organisation
from critmin.store.visibility import get_visible, list_visible

__all__ = ["WorkflowRun", "create_rerun", "create_run", "execute_run", "fail_run", "get_run", "kb_inputs",
           "list_runs", "run_detail", "run_summary"]

STEP_WEIGHTS = {"tract": 0.02, "resource": 0.35, "economic_filter": 0.2, "project": 0.28, "supply": 0.15}


class WorkflowRun(Base):
    """A workflow run with its document, progress, summary and run record."""

    __tablename__ = "workflow_run"
    __table_args__ = (Index("ix_workflow_run_status", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    origin: Mapped[str] = mapped_column(String(16), default="cli")  # cli | service | rerun
    document: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    base_dir: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    rerun_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    steps: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    result_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    artefact_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    organisation: Mapped[Organisation] = relationship()


register_shareable(WorkflowRun)  # shares and embargoes work on workflow runs (record type workflow_run)


def create_run(session: Session, *, document: dict[str, Any], base_dir: str | Path, source: str, organisation: str,
               visibility: str = "public", origin: str = "cli", rerun_of: int | None = None) -> WorkflowRun:
    """Validate the document (its input files must exist) and store a ``queued`` run (caller's transaction)."""
    from critmin.workflows import parse_workflow

    if visibility not in ("private", "partners", "public"):
        raise InputError(f"visibility {visibility!r}: expected private, partners or public", column="visibility")
    spec = parse_workflow(document, source=source, base_dir=base_dir)
    org = get_or_create_organisation(session, organisation)
    run = WorkflowRun(name=(spec.name or "workflow")[:256], organisation_id=org.id, visibility=visibility,
                      origin=origin, document=spec.doc, base_dir=str(Path(base_dir).resolve()), source=source,
                      rerun_of=rerun_of, status="queued", progress=0.0, message="queued", created_at=utcnow())
    session.add(run)
    session.flush()
    return run


def create_rerun(session: Session, original: WorkflowRun, *, organisation: str) -> WorkflowRun:
    """A new queued run of ``original``'s archived document and input copies (hashes checked)."""
    from critmin.workflows.archive import load_run, rerun_spec

    if original.status != "done" or not original.artefact_dir:
        raise InputError(f"workflow run {original.id} is {original.status}; only a finished run can be re-run",
                         column="run_id")
    spec = rerun_spec(load_run(original.artefact_dir))
    return create_run(session, document=spec.doc, base_dir=spec.base_dir, source=spec.source,
                      organisation=organisation, visibility=original.visibility, origin="rerun",
                      rerun_of=original.id)


def get_run(session: Session, run_id: int, *, viewer: str | None = ADMIN) -> WorkflowRun:
    """The run if it exists and is visible to ``viewer``."""
    return get_visible(session, WorkflowRun, run_id, viewer=viewer, what="workflow run",
                       hint="list runs with GET /api/workflows/runs or `critmin workflow list`")


def list_runs(session: Session, *, viewer: str | None = ADMIN, limit: int = 100,
              offset: int = 0) -> tuple[int, list[WorkflowRun]]:
    """Visible runs, newest first, and their total."""
    return list_visible(session, WorkflowRun, viewer=viewer, limit=limit, offset=offset,
                        deferred=(WorkflowRun.document, WorkflowRun.result, WorkflowRun.provenance))


def run_summary(run: WorkflowRun) -> dict[str, Any]:
    """Status view of a run."""
    return {**status_fields(run), "origin": run.origin, "rerun_of": run.rerun_of, "steps": run.steps or {},
            "result_sha256": run.result_sha256}


def run_detail(run: WorkflowRun) -> dict[str, Any]:
    """Summary, the workflow document, and (when done) the result of every step and the run record."""
    done = run.status == "done"
    return {**run_summary(run), "document": run.document, "result": run.result if done else None,
            "provenance": run.provenance if done else None}


def fail_run(db: Database, run_id: int, message: str) -> None:
    """Mark a run ``failed`` with ``message`` (nothing partial is kept)."""
    mark_failed(db, WorkflowRun, run_id, message)


def kb_inputs(db: Database, organisation: str | None, *, bbox: tuple[float, float, float, float] | None = None,
              inventory: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The knowledge base's sites (name, lon, lat, deposit_type, site_id) and inventory lines the organisation
    may download (all of them for the administrator).

    ``bbox`` limits the sites (a drawn tract's bounds: no site outside can be inside it); the inventory lines, the
    GT analogues of the whole knowledge base, are read only when ``inventory`` is True and never limited.
    """
    gdf, inv = sites_frame(db, SiteFilter(bbox=bbox), viewer=organisation, inventory=inventory and bbox is None)
    sites = pd.DataFrame({"site_id": gdf["site_id"], "name": gdf["name"], "lon": gdf["lon"].astype(float),
                          "lat": gdf["lat"].astype(float), "deposit_type": gdf["deposit_type"].fillna("")})
    sites = sites[sites["lon"].notna() & sites["lat"].notna()].reset_index(drop=True)
    if inventory and bbox is not None:
        gdf, inv = sites_frame(db, SiteFilter(), viewer=organisation)
    if len(inv):
        types = gdf[["site_id", "name", "deposit_type"]].assign(deposit_type=gdf["deposit_type"].fillna(""))
        inv = inv.merge(types, on="site_id", how="left")
    return sites, inv


def execute_run(db: Database, run_id: int, *, artefact_root: Path, cancel: threading.Event | None = None,
                use_cache: bool = True, on_progress: Callable[[str, float, str], None] | None = None) -> None:
    """Execute a queued run end to end; never raises (a failure is stored on the run).

    ``use_cache=False`` recomputes every step (a rerun does); ``on_progress(step, fraction, message)`` is called
    besides the progress written to the row (the CLI draws it).
    """
    from critmin.workflows import parse_workflow, run_workflow
    from critmin.workflows.archive import save_run
    from critmin.workflows.spec import KNOWLEDGE_BASE

    root = Path(artefact_root)
    final = root / "runs" / str(run_id)
    try:
        with db.transaction() as s:
            run = s.get(WorkflowRun, run_id)
            if run is None:
                raise NotFoundError(f"workflow run {run_id} vanished before it started")
            if run.status != "queued":
                return
            run.status, run.started_at, run.progress, run.message = "running", utcnow(), 0.0, "starting"
            document, base_dir, source = dict(run.document), run.base_dir, run.source
            org = None if run.organisation.code == ADMIN else run.organisation.code
        spec = parse_workflow(document, source=source, base_dir=base_dir)
        polygon = spec.section("tract").get("polygon")
        bbox = None if not polygon else (min(v[0] for v in polygon), min(v[1] for v in polygon),
                                         max(v[0] for v in polygon), max(v[1] for v in polygon))
        sites, inventory = kb_inputs(db, org, bbox=bbox,
                                     inventory=spec.section("resource").get("gt") == KNOWLEDGE_BASE)
        steps: dict[str, dict[str, Any]] = {}
        order = list(STEP_WEIGHTS)

        last = [0.0]

        def progress(step: str, frac: float, message: str) -> None:
            if cancel is not None and cancel.is_set():
                raise CritminError("cancelled: the service stopped before the run finished; submit it again")
            cached = "from the cache" in message
            steps[step] = {"status": "done" if frac >= 1.0 else "running", "message": message,
                           "cached": cached or steps.get(step, {}).get("cached", False)}
            now = time.monotonic()
            if 0.0 < frac < 1.0 and now - last[0] < 0.25:  # throttle the row updates inside a step
                return
            last[0] = now
            overall = sum(STEP_WEIGHTS[s] for s in order[:order.index(step)]) + STEP_WEIGHTS[step] * min(frac, 1.0)
            with db.transaction() as s:
                s.execute(update(WorkflowRun).where(WorkflowRun.id == run_id, WorkflowRun.status == "running")
                          .values(steps=json.loads(json.dumps(steps)), progress=float(min(max(overall, 0.0), 1.0)),
                                  message=message[:2000]))
            if on_progress is not None:
                on_progress(step, frac, message)

        result = run_workflow(spec, sites=sites, inventory=inventory,
                              cache_dir=root / "cache" if use_cache else None, progress=progress)
        save_run(result, final, run_id)
        record = json.loads((final / "record.json").read_text(encoding="utf-8"))  # with the archived input copies
        summary = result.summary()  # the steps' data, already plain JSON
        sup = summary["supply"]
        msg = f"done: P(project built) {sup['prob_built']:.2f}"
        with db.transaction() as s:
            s.execute(update(WorkflowRun).where(WorkflowRun.id == run_id).values(
                status="done", progress=1.0, message=msg, result=summary, provenance=record,
                result_sha256=result.result_sha256, artefact_dir=str(final), steps=steps, finished_at=utcnow()))
    except Exception as exc:  # the job must end failed, whatever happened
        shutil.rmtree(final, ignore_errors=True)
        msg = str(exc) if isinstance(exc, CritminError) else f"internal error: {type(exc).__name__}: {exc}"
        try:
            fail_run(db, run_id, msg)
        except Exception:
            return
