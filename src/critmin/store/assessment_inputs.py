"""Inputs of an assessment run given as plain JSON: the tract, the grade–tonnage table and the deposit-number pmf.

Shared by the web service (``/api/assessment``) and any other caller that holds the inputs as JSON rather than
files. Every builder validates and raises :class:`~critmin.errors.InputError` naming the field (as ``file``), the
1-based row and the column, so the service answers 400 with a message that says what to fix.

GT table: exactly one of ``rows`` (``[{"id", "name", "ore_t", "grades_pct": {symbol: %}}]``), ``csv`` (the text of
a MapMark4 GT CSV) or ``from_kb`` (a query of the knowledge base, see :mod:`critmin.store.assessment_gt`).
Pmf: exactly one of ``estimates`` (rows name, weight, n90, n50, n10 → MapMark4's negative-binomial fit),
``estimates_csv``, ``mark3`` (levels), ``poisson_mean``, ``custom`` (``{"n": […], "probability": […]}``) or
``csv`` (N, probability / MapMark4GUI ``*_03_PMF_Probs.csv`` text).
"""

from __future__ import annotations

import dataclasses
import json
import math
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import shapely
from sqlalchemy.orm import Session

from critmin.assessment.gt_data import GTData, read_gt
from critmin.assessment.pmf import DepositPmf
from critmin.errors import InputError
from critmin.jsonsafe import json_safe
from critmin.provenance import sha256_json
from critmin.workflows.tract import geodesic_area_km2

GT_KINDS = ("rows", "csv", "from_kb")
PMF_KINDS = ("estimates", "estimates_csv", "mark3", "poisson_mean", "custom", "csv")

T = TypeVar("T")


# ------------------------------------------------------------------------------------------------ tract


@dataclass(frozen=True)
class Tract:
    """A permissive tract: a (multi)polygon in lon/lat (EPSG:4326) and its geodesic area."""

    geom: shapely.Geometry
    area_km2: float

    @property
    def wkt(self) -> str:
        """Well-known text of the geometry."""
        return str(shapely.to_wkt(self.geom, rounding_precision=-1))

    def to_geojson(self) -> dict[str, Any]:
        """GeoJSON geometry."""
        doc: dict[str, Any] = json.loads(shapely.to_geojson(self.geom))
        return doc




def parse_tract(geojson: Mapping[str, Any] | None) -> Tract | None:
    """A tract from a GeoJSON Polygon/MultiPolygon geometry (or a Feature holding one), lon/lat degrees.

    Raises
    ------
    InputError
        Not a polygon, empty, invalid (self-intersecting …) or coordinates outside [-180, 180] × [-90, 90].
    """
    if geojson is None:
        return None
    g: Any = geojson
    if g.get("type") == "Feature":
        g = g.get("geometry") or {}
    kind = g.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise InputError(f"tract geometry type {kind!r}; expected a GeoJSON Polygon or MultiPolygon in lon/lat",
                         file="tract")
    try:
        geom = shapely.geometry.shape(g)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        raise InputError(f"tract is not valid GeoJSON ({exc}); expected {{'type': 'Polygon', 'coordinates': "
                         "[[[lon, lat], …]]}}", file="tract") from None
    if geom.is_empty:
        raise InputError("tract polygon is empty; draw at least three distinct vertices", file="tract")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InputError(f"tract bounds {geom.bounds} lie outside lon [-180, 180], lat [-90, 90]; give "
                         "coordinates in degrees, longitude first", file="tract")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise InputError(f"tract polygon is invalid ({reason}); redraw it without self-intersections",
                         file="tract")
    return Tract(geom, geodesic_area_km2(geom))


# ------------------------------------------------------------------------------------------------ helpers


def _one_of(spec: Mapping[str, Any] | None, kinds: Sequence[str], what: str) -> tuple[str, Any]:
    given = [k for k in kinds if spec is not None and spec.get(k) is not None]
    if len(given) != 1:
        found = ", ".join(given) if given else "none"
        raise InputError(f"give exactly one of {', '.join(kinds)} (found: {found})", file=what)
    return given[0], spec[given[0]]  # type: ignore[index]


def _from_text(text: str, suffix: str, name: str, reader: Callable[[Path], T]) -> T:
    """Run a file reader on request text, reporting errors under ``name`` instead of the temporary path."""
    with tempfile.TemporaryDirectory(prefix="critmin-input-") as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            return reader(path)
        except InputError as exc:
            raise InputError(exc.detail.replace(str(path), name), file=name, row=exc.row,
                             column=exc.column) from None


def _number(value: Any, what: str, row: int, column: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{value!r} is not a number", file=what, row=row, column=column)
    return float(value)


# ------------------------------------------------------------------------------------------------ GT table


@dataclass(frozen=True)
class GTInput:
    """A validated grade–tonnage table with where it came from."""

    data: GTData
    kind: str
    query: dict[str, Any] | None = None
    dropped: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record kept in the run's inputs (the deposits themselves included)."""
        return json_safe({"kind": self.kind, "query": self.query, "source": self.data.source,
                          "sha256": self.data.sha256, "summary": self.data.summary(),
                          "tonnage_name": self.data.tonnage_name, "elements": self.data.elements,
                          "deposits": gt_deposits(self.data), "dropped": self.dropped})


def gt_deposits(data: GTData) -> list[dict[str, Any]]:
    """The GT points as JSON rows ``{"id", "name", "ore_t", "grades_pct": {symbol: % or None}}``."""
    grades = data.grades_pct.to_numpy(dtype=float) if data.elements else np.empty((data.n, 0))
    out = []
    for i in range(data.n):
        out.append({"id": data.ids[i], "name": data.names[i], "ore_t": float(data.ore_t[i]),
                    "grades_pct": {el: (float(grades[i, j]) if np.isfinite(grades[i, j]) else None)
                                   for j, el in enumerate(data.elements)}})
    return out


def gt_from_rows(rows: Sequence[Mapping[str, Any]], *, what: str = "gt.rows") -> GTData:
    """A GT table from JSON rows (``ore_t`` in t; ``grades_pct`` symbol → weight %, missing = unreported)."""
    if not rows:
        raise InputError("the grade–tonnage table has no rows; give at least one deposit "
                         "{'ore_t': …, 'grades_pct': {…}}", file=what)
    elements: list[str] = []
    for row in rows:
        for el in (row.get("grades_pct") or {}):
            if el not in elements:
                elements.append(str(el))
    ids, names, ore = [], [], []
    grades = np.full((len(rows), len(elements)), np.nan)
    for i, row in enumerate(rows):
        ids.append(str(row.get("id") if row.get("id") is not None else f"D{i + 1}"))
        names.append(str(row.get("name") if row.get("name") is not None else ids[-1]))
        if row.get("ore_t") is None:
            raise InputError("ore tonnage is missing; every deposit needs ore_t in metric tons > 0", file=what,
                             row=i + 1, column="ore_t")
        ore.append(_number(row.get("ore_t"), what, i + 1, "ore_t"))
        for el, v in (row.get("grades_pct") or {}).items():
            grades[i, elements.index(str(el))] = _number(v, what, i + 1, f"grades_pct.{el}")
    frame = pd.DataFrame(grades, columns=elements)
    try:
        return GTData.from_arrays(ore, frame, ids=ids, names=names, source=what, file=what)
    except InputError as exc:
        col = exc.column
        col = "ore_t" if col == "ore" else (f"grades_pct.{col}" if col in elements else col)
        raise InputError(exc.detail, file=what, row=exc.row, column=col) from None


def gt_input(spec: Mapping[str, Any] | None, *, session: Session | None = None, viewer: str | None = "*") -> GTInput:
    """Build the GT table from exactly one of ``rows``, ``csv`` or ``from_kb`` (needs ``session``)."""
    kind, value = _one_of(spec, GT_KINDS, "gt")
    if kind == "rows":
        return GTInput(gt_from_rows(value), kind)
    if kind == "csv":
        data = _from_text(str(value), ".csv", "gt.csv", read_gt)
        return GTInput(dataclasses.replace(data, source="gt.csv (request)"), kind)
    from critmin.store.assessment_gt import gt_query_store

    if session is None:
        raise InputError("gt.from_kb needs the knowledge base (no database session given)", file="gt.from_kb")
    q = dict(value)
    res = gt_query_store(session, commodity=_as_list(q.get("commodity")), deposit_type=_as_list(q.get("deposit_type")),
                         country=_as_list(q.get("country")), source=_as_list(q.get("source")),
                         bbox=q.get("bbox"), viewer=viewer)
    return GTInput(res.data, kind, res.query, res.dropped)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


# ------------------------------------------------------------------------------------------------ pmf


@dataclass(frozen=True)
class PmfInput:
    """A deposit-number pmf with the input it was built from."""

    pmf: DepositPmf
    kind: str
    given: Any

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe record kept in the run's inputs (the full pmf included)."""
        prov = self.pmf.provenance
        return json_safe({"kind": self.kind, "given": self.given, "sha256": sha256_json(json_safe(self.given)),
                          "pmf": pmf_table(self.pmf), "provenance": prov.to_dict() if prov is not None else None})


def pmf_input(spec: Mapping[str, Any] | None) -> PmfInput:
    """Build the deposit-number pmf from exactly one of the :data:`PMF_KINDS`."""
    from critmin.assessment import pmf as pmfs
    from critmin.assessment.estimates import DepositEstimates, read_estimates

    kind, value = _one_of(spec, PMF_KINDS, "pmf")
    if kind == "estimates":
        rows = []
        for i, r in enumerate(value):
            missing = [k for k in ("weight", "n90", "n50", "n10") if r.get(k) is None]
            if missing:
                raise InputError(f"estimate lacks {', '.join(missing)}; each row needs name, weight, n90, n50, n10",
                                 file="pmf.estimates", row=i + 1, column=missing[0])
            rows.append((r.get("name") or f"assessor {i + 1}", r["weight"], r["n90"], r["n50"], r["n10"]))
        p = pmfs.fit_negative_binomial(DepositEstimates.from_rows(rows, source="pmf.estimates"))
    elif kind == "estimates_csv":
        est = _from_text(str(value), ".csv", "pmf.estimates_csv", read_estimates)
        p = pmfs.fit_negative_binomial(dataclasses.replace(est, source="pmf.estimates_csv"))
    elif kind == "mark3":
        levels = list(value)
        for i, v in enumerate(levels):
            if isinstance(v, bool) or not isinstance(v, int | float) or v != int(v) or v < 0:
                raise InputError(f"Mark3 level {v!r} is not a whole number of deposits ≥ 0", file="pmf.mark3",
                                 row=i + 1)
        p = pmfs.mark3_pmf([int(v) for v in levels])
    elif kind == "poisson_mean":
        p = pmfs.poisson_pmf(_number(value, "pmf.poisson_mean", 1, "poisson_mean"))
    elif kind == "custom":
        n, prob = value.get("n"), value.get("probability")
        if n is None or prob is None:
            raise InputError("custom pmf needs {'n': [...], 'probability': [...]}", file="pmf.custom")
        p = pmfs.custom_pmf(n, prob)
    else:
        p = _from_text(str(value), ".csv", "pmf.csv", pmfs.read_pmf_csv)
    return PmfInput(p, kind, value)


def pmf_table(p: DepositPmf) -> dict[str, Any]:
    """The pmf for plotting: summary, ``n``, ``probability`` and ``exceedance`` (P(N ≥ n)) lists."""
    d = p.to_dict()
    d.pop("probabilities", None)
    d.pop("provenance", None)
    return json_safe({**d, "n": p.support.tolist(), "probability": p.probabilities.tolist(),
                      "exceedance": p.exceedance().tolist()})
