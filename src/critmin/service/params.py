"""Query parameters shared by the REST and OGC API routes (one definition of the filters)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from critmin.store.filters import SiteFilter, parse_bbox, split_list

CommodityQ = Annotated[str | None, Query(description="Comma list of commodities: symbols (Li, REE), names or "
                                         "MRDS codes.", examples=["Li,REE"])]
DepositTypeQ = Annotated[str | None, Query(description="CMMI deposit type, group or environment, or a Cox & "
                                           "Singer model code.")]
StatusQ = Annotated[str | None, Query(description="Comma list: occurrence, prospect, deposit, producer, "
                                      "past_producer, plant, unknown.")]
CountryQ = Annotated[str | None, Query(description="Comma list of countries (as stored, e.g. ISO3 or names).")]
SourceQ = Annotated[str | None, Query(description="Comma list of dataset source ids.")]
BboxQ = Annotated[str | None, Query(description="minx,miny,maxx,maxy in CRS84 degrees.")]
NameQ = Annotated[str | None, Query(description="Case-insensitive substring of a name or alias.")]


def site_filter(commodity: CommodityQ = None, deposit_type: DepositTypeQ = None, status: StatusQ = None,
                country: CountryQ = None, source: SourceQ = None, bbox: BboxQ = None,
                q: NameQ = None) -> SiteFilter:
    """Build a :class:`SiteFilter` from query parameters (400 on a malformed bbox)."""
    return SiteFilter(commodity=split_list(commodity), deposit_type=split_list(deposit_type),
                      status=split_list(status), country=split_list(country), source=split_list(source),
                      bbox=parse_bbox(bbox), q=q or None)
