"""Step 1 — the permissive tract: a polygon drawn on the map or cells of a prospectivity raster, and the known
deposits inside it.

A raster tract keeps the cells at or above ``threshold`` or the ``top_percent`` highest-scoring cells by area.
Where cells tie at the cut-off (a classed posterior), the tract is whichever of "above the cut-off" and "at or
above it" comes closer to the requested share (the share selected is recorded). The cells are polygonised with
:func:`rasterio.features.shapes` and dissolved; the area is the number of selected cells × the cell area (the
raster's CRS must be projected, in metres). A drawn polygon's area is geodesic on the WGS 84 ellipsoid
(:meth:`pyproj.Geod.geometry_area_perimeter`). Known deposits are the sites whose point falls inside the tract
(boundary included), optionally limited to the named deposit types.

References
----------
Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments: an integrated approach: Oxford
University Press, doi:10.1093/oso/9780195399592.001.0001 (permissive tracts).
Karney, C.F.F., 2013, Algorithms for geodesics: Journal of Geodesy 87, 43-55, doi:10.1007/s00190-012-0578-z.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Polygon, mapping, shape

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json

__all__ = ["Tract", "deposits_inside", "geodesic_area_km2", "read_deposit_points", "tract_from_polygon",
           "tract_from_raster"]

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Tract:
    """A permissive tract in WGS 84 with its area and the known deposits inside it."""

    name: str
    geometry: Any  # shapely (Multi)Polygon, lon/lat
    area_km2: float
    method: str
    parameters: dict[str, Any]
    deposits: pd.DataFrame  # name, lon, lat, deposit_type (+ site_id when from the knowledge base)
    provenance: RunRecord

    @property
    def known_deposits(self) -> int:
        return len(self.deposits)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: name, GeoJSON geometry, area, method, parameters, known deposits, provenance."""
        deps = self.deposits.replace({np.nan: None}).to_dict("records")
        return {"name": self.name, "geometry": mapping(self.geometry), "area_km2": self.area_km2,
                "method": self.method, "parameters": dict(self.parameters), "known_deposits": self.known_deposits,
                "deposits": deps, "bounds": list(self.geometry.bounds), "provenance": self.provenance.to_dict()}


def geodesic_area_km2(geometry: Any) -> float:
    """Area of a lon/lat (Multi)Polygon on the WGS 84 ellipsoid, km² (Karney 2013; orientation ignored)."""
    area_m2, _ = _GEOD.geometry_area_perimeter(geometry)
    return abs(float(area_m2)) / 1e6


def read_deposit_points(path: str | Path) -> pd.DataFrame:
    """Deposit points from a CSV with columns ``name, lon, lat`` (optional ``deposit_type``)."""
    p = Path(path)
    try:
        df = pd.read_csv(p, dtype={"name": str, "deposit_type": str}, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the deposit points ({exc})", file=p) from None
    missing = [c for c in ("name", "lon", "lat") if c not in df.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected name, lon, lat[, deposit_type]",
                         file=p, column=missing[0])
    for col, lim in (("lon", 180.0), ("lat", 90.0)):
        vals = pd.to_numeric(df[col], errors="coerce")
        bad = np.flatnonzero(~np.isfinite(vals.to_numpy(float)) | (vals.abs() > lim).to_numpy())
        if bad.size:
            i = int(bad[0])
            raise InputError(f"{col} {df[col].iloc[i]!r} is not a coordinate in degrees within ±{lim:g}",
                             file=p, row=i + 2, column=col)
        df[col] = vals.astype(float)
    if "deposit_type" not in df.columns:
        df["deposit_type"] = ""
    return df


def deposits_inside(geometry: Any, sites: pd.DataFrame, deposit_types: list[str] | None = None) -> pd.DataFrame:
    """Rows of ``sites`` (columns ``lon``, ``lat``) inside ``geometry`` (boundary included), by deposit type."""
    if sites.empty:
        return sites.copy()
    pts = shapely.points(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float))
    inside = shapely.covers(geometry, pts)
    out = sites[inside]
    if deposit_types:
        out = out[out["deposit_type"].fillna("").isin(deposit_types)]
    return out.reset_index(drop=True)


def _record(method: str, params: dict[str, Any], geometry: Any, parents: list[str]) -> RunRecord:
    return RunRecord.create("workflows.tract", inputs_sha256=sha256_json({"wkb": shapely.to_wkb(geometry).hex(),
                                                                         "parameters": params}),
                            parameters=params, parents=parents)


def tract_from_polygon(name: str, polygon: list[list[float]], sites: pd.DataFrame,
                       deposit_types: list[str] | None = None) -> Tract:
    """A tract drawn as a lon/lat polygon (closed automatically); refuses self-intersecting outlines."""
    ring = [tuple(map(float, v)) for v in polygon]
    poly = Polygon(ring)
    if not poly.is_valid or poly.area == 0:
        raise InputError(f"tract.polygon is not a valid polygon ({shapely.is_valid_reason(poly)}); draw it "
                         "without crossing edges", column="tract.polygon")
    poly = shapely.normalize(poly)
    params = {"polygon": [list(v) for v in ring], "deposit_types": list(deposit_types or [])}
    deps = deposits_inside(poly, sites, deposit_types)
    return Tract(name=name, geometry=poly, area_km2=geodesic_area_km2(poly), method="drawn polygon (WGS 84)",
                 parameters=params, deposits=deps, provenance=_record("polygon", params, poly, []))


def tract_from_raster(name: str, raster: str | Path, sites: pd.DataFrame, *, threshold: float | None = None,
                      top_percent: float | None = None, deposit_types: list[str] | None = None,
                      raster_sha256: str = "", source_label: str = "") -> Tract:
    """A tract of the cells of a prospectivity raster at or above ``threshold`` or in the ``top_percent``
    (``source_label`` says where the raster came from, e.g. a stored prospectivity run)."""
    import rasterio
    from rasterio.features import shapes

    p = Path(raster)
    try:
        src_ctx = rasterio.open(p)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"cannot open the prospectivity raster ({exc})", file=p, column="tract.raster") from None
    with src_ctx as src:
        values = src.read(1, masked=True).astype(float).filled(np.nan)
        transform, crs = src.transform, src.crs
    if crs is None or crs.is_geographic:
        raise InputError(f"the raster's CRS ({crs}) is not projected; tract areas need metres (reproject it)",
                         file=p, column="tract.raster")
    valid = np.isfinite(values)
    if not valid.any():
        raise InputError("the raster has no valid cells", file=p, column="tract.raster")
    if top_percent is not None:
        cut = float(np.quantile(values[valid], 1.0 - top_percent / 100.0, method="higher"))
        sel = valid & (values >= cut)
        above = valid & (values > cut)
        target = top_percent / 100.0 * float(valid.sum())
        if above.any() and abs(float(above.sum()) - target) < abs(float(sel.sum()) - target):
            sel = above  # the tied cells at the cut-off would overshoot the share more than leaving them out
        rule = {"top_percent": top_percent, "cutoff": cut, "ties": "excluded" if sel is above else "included"}
    else:
        assert threshold is not None
        cut = float(threshold)
        rule = {"threshold": cut}
        sel = valid & (values >= cut)
    if not sel.any():
        raise InputError(f"no cell reaches the cut-off {cut:g} (raster range {np.nanmin(values):g}–"
                         f"{np.nanmax(values):g})", file=p, column="tract.threshold")
    cell_km2 = abs(transform.a * transform.e - transform.b * transform.d) / 1e6
    polys = [shape(g) for g, v in shapes(sel.astype(np.uint8), mask=sel, transform=transform) if v == 1]
    merged = shapely.union_all(polys)
    to_wgs = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    geom = shapely.transform(merged, lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))
    params = {"raster_sha256": raster_sha256, **rule, "cells": int(sel.sum()),
              "selected_percent": 100.0 * float(sel.sum()) / float(valid.sum()), "cell_km2": cell_km2,
              "crs": crs.to_string(), "deposit_types": list(deposit_types or [])}
    if source_label:
        params["source"] = source_label
    deps = deposits_inside(geom, sites, deposit_types)
    return Tract(name=name, geometry=geom, area_km2=float(sel.sum()) * cell_km2,
                 method="prospectivity raster " + (f"top {top_percent:g} % of area" if top_percent is not None
                                                   else f"≥ {cut:g}"),
                 parameters=params, deposits=deps, provenance=_record("raster", params, geom, [raster_sha256]))
