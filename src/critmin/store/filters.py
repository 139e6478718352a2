"""Query filters for mineral sites, shared by the Python API, the REST API, OGC API and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from critmin.errors import InputError

SortKey = Literal["name", "-name", "country", "-country", "status", "-status", "id", "-id"]
SORT_KEYS: tuple[str, ...] = SortKey.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SiteFilter:
    """Filters combined with AND; list values combine with OR.

    ``bbox`` is (minx, miny, maxx, maxy) in CRS84 degrees; minx > maxx crosses the antimeridian.
    ``q`` matches names and aliases (case-insensitive substring).
    """

    commodity: tuple[str, ...] = ()
    deposit_type: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    q: str | None = None
    ids: tuple[int, ...] = field(default=())


def split_list(value: str | None) -> tuple[str, ...]:
    """``"Li, REE"`` → ``("Li", "REE")``; None/blank → ``()``."""
    if not value:
        return ()
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """Parse ``minx,miny,maxx,maxy`` (CRS84), validating ranges.

    Raises
    ------
    InputError
        If the text is not four numbers within [-180, 180] × [-90, 90] with miny ≤ maxy.
    """
    if value is None or value.strip() == "":
        return None
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise InputError(f"bbox={value!r}: expected minx,miny,maxx,maxy (4 numbers)", column="bbox")
    try:
        nums = [float(p) for p in parts]
    except ValueError as exc:
        raise InputError(f"bbox={value!r}: every part must be a number", column="bbox") from exc
    if len(nums) == 6:  # 3-D bbox: drop z
        nums = [nums[0], nums[1], nums[3], nums[4]]
    minx, miny, maxx, maxy = nums
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise InputError(f"bbox={value!r}: longitudes must lie in [-180, 180] and latitudes in [-90, 90]",
                         column="bbox")
    if miny > maxy:
        raise InputError(f"bbox={value!r}: miny is greater than maxy", column="bbox")
    return (minx, miny, maxx, maxy)
