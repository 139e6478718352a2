"""OGC API – Features (Part 1: Core, GeoJSON; Part 3 queryables) for the deposit knowledge base.

Served at the root so that clients such as GDAL's OAPIF driver, QGIS and owslib connect to
``http://host:port``. The landing page is negotiated: JSON for API clients, the web UI for browsers.

References
----------
OGC 17-069r4, OGC API – Features – Part 1: Core, version 1.0.1 (2022).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from critmin.config import get_settings
from critmin.errors import InputError, NotFoundError
from critmin.service.deps import SessionDep, ViewerDep
from critmin.service.params import site_filter
from critmin.store.filters import SiteFilter
from critmin.store.sites import get_site, query_sites
from critmin.store.tables import Site

router = APIRouter(tags=["OGC API – Features"])

COLLECTION = "mineral_sites"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
]
GEOJSON = "application/geo+json"
JSON = "application/json"
QUERYABLES = {
    "commodity": ("string", "Commodity symbol, name or MRDS code (comma list = any of)"),
    "status": ("string", "Development status"),
    "country": ("string", "Country"),
    "deposit_type": ("string", "CMMI deposit type, group or environment, or Cox & Singer code"),
    "source": ("string", "Dataset source identifier"),
    "q": ("string", "Name or alias contains"),
}
_KNOWN_PARAMS = {"bbox", "limit", "offset", "f", "bbox-crs", "crs", *QUERYABLES}


def base_url(request: Request) -> str:
    """The service root URL as seen by the client."""
    return str(request.base_url).rstrip("/")


def json_response(obj: Any, media_type: str = JSON) -> JSONResponse:
    """JSON with the given media type."""
    return JSONResponse(obj, media_type=media_type)


def landing_page(request: Request) -> dict[str, Any]:
    """The OGC API landing page document."""
    b = base_url(request)
    return {
        "title": "critmin deposit knowledge base",
        "description": "Mineral sites of the GSI–USGS critical-minerals programme (OGC API – Features).",
        "links": [
            {"href": f"{b}/?f=json", "rel": "self", "type": JSON, "title": "This document"},
            {"href": f"{b}/openapi.json", "rel": "service-desc", "type": "application/vnd.oai.openapi+json;version=3.0",
             "title": "OpenAPI definition"},
            {"href": f"{b}/docs", "rel": "service-doc", "type": "text/html", "title": "API documentation"},
            {"href": f"{b}/conformance", "rel": "conformance", "type": JSON, "title": "Conformance classes"},
            {"href": f"{b}/collections", "rel": "data", "type": JSON, "title": "Collections"},
        ],
    }


@router.get("/conformance", summary="Conformance classes")
def conformance() -> JSONResponse:
    """The conformance classes this server implements."""
    return json_response({"conformsTo": CONFORMANCE})


def _collection(request: Request, session: SessionDep, viewer: str | None) -> dict[str, Any]:
    b = base_url(request)
    from sqlalchemy import func, select

    from critmin.store.sites import _base

    sub = _base(session, viewer).with_only_columns(Site.id).subquery()
    ext = session.execute(select(func.min(Site.lon), func.min(Site.lat), func.max(Site.lon), func.max(Site.lat))
                          .join(sub, sub.c.id == Site.id)).one()
    bbox = [float(v) for v in ext] if all(v is not None for v in ext) else [-180.0, -90.0, 180.0, 90.0]
    return {
        "id": COLLECTION,
        "title": "Mineral sites",
        "description": "Mineral sites (occurrences, prospects, deposits, mines) from every visible source dataset, "
                       "with commodities, deposit type, status and provenance.",
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "links": [
            {"href": f"{b}/collections/{COLLECTION}", "rel": "self", "type": JSON},
            {"href": f"{b}/collections/{COLLECTION}/items", "rel": "items", "type": GEOJSON, "title": "Items"},
            {"href": f"{b}/collections/{COLLECTION}/queryables", "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
             "type": "application/schema+json", "title": "Queryables"},
        ],
    }


def _check_collection(collection_id: str) -> None:
    if collection_id != COLLECTION:
        raise NotFoundError(f"no collection {collection_id!r}; the collections are: {COLLECTION}")


@router.get("/collections", summary="Feature collections")
def collections(request: Request, session: SessionDep, viewer: ViewerDep) -> JSONResponse:
    """The list of collections."""
    b = base_url(request)
    return json_response({"links": [{"href": f"{b}/collections", "rel": "self", "type": JSON}],
                          "collections": [_collection(request, session, viewer)]})


@router.get("/collections/{collection_id}", summary="One feature collection")
def collection(collection_id: str, request: Request, session: SessionDep, viewer: ViewerDep) -> JSONResponse:
    """Collection metadata (extent, links)."""
    _check_collection(collection_id)
    return json_response(_collection(request, session, viewer))


@router.get("/collections/{collection_id}/queryables", summary="Queryable properties")
def queryables(collection_id: str, request: Request) -> JSONResponse:
    """JSON Schema of the properties usable as query parameters on ``/items``."""
    _check_collection(collection_id)
    b = base_url(request)
    props: dict[str, Any] = {k: {"type": t, "title": d} for k, (t, d) in QUERYABLES.items()}
    props["geometry"] = {"$ref": "https://geojson.org/schema/Point.json"}
    return json_response({"$schema": "https://json-schema.org/draft/2020-12/schema",
                          "$id": f"{b}/collections/{collection_id}/queryables", "type": "object",
                          "title": "Mineral sites", "properties": props}, "application/schema+json")


def feature(site: Site) -> dict[str, Any]:
    """A site as a GeoJSON feature (flat properties, ERML-Lite MineralOccurrenceView-like)."""
    geom = {"type": "Point", "coordinates": [site.lon, site.lat]} if site.lon is not None else None
    return {
        "type": "Feature",
        "id": site.id,
        "geometry": geom,
        "properties": {
            "name": site.name, "source": site.dataset.source, "record_id": site.record_id,
            "aliases": " | ".join(site.aliases or []), "commodities": site.commodities.replace(";", ","),
            "status": site.status, "deposit_type": site.deposit_type, "deposit_group": site.deposit_group,
            "deposit_environment": site.deposit_environment, "cox_singer_code": site.cox_singer_code,
            "country": site.country, "state": site.state, "location_accuracy_m": site.location_accuracy_m,
            "location_quality": site.location_quality, "organisation": site.dataset.organisation.code,
            "canonical_id": site.canonical_id, "source_file": site.source_file, "source_row": site.source_row,
        },
    }


def _int_param(request: Request, name: str, default: int, lo: int, hi: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        v = int(raw)
    except ValueError as exc:
        raise InputError(f"{name}={raw!r}: expected an integer", column=name) from exc
    if v < lo:
        raise InputError(f"{name}={v}: must be at least {lo}", column=name)
    return min(v, hi) if hi is not None else v


@router.get("/collections/{collection_id}/items", summary="Features of a collection",
            response_class=Response, responses={200: {"content": {GEOJSON: {}}}})
def items(collection_id: str, request: Request, session: SessionDep, viewer: ViewerDep,
          flt: Annotated[SiteFilter, Depends(site_filter)],
          limit: Annotated[str | None, Query(description="Page size (capped at the server maximum).")] = None,
          offset: Annotated[str | None, Query(description="Number of features to skip.")] = None) -> JSONResponse:
    """GeoJSON FeatureCollection with ``numberMatched``, ``numberReturned`` and next/prev links."""
    _check_collection(collection_id)
    unknown = sorted(set(request.query_params) - _KNOWN_PARAMS)
    if unknown:
        raise InputError(f"unknown query parameter(s) {', '.join(unknown)}; queryables are "
                         f"{', '.join(QUERYABLES)} plus bbox, limit, offset")
    crs = request.query_params.get("bbox-crs")
    if crs and crs != CRS84:
        raise InputError(f"bbox-crs={crs!r}: only {CRS84} is supported", column="bbox-crs")
    s = get_settings()
    lim = _int_param(request, "limit", s.ogc_default_limit, 1, s.ogc_max_limit)
    off = _int_param(request, "offset", 0, 0, None)
    total, rows = query_sites(session, flt, viewer=viewer, sort="id", limit=lim, offset=off)
    matched = total or 0
    b = base_url(request)
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "limit", "f")}

    def link(o: int, rel: str) -> dict[str, Any]:
        q = urlencode({**params, "limit": lim, "offset": o})
        return {"href": f"{b}/collections/{collection_id}/items?{q}", "rel": rel, "type": GEOJSON}

    links = [link(off, "self"), {"href": f"{b}/collections/{collection_id}", "rel": "collection", "type": JSON}]
    if off + len(rows) < matched:
        links.append(link(off + lim, "next"))
    if off > 0:
        links.append(link(max(off - lim, 0), "prev"))
    return json_response({
        "type": "FeatureCollection",
        "features": [feature(r) for r in rows],
        "numberMatched": matched,
        "numberReturned": len(rows),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }, GEOJSON)


@router.get("/collections/{collection_id}/items/{feature_id}", summary="One feature",
            response_class=Response, responses={200: {"content": {GEOJSON: {}}}})
def item(collection_id: str, feature_id: str, request: Request, session: SessionDep,
         viewer: ViewerDep) -> JSONResponse:
    """One feature by id; 404 if absent or not visible."""
    _check_collection(collection_id)
    try:
        fid = int(feature_id)
    except ValueError as exc:
        raise NotFoundError(f"no feature {feature_id!r} in {collection_id}") from exc
    site = get_site(session, fid, viewer=viewer)
    b = base_url(request)
    f = feature(site)
    f["links"] = [{"href": f"{b}/collections/{collection_id}/items/{fid}", "rel": "self", "type": GEOJSON},
                  {"href": f"{b}/collections/{collection_id}", "rel": "collection", "type": JSON}]
    return json_response(f, GEOJSON)


__all__ = ["COLLECTION", "CONFORMANCE", "landing_page", "router"]
