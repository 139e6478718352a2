"""Market concentration of supply: shares, HHI (0–10,000 and 0–1), governance-weighted HHI, top-1/top-3.

Conventions (``docs/supply.md``): shares are fractions of the *listed* total (named countries plus "Other
countries"); the reported "World total (rounded)" is never summed and is kept only for comparison. "Other
countries" is an aggregate of unnamed producers: it is reported as one entry of ``shares`` but left out of the HHI
(its unknown split would only lower the index). Withheld (``W``) or unavailable (``NA``) values count as zero and
are listed in ``withheld``. ``hhi_wgi`` = Σ (100·sᵢ)²·gᵢ with gᵢ the normalised WGI political-stability score
(0–1, 1 = worst), so it shares the 0–10,000 scale.

References
----------
Hirschman, A.O., 1964, The paternity of an index: American Economic Review 54(5), 761.
U.S. Department of Justice and Federal Trade Commission, 2023, Merger Guidelines, §2.1 (HHI on the 0–10,000 scale),
https://www.justice.gov/atr/merger-guidelines.
Nassar, N.T., and Fortier, S.M., 2021, Methodology and technical input for the 2021 review and revision of the
U.S. Critical Minerals List: USGS Open-File Report 2021-1045, doi:10.3133/ofr20211045 (governance-weighted HHI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.supply.commodities import STAGES
from critmin.supply.governance import governance_scores
from critmin.supply.production import StageProduction, availability, stage_production
from critmin.supply.records import records

SHARE_SUM_TOLERANCE = 0.02
"""Cited shares must add up to 1 within this tolerance."""


@dataclass(frozen=True)
class Concentration:
    """Concentration of one commodity at one stage in one year (see the module notes for conventions)."""

    commodity: str
    stage: str
    year: int
    shares: dict[str, float]
    iso3: dict[str, str]
    hhi: float
    hhi_01: float
    hhi_wgi: float
    top1_country: str
    top1_share: float
    top3_share: float
    other_share: float
    withheld: list[str]
    source: str
    unit: str
    total_listed: float | None
    world_total_reported: float | None
    wgi_years: dict[str, int]
    record: RunRecord
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the keys of ``critmin supply concentration --json``)."""
        return {"commodity": self.commodity, "stage": self.stage, "year": self.year, "shares": self.shares,
                "iso3": self.iso3, "hhi": self.hhi, "hhi_01": self.hhi_01, "hhi_wgi": self.hhi_wgi,
                "top1_country": self.top1_country, "top1_share": self.top1_share, "top3_share": self.top3_share,
                "other_share": self.other_share, "withheld": self.withheld, "source": self.source,
                "unit": self.unit, "total_listed": self.total_listed,
                "world_total_reported": self.world_total_reported, "wgi_years": self.wgi_years,
                "flags": self.flags, "provenance": self.record.to_dict()}


def hhi(shares: np.ndarray | list[float]) -> float:
    """Herfindahl–Hirschman index on the 0–1 scale of shares given as fractions."""
    s = np.asarray(shares, dtype=float)
    if np.any(s < 0) or np.any(~np.isfinite(s)):
        raise InputError("shares must be finite and >= 0")
    return float(np.sum(s**2))


def concentration_of(prod: StageProduction, *, governance: pd.DataFrame | None = None) -> Concentration:
    """Concentration indices of a :class:`StageProduction` (module notes give the conventions).

    Raises
    ------
    InputError
        If cited shares do not sum to 1 (± :data:`SHARE_SUM_TOLERANCE`), a quantity is negative, or a producer
        lacks a governance value (listing them).
    """
    rows = prod.rows
    if (rows["quantity"].fillna(0) < 0).any():
        raise InputError(f"negative production in {prod.label}; expected quantities >= 0", column="quantity")
    flags: list[str] = []
    total = float(rows["share"].sum(skipna=True))
    if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
        raise InputError(f"{prod.commodity} {prod.stage} {prod.year}: shares sum to {total:.3f}, expected 1 "
                         f"(±{SHARE_SUM_TOLERANCE}); check the table {prod.label}")
    named = rows[(rows.row_kind == "country") & rows.share.notna() & (rows.share > 0)]
    other = rows[rows.row_kind == "other"]
    other_share = float(other.share.fillna(0).sum())
    withheld = sorted(rows[rows["flag"].isin(["W", "NA"]) & (rows.row_kind == "country")].country.tolist())
    if withheld:
        flags.append(f"withheld or not available (counted as 0): {', '.join(withheld)}")
    # Several rows may map to one country (e.g. "Russia (recoverable)"): sum per ISO3.
    per = named.groupby("iso3", sort=False).agg(country=("country", "first"), share=("share", "sum"))
    shares = {str(r.country): float(r.share) for r in records(per.reset_index())}
    if other_share > 0 or len(other):
        shares["Other countries"] = other_share
    s = per["share"].to_numpy(float)
    g, used = governance_scores(list(per.index), prod.year, table=governance)
    gw = np.array([g[c] for c in per.index])
    order = np.argsort(-s)
    h01 = hhi(s)
    if prod.world_total_reported and prod.unit != "share":
        listed = float(rows.quantity.sum(skipna=True))
        diff = listed / prod.world_total_reported - 1
        if abs(diff) > 0.05:
            flags.append(f"listed total differs from the reported world total by {diff:+.1%}")
    params = {"commodity": prod.commodity, "stage": prod.stage, "year": prod.year, "edition": prod.edition,
              "table": prod.table, "governance": "user" if governance is not None else "supply_wgi"}
    rec = RunRecord.create("supply.concentration", inputs_sha256=sha256_json(rows.to_dict("list")),
                           parameters=params)
    return Concentration(
        commodity=prod.commodity, stage=prod.stage, year=prod.year, shares=shares,
        iso3={str(r.country): str(i) for i, r in per.iterrows()}, hhi=10_000 * h01, hhi_01=h01,
        hhi_wgi=float(10_000 * np.sum(s**2 * gw)),
        top1_country=str(per.country.iloc[order[0]]) if len(s) else "", top1_share=float(s[order[0]]) if len(s) else 0,
        top3_share=float(s[order[:3]].sum()), other_share=other_share, withheld=withheld,
        source=f"{prod.label} ({prod.source})", unit=prod.unit,
        total_listed=float(rows.quantity.sum(skipna=True)) if rows.quantity.notna().any() else None,
        world_total_reported=prod.world_total_reported, wgi_years=used, record=rec, flags=flags)


def concentration(commodity: str, stage: str, year: int, *, edition: str | None = None,
                  user: pd.DataFrame | None = None, governance: pd.DataFrame | None = None) -> Concentration:
    """Concentration of ``commodity`` at ``stage`` in production ``year`` (latest edition reporting it).

    See :func:`critmin.supply.production.stage_production` for the arguments and :func:`concentration_of`
    for the indices.
    """
    return concentration_of(stage_production(commodity, stage, year, edition=edition, user=user),
                            governance=governance)


def stage_profile(commodity: str, year: int, *, user: pd.DataFrame | None = None,
                  governance: pd.DataFrame | None = None) -> tuple[list[Concentration], str | None]:
    """Concentration at every stage with data for ``year`` (or the nearest earlier year), and the worst stage.

    The worst stage is the one with the highest governance-weighted HHI.
    """
    from critmin.supply.commodities import resolve_commodity

    sym = resolve_commodity(commodity, tuple(sorted(set(user.commodity))) if user is not None else ())
    av = availability()
    out = []
    for stage in STAGES:
        here = av[(av.commodity == sym) & (av.stage == stage)]
        years = sorted({y for ys in here.years for y in ys if y <= year}) or sorted(
            {y for ys in here.years for y in ys})
        if not years:
            continue
        try:
            out.append(concentration(sym, stage, years[-1], user=user, governance=governance))
        except InputError:
            continue
    worst = max(out, key=lambda c: c.hhi_wgi).stage if out else None
    return out, worst


def concentration_series(commodity: str, stage: str) -> pd.DataFrame:
    """HHI, governance-weighted HHI and top-1/top-3 shares for every year with data (each from its latest edition)."""
    av = availability()
    from critmin.supply.commodities import resolve_commodity

    sym = resolve_commodity(commodity)
    here = av[(av.commodity == sym) & (av.stage == stage)]
    rows = []
    for y in sorted({y for ys in here.years for y in ys}):
        c = concentration(sym, stage, y)
        rows.append({"year": y, "hhi": c.hhi, "hhi_wgi": c.hhi_wgi, "top1_country": c.top1_country,
                     "top1_share": c.top1_share, "top3_share": c.top3_share, "source": c.source})
    return pd.DataFrame(rows)
