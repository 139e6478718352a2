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

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from critmin.deposits.readers.base import ReadResult
from critmin.deposits.readers.common import (
    commodities_of,
    dataset_info,
    deposit_type_of,
    read_csv_text,
    require_columns,
    split_names,
    status_of,
)
from critmin.deposits.readers.coords import check_range, normalise_crs, parse_coordinate_column
from critmin.deposits.schema import SiteRecord, SourceFile
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
        an empty or duplicated ``dep_id``. Nothing is returned on error.
    """
    src = source or "mrds"
    ps = [Path(p) for p in paths]
    crs = normalise_crs((mapping or {}).get("crs"))
    frames = []
    for p in ps:
        df = read_csv_text(p)
        df.columns = [str(c).strip().lower() for c in df.columns]
        require_columns(df, MRDS_COLUMNS, file=p, layout="MRDS (45 columns)")
        frames.append((p, df))
    total = sum(len(df) for _, df in frames)
    sites: list[SiteRecord] = []
    warnings: list[str] = []
    seen: dict[str, tuple[Path, int]] = {}
    done = 0
    for p, df in frames:
        n = len(df)
        lat = parse_coordinate_column(df["latitude"], column="latitude", file=p, fmt="decimal")
        lon = parse_coordinate_column(df["longitude"], column="longitude", file=p, fmt="decimal")
        check_range(lat, axis="lat", column="latitude", file=p)
        check_range(lon, axis="lon", column="longitude", file=p)
        ids = df["dep_id"].str.strip()
        empty = np.flatnonzero((ids == "").to_numpy())
        if empty.size:
            raise InputError("dep_id is empty; every MRDS row needs its record id",
                             file=p, row=int(empty[0]) + 1, column="dep_id")
        dup = ids.duplicated()
        if dup.any():
            i = int(np.flatnonzero(dup.to_numpy())[0])
            raise InputError(f"dep_id {ids.iloc[i]!r} occurs twice in the file; record ids must be unique",
                             file=p, row=i + 1, column="dep_id")
        has_score = "score" in df.columns
        score = df["score"].str.strip().str.upper() if has_score else None
        attr_cols = [c for c in df.columns if c not in _TYPED]
        attr_values = df[attr_cols].to_numpy(dtype=object)
        cols = {c: df[c].tolist() for c in ("site_name", "country", "state", "commod1", "commod2",
                                            "commod3", "dev_stat", "names", "ref", "model")}
        id_list = ids.tolist()
        ok = (np.isfinite(lat) & np.isfinite(lon)).tolist()
        lat_l, lon_l = lat.tolist(), lon.tolist()
        score_l = score.tolist() if score is not None else [""] * n
        fname = str(p)
        for i in range(n):
            rid = id_list[i]
            if rid in seen:
                raise InputError(
                    f"dep_id {rid!r} was already read from {seen[rid][0]} row {seen[rid][1]}; "
                    "pass each MRDS file once", file=p, row=i + 1, column="dep_id")
            seen[rid] = (p, i + 1)
            commodities = [*commodities_of(cols["commod1"][i], "main"),
                           *commodities_of(cols["commod2"][i], "byproduct"),
                           *commodities_of(cols["commod3"][i], "unknown")]
            dt = deposit_type_of(cols["model"][i], "mrds model") if cols["model"][i] else None
            sc = score_l[i]
            name = cols["site_name"][i].strip() or None
            attrs = {c: v for c, v in zip(attr_cols, attr_values[i], strict=True) if v}
            if cols["commod3"][i]:
                attrs["commod3"] = cols["commod3"][i]
            sites.append(SiteRecord(
                source=src,
                record_id=rid,
                name=name,
                aliases=[a for a in split_names(cols["names"][i]) if a != name],
                lon=lon_l[i] if ok[i] else None,
                lat=lat_l[i] if ok[i] else None,
                crs=crs,
                location_accuracy_m=SCORE_ACCURACY_M.get(sc),
                location_quality=sc or None,
                country=cols["country"][i].strip() or None,
                state=cols["state"][i].strip() or None,
                commodities=commodities,
                deposit_types=[dt] if dt is not None else [],
                status=status_of(cols["dev_stat"][i]),
                references=[cols["ref"][i].strip()] if cols["ref"][i].strip() else [],
                attributes=attrs,
                origin=SourceFile(fname, i + 1),
            ))
            done += 1
            if done % _PROGRESS_EVERY == 0:
                progress(done, total, f"MRDS {p.name}")
        if not ok or not all(ok):
            missing = n - int(np.count_nonzero(np.isfinite(lat) & np.isfinite(lon)))
            if missing:
                warnings.append(f"{p}: {missing} row(s) without a location")
    progress(done, total, "MRDS read")
    return ReadResult(datasets={src: dataset_info(src, "mrds", ps)}, sites=sites, warnings=warnings)
