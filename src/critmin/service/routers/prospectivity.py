"""REST API of prospectivity (``/api/prospectivity``): evidence uploads and weights-of-evidence runs as jobs.

``POST /uploads?filename=X.tif`` stores a single-band GeoTIFF (request body) by content hash.
``POST /runs`` validates a model request (400 naming the problem), stores a ``queued`` run and returns 202; a
one-worker thread pool executes it, writing progress to the run; the posterior, its standard deviation and
confidence are stored as COGs (``GET /runs/{id}/rasters/{name}.tif``), rendered server-side as PNG overviews for
the map (``/runs/{id}/overview/{name}.png`` and ``.json`` for its bounds), with validation plots
(``/runs/{id}/validation.png``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from critmin.config import get_settings
from critmin.errors import InputError
from critmin.service.access import require_export
from critmin.service.deps import SessionDep, ViewerDep
from critmin.service.jobs import JobKind, JobPool, RunAccepted, RunPage
from critmin.store.db import Database
from critmin.store.prospectivity_runs import (
    RASTER_NAMES,
    ProspectivityRun,
    create_run,
    execute_run,
    fail_run,
    get_run,
    list_runs,
    run_detail,
    run_file,
    run_summary,
    save_upload,
    upload_path,
)
from critmin.store.visibility import require_download

router = APIRouter(prefix="/api/prospectivity", tags=["prospectivity"])

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
"""Largest evidence raster accepted by ``POST /uploads`` (larger grids: use the CLI)."""


# ------------------------------------------------------------------------------------------ job pool


def artefact_root() -> Path:
    """Where uploads and run artefacts live (``<data_dir>/artefacts/prospectivity``)."""
    return get_settings().data_dir / "artefacts" / "prospectivity"


def _pool(db: Database) -> JobPool:
    return JobPool(db, artefact_root(), kind="prospectivity", table="prospectivity_run", execute=execute_run,
                   fail=fail_run)


JOBS = JobKind("prospectivity", _pool)
"""The prospectivity runs' pool: ``JOBS.start``/``JOBS.stop`` in the application's lifespan, ``JobsDep`` in routes."""
start_jobs, stop_jobs = JOBS.start, JOBS.stop
JobsDep = Annotated[JobPool, Depends(JOBS.get)]


# ------------------------------------------------------------------------------------------ models


class LayerRequest(BaseModel):
    """One evidence layer: an uploaded raster and how to weight it."""

    model_config = ConfigDict(extra="forbid")
    upload: str = Field(min_length=64, max_length=64, description="SHA-256 id from POST /uploads")
    name: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    weights_type: Literal["unique", "categorical", "ascending", "descending"] = "categorical"
    generalize: Literal["max-contrast", "max-studentized-contrast", "manual"] | None = None
    threshold: float | None = None


class RunRequest(BaseModel):
    """A weights-of-evidence model: layers, deposits (GeoJSON points, lon/lat unless ``crs`` says otherwise)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=256)
    visibility: Literal["private", "partners", "public"] = "public"
    layers: list[LayerRequest] = Field(min_length=1, max_length=20)
    deposits: dict[str, Any] = Field(description="GeoJSON FeatureCollection of points")
    unit_cell_km2: float = Field(default=1.0, gt=0)
    count: Literal["points", "pixels"] = "points"


def _check_deposits(fc: dict[str, Any]) -> None:
    if fc.get("type") != "FeatureCollection" or not isinstance(fc.get("features"), list) or not fc["features"]:
        raise InputError("deposits must be a non-empty GeoJSON FeatureCollection", column="deposits")
    for i, f in enumerate(fc["features"], start=1):
        geom = (f or {}).get("geometry") or {}
        if geom.get("type") not in ("Point", "MultiPoint"):
            raise InputError(f"deposit feature {i} has geometry {geom.get('type')!r}; expected Point",
                             row=i, column="deposits")


# ------------------------------------------------------------------------------------------ endpoints


@router.post("/uploads", status_code=201, summary="Upload an evidence raster (single-band GeoTIFF body)")
async def upload(request: Request, filename: Annotated[str, Query(max_length=256)] = "evidence.tif",
                 ) -> dict[str, Any]:
    """Store the raster by content hash (idempotent); returns its id, grid and CRS."""
    body = await request.body()
    if len(body) > MAX_UPLOAD_BYTES:
        raise InputError(f"the raster is {len(body) / 2**20:.0f} MiB; the API accepts up to "
                         f"{MAX_UPLOAD_BYTES / 2**20:.0f} MiB — run larger grids with `critmin prospect`")
    return save_upload(artefact_root(), body, filename)


@router.post("/runs", status_code=202, response_model=RunAccepted, summary="Submit a weights-of-evidence run")
def submit_run(body: RunRequest, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> RunAccepted:
    """Validate (400 naming the problem), store and queue; poll ``GET /runs/{id}``."""
    for lay in body.layers:
        upload_path(jobs.artefact_root, lay.upload)
        if lay.weights_type in ("ascending", "descending") and lay.generalize is None:
            raise InputError(f"layer {lay.name or lay.upload[:8]}: cumulative weights need a generalisation rule "
                             "for a response", column="generalize")
    _check_deposits(body.deposits)
    run = create_run(session, name=body.name, organisation=viewer or get_settings().organisation,
                     layers=[lay.model_dump() for lay in body.layers], deposits=body.deposits,
                     unit_cell_km2=body.unit_cell_km2, count=body.count, visibility=body.visibility)
    session.commit()
    run_id = run.id
    jobs.submit(run_id)
    return RunAccepted(id=run_id, status="queued", url=f"/api/prospectivity/runs/{run_id}")


@router.get("/runs", response_model=RunPage, summary="Prospectivity runs, newest first")
def runs(session: SessionDep, viewer: ViewerDep, jobs: JobsDep,
         limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> RunPage:
    """Status summaries of the visible runs."""
    total, rows = list_runs(session, viewer=viewer, limit=limit, offset=offset)
    return RunPage(total=total, items=[run_summary(r) for r in rows])


@router.get("/runs/{run_id}", summary="One run: status, progress, inputs, result and provenance")
def run(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """404 if unknown or not visible; ``result`` is null until the run is done."""
    return run_detail(get_run(session, run_id, viewer=viewer))


def _raster_name(name: str) -> str:
    if name not in RASTER_NAMES:
        raise InputError(f"raster {name!r} is not one of {', '.join(RASTER_NAMES)}")
    return name


@router.get("/runs/{run_id}/rasters/{name}.tif", response_model=None, summary="A result raster (COG)",
            responses={200: {"content": {"image/tiff": {}}}}, dependencies=[Depends(require_export)])
def raster(run_id: int, name: str, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> Response:
    """The Cloud-Optimized GeoTIFF of ``posterior``, ``posterior_std`` or ``posterior_confidence`` (needs the
    download right)."""
    r = get_run(session, run_id, viewer=viewer)
    require_download(session, ProspectivityRun, run_id, viewer=viewer, what="prospectivity run")
    p = run_file(r, f"{_raster_name(name)}.tif")
    return FileResponse(p, media_type="image/tiff; application=geotiff; profile=cloud-optimized",
                        filename=f"prospectivity_{run_id}_{name}.tif")


def _overview(run_id: int, name: str, session: Any, viewer: str | None) -> tuple[Path, dict[str, Any]]:
    import json

    from critmin.plot.prospectivity import raster_overview_png

    r = get_run(session, run_id, viewer=viewer)
    cog = run_file(r, f"{_raster_name(name)}.tif")
    png = cog.with_suffix(".overview.png")
    meta = cog.with_suffix(".overview.json")
    if not png.exists() or not meta.exists():
        info = raster_overview_png(cog, png)
        meta.write_text(json.dumps(info), encoding="utf-8")
    return png, json.loads(meta.read_text(encoding="utf-8"))


@router.get("/runs/{run_id}/overview/{name}.png", response_model=None, summary="PNG overview of a raster",
            responses={200: {"content": {"image/png": {}}}})
def overview_png(run_id: int, name: str, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> Response:
    """Viridis PNG (≤ 1024 px, transparent outside the study area) rendered from the COG."""
    png, _ = _overview(run_id, name, session, viewer)
    return FileResponse(png, media_type="image/png")


@router.get("/runs/{run_id}/overview/{name}.json", summary="Bounds (lon/lat) and value range of the PNG overview")
def overview_meta(run_id: int, name: str, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """``bounds`` [west, south, east, north] in EPSG:4326, ``min``/``max`` of the colour ramp, the PNG URL."""
    _, info = _overview(run_id, name, session, viewer)
    return {**info, "png": f"/api/prospectivity/runs/{run_id}/overview/{name}.png"}


@router.get("/runs/{run_id}/deposits", summary="The run's deposits (GeoJSON)")
def deposits(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> dict[str, Any]:
    """The deposit points as submitted."""
    r = get_run(session, run_id, viewer=viewer)
    fc: dict[str, Any] = (r.inputs or {}).get("deposits") or {"type": "FeatureCollection", "features": []}
    return fc


@router.get("/runs/{run_id}/validation.png", response_model=None, summary="ROC, success-rate and P-A plots",
            responses={200: {"content": {"image/png": {}}}})
def validation_png(run_id: int, session: SessionDep, viewer: ViewerDep, jobs: JobsDep) -> Response:
    """The validation figure of the posterior (background: all study-area cells)."""
    from types import SimpleNamespace

    import numpy as np

    from critmin.plot.prospectivity import validation_figure

    r = get_run(session, run_id, viewer=viewer)
    png = run_file(r, "posterior.tif").with_name("validation.png")
    if not png.exists():
        v = (r.result or {})["validation"]["all"]
        ns = SimpleNamespace(
            auc=v["auc"], background=v["background"], efficiency=v["efficiency_of_classification"],
            roc_fpr=np.asarray(v["roc"]["fpr"]), roc_tpr=np.asarray(v["roc"]["tpr"]),
            success_area=np.asarray(v["success_rate"]["area_fraction"]),
            success_deposits=np.asarray(v["success_rate"]["deposit_fraction"]),
            pa_threshold=np.asarray(v["prediction_area"]["threshold"]),
            pa_prediction_rate=np.asarray(v["prediction_area"]["prediction_rate_pct"]),
            pa_area_pct=np.asarray(v["prediction_area"]["area_pct"]), pa_intersection=v["pa_intersection"])
        validation_figure(ns, title=r.name).savefig(png, dpi=110)
    return FileResponse(png, media_type="image/png")


__all__ = ["router", "start_jobs", "stop_jobs"]
