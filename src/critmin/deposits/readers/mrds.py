"""Reader for the USGS Mineral Resources Data System (MRDS) CSV layout.

The layout has 45 columns (see :data:`MRDS_COLUMNS`), optionally a 46th ``score`` (location
quality A–E). One row is one site; ``dep_id`` is the record id. Coordinates are geographic
(MRDS mixes NAD27 and WGS 84 without saying which; they are taken as EPSG:4326 unless the mapping
gives ``crs``). Commodities: ``commod1`` main, ``commod2`` by-product, ``commod3`` trace (role
``unknown``; the cell is kept in ``attributes``).

References
----------
USGS, 2011, Mineral Resources Data System (MRDS): mrdata.usgs.gov/mrds (metadata and FAQ).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from critmin.deposits import vocab
from critmin.deposits.readers.base import ReadResult
from critmin.deposits.readers.common import (
    dataset_info,
    deposit_type_of,
    read_csv_rows,
    require_columns,
    split_names,
    status_of,
)
from critmin.deposits.readers.coords import check_range, normalise_crs, parse_coordinate_column
from critmin.deposits.schema import Commodity, SiteRecord, SourceFile
from critmin.errors import InputError
from critmin.progress import Progress, no_progress

MRDS_COLUMNS: Final[tuple[str, ...]] = (
    "dep_id", "url", "mrds_id", "mas_id", "site_name", "latitude", "longitude", "region", "country",
    "state", "county", "com_type", "commod1", "commod2", "commod3", "oper_type", "dep_type",
    "prod_size", "dev_stat", "ore", "gangue", "other_matl", "orebody_fm", "work_type", "model",
    "alteration", "conc_proc", "names", "ore_ctrl", "reporter", "hrock_unit", "hrock_type",
    "arock_unit", "arock_type", "structure", "tectonic", "ref", "yfp_ba", "yr_fst_prd", "ylp_ba",
    "yr_lst_prd", "dy_ba", "disc_yr", "prod_yrs", "discr",
)

#: Approximate location uncertainty (metres) assigned to each MRDS location score. critmin's own
#: convention (MRDS documents the grades, not distances): A survey-grade, B within a section
#: (~1 mile), C within a township (~6 miles), D county/district level, E country/region level.
SCORE_ACCURACY_M: Final[dict[str, float]] = {"A": 100.0, "B": 1_000.0, "C": 5_000.0, "D": 20_000.0,
                                             "E": 100_000.0}

#: columns turned into typed fields (everything else non-empty goes to ``attributes``)
_TYPED: Final = frozenset({"dep_id", "site_name", "latitude", "longitude", "country", "state",
                           "commod1", "commod2", "commod3", "dev_stat", "names", "ref", "score"})
_PROGRESS_EVERY: Final = 1000


@lru_cache(maxsize=65536)
def _mrds_commodities(cell: str, role: str) -> tuple[Commodity, ...]:
    """MRDS commodity cell: comma-separated names where some names contain ", " themselves
    ("Stone, Crushed/Broken", "Sand and Gravel, Construction"); unknown items that follow a known
    one are merged into it as a qualifier."""
    return tuple(
        Commodity(symbol=sym or observed, role=role, observed=observed)  # type: ignore[arg-type]
        for observed, sym in vocab.normalise_commodities(cell, separators=",;", merge_qualifiers=True)
    )


@lru_cache(maxsize=65536)
def _aliases(cell: str) -> tuple[str, ...]:
    return tuple(split_names(cell, seps=";|"))


def read_mrds(
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    mapping: Mapping[str, Any] | None = None,
    progress: Progress = no_progress,
) -> ReadResult:
    """Read one or more MRDS-layout CSV files.

    Parameters
    ----------
    paths
        CSV files with the 45 MRDS columns (any order; a 46th ``score`` column is optional).
    source
        Dataset source identifier (default ``"mrds"``).
    mapping
        Optional settings; only ``crs`` (e.g. ``"EPSG:4267"`` for NAD27) is used.
    progress
        Called every 1,000 rows with (rows done, total rows, message).

    Returns
    -------
    ReadResult
        One dataset, one :class:`SiteRecord` per row (``record_id`` = ``dep_id``).

    Raises
    ------
    InputError
        Missing columns (all listed), a non-numeric or out-of-range coordinate (file, row, column),
        an empty or repeated ``dep_id``. Nothing is returned on error.
    """
    src = source or "mrds"
    ps = [Path(p) for p in paths]
    crs = normalise_crs((mapping or {}).get("crs"))
    sites: list[SiteRecord] = []
    warnings: list[str] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects: skip generational GC while building
    try:
        tables = [(p, *read_csv_rows(p)) for p in ps]
        for p, header, _ in tables:
            require_columns(header, MRDS_COLUMNS, file=p, layout="MRDS (45 columns)")
        total = sum(len(rows) for _, _, rows in tables)
        seen: dict[str, tuple[Path, int]] = {}
        done = 0
        for p, header, rows in tables:
            done = _read_table(p, header, rows, src, crs, sites, warnings, seen, done, total, progress)
    finally:
        if gc_was_enabled:
            gc.enable()
    progress(len(sites), len(sites), "MRDS read")
    return ReadResult(datasets={src: dataset_info(src, "mrds", ps)}, sites=sites, warnings=warnings)


def _read_table(
    p: Path,
    header: list[str],
    rows: list[list[str]],
    src: str,
    crs: str,
    sites: list[SiteRecord],
    warnings: list[str],
    seen: dict[str, tuple[Path, int]],
    done: int,
    total: int,
    progress: Progress,
) -> int:
    col = {c: j for j, c in enumerate(header)}
    width = len(header)
    for i, r in enumerate(rows):
        if len(r) != width:
            raise InputError(f"row has {len(r)} fields, the header has {width}; check quoting",
                             file=p, row=i + 1)
    lat = parse_coordinate_column(pd.Series([r[col["latitude"]] for r in rows], dtype=object),
                                  column="latitude", file=p, fmt="decimal")
    lon = parse_coordinate_column(pd.Series([r[col["longitude"]] for r in rows], dtype=object),
                                  column="longitude", file=p, fmt="decimal")
    check_range(lat, axis="lat", column="latitude", file=p)
    check_range(lon, axis="lon", column="longitude", file=p)
    ok = (np.isfinite(lat) & np.isfinite(lon)).tolist()
    lat_l, lon_l = lat.tolist(), lon.tolist()
    if not all(ok):
        warnings.append(f"{p}: {ok.count(False)} row(s) without a location")
    j_id, j_name, j_country, j_state = col["dep_id"], col["site_name"], col["country"], col["state"]
    j_c1, j_c2, j_c3, j_dev = col["commod1"], col["commod2"], col["commod3"], col["dev_stat"]
    j_names, j_ref, j_model, j_score = col["names"], col["ref"], col["model"], col.get("score")
    attr_idx = [(c, j) for c, j in col.items() if c not in _TYPED or c == "commod3"]
    fname = str(p)
    start = len(sites)
    for i, r in enumerate(rows):
        rid = r[j_id].strip()
        if not rid:
            raise InputError("dep_id is empty; every MRDS row needs its record id",
                             file=p, row=i + 1, column="dep_id")
        if rid in seen:
            where = seen[rid]
            raise InputError(f"dep_id {rid!r} was already read from {where[0]} row {where[1]}; "
                             "record ids must be unique", file=p, row=i + 1, column="dep_id")
        seen[rid] = (p, i + 1)
        name = r[j_name].strip() or None
        model = r[j_model]
        dt = deposit_type_of(model, "mrds model") if model else None
        sc = r[j_score].strip().upper() if j_score is not None else ""
        ref = r[j_ref].strip()
        sites.append(SiteRecord(
            source=src,
            record_id=rid,
            name=name,
            aliases=[a for a in _aliases(r[j_names]) if a != name] if r[j_names] else [],
            lon=lon_l[i] if ok[i] else None,
            lat=lat_l[i] if ok[i] else None,
            crs=crs,
            location_accuracy_m=SCORE_ACCURACY_M.get(sc),
            location_quality=sc or None,
            country=r[j_country].strip() or None,
            state=r[j_state].strip() or None,
            commodities=[*_mrds_commodities(r[j_c1], "main"), *_mrds_commodities(r[j_c2], "byproduct"),
                         *_mrds_commodities(r[j_c3], "unknown")],
            deposit_types=[dt] if dt is not None else [],
            status=status_of(r[j_dev]),
            references=[ref] if ref else [],
            attributes={c: r[j] for c, j in attr_idx if r[j]},
            origin=SourceFile(fname, i + 1),
        ))
        if (done + i + 1) % _PROGRESS_EVERY == 0:
            progress(done + i + 1, total, f"MRDS {p.name}")
    return done + len(sites) - start
