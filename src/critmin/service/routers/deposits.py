"""REST API of the deposit knowledge base (``/api/deposits``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask

from critmin.service.access import require_export
from critmin.service.deps import DbDep, SessionDep, ViewerDep
from critmin.service.params import site_filter
from critmin.store.export import export_sites
from critmin.store.filters import SiteFilter
from critmin.store.sites import facets, get_site, list_datasets, query_sites, site_detail, site_summary

router = APIRouter(prefix="/api/deposits", tags=["deposits"])

FilterDep = Annotated[SiteFilter, Depends(site_filter)]
Sort = Literal["name", "-name", "country", "-country", "status", "-status", "id", "-id"]


class SitePage(BaseModel):
    """A page of site summaries."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


@router.get("/sites", response_model=SitePage, summary="Query mineral sites")
def sites(session: SessionDep, viewer: ViewerDep, flt: FilterDep, sort: Sort = "name",
          limit: Annotated[int, Query(ge=1, le=10000)] = 100, offset: Annotated[int, Query(ge=0)] = 0) -> SitePage:
    """Filter by commodity, deposit type, status, country, source, bbox and name; sort; paginate."""
    total, rows = query_sites(session, flt, viewer=viewer, sort=sort, limit=limit, offset=offset)
    return SitePage(total=total or 0, limit=limit, offset=offset, items=[site_summary(r) for r in rows])


@router.get("/sites.geojson", summary="Mineral sites as GeoJSON (for maps)")
def sites_geojson(session: SessionDep, viewer: ViewerDep, flt: FilterDep,
                  limit: Annotated[int, Query(ge=1, le=200000)] = 50000) -> JSONResponse:
    """All matching located sites as one GeoJSON FeatureCollection (light properties)."""
    total, rows = query_sites(session, flt, viewer=viewer, sort="id", limit=limit, offset=0)
    feats = []
    for r in rows:
        if r.lon is None or r.lat is None:
            continue
        feats.append({"type": "Feature", "id": r.id, "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                      "properties": {"id": r.id, "name": r.name, "source": r.dataset.source,
                                     "record_id": r.record_id, "status": r.status,
                                     "commodities": r.commodities.replace(";", ","), "country": r.country,
                                     "deposit_type": r.deposit_type}})
    return JSONResponse({"type": "FeatureCollection", "numberMatched": total, "numberReturned": len(feats),
                         "features": feats}, media_type="application/geo+json")


@router.get("/sites/{site_id}", summary="One mineral site with inventory, provenance and links")
def site(site_id: int, session: SessionDep, viewer: ViewerDep) -> dict[str, Any]:
    """Full record of a site; 404 if absent or not visible."""
    return site_detail(session, get_site(session, site_id, viewer=viewer), viewer=viewer)


@router.get("/facets", summary="Counts of filter values among visible sites")
def facet_counts(session: SessionDep, viewer: ViewerDep, flt: FilterDep) -> dict[str, Any]:
    """Commodity, status, country, deposit-type and source counts (after the given filters)."""
    return facets(session, viewer=viewer, flt=flt)


@router.get("/datasets", summary="Imported datasets with organisation, visibility and hash")
def datasets(session: SessionDep, viewer: ViewerDep) -> list[dict[str, Any]]:
    """Visible datasets."""
    return list_datasets(session, viewer=viewer)


_MEDIA = {"gpkg": ("application/geopackage+sqlite3", ".gpkg"), "geoparquet": ("application/vnd.apache.parquet",
          ".parquet"), "geojson": ("application/geo+json", ".geojson"), "csv": ("text/csv", ".csv"),
          "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")}


@router.get("/export", summary="Download matching sites (GeoPackage, GeoParquet, GeoJSON, CSV, XLSX)",
            dependencies=[Depends(require_export)])
def export(db: DbDep, viewer: ViewerDep, flt: FilterDep,
           format: Literal["gpkg", "geoparquet", "geojson", "csv", "xlsx"] = "gpkg") -> FileResponse:
    """Same filters as ``/sites``; the file is built on the server and streamed."""
    media, ext = _MEDIA[format]
    tmpdir = Path(tempfile.mkdtemp(prefix="critmin-export-"))
    out = tmpdir / f"mineral_sites{ext}"
    export_sites(db, out, format, flt=flt, viewer=viewer)

    def cleanup() -> None:
        out.unlink(missing_ok=True)
        tmpdir.rmdir()

    return FileResponse(out, media_type=media, filename=out.name, background=BackgroundTask(cleanup))
