"""REST API of geochemistry (``/api/geochem``): upload assay files as datasets; metrics, patterns, QA/QC, plots.

An uploaded file is read with :func:`critmin.geochem.assays.read_assays` (400 naming file, row and column on bad
input; nothing is stored then) and kept as Parquet artefacts under ``<data_dir>/artefacts/geochem/<id>/``
(:mod:`critmin.store.geochem_datasets`). Every result is computed by :mod:`critmin.geochem` from the stored
table. The shapes are documented in ``docs/api-geochem.md``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import inspect

from critmin.config import get_settings
from critmin.errors import InputError, NotFoundError, StoreError
from critmin.geochem.assays import AssayTable
from critmin.geochem.elements import REE
from critmin.geochem.normalise import normalise as normalise_ppm
from critmin.geochem.qaqc import qaqc_report
from critmin.geochem.references import DEFAULT_REFERENCE, list_references, reference_info, resolve_reference_name
from critmin.jsonsafe import json_safe
from critmin.service.deps import DbDep, SessionDep, ViewerDep
from critmin.service.errors import problem
from critmin.store.db import Database
from critmin.store.geochem_datasets import (
    create_dataset,
    dataset_summary,
    get_dataset,
    list_datasets,
    load_table,
    metrics_frame,
    read_upload,
    sample_labels,
)
from critmin.store.tables import GeochemDataset

router = APIRouter(prefix="/api/geochem", tags=["geochem"])

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""Largest assay file accepted by ``POST /datasets`` (bytes)."""
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
MAX_METRIC_ROWS = 100_000
QAQC_TABLES = ("crm_points", "duplicate_pairs", "classes")

NormaliseQ = Annotated[str, Query(description="Reference composition (GET /api/geochem/references).",
                                  examples=[DEFAULT_REFERENCE])]
SamplesQ = Annotated[str | None, Query(description="Comma list of 0-based sample row numbers (default all).",
                                       examples=["0,1,2"])]


class DatasetPage(BaseModel):
    """A page of dataset summaries, newest first."""

    total: int
    items: list[dict[str, Any]]


def artefact_root() -> Path:
    """Where the service keeps the datasets' artefacts."""
    return get_settings().data_dir / "artefacts" / "geochem"


def _check_tables(db: Database) -> None:
    if not inspect(db.engine).has_table("geochem_dataset"):
        raise StoreError(f"the database {db.safe_url} has no geochemistry tables; run `critmin db upgrade`")


# ------------------------------------------------------------------------------------------ helpers


def _parse_units(units: str | None) -> str | dict[str, str] | None:
    text = (units or "").strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise InputError(f"units is not valid JSON ({exc}); expected a unit such as 'ppm' or an object "
                             '{"La": "ppm", "SiO2": "pct"}', column="units") from None
        if not isinstance(doc, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in doc.items()):
            raise InputError('units must map column names to unit strings, e.g. {"La": "ppm"}', column="units")
        return {str(k): str(v) for k, v in doc.items()}
    return text


def _split(text: str | None) -> list[str] | None:
    items = [t.strip() for t in (text or "").split(",") if t.strip()]
    return items or None


def _rows(samples: str | None, n: int) -> list[int] | None:
    items = _split(samples)
    if items is None:
        return None
    out: list[int] = []
    for item in items:
        try:
            k = int(item)
        except ValueError:
            raise InputError(f"samples: {item!r} is not a row number; expected 0-based row numbers such as "
                             "'0,1,5' (the 'row' field of /metrics)", column="samples") from None
        if not 0 <= k < n:
            raise InputError(f"samples: row {k} is out of range; the dataset has rows 0 … {n - 1}",
                             column="samples")
        out.append(k)
    return out


def _column_values(series: pd.Series) -> list[Any]:
    if pd.api.types.is_float_dtype(series):
        return [v if math.isfinite(v) else None for v in series.to_numpy(dtype=float).tolist()]
    if pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return list(series.to_numpy().tolist())
    values: list[Any] = json_safe(series.astype(object).where(series.notna(), None).tolist())
    return [v if v is None or isinstance(v, int | float | bool) else str(v) for v in values]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts (NaN → None; categories and other objects → text), column by column."""
    names = [str(c) for c in frame.columns]
    columns = [_column_values(frame.iloc[:, j]) for j in range(frame.shape[1])]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)] if columns else []


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns
            if c != "row" and pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]


def _dataset(session: Any, dataset_id: int, viewer: str | None) -> GeochemDataset:
    return get_dataset(session, dataset_id, viewer=viewer)


def _ree_columns(columns: list[str]) -> list[str]:
    return [e for e in REE if e in columns] + (["Y"] if "Y" in columns else [])


def _normalised(table: AssayTable, reference: str, rows: list[int] | None) -> pd.DataFrame:
    ppm = table.to_ppm()
    els = _ree_columns([str(c) for c in ppm.columns])
    if not els:
        raise InputError(f"the dataset has no REE columns (elements: {[str(c) for c in ppm.columns][:20]}); "
                         "expected La … Lu (and Y)")
    sel = ppm[els] if rows is None else ppm[els].iloc[rows]
    norm = normalise_ppm(sel, reference)
    return norm[[e for e in els if e in norm.columns]]


# ------------------------------------------------------------------------------------------ endpoints


@router.get("/references", summary="Reference compositions (normalisers) with citations")
def references() -> dict[str, Any]:
    """Names accepted by ``normalise=``; the default first."""
    return {"default": DEFAULT_REFERENCE, "items": [r.to_dict() for r in list_references()]}


@router.post("/datasets", status_code=201, summary="Upload an assay file (CSV/XLSX) as a dataset",
             responses={400: {"description": "the file or a field is invalid; nothing stored"},
                        413: {"description": "file too large"}})
def upload_dataset(
    db: DbDep,
    viewer: ViewerDep,
    file: Annotated[UploadFile, File(description="Assay table: .csv, .tsv, .txt or .xlsx, one sample per row.")],
    name: Annotated[str | None, Form(max_length=256)] = None,
    units: Annotated[str | None, Form(description="'ppm', 'ppb', 'pct', 'g/t' for every column without a unit, "
                                                  "or a JSON object {column: unit}.")] = None,
    visibility: Annotated[Literal["private", "partners", "public"], Form()] = "public",
    sheet: Annotated[str | None, Form(description="XLSX sheet name (default the first).")] = None,
    id_columns: Annotated[str | None, Form(description="Comma list of id columns.")] = None,
    lon_column: Annotated[str | None, Form()] = None,
    lat_column: Annotated[str | None, Form()] = None,
) -> Response:
    """Read the file (400 naming file/row/column on bad input, nothing stored), store it and its table."""
    _check_tables(db)
    filename = Path(file.filename or "upload.csv").name or "upload.csv"
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(SUFFIXES)}",
                         file=filename)
    unit_spec = _parse_units(units)
    with tempfile.TemporaryDirectory(prefix="critmin-geochem-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        digest = hashlib.sha256()
        size = 0
        with path.open("wb") as fh:
            while chunk := file.file.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    return problem(413, "Content too large", f"{filename} is larger than "
                                   f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split it or use the CLI")
                digest.update(chunk)
                fh.write(chunk)
        if size == 0:
            raise InputError("the uploaded file is empty", file=filename)
        table = read_upload(path, filename=filename, units=unit_spec, sheet=(sheet or None),
                            id_columns=_split(id_columns))
    dataset_id = create_dataset(db, table, name=name or filename, filename=filename,
                                content_sha256=digest.hexdigest(),
                                organisation=viewer or get_settings().organisation, artefact_root=artefact_root(),
                                visibility=visibility, lon_column=lon_column or None, lat_column=lat_column or None)
    with db.session() as s:
        doc = dataset_summary(get_dataset(s, dataset_id))
    return JSONResponse(doc, status_code=201, headers={"Location": doc["url"]})


@router.get("/datasets", response_model=DatasetPage, summary="Geochemistry datasets, newest first")
def datasets(session: SessionDep, viewer: ViewerDep, db: DbDep,
             limit: Annotated[int, Query(ge=1, le=1000)] = 100,
             offset: Annotated[int, Query(ge=0)] = 0) -> DatasetPage:
    """Summaries of the visible datasets."""
    _check_tables(db)
    total, rows = list_datasets(session, viewer=viewer, limit=limit, offset=offset)
    return DatasetPage(total=total, items=[dataset_summary(r, full=False) for r in rows])


@router.get("/datasets/{dataset_id}", summary="One dataset: columns, units, censoring, coordinates")
def dataset(dataset_id: int, session: SessionDep, viewer: ViewerDep) -> dict[str, Any]:
    """404 if unknown or not visible."""
    return dataset_summary(_dataset(session, dataset_id, viewer))


@router.get("/datasets/{dataset_id}/metrics", response_model=None, summary="REE metrics and lambdas per sample",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def metrics(dataset_id: int, session: SessionDep, viewer: ViewerDep, normalise: NormaliseQ = DEFAULT_REFERENCE,
            format: Annotated[Literal["json", "csv"], Query()] = "json",
            limit: Annotated[int, Query(ge=1, le=MAX_METRIC_ROWS)] = 10_000,
            offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """One row per sample: ``row``, ``label``, id columns, then :func:`critmin.geochem.characterise` columns."""
    ds = _dataset(session, dataset_id, viewer)
    ref = resolve_reference_name(normalise)
    frame, meta = metrics_frame(ds, normalise=ref)
    page = frame.iloc[offset:offset + limit]
    if format == "csv":
        return Response(page.to_csv(index=False, lineterminator="\n"), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="geochem_{dataset_id}_metrics.csv"'})
    return JSONResponse({"dataset_id": dataset_id, "normaliser": ref, "total": len(frame), "offset": offset,
                         "limit": limit, "columns": [str(c) for c in frame.columns],
                         "numeric_columns": _numeric_columns(frame), "rows": _records(page), "metadata": meta})


@router.get("/datasets/{dataset_id}/normalised", response_model=None,
            summary="Normalised REE patterns per sample (REE diagrams)")
def normalised(dataset_id: int, session: SessionDep, viewer: ViewerDep, normalise: NormaliseQ = DEFAULT_REFERENCE,
               samples: SamplesQ = None) -> Response:
    """Per sample: element → sample/reference (La … Lu without Pm, then Y); null where not positive/finite."""
    ds = _dataset(session, dataset_id, viewer)
    ref = resolve_reference_name(normalise)
    table = load_table(ds)
    rows = _rows(samples, len(table.data))
    norm = _normalised(table, ref, rows)
    labels = sample_labels(ds, table)
    idx = rows if rows is not None else list(range(len(table.data)))
    values = norm.to_numpy(dtype=float)
    els = [str(c) for c in norm.columns]
    out = []
    for i, r in enumerate(idx):
        v = values[i]
        out.append({"row": r, "label": labels[r],
                    "values": {e: (float(x) if math.isfinite(x) and x > 0 else None) for e, x in zip(els, v,
                                                                                                     strict=True)}})
    info = reference_info(ref)
    return JSONResponse({"dataset_id": dataset_id, "normaliser": ref, "citation": info.citation, "doi": info.doi,
                         "elements": els, "samples": out})


@router.get("/datasets/{dataset_id}/qaqc", response_model=None,
            summary="QA/QC report: CRMs, duplicates, blanks per batch")
def qaqc(dataset_id: int, session: SessionDep, viewer: ViewerDep,
         batch_column: Annotated[str | None, Query(description="Column whose value is the batch.")] = None,
         run_length: Annotated[int | None, Query(ge=1, description="Batches of consecutive rows.")] = None,
         id_column: Annotated[str | None, Query(description="Sample id column (default detected).")] = None,
         tolerance_pct: Annotated[float, Query(gt=0, le=100, description="Accuracy tolerance (% of the certified "
                                               "value) for CRM values without a certificate SD.")] = 10.0,
         include: Annotated[str | None, Query(description="Comma list: crm_points, duplicate_pairs, classes.")]
         = None) -> Response:
    """Summary tables of :func:`critmin.geochem.qaqc.qaqc_report`; large tables only when asked for."""
    ds = _dataset(session, dataset_id, viewer)
    extra = _split(include) or []
    bad = [x for x in extra if x not in QAQC_TABLES]
    if bad:
        raise InputError(f"include: unknown table(s) {bad}; expected {', '.join(QAQC_TABLES)}", column="include")
    if batch_column is not None and run_length is not None:
        raise InputError("give batch_column or run_length, not both", column="run_length")
    table = load_table(ds)
    report = qaqc_report(table, batch_column=batch_column or None, run_length=run_length, id_column=id_column or None,
                         tolerance_pct=tolerance_pct)
    full = report.to_dict()
    doc: dict[str, Any] = {"dataset_id": dataset_id}
    for key in ("batches", "crm", "duplicates", "blanks"):
        doc[key] = full[key]
    doc["counts"] = {k: len(full[k]) for k in QAQC_TABLES}
    doc["metadata"] = full["metadata"]
    doc["run"] = full["run"]
    for key in extra:
        doc[key] = full[key]
    return JSONResponse(json_safe(doc))


def _flag_column(metric: str, columns: list[str]) -> str | None:
    base = metric.removesuffix("_ppm").removesuffix("_pct")
    for cand in (f"{metric}_flag", f"{base}_flag", "lambda_flag" if metric.startswith("lambda") else ""):
        if cand and cand in columns:
            return cand
    return None


@router.get("/datasets/{dataset_id}/samples.geojson", response_model=None,
            summary="Samples with coordinates as GeoJSON points carrying a metric",
            responses={200: {"content": {"application/geo+json": {}}}})
def samples_geojson(dataset_id: int, session: SessionDep, viewer: ViewerDep,
                    metric: Annotated[str, Query(description="A numeric metrics column or an element symbol "
                                                             "(ppm).")] = "treo_ppm",
                    normalise: NormaliseQ = DEFAULT_REFERENCE) -> Response:
    """One Point per sample with valid lon/lat (404 if the dataset has no coordinate columns)."""
    ds = _dataset(session, dataset_id, viewer)
    if not (ds.lon_column and ds.lat_column):
        raise NotFoundError(f"geochemistry dataset {dataset_id} has no coordinate columns; upload it with "
                            "lon_column and lat_column (or columns named lon/lat, longitude/latitude)")
    ref = resolve_reference_name(normalise)
    table = load_table(ds)
    flags: np.ndarray | None = None
    if table.data.shape[1] and metric in set(table.to_ppm().columns) and metric not in ("row", "label"):
        values = table.to_ppm()[metric].to_numpy(dtype=float)
        flags = table.censored_by_element()[metric].astype(str).to_numpy()
    else:
        frame, _meta = metrics_frame(ds, normalise=ref, table=table)
        numeric = _numeric_columns(frame)
        if metric not in numeric:
            raise InputError(f"metric {metric!r} is not a numeric metric or an element of this dataset; expected "
                             f"one of {numeric[:40]} or an element symbol", column="metric")
        values = frame[metric].to_numpy(dtype=float)
        fc = _flag_column(metric, [str(c) for c in frame.columns])
        flags = frame[fc].astype(str).to_numpy() if fc else None
    lon = pd.to_numeric(table.passthrough[ds.lon_column], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(table.passthrough[ds.lat_column], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    labels = sample_labels(ds, table)
    features = []
    for i in np.flatnonzero(ok).tolist():
        v = float(values[i])
        props: dict[str, Any] = {"row": i, "label": labels[i], "value": v if math.isfinite(v) else None}
        if flags is not None:
            props["flag"] = str(flags[i])
        features.append({"type": "Feature", "id": i,
                         "geometry": {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]},
                         "properties": props})
    doc = {"type": "FeatureCollection", "metric": metric, "normaliser": ref, "numberMatched": len(features),
           "excluded": int((~ok).sum()), "features": features}
    return Response(json.dumps(doc, allow_nan=False), media_type="application/geo+json")


def _svg(fig: Any) -> str:
    import matplotlib as mpl

    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "critmin"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


@router.get("/datasets/{dataset_id}/plots/ree.svg", response_model=None, summary="Normalised REE diagram (SVG)",
            responses={200: {"content": {"image/svg+xml": {}}}})
def ree_svg(dataset_id: int, session: SessionDep, viewer: ViewerDep, normalise: NormaliseQ = DEFAULT_REFERENCE,
            samples: SamplesQ = None, include_y: bool = False) -> Response:
    """:func:`critmin.plot.geochem.plot_ree_diagram` of the chosen samples (all by default)."""
    from critmin.plot.geochem import plot_ree_diagram

    ds = _dataset(session, dataset_id, viewer)
    ref = resolve_reference_name(normalise)
    table = load_table(ds)
    rows = _rows(samples, len(table.data))
    norm = _normalised(table, ref, rows)
    labels = sample_labels(ds, table)
    chosen = rows if rows is not None else list(range(len(table.data)))
    fig = plot_ree_diagram(norm.reset_index(drop=True), normalised=True, include_y=include_y,
                           labels=[labels[r] for r in chosen], title=f"{ds.name}: REE normalised to {ref}")
    return Response(_svg(fig), media_type="image/svg+xml")


__all__ = ["MAX_UPLOAD_BYTES", "artefact_root", "router"]
