"""Geochemistry datasets: uploaded assay files stored as Parquet artefacts, with their metrics cached.

An assay file read by :func:`critmin.geochem.assays.read_assays` is stored as one ``geochem_dataset`` row (name,
organisation, visibility, file name and hash, units and analytes per column, id and coordinate columns, a JSON
summary) and the parsed table in ``<artefact_root>/<id>/``:

* ``data.parquet`` — analyte values in each column's own unit (NaN where missing or below detection);
* ``censored.parquet`` — censoring code per cell (``""``, ``"<"``, ``">"``, ``"missing"``);
* ``detection_limit.parquet`` — limit per cell (NaN if none);
* ``passthrough.parquet`` — id and unknown columns, as text (missing → null);
* ``metrics-<normaliser>.parquet`` (+ ``.json`` conventions) — :func:`critmin.geochem.characterise` results,
  written on first request (a cache: deleting it is harmless).

:func:`load_table` rebuilds the :class:`~critmin.geochem.assays.AssayTable`, so every result equals the library's
on the same file. The service uses ``<data_dir>/artefacts/geochem`` as the artefact root.

Visibility follows the datasets' rule (:mod:`critmin.store.sites`): public datasets are visible to all,
``partners`` ones to any known organisation, private ones to their organisation; ``viewer="*"`` sees all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from critmin.errors import InputError, NotFoundError
from critmin.geochem.assays import CENSOR_CODES, AssayTable, read_assays
from critmin.geochem.characterise import characterise
from critmin.geochem.elements import REE
from critmin.geochem.oxides import species_to_element_factor
from critmin.geochem.references import DEFAULT_REFERENCE, resolve_reference_name
from critmin.jsonsafe import json_safe
from critmin.provenance import utcnow
from critmin.store.db import Database
from critmin.store.sites import ADMIN, get_or_create_organisation
from critmin.store.tables import GeochemDataset
from critmin.store.visibility import get_visible, iso_utc, list_visible

__all__ = ["VISIBILITIES", "artefact_dir", "create_dataset", "dataset_summary", "detect_coordinates",
           "get_dataset", "list_datasets", "load_table", "metrics_frame", "read_upload", "sample_labels"]

VISIBILITIES: Final = ("private", "partners", "public")
_FILES: Final = ("data", "censored", "detection_limit", "passthrough")
_LON_NAMES: Final = ("lon", "long", "longitude", "lng", "lon_dd", "long_dd", "longitude_dd", "lon_wgs84",
                     "long_wgs84", "longitude_wgs84", "x_wgs84", "decimal_longitude", "dec_long", "londd")
_LAT_NAMES: Final = ("lat", "latitude", "lat_dd", "latitude_dd", "lat_wgs84", "latitude_wgs84", "y_wgs84",
                     "decimal_latitude", "dec_lat", "latdd")
_LABEL_KEYS: Final = ("sample_id", "sampleid", "sample_no", "sampleno", "sampno", "sample", "sample_name", "id",
                      "name")
_CACHE_LOCK = threading.Lock()


# ------------------------------------------------------------------------------------------ reading


def read_upload(path: Path, *, filename: str, units: str | dict[str, str] | None = None, sheet: str | None = None,
                id_columns: list[str] | None = None) -> AssayTable:
    """:func:`~critmin.geochem.assays.read_assays` on an uploaded copy, errors naming ``filename``, not the copy.

    Raises
    ------
    InputError
        As ``read_assays`` (file, 1-based data row and column named), or an empty file.
    """
    try:
        table = read_assays(path, units=units, sheet=sheet, id_columns=id_columns)
    except InputError as exc:
        raise InputError(exc.detail, file=filename, row=exc.row, column=exc.column) from None
    except (ValueError, KeyError, OSError) as exc:  # unreadable workbook, bad sheet name, …
        raise InputError(f"cannot read the file: {exc}; expected a CSV/TSV or XLSX assay table", file=filename
                         ) from None
    if table.data.shape[1] == 0:
        raise InputError("no analyte column found; expected element or oxide columns such as 'La_ppm' or "
                         f"'CeO2_pct' (columns are {[str(c) for c in table.passthrough.columns][:20]})",
                         file=filename)
    if len(table.data) == 0:
        raise InputError("the file has no data rows", file=filename)
    table.source = filename
    return table


def _key(name: str) -> str:
    return re.sub(r"[\s\-.()]+", "_", name.strip().lower()).strip("_")


def detect_coordinates(passthrough: pd.DataFrame, *, lon_column: str | None = None,
                       lat_column: str | None = None) -> tuple[str | None, str | None]:
    """Longitude and latitude columns among the passthrough columns (given names checked, else by name).

    Raises
    ------
    InputError
        A given column is missing, or only one of the two is given.
    """
    cols = [str(c) for c in passthrough.columns]
    for given, what in ((lon_column, "lon_column"), (lat_column, "lat_column")):
        if given and given not in cols:
            raise InputError(f"{what} {given!r} is not a column of the file (non-analyte columns are {cols})",
                             column=what)
    if lon_column and lat_column:
        return lon_column, lat_column
    if lon_column or lat_column:
        raise InputError("give both lon_column and lat_column (or neither, to detect them by name)",
                         column="lon_column" if not lon_column else "lat_column")
    by_key = {_key(c): c for c in cols}
    lon = next((by_key[k] for k in _LON_NAMES if k in by_key), None)
    lat = next((by_key[k] for k in _LAT_NAMES if k in by_key), None)
    if lon is None or lat is None:
        return None, None
    return lon, lat


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c in frame.columns:
        s = frame[c].astype(object)
        out[str(c)] = s.where(s.notna(), None).map(lambda v: v if v is None else str(v).strip())
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), columns=[str(c) for c in frame.columns])


def _elements(table: AssayTable) -> list[str]:
    seen: list[str] = []
    for c in table.data.columns:
        try:
            el, _ = species_to_element_factor(table.analytes[c])
        except InputError:
            continue
        if el not in seen:
            seen.append(el)
    return seen


def _label_column(passthrough: pd.DataFrame) -> str | None:
    """The sample-id-like column with the most non-empty values (first in :data:`_LABEL_KEYS` order on ties)."""
    by_key = {_key(str(c)): str(c) for c in passthrough.columns}
    cands = [by_key[k] for k in _LABEL_KEYS if k in by_key]
    if not cands:
        return None
    filled = {c: int(passthrough[c].astype(object).map(lambda v: v is not None and not (isinstance(v, float) and
                                                                                      np.isnan(v))
                                                       and str(v).strip() != "").sum()) for c in cands}
    return max(cands, key=lambda c: (filled[c], -cands.index(c)))


# ------------------------------------------------------------------------------------------ persistence


def artefact_dir(root: Path, dataset_id: int) -> Path:
    """Where dataset ``dataset_id`` keeps its artefacts."""
    return Path(root) / str(dataset_id)


def _write_table(target: Path, table: AssayTable) -> None:
    target.mkdir(parents=True, exist_ok=True)
    table.data.reset_index(drop=True).to_parquet(target / "data.parquet", index=False)
    table.censored.astype(str).reset_index(drop=True).to_parquet(target / "censored.parquet", index=False)
    table.detection_limit.reset_index(drop=True).to_parquet(target / "detection_limit.parquet", index=False)
    _as_text(table.passthrough).to_parquet(target / "passthrough.parquet", index=False)


def create_dataset(db: Database, table: AssayTable, *, name: str, filename: str, content_sha256: str,
                   organisation: str, artefact_root: Path, visibility: str = "public",
                   lon_column: str | None = None, lat_column: str | None = None) -> int:
    """Store ``table`` as a new dataset (its own transaction) and return its id.

    The artefacts are written before the row is committed; on any failure neither the row nor the artefact
    directory is left behind.

    Raises
    ------
    InputError
        Bad visibility or name, or coordinate columns not in the file.
    """
    if visibility not in VISIBILITIES:
        raise InputError(f"visibility {visibility!r}: expected private, partners or public", column="visibility")
    label = (name or "").strip() or Path(filename).name
    lon, lat = detect_coordinates(table.passthrough, lon_column=lon_column, lat_column=lat_column)
    ids = [str(c) for c in table.passthrough.columns]
    summary = json_safe({**table.to_dict(), "elements": _elements(table),
                         "label_column": _label_column(table.passthrough)})
    summary.pop("source", None)
    final: Path | None = None
    try:
        with db.transaction() as s:
            org = get_or_create_organisation(s, organisation)
            ds = GeochemDataset(
                name=label[:256], organisation_id=org.id, visibility=visibility, filename=Path(filename).name[:512],
                content_sha256=content_sha256, n_samples=len(table.data), units=dict(table.units),
                analytes={str(k): v for k, v in table.analytes.items()}, id_columns=ids, lon_column=lon,
                lat_column=lat, summary=summary, created_at=utcnow())
            s.add(ds)
            s.flush()
            final = artefact_dir(artefact_root, ds.id)
            shutil.rmtree(final, ignore_errors=True)  # a leftover of a rolled-back upload with the same id
            _write_table(final, table)
            ds.artefact_dir = str(final)
            dataset_id = int(ds.id)
    except BaseException:
        if final is not None:
            shutil.rmtree(final, ignore_errors=True)
        raise
    return dataset_id


def get_dataset(session: Session, dataset_id: int, *, viewer: str | None = ADMIN) -> GeochemDataset:
    """The dataset ``dataset_id`` if it exists and is visible to ``viewer`` (:class:`NotFoundError` otherwise)."""
    return get_visible(session, GeochemDataset, dataset_id, viewer=viewer, what="geochemistry dataset",
                       hint="list datasets with GET /api/geochem/datasets")


def list_datasets(session: Session, *, viewer: str | None = ADMIN, limit: int = 100,
                  offset: int = 0) -> tuple[int, list[GeochemDataset]]:
    """Visible datasets, newest first, and their total number (the JSON summary is not loaded)."""
    return list_visible(session, GeochemDataset, viewer=viewer, limit=limit, offset=offset,
                        deferred=(GeochemDataset.summary, GeochemDataset.units, GeochemDataset.analytes))




def dataset_summary(ds: GeochemDataset, *, full: bool = True) -> dict[str, Any]:
    """JSON view of a dataset (``full``: with units, analytes, elements, censoring counts and warnings)."""
    doc: dict[str, Any] = {
        "id": ds.id, "name": ds.name, "organisation": ds.organisation.code, "visibility": ds.visibility,
        "filename": ds.filename, "content_sha256": ds.content_sha256, "created_at": iso_utc(ds.created_at),
        "n_samples": ds.n_samples, "has_coordinates": bool(ds.lon_column and ds.lat_column),
        "url": f"/api/geochem/datasets/{ds.id}",
    }
    if not full:
        return doc
    summary = ds.summary or {}
    elements = list(summary.get("elements", []))
    ree = [e for e in REE if e in elements] + (["Y"] if "Y" in elements else [])
    doc.update({
        "analytes": dict(ds.analytes or {}), "units": dict(ds.units or {}), "elements": elements, "ree": ree,
        "id_columns": list(ds.id_columns or []), "label_column": summary.get("label_column"),
        "lon_column": ds.lon_column, "lat_column": ds.lat_column, "censoring": summary.get("censoring", {}),
        "all_censored": summary.get("all_censored", []), "warnings": summary.get("warnings", []),
    })
    return doc


def _artefact(ds: GeochemDataset, name: str) -> Path:
    if not ds.artefact_dir:
        raise NotFoundError(f"geochemistry dataset {ds.id} has no stored table")
    path = Path(ds.artefact_dir) / name
    if not path.exists():
        raise NotFoundError(f"artefact {name} of geochemistry dataset {ds.id} is missing from {ds.artefact_dir}; "
                            "upload the file again")
    return path


def load_table(ds: GeochemDataset) -> AssayTable:
    """The stored :class:`~critmin.geochem.assays.AssayTable` of a dataset (``source`` = the file name)."""
    frames = {k: pd.read_parquet(_artefact(ds, f"{k}.parquet")) for k in _FILES}
    codes = frames["censored"]
    dtype = pd.CategoricalDtype(CENSOR_CODES)
    censored = pd.DataFrame({c: pd.Categorical(codes[c].astype(str), dtype=dtype) for c in codes.columns},
                            index=codes.index)
    passthrough = frames["passthrough"].astype(object)
    passthrough = passthrough.where(passthrough.notna(), np.nan)
    summary = ds.summary or {}
    return AssayTable(data=frames["data"].astype(float), censored=censored,
                      detection_limit=frames["detection_limit"].astype(float), units=dict(ds.units or {}),
                      analytes=dict(ds.analytes or {}), passthrough=passthrough, source=ds.filename,
                      warnings=list(summary.get("warnings", [])))


def sample_labels(ds: GeochemDataset, table: AssayTable) -> list[str]:
    """A label per sample: the label column's value (or the 0-based row number where it is empty)."""
    col = (ds.summary or {}).get("label_column")
    n = len(table.data)
    if not col or col not in table.passthrough.columns:
        return [str(i) for i in range(n)]
    values = table.passthrough[col].tolist()
    return [str(v) if isinstance(v, str) and v else str(i) for i, v in enumerate(values)]


def _cache_name(reference: str) -> str:
    return "metrics-" + re.sub(r"[^a-z0-9_-]", "_", reference)


def metrics_frame(ds: GeochemDataset, *, normalise: str = DEFAULT_REFERENCE,
                  table: AssayTable | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`critmin.geochem.characterise` of the dataset (cached per normaliser) and its conventions.

    The frame starts with ``row`` (0-based sample number) and ``label`` (see :func:`sample_labels`), then the
    id columns and the metrics as the library returns them.
    """
    ref = resolve_reference_name(normalise)
    root = Path(ds.artefact_dir) if ds.artefact_dir else None
    name = _cache_name(ref)
    if root is not None and (root / f"{name}.parquet").exists() and (root / f"{name}.json").exists():
        try:
            meta: dict[str, Any] = json.loads((root / f"{name}.json").read_text(encoding="utf-8"))
            return pd.read_parquet(root / f"{name}.parquet"), meta
        except (OSError, ValueError):
            pass  # a damaged cache is recomputed
    tab = table if table is not None else load_table(ds)
    out = characterise(tab, normalise_to=ref)
    meta = json_safe(out.attrs.get("critmin", {}))
    out.insert(0, "label", sample_labels(ds, tab))
    out.insert(0, "row", np.arange(len(out), dtype=np.int64))
    out.attrs = {}
    if root is not None and root.exists():
        tag = f"{os.getpid()}-{threading.get_ident()}"
        with _CACHE_LOCK:
            try:
                tmp_p, tmp_j = root / f"{name}.{tag}.parquet.tmp", root / f"{name}.{tag}.json.tmp"
                out.to_parquet(tmp_p, index=False)
                tmp_j.write_text(json.dumps(meta, allow_nan=False), encoding="utf-8")
                os.replace(tmp_p, root / f"{name}.parquet")
                os.replace(tmp_j, root / f"{name}.json")
            except (OSError, ValueError):
                pass  # caching is an optimisation only
    return out, meta
