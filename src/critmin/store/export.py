"""Export filtered sites to GeoPackage, GeoParquet, GeoJSON, CSV or XLSX.

The columns follow a flat, ERML-Lite ``MineralOccurrenceView``-like layout: one row per site with its
commodities, deposit type, status, location quality and provenance; inventory goes to a second layer
(GeoPackage, XLSX) or is summarised.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
import pyogrio
from sqlalchemy import select

from critmin.errors import InputError
from critmin.store.db import Database
from critmin.store.filters import SiteFilter
from critmin.store.sites import ADMIN, iter_sites
from critmin.store.tables import Inventory
from critmin.store.visibility import Right

ExportFormat = Literal["gpkg", "geoparquet", "geojson", "csv", "xlsx"]
EXPORT_FORMATS: tuple[str, ...] = ExportFormat.__args__  # type: ignore[attr-defined]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(v: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells (CSV/XLSX)."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def sites_frame(db: Database, flt: SiteFilter = SiteFilter(), *, viewer: str | None = ADMIN,
                right: Right = "download", inventory: bool = True) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Matching sites the viewer may download as a GeoDataFrame (EPSG:4326) and their inventory lines (an empty
    frame when ``inventory`` is False: the lines are then not read)."""
    rows: list[dict[str, Any]] = []
    inv_rows: list[dict[str, Any]] = []
    with db.session() as s:
        for batch in iter_sites(s, flt, viewer=viewer, right=right):
            ids = [x.id for x in batch]
            for site in batch:
                ds = site.dataset
                rows.append({
                    "site_id": site.id, "source": ds.source, "record_id": site.record_id, "name": site.name,
                    "aliases": " | ".join(site.aliases or []), "commodities": site.commodities.replace(";", ", "),
                    "status": site.status, "deposit_type": site.deposit_type, "deposit_group": site.deposit_group,
                    "deposit_environment": site.deposit_environment, "cox_singer_code": site.cox_singer_code,
                    "country": site.country, "state": site.state, "lon": site.lon, "lat": site.lat,
                    "crs_original": site.crs, "location_accuracy_m": site.location_accuracy_m,
                    "location_quality": site.location_quality, "organisation": ds.organisation.code,
                    "visibility": ds.visibility, "source_file": site.source_file, "source_row": site.source_row,
                    "imported_at": site.imported_at.isoformat() if site.imported_at else None,
                    "canonical_id": site.canonical_id,
                })
            if not inventory:
                continue
            for inv in s.execute(select(Inventory).where(Inventory.site_id.in_(ids)).order_by(Inventory.id)).scalars():
                d = {k: v for k, v in inv.__dict__.items() if not k.startswith("_")}
                inv_rows.append(d)
    df = pd.DataFrame(rows, columns=[
        "site_id", "source", "record_id", "name", "aliases", "commodities", "status", "deposit_type",
        "deposit_group", "deposit_environment", "cox_singer_code", "country", "state", "lon", "lat", "crs_original",
        "location_accuracy_m", "location_quality", "organisation", "visibility", "source_file", "source_row",
        "imported_at", "canonical_id"])
    geom = gpd.points_from_xy(df["lon"], df["lat"])  # an empty GeometryArray for no rows
    gdf = gpd.GeoDataFrame(df, geometry=geom, crs="EPSG:4326")
    inv_df = pd.DataFrame(inv_rows)
    if len(inv_df):
        inv_df = inv_df[["site_id", *[c for c in inv_df.columns if c not in ("site_id", "id")]]]
    return gdf, inv_df


def export_sites(db: Database, path: str | Path, format: ExportFormat | None = None, *,
                 flt: SiteFilter = SiteFilter(), viewer: str | None = ADMIN) -> int:
    """Write matching sites to ``path``; returns the number of sites written.

    The file is written to a temporary name first and moved into place, so a failed export leaves
    no partial file.
    """
    p = Path(path)
    fmt = format or _guess(p)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"export format {fmt!r}: expected one of {', '.join(EXPORT_FORMATS)}")
    gdf, inv = sites_frame(db, flt, viewer=viewer)
    fd, tmpname = tempfile.mkstemp(dir=p.parent if p.parent.exists() else None, suffix=p.suffix)
    os.close(fd)
    tmp = Path(tmpname)
    tmp.unlink()
    try:
        if fmt == "gpkg":
            gdf.to_file(tmp, layer="mineral_sites", driver="GPKG")
            if len(inv):
                pyogrio.write_dataframe(inv, tmp, layer="mineral_inventory", driver="GPKG")
        elif fmt == "geoparquet":
            gdf.to_parquet(tmp)
        elif fmt == "geojson":
            gdf.to_file(tmp, driver="GeoJSON")
        elif fmt == "csv":
            pd.DataFrame(gdf.drop(columns="geometry")).map(_safe_text).to_csv(tmp, index=False)
        else:
            with pd.ExcelWriter(tmp) as xw:
                pd.DataFrame(gdf.drop(columns="geometry")).map(_safe_text).to_excel(
                    xw, sheet_name="mineral_sites", index=False)
                if len(inv):
                    inv.map(_safe_text).to_excel(xw, sheet_name="mineral_inventory", index=False)
        os.replace(tmp, p)
    finally:
        if tmp.exists():
            tmp.unlink()
    return len(gdf)


def _guess(p: Path) -> str:
    ext = p.suffix.lower()
    return {".gpkg": "gpkg", ".parquet": "geoparquet", ".geoparquet": "geoparquet", ".geojson": "geojson",
            ".json": "geojson", ".csv": "csv", ".xlsx": "xlsx"}.get(ext, ext.lstrip("."))
