"""Grade–tonnage tables built from the knowledge base's inventory records.

One row per deposit: sites linked as the same deposit (same ``canonical_id``) count once. A deposit's size is
its inventory line with the **largest ore tonnage** among the resource/reserve categories (production lines —
``extracted``, ``cumulative_extracted`` — are left out, as they are not a total), and each requested commodity's
grade comes from the lines with that tonnage (:meth:`GTData.from_inventory`). A grade not stated but derivable
(contained metal ÷ ore) is derived. Sites without an ore tonnage, or without a grade for any requested
commodity, are dropped and reported; grades outside (0, 100) % are ignored with a warning; a commodity reported
by fewer than :data:`~critmin.assessment.gt_data.MIN_GRADES_PER_ELEMENT` deposits is left out with a warning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from critmin.assessment.gt_data import MIN_GRADES_PER_ELEMENT, GTData
from critmin.errors import InputError
from critmin.store.db import Database
from critmin.store.filters import SiteFilter
from critmin.store.sites import ADMIN, query_sites
from critmin.store.tables import Inventory

PRODUCTION_CATEGORIES = frozenset({"extracted", "cumulative_extracted"})
"""Inventory categories that are not a deposit's total size."""

_CHUNK = 5000


@dataclass(frozen=True)
class KBGradeTonnage:
    """A GT table from the knowledge base, the query behind it and the sites left out (with reasons)."""

    data: GTData
    query: dict[str, Any]
    n_sites: int
    dropped: list[dict[str, Any]] = field(default_factory=list)


def _symbol(text: str) -> str:
    from critmin.deposits.vocab import commodity_group

    return commodity_group(text.strip())[0]


def gt_query_store(
    session: Session,
    *,
    commodity: Sequence[str],
    deposit_type: Sequence[str] = (),
    country: Sequence[str] = (),
    source: Sequence[str] = (),
    bbox: Sequence[float] | None = None,
    viewer: str | None = ADMIN,
) -> KBGradeTonnage:
    """Build a GT table from the visible sites matching the filters (see the module docstring).

    Raises
    ------
    InputError
        No commodity given, or no site qualifies (the message says how many matched and why they were dropped).
    """
    symbols = list(dict.fromkeys(_symbol(c) for c in commodity if c.strip()))
    if not symbols:
        raise InputError("give at least one commodity symbol (e.g. Cu or Cu,Au) for the grade columns",
                         column="commodity")
    box = None
    if bbox is not None:
        if len(bbox) != 4:
            raise InputError(f"bbox {list(bbox)!r}: expected [minx, miny, maxx, maxy]", column="bbox")
        box = (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
    flt = SiteFilter(commodity=tuple(symbols), deposit_type=tuple(deposit_type), country=tuple(country),
                     source=tuple(source), bbox=box)
    query = {"commodity": symbols, "deposit_type": list(deposit_type), "country": list(country),
             "source": list(source), "bbox": list(box) if box else None}
    _, sites = query_sites(session, flt, viewer=viewer, sort="id", limit=None, count=False)
    by_id = {s.id: s for s in sites}
    inv: list[Inventory] = []
    ids = list(by_id)
    for i in range(0, len(ids), _CHUNK):
        inv.extend(session.execute(select(Inventory).where(
            Inventory.site_id.in_(ids[i:i + _CHUNK]), Inventory.commodity.in_(symbols),
            Inventory.category.not_in(sorted(PRODUCTION_CATEGORIES)))).scalars())
    warnings: list[str] = []
    rows: list[dict[str, Any]] = []
    for r in inv:
        ore = r.ore_t
        grade = r.grade_pct
        if grade is None and r.contained_t is not None and ore:
            grade = 100.0 * r.contained_t / ore
        if ore is None or not np.isfinite(ore) or ore <= 0:
            continue
        if grade is not None and not (0.0 < grade < 100.0):
            site = by_id[r.site_id]
            warnings.append(f"site {site.id} ({site.name}): {r.commodity} grade {grade:g} % is outside (0, 100) % "
                            "and was ignored")
            grade = None
        if grade is None:
            continue
        site = by_id[r.site_id]
        key = site.canonical_id if site.canonical_id is not None else site.id
        rows.append({"key": str(key), "name": site.name or str(site.id), "commodity": r.commodity,
                     "ore_t": float(ore), "grade_pct": float(grade), "site_id": site.id})
    with_ore = {r.site_id for r in inv if r.ore_t is not None and r.ore_t > 0}
    used = {r["site_id"] for r in rows}
    dropped = [{"site_id": s.id, "name": s.name,
                "reason": "no grade for " + ", ".join(symbols) if s.id in with_ore else "no ore tonnage"}
               for s in sites if s.id not in used]
    if not rows:
        raise InputError(f"{len(sites)} visible site(s) match {query}, but none has an ore tonnage with a grade "
                         f"for {', '.join(symbols)} ({len(dropped)} dropped); widen the query or give the GT "
                         "table as rows/CSV", column="commodity")
    frame = pd.DataFrame(rows)
    counts = frame.groupby("commodity")["key"].nunique()
    keep = [c for c in symbols if counts.get(c, 0) >= MIN_GRADES_PER_ELEMENT]
    for c in symbols:
        if c not in keep:
            warnings.append(f"{c}: only {int(counts.get(c, 0))} deposit(s) report a grade (< "
                            f"{MIN_GRADES_PER_ELEMENT}); left out of the GT table")
    if not keep:
        raise InputError(f"too few deposits with grades: {dict(counts)} (need ≥ {MIN_GRADES_PER_ELEMENT} per "
                         "commodity); widen the query", column="commodity")
    frame = frame[frame["commodity"].isin(keep)]
    lost = sorted(used - set(frame["site_id"]))
    dropped += [{"site_id": int(sid), "name": by_id[sid].name, "reason": "grade only for left-out commodities"}
                for sid in lost]
    data = GTData.from_inventory(frame, site="key", name="name", commodities=keep,
                                 source=f"knowledge base: {query}")
    if warnings:
        data = dataclasses.replace(data, warnings=(*data.warnings, *warnings))
    return KBGradeTonnage(data, query, len(sites), dropped)


def gt_from_store(
    db: Database | Session,
    *,
    commodity: Sequence[str],
    deposit_type: Sequence[str] | str | None = None,
    country: Sequence[str] | str | None = None,
    source: Sequence[str] | str | None = None,
    bbox: Sequence[float] | None = None,
    viewer: str | None = ADMIN,
) -> GTData:
    """A :class:`GTData` from the knowledge base (see :func:`gt_query_store`; dropped sites are in its warnings)."""

    def lst(v: Sequence[str] | str | None) -> list[str]:
        if v is None:
            return []
        return [v] if isinstance(v, str) else list(v)

    def run(s: Session) -> GTData:
        res = gt_query_store(s, commodity=lst(commodity), deposit_type=lst(deposit_type), country=lst(country),
                             source=lst(source), bbox=bbox, viewer=viewer)
        if not res.dropped:
            return res.data
        note = f"{len(res.dropped)} of {res.n_sites} matching site(s) dropped (no ore tonnage or no grade)"
        return dataclasses.replace(res.data, warnings=(*res.data.warnings, note))

    if isinstance(db, Session):
        return run(db)
    with db.session() as s:
        return run(s)
