"""Coordinates for readers: decimal / degrees-minutes-seconds parsing, range checks and CRS
transformation to WGS 84 longitude/latitude (EPSG:4326, x = lon, y = lat).

All checks are vectorised (pandas/numpy) so that large files are validated quickly; the first bad
cell raises :class:`~critmin.errors.InputError` naming file, 1-based data row and column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from critmin.errors import InputError

CoordinateFormat = Literal["decimal", "dms", "auto"]
Axis = Literal["lat", "lon"]

_NULLS = {"", "<null>", "null", "na", "n/a", "nan", "none", "-", "--"}

_DMS = re.compile(
    r"""^\s*
    (?P<h1>[NSEW+-])?\s*
    (?P<deg>\d+(?:\.\d+)?)\s*(?:°|º|d|deg|:|\s)\s*
    (?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|m|min|:|\s)?\s*)?
    (?:(?P<sec>\d+(?:\.\d+)?)\s*(?:"|″|”|''|s|sec)?\s*)?
    (?P<h2>[NSEW])?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_dms(text: str, axis: Axis | None = None) -> float:
    """Parse one angle in degrees-minutes-seconds (or decimal) notation to decimal degrees.

    Accepted forms include ``21°30'15"N``, ``21 30 15 N``, ``-21:30:15``, ``21d30m15s``,
    ``N 21° 30.25'`` and plain decimals ``-21.504``. S and W hemispheres and a leading minus give
    negative values. With ``axis`` given, a hemisphere of the other axis (E/W on a latitude, N/S on a
    longitude: swapped columns) is an error.

    Raises
    ------
    ValueError
        If the text is not an angle or minutes/seconds are ≥ 60.
    """
    s = str(text).strip()
    try:
        return float(s)
    except ValueError:
        pass
    m = _DMS.match(s)
    if not m:
        raise ValueError(f"not an angle in decimal or degrees-minutes-seconds notation: {text!r}")
    deg = float(m.group("deg"))
    minutes = float(m.group("min") or 0.0)
    seconds = float(m.group("sec") or 0.0)
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"minutes and seconds must be below 60 in {text!r}")
    value = deg + minutes / 60.0 + seconds / 3600.0
    hemis = {h.upper() for h in (m.group("h1"), m.group("h2")) if h}
    wrong = hemis & ({"E", "W"} if axis == "lat" else {"N", "S"} if axis == "lon" else set())
    if wrong:
        raise ValueError(f"{text!r} has the hemisphere {''.join(sorted(wrong))}, which belongs to the other axis; "
                         "are the latitude and longitude columns swapped?")
    if hemis & {"S", "W", "-"}:
        value = -value
    return value


def _is_null(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).str.strip().str.lower().isin(_NULLS)


def parse_coordinate_column(
    values: pd.Series,
    *,
    column: str,
    file: str | Path,
    fmt: CoordinateFormat = "auto",
    row_offset: int = 1,
    axis: Axis | None = None,
) -> np.ndarray:
    """Parse a column of coordinates to float64 (NaN where blank).

    ``fmt="decimal"`` accepts numbers only; ``"dms"`` and ``"auto"`` also accept DMS text.
    ``row_offset`` is the 1-based row number of the first element (for error messages).

    Raises
    ------
    InputError
        On the first cell that is neither blank nor a coordinate.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    null = _is_null(values).to_numpy()
    text = values.astype(str).str.strip()
    out = pd.to_numeric(text.where(~null, None), errors="coerce").to_numpy(dtype="float64", copy=True)
    bad = np.flatnonzero(np.isnan(out) & ~null)
    if bad.size and fmt == "decimal":
        i = int(bad[0])
        raise InputError(
            f"{text.iloc[i]!r} is not a decimal-degree number; fix the cell or declare "
            "coordinate_format = \"dms\" in the mapping",
            file=file, row=i + row_offset, column=column,
        )
    for i in bad.tolist():
        try:
            out[i] = parse_dms(text.iloc[int(i)], axis)
        except ValueError as exc:
            raise InputError(
                f"{text.iloc[int(i)]!r} is not a coordinate ({exc}); expected decimal degrees (e.g. 21.504) or "
                "degrees-minutes-seconds (e.g. 21°30'15\"N)",
                file=file, row=int(i) + row_offset, column=column,
            ) from exc
    return out


def check_range(
    values: np.ndarray, *, axis: Axis, column: str, file: str | Path, row_offset: int = 1
) -> None:
    """Raise :class:`InputError` at the first latitude outside ±90 or longitude outside ±180."""
    limit = 90.0 if axis == "lat" else 180.0
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(np.abs(values) > limit)
    if bad.size:
        i = int(bad[0])
        name = "latitude" if axis == "lat" else "longitude"
        raise InputError(
            f"{name} {values[i]!r} is outside [-{limit:g}, {limit:g}]; check the value and whether the "
            "latitude and longitude columns are swapped or the CRS is projected",
            file=file, row=i + row_offset, column=column,
        )


def normalise_crs(crs: str | int | None) -> str:
    """Return ``"EPSG:<code>"`` for ``4326``, ``"epsg:32643"``, ``"EPSG:24378"``, WKT … (pyproj)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if crs is None or str(crs).strip() == "":
        return "EPSG:4326"
    try:
        c = CRS.from_user_input(int(crs) if str(crs).isdigit() else crs)
    except CRSError as exc:
        raise InputError(
            f"unknown coordinate reference system {crs!r}; give an EPSG code such as 'EPSG:32643'"
        ) from exc
    auth = c.to_authority()
    return f"{auth[0]}:{auth[1]}" if auth else c.to_wkt()


def to_lonlat(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinates from ``crs`` to WGS 84 longitude/latitude (``always_xy``)."""
    code = normalise_crs(crs)
    if code in {"EPSG:4326", "OGC:CRS84"}:
        return x, y
    from pyproj import Transformer

    tr = Transformer.from_crs(code, "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64"))
    lon = np.where(np.isfinite(lon), lon, np.nan)
    lat = np.where(np.isfinite(lat), lat, np.nan)
    return lon, lat


def float_or_none(v: float) -> float | None:
    """``None`` for NaN, else a Python float."""
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def lonlat_list(lon: np.ndarray, lat: np.ndarray) -> Sequence[tuple[float | None, float | None]]:
    """Pairs of Python floats (``None`` where either coordinate is missing)."""
    ok = np.isfinite(lon) & np.isfinite(lat)
    lo = np.where(ok, lon, np.nan).tolist()
    la = np.where(ok, lat, np.nan).tolist()
    return [(a, b) if k else (None, None) for a, b, k in zip(lo, la, ok.tolist(), strict=True)]
