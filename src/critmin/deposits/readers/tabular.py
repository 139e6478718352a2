"""Reader for generic survey tables: CSV, XLSX, GeoJSON and GeoPackage, with a column mapping.

The mapping (:mod:`critmin.deposits.readers.mapping`, TOML layout in ``docs/formats.md``) names the
columns holding id, name, aliases (several scripts allowed: Devanagari names and their
transliterations are all kept as aliases), coordinates (decimal or degrees-minutes-seconds, any
EPSG CRS, transformed to WGS 84 with pyproj), country, state, status, commodities, deposit type
and one inventory line per row. Without a mapping, common column names are recognised.

GeoJSON and GeoPackage geometries are read with pyogrio: points give lon/lat; other geometries
give their representative point and keep their WKT in ``geometry_wkt``.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from critmin.deposits import vocab
from critmin.deposits.readers.base import ReadResult
from critmin.deposits.readers.common import (
    commodities_of,
    dataset_info,
    deposit_type_of,
    grade_fields,
    read_csv_text,
    split_names,
    text_or_none,
)
from critmin.deposits.readers.coords import check_range, normalise_crs, parse_coordinate_column, to_lonlat
from critmin.deposits.readers.mapping import TabularMapping, auto_mapping, load_mapping, parse_mapping
from critmin.deposits.schema import DatasetInfo, InventoryRecord, SiteRecord, SourceFile
from critmin.errors import InputError, UnitError
from critmin.limits import (
    check_row_count,
    check_vertices,
    check_zip_container,
    refuse_formula_cells,
    refuse_xlsx_formulas,
)
from critmin.progress import Progress, no_progress
from critmin.units import parse_number, to_tonnes

TabularFormat = Literal["csv", "xlsx", "geojson", "gpkg"]
_SUFFIX_FORMAT = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".geojson": "geojson",
                  ".json": "geojson", ".gpkg": "gpkg"}


def _resolve_mapping(mapping: Mapping[str, Any] | TabularMapping | str | Path | None) -> TabularMapping | None:
    if mapping is None:
        return None
    if isinstance(mapping, TabularMapping):
        return mapping
    if isinstance(mapping, (str, Path)):
        return load_mapping(mapping)
    if "path" in mapping and len(mapping) == 1:
        return load_mapping(mapping["path"])
    return parse_mapping(mapping)


def _load_frame(
    p: Path, fmt: str, m: TabularMapping | None
) -> tuple[pd.DataFrame, np.ndarray | None, np.ndarray | None, list[str | None] | None, str | None]:
    """(attribute table as text, geometry lon, lat, wkt, geometry CRS) of one file."""
    if fmt == "csv":
        return read_csv_text(p), None, None, None, None
    if fmt == "xlsx":
        check_zip_container(p)
        refuse_xlsx_formulas(p, m.sheet if m and m.sheet is not None else 0)
        try:
            df = pd.read_excel(p, sheet_name=(m.sheet if m and m.sheet is not None else 0), dtype=str)
        except (ValueError, OSError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            raise InputError(f"cannot read the workbook: {exc}", file=p) from exc
        df = df.fillna("")
        refuse_formula_cells(df, p)
        return df, None, None, None, None
    import pyogrio

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gdf = pyogrio.read_dataframe(p, layer=m.layer if m else None)
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise InputError(f"cannot read with GDAL/pyogrio: {exc}", file=p) from exc
    for w in caught:
        if "geometry type" in str(w.message).lower():  # GDAL replaced a geometry it could not read by NULL
            raise InputError(f"GDAL could not read a geometry: {w.message}", file=p, column="geometry")
    geom = gdf.geometry
    _check_geometries(p, geom)
    crs = gdf.crs.to_string() if gdf.crs is not None else None
    is_point = (geom.geom_type == "Point").to_numpy()
    pts = geom.where(is_point, geom.representative_point()) if len(geom) else geom
    empty = (geom.isna() | geom.is_empty).to_numpy()
    x = np.where(empty, np.nan, pts.x.to_numpy(dtype="float64", na_value=np.nan) if len(pts) else [])
    y = np.where(empty, np.nan, pts.y.to_numpy(dtype="float64", na_value=np.nan) if len(pts) else [])
    wkt = [None if (e or pt) else g.wkt for g, e, pt in zip(geom, empty, is_point, strict=True)]
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    df = df.astype(object).where(df.notna(), "").astype(str)
    refuse_formula_cells(df, p)
    return df, x, y, wkt, crs


def _check_geometries(p: Path, geom: Any) -> None:
    """Refuse too many features, over-complex, non-finite and invalid (e.g. self-intersecting) geometries."""
    import shapely

    check_row_count(len(geom), p)
    arr = geom.to_numpy()
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    check_vertices(np.where(present, shapely.get_num_coordinates(arr), 0), p)
    coords, owner = shapely.get_coordinates(arr, return_index=True)
    bad_owner = owner[~np.isfinite(coords).all(axis=1)]
    if bad_owner.size:
        i = int(bad_owner.min())
        raise InputError("the geometry has a NaN or infinite coordinate", file=p, row=i + 1, column="geometry")
    valid = np.where(present, shapely.is_valid(arr), True)
    if not valid.all():
        i = int(np.argmin(valid))
        raise InputError(f"invalid geometry ({shapely.is_valid_reason(arr[i])}); repair it (e.g. QGIS 'Fix "
                         "geometries' or shapely.make_valid) before importing", file=p, row=i + 1, column="geometry")


def read_tabular(
    paths: Sequence[str | Path],
    *,
    format: TabularFormat | None = None,
    source: str | None = None,
    mapping: Mapping[str, Any] | TabularMapping | str | Path | None = None,
    progress: Progress = no_progress,
) -> ReadResult:
    """Read survey tables with a column mapping (or recognised column names).

    Parameters
    ----------
    paths
        CSV, XLSX, GeoJSON or GeoPackage files.
    format
        ``"csv"``, ``"xlsx"``, ``"geojson"`` or ``"gpkg"``; default from each file's suffix.
    source
        Dataset source identifier; default each file's stem (one dataset per file).
    mapping
        A parsed mapping (dict as from TOML), a :class:`TabularMapping`, or the path of a mapping
        TOML file. ``None`` recognises common column names.
    progress
        Called every 1,000 rows.

    Raises
    ------
    InputError
        Unreadable files, mapped columns that do not exist, undeterminable id/location columns (the
        columns found are listed), bad coordinates, numbers or units (file, row, column).
    """
    m0 = _resolve_mapping(mapping)
    sites: list[SiteRecord] = []
    datasets: dict[str, DatasetInfo] = {}
    warnings: list[str] = []
    for p in (Path(q) for q in paths):
        fmt = format or _SUFFIX_FORMAT.get(p.suffix.lower())
        if fmt not in ("csv", "xlsx", "geojson", "gpkg"):
            raise InputError(f"cannot tell the format from the suffix {p.suffix!r}; pass --format "
                             "csv, xlsx, geojson or gpkg", file=p)
        df, gx, gy, wkt, gcrs = _load_frame(p, fmt, m0)
        if len(df) == 0:
            raise InputError("the file has no rows (a header or layer without records); expected at least one site",
                             file=p)
        df.columns = [str(c).strip() for c in df.columns]
        m = m0 if m0 is not None else auto_mapping(list(df.columns), file=p, has_geometry=gx is not None)
        missing = [c for c in m.used_columns() if c not in df.columns]
        if missing:
            raise InputError(f"mapped column(s) {', '.join(missing)} not in the file; columns found: "
                             f"{', '.join(df.columns)}", file=p)
        src = source or p.stem
        new = _rows_to_sites(p, df, m, gx, gy, wkt, gcrs, src, progress, len(sites))
        sites.extend(new)
        if src in datasets:
            prev = datasets[src]
            datasets[src] = dataset_info(src, fmt, [*map(Path, prev.files), p])
        else:
            datasets[src] = dataset_info(src, fmt, [p])
        nloc = sum(1 for s in new if s.lat is None)
        if nloc:
            warnings.append(f"{p}: {nloc} row(s) without a location")
    progress(len(sites), len(sites), "tables read")
    return ReadResult(datasets=datasets, sites=sites, warnings=warnings)


def _rows_to_sites(
    p: Path,
    df: pd.DataFrame,
    m: TabularMapping,
    gx: np.ndarray | None,
    gy: np.ndarray | None,
    wkt: list[str | None] | None,
    gcrs: str | None,
    src: str,
    progress: Progress,
    offset: int,
) -> list[SiteRecord]:
    c = m.columns
    n = len(df)
    try:
        crs = normalise_crs(m.crs) if m.crs else None
    except InputError as exc:
        raise exc.located(file=p) from None
    if "lat" in c and "lon" in c:
        lat = parse_coordinate_column(df[c["lat"]], column=c["lat"], file=p, fmt=m.coordinate_format, axis="lat")
        lon = parse_coordinate_column(df[c["lon"]], column=c["lon"], file=p, fmt=m.coordinate_format, axis="lon")
        xcol, ycol = c["lon"], c["lat"]
        crs = crs or "EPSG:4326"
    elif "x" in c and "y" in c:
        lon = parse_coordinate_column(df[c["x"]], column=c["x"], file=p, fmt="decimal")
        lat = parse_coordinate_column(df[c["y"]], column=c["y"], file=p, fmt="decimal")
        xcol, ycol = c["x"], c["y"]
        if crs is None:
            raise InputError("x/y columns need a CRS; add [coordinates] crs = \"EPSG:…\" to the mapping",
                             file=p)
    elif gx is not None and gy is not None:
        lon, lat, xcol, ycol = gx, gy, "geometry", "geometry"
        crs = crs or (normalise_crs(gcrs) if gcrs else "EPSG:4326")
    else:
        raise InputError("no location: map lat/lon or x/y columns, or use a file with geometry", file=p)
    given_crs = crs
    if crs != "EPSG:4326":
        lon, lat = to_lonlat(lon, lat, crs)
    check_range(lat, axis="lat", column=ycol, file=p)
    check_range(lon, axis="lon", column=xcol, file=p)
    cols = {k: df[v].tolist() for k, v in c.items()}
    names = cols.get("name")
    ids = cols.get("record_id")
    if ids is None:
        use_names = names is not None and all(text_or_none(x) for x in names) and len(set(names)) == n
        ids = [str(x).strip() for x in names] if names is not None and use_names else [str(i + 1) for i in range(n)]
    alias_cols = [df[a].tolist() for a in m.aliases]
    alias_from_cols = [df[a].tolist() for a in m.aliases_from]
    inv_cols = {k: df[v].tolist() for k, v in m.inventory.items()
                if k in {"commodity", "ore", "grade", "contained", "category", "classification", "date",
                         "cutoff", "ore_unit_column", "grade_unit_column", "contained_unit_column"}}
    seen: dict[str, int] = {}
    out: list[SiteRecord] = []
    for i in range(n):
        row = i + 1
        rid = text_or_none(ids[i])
        if rid is None:
            raise InputError("the record id is empty", file=p, row=row, column=c.get("record_id"))
        if rid in seen:
            raise InputError(f"record id {rid!r} repeats row {seen[rid]}; ids must be unique", file=p, row=row,
                             column=c.get("record_id", c.get("name")))
        seen[rid] = row
        name = text_or_none(names[i]) if names else None
        aliases: dict[str, None] = {}
        for col in alias_cols:
            for a in split_names(col[i], seps=m.aliases_separator):
                aliases.setdefault(a, None)
        for col in alias_from_cols:
            alias = text_or_none(col[i])
            if alias:
                aliases.setdefault(alias, None)
        aliases.pop(name or "", None)
        commodities = [
            *commodities_of(str(cols["commodities"][i]) if "commodities" in cols else "", "unknown"),
            *commodities_of(str(cols["commodities_main"][i]) if "commodities_main" in cols else "", "main"),
            *commodities_of(str(cols["commodities_byproduct"][i]) if "commodities_byproduct" in cols else "",
                            "byproduct"),
        ]
        dtype_text = text_or_none(cols["deposit_type"][i]) if "deposit_type" in cols else None
        dt = deposit_type_of(dtype_text, src) if dtype_text else None
        ok = bool(np.isfinite(lat[i]) and np.isfinite(lon[i]))
        acc = None
        if "location_accuracy_m" in cols:
            acc = _number(cols["location_accuracy_m"][i], p, row, c["location_accuracy_m"])
        ref = text_or_none(cols["reference"][i]) if "reference" in cols else None
        out.append(SiteRecord(
            source=src, record_id=rid, name=name, aliases=list(aliases),
            lon=float(lon[i]) if ok else None, lat=float(lat[i]) if ok else None, crs=given_crs,
            geometry_wkt=wkt[i] if wkt is not None else None, location_accuracy_m=acc,
            country=text_or_none(cols["country"][i]) if "country" in cols else None,
            state=text_or_none(cols["state"][i]) if "state" in cols else None,
            commodities=commodities, deposit_types=[dt] if dt else [],
            status=vocab.normalise_status(cols["status"][i]) if "status" in cols else "unknown",
            inventory=_inventory(p, row, m, inv_cols, i, commodities),
            references=[ref] if ref else [],
            attributes={k: v for k, v in zip(df.columns, df.iloc[i].tolist(), strict=True)
                        if k not in m.used_columns() and text_or_none(v) is not None},
            origin=SourceFile(str(p), row),
        ))
        if (offset + row) % 1000 == 0:
            progress(offset + row, None, f"{p.name}")
    return out


def _number(v: object, p: Path, row: int, column: str) -> float | None:
    try:
        return parse_number(v)
    except ValueError as exc:
        raise InputError(f"{v!r} is not a number", file=p, row=row, column=column) from exc


def _inventory(
    p: Path, row: int, m: TabularMapping, cols: dict[str, list[Any]], i: int, commodities: list[Any]
) -> list[InventoryRecord]:
    if not any(k in cols for k in ("ore", "grade", "contained")):
        return []
    inv = m.inventory

    def val(key: str) -> float | None:
        return _number(cols[key][i], p, row, inv[key]) if key in cols else None

    def unit(key: str) -> str | None:
        col = key + "_column"
        return text_or_none(cols[col][i]) if col in cols else inv.get(key)

    ore, grade, contained = val("ore"), val("grade"), val("contained")
    if ore is None and grade is None and contained is None:
        return []
    observed = text_or_none(cols["commodity"][i]) if "commodity" in cols else None
    commodity = (vocab.normalise_commodity(observed) or observed) if observed else (
        commodities[0].symbol if commodities else "unknown")
    fields: dict[str, Any] = {}
    try:
        if ore is not None:
            u = unit("ore_unit")
            if u is None:
                raise InputError("ore tonnage has no unit; set ore_unit or ore_unit_column in [inventory]",
                                 file=p, row=row, column=inv["ore"])
            fields.update(ore_t=to_tonnes(ore, u), ore_value=ore, ore_unit=u)
        if grade is not None:
            u = unit("grade_unit")
            if u is None:
                raise InputError("grade has no unit; set grade_unit or grade_unit_column in [inventory]",
                                 file=p, row=row, column=inv["grade"])
            fields.update(grade_fields(grade, u))
        if contained is not None:
            u = unit("contained_unit")
            if u is None:
                raise InputError("contained has no unit; set contained_unit in [inventory]",
                                 file=p, row=row, column=inv["contained"])
            fields.update(contained_t=to_tonnes(contained, u), contained_value=contained, contained_unit=u)
    except UnitError as exc:
        raise InputError(exc.detail, file=p, row=row, column=exc.column) from exc
    cat_text = text_or_none(cols["category"][i]) if "category" in cols else None
    return [InventoryRecord(
        commodity=commodity,
        material_form=observed if observed and observed != commodity else None,
        category=vocab.normalise_category(cat_text),
        unfc_code=cat_text if cat_text and cat_text.strip().isdigit() else None,
        classification_method=vocab.normalise_classification(cols["classification"][i])
        if "classification" in cols else "unknown",
        date=text_or_none(cols["date"][i]) if "date" in cols else None,
        cutoff=text_or_none(cols["cutoff"][i]) if "cutoff" in cols else None,
        **fields,
    )]
