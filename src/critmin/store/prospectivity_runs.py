"""Prospectivity model runs: uploaded evidence rasters and weights-of-evidence models executed as jobs.

Life cycle as for assessment runs: :func:`create_run` stores the validated request (``queued``);
:func:`execute_run` (on a worker thread) marks it ``running``, runs
:func:`critmin.prospectivity.model_run.run_wofe_model` with progress written to the row, moves the rasters
(COGs) and tables into ``<artefact_root>/runs/<id>/`` and stores result + provenance (``done``) — or ``failed``
with the message and no partial artefacts.

Uploads (evidence rasters) are content-addressed: ``<artefact_root>/uploads/<sha256>.tif``.
Visibility follows the store's rule (:mod:`critmin.store.visibility`).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from critmin.errors import CritminError, InputError, NotFoundError
from critmin.provenance import utcnow
from critmin.store.db import Database
from critmin.store.run_status import mark_failed, record_progress, status_fields
from critmin.store.sharing import register_shareable
from critmin.store.sites import ADMIN, get_or_create_organisation
from critmin.store.tables import Base, Organisation
from critmin.store.visibility import get_visible, list_visible

__all__ = ["ProspectivityRun", "create_run", "execute_run", "fail_run", "get_run", "list_runs", "run_detail",
           "run_file", "run_summary", "save_upload", "upload_path"]

RASTER_NAMES = ("posterior", "posterior_std", "posterior_confidence")


class ProspectivityRun(Base):
    """A prospectivity model (weights of evidence) run as a job, with its rasters as artefacts."""

    __tablename__ = "prospectivity_run"
    __table_args__ = (Index("ix_prospectivity_run_status", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    model: Mapped[str] = mapped_column(String(64), default="weights-of-evidence")
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
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


register_shareable(ProspectivityRun)  # shares and embargoes work on runs (record type prospectivity_run)


# ------------------------------------------------------------------------------------------ uploads


def upload_path(root: Path, upload_id: str) -> Path:
    """Path of an uploaded raster; :class:`NotFoundError` if unknown (ids are SHA-256 hex digests)."""
    if len(upload_id) != 64 or any(c not in "0123456789abcdef" for c in upload_id):
        raise InputError(f"upload id {upload_id!r} is not a SHA-256 hex digest", column="upload")
    p = Path(root) / "uploads" / f"{upload_id}.tif"
    if not p.exists():
        raise NotFoundError(f"upload {upload_id} does not exist; POST the raster to /api/prospectivity/uploads")
    return p


def save_upload(root: Path, data: bytes, filename: str) -> dict[str, Any]:
    """Store an uploaded single-band GeoTIFF by content hash after checking it opens; returns its description."""
    import hashlib

    import rasterio
    from rasterio.io import MemoryFile

    if not data:
        raise InputError("the upload is empty", file=filename)
    try:
        with MemoryFile(data) as mem, mem.open() as src:
            desc = {"width": src.width, "height": src.height, "count": src.count, "dtype": src.dtypes[0],
                    "crs": src.crs.to_string() if src.crs else None, "nodata": src.nodata,
                    "bounds": list(src.bounds), "resolution": list(src.res)}
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"not a readable raster: {exc}", file=filename) from None
    if desc["count"] != 1:
        raise InputError(f"the raster has {desc['count']} bands; upload one band per evidence layer", file=filename)
    sha = hashlib.sha256(data).hexdigest()
    d = Path(root) / "uploads"
    d.mkdir(parents=True, exist_ok=True)
    target = d / f"{sha}.tif"
    if not target.exists():
        tmp = d / f".{sha}.{os.getpid()}.{threading.get_ident()}.part"
        tmp.write_bytes(data)
        os.replace(tmp, target)
    (d / f"{sha}.json").write_text(json.dumps({"filename": filename, **desc}), encoding="utf-8")
    return {"id": sha, "filename": filename, **desc}


# ------------------------------------------------------------------------------------------ runs


def create_run(session: Session, *, name: str, organisation: str, layers: list[dict[str, Any]],
               deposits: dict[str, Any], unit_cell_km2: float, count: str,
               visibility: str = "public") -> ProspectivityRun:
    """Store a new ``queued`` run (in the caller's transaction)."""
    if visibility not in ("private", "partners", "public"):
        raise InputError(f"visibility {visibility!r}: expected private, partners or public", column="visibility")
    if not name.strip():
        raise InputError("the run needs a name", column="name")
    org = get_or_create_organisation(session, organisation)
    run = ProspectivityRun(name=name.strip()[:256], organisation_id=org.id, visibility=visibility,
                           model="weights-of-evidence", inputs={"layers": layers, "deposits": deposits},
                           parameters={"unit_cell_km2": unit_cell_km2, "count": count}, status="queued",
                           progress=0.0, message="queued", created_at=utcnow())
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, run_id: int, *, viewer: str | None = ADMIN) -> ProspectivityRun:
    """The run if it exists and is visible to ``viewer``."""
    return get_visible(session, ProspectivityRun, run_id, viewer=viewer, what="prospectivity run",
                       hint="list runs with GET /api/prospectivity/runs")


def list_runs(session: Session, *, viewer: str | None = ADMIN, limit: int = 100,
              offset: int = 0) -> tuple[int, list[ProspectivityRun]]:
    """Visible runs, newest first, and their total."""
    return list_visible(session, ProspectivityRun, viewer=viewer, limit=limit, offset=offset,
                        deferred=(ProspectivityRun.inputs, ProspectivityRun.result, ProspectivityRun.provenance))


def run_summary(run: ProspectivityRun) -> dict[str, Any]:
    """Status view of a run."""
    return {**status_fields(run), "model": run.model}


def run_detail(run: ProspectivityRun) -> dict[str, Any]:
    """Summary, inputs (deposit count, not the points), parameters, result and provenance (when done)."""
    inputs = dict(run.inputs or {})
    dep = inputs.get("deposits") or {}
    inputs["deposits"] = {"n_features": len(dep.get("features", []))}
    done = run.status == "done"
    return {**run_summary(run), "inputs": inputs, "parameters": run.parameters,
            "result": run.result if done else None, "provenance": run.provenance if done else None,
            "rasters": [f"/api/prospectivity/runs/{run.id}/rasters/{n}.tif" for n in RASTER_NAMES] if done else []}


def set_progress(db: Database, run_id: int, progress: float, message: str) -> None:
    """Write a running run's progress (0 … 1) and stage message (its own short transaction)."""
    record_progress(db, ProspectivityRun, run_id, progress, message)


def fail_run(db: Database, run_id: int, message: str) -> None:
    """Mark a run ``failed`` with ``message``; any result, provenance and artefact directory are cleared."""
    mark_failed(db, ProspectivityRun, run_id, message)


def execute_run(db: Database, run_id: int, *, artefact_root: Path, cancel: threading.Event | None = None) -> None:
    """Execute a queued run end to end; never raises (a failure is stored on the run)."""
    from critmin.prospectivity.model_run import LayerSpec, run_wofe_model

    final = Path(artefact_root) / "runs" / str(run_id)
    tmp = final.with_name(f"{run_id}.partial-{os.getpid()}-{threading.get_ident()}")
    try:
        with db.transaction() as s:
            run = s.get(ProspectivityRun, run_id)
            if run is None:
                raise NotFoundError(f"prospectivity run {run_id} vanished before it started")
            if run.status != "queued":
                return
            run.status, run.started_at, run.progress, run.message = "running", utcnow(), 0.0, "starting"
            inputs, params = dict(run.inputs), dict(run.parameters)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        dep_path = tmp / "deposits.geojson"
        dep_path.write_text(json.dumps(inputs["deposits"]), encoding="utf-8")
        specs = [LayerSpec(path=upload_path(artefact_root, lay["upload"]), weights_type=lay["weights_type"],
                           generalize=lay.get("generalize"), threshold=lay.get("threshold"), name=lay.get("name"))
                 for lay in inputs["layers"]]

        def progress(done: int, total: int | None, message: str = "") -> None:
            if cancel is not None and cancel.is_set():
                raise CritminError("cancelled: the service stopped before the run finished; submit it again")
            set_progress(db, run_id, done / total if total else 0.0, message)

        result = run_wofe_model(specs, dep_path, tmp, unit_cell_km2=float(params["unit_cell_km2"]),
                                count=params["count"], progress=progress)
        shutil.rmtree(final, ignore_errors=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp.rename(final)
        ci = result["response"]["ci_test"]
        auc = result["validation"]["all"]["auc"]
        msg = f"done: AUC {auc:.3f} (all cells); n/T {ci['ratio_n_over_t']:.3f}"
        prov = result.pop("provenance")
        with db.transaction() as s:
            s.execute(update(ProspectivityRun).where(ProspectivityRun.id == run_id).values(
                status="done", progress=1.0, message=msg, result=result, provenance=prov, artefact_dir=str(final),
                finished_at=utcnow()))
    except Exception as exc:  # the job must end failed, whatever happened
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        msg = str(exc) if isinstance(exc, CritminError) else f"internal error: {type(exc).__name__}: {exc}"
        try:
            fail_run(db, run_id, msg)
        except Exception:
            return


def run_file(run: ProspectivityRun, name: str) -> Path:
    """An artefact of a done run (raster COG or weights CSV)."""
    if run.status != "done" or not run.artefact_dir:
        raise NotFoundError(f"prospectivity run {run.id} is {run.status}; its files exist only when it is done")
    p = Path(run.artefact_dir) / name
    if p.parent != Path(run.artefact_dir) or not p.exists():
        raise NotFoundError(f"prospectivity run {run.id} has no file {name!r}")
    return p
