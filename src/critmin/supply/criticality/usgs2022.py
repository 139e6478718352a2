"""USGS 2022 critical-minerals supply-risk screen: SR = DP × TE × EV, recency-weighted, threshold 0.40.

- DP (disruption potential): governance-weighted HHI of global production, Σ sᵢ²·gᵢ with shares as fractions and
  gᵢ the WGI score rescaled to 0–1 (1 = worst); computed per stage, the higher stage kept.
- TE (trade exposure): US net import reliance as a fraction, clipped to [0, 1] (0 for net exporters); shipped from
  the MCS Figure 2 tables (a bound such as ">50" is taken at the bound and flagged), or a user ``nir_pct`` column.
- EV (economic vulnerability): a user input in [0, 1] (column ``ev``), since it needs US industry accounts.

The recency-weighted mean over the years given uses weights proportional to 1, 2, …, n (oldest to newest) by
default. ASSUMPTION: OFR 2021-1045 describes a recency-weighted mean over 2015-2018 but the exact weights were not
transcribed; pass ``weights`` to use the published ones.

References
----------
Nassar, N.T., and Fortier, S.M., 2021, Methodology and technical input for the 2021 review and revision of the U.S.
Critical Minerals List: USGS Open-File Report 2021-1045, doi:10.3133/ofr20211045.
Nassar, N.T., and others, 2020, Evaluating the mineral commodity supply risk of the U.S. manufacturing sector:
Science Advances 6, eaay8647, doi:10.1126/sciadv.aay8647.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json
from critmin.reference import load_table
from critmin.supply.criticality.base import CriticalityResult, bounded, list_membership, require

THRESHOLD = 0.40


def recency_weighted_mean(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted mean with weights 1..n (oldest→newest) unless ``weights`` are given."""
    v = np.asarray(values, float)
    w = np.arange(1, len(v) + 1, dtype=float) if weights is None else np.asarray(weights, float)
    if len(w) != len(v) or (w < 0).any() or w.sum() <= 0:
        raise InputError(f"recency weights {list(w)} do not fit {len(v)} years", column="weights")
    return float(np.sum(v * w) / w.sum())


def shipped_nir(symbol: str, year: int) -> tuple[float, str]:
    """US NIR fraction for ``year`` from the MCS Figure 2 tables, with a note when it is a bound."""
    t = load_table("supply_us_nir")
    r = t[(t.commodity == symbol) & (t.year == str(year))].sort_values("edition", ascending=False)
    if r.empty or r.nir_pct.iloc[0] == "":
        raise InputError(f"usgs2022: no US net import reliance for {symbol} {year} in the MCS tables; add a "
                         "nir_pct column to the inputs", column="nir_pct")
    q = r.qualifier.iloc[0]
    return min(1.0, max(0.0, float(r.nir_pct.iloc[0]) / 100)), (f"NIR {q}{r.nir_pct.iloc[0]} % taken at the bound"
                                                               if q else "")


def disruption_potential(symbol: str, year: int, governance: pd.DataFrame | None = None) -> tuple[float, str]:
    """Highest governance-weighted HHI (0–1) over the stages with data, and that stage."""
    from critmin.supply.concentration import concentration
    from critmin.supply.production import availability

    av = availability()
    best = (-1.0, "")
    for st in av[(av.commodity == symbol)].stage.unique():
        try:
            c = concentration(symbol, st, year, governance=governance)
        except InputError:
            continue
        if c.hhi_wgi / 10_000 > best[0]:
            best = (c.hhi_wgi / 10_000, st)
    if best[0] < 0:
        raise InputError(f"usgs2022: no production data for {symbol} in {year}", column="year")
    return best


def run(*, inputs: pd.DataFrame, years: Sequence[int], governance: pd.DataFrame | None = None,
        weights: Sequence[float] | None = None, **_: Any) -> CriticalityResult:
    """SR per commodity and year and the recency-weighted mean (``inputs``: commodity, ev[, year, nir_pct])."""
    from critmin.supply.commodities import resolve_commodity

    require(inputs, ["commodity", "ev"], "usgs2022")
    bounded(inputs, "ev", 0, 1)
    rows, notes = [], []
    for sym_raw, g in inputs.groupby("commodity", sort=False):
        sym = resolve_commodity(str(sym_raw))
        srs = []
        for y in years:
            gy = g[g.year == y] if "year" in g.columns else g
            if gy.empty:
                gy = g
            ev = float(gy.ev.iloc[0])
            if "nir_pct" in gy.columns and pd.notna(gy.nir_pct.iloc[0]):
                te, note = min(1.0, max(0.0, float(gy.nir_pct.iloc[0]) / 100)), ""
            else:
                te, note = shipped_nir(sym, y)
            if note:
                notes.append(f"{sym} {y}: {note}")
            dp, stage = disruption_potential(sym, y, governance)
            sr = dp * te * ev
            srs.append(sr)
            rows.append({"method": "usgs2022", "commodity": sym, "year": y, "stage": stage, "supply_risk": sr,
                         "importance": ev, "score": None, "threshold_supply_risk": THRESHOLD,
                         "threshold_importance": None, "critical": None, "lists": list_membership(sym),
                         "components": {"dp": dp, "te": te, "ev": ev}, "source": "MCS tables; EV: user"})
        rwm = recency_weighted_mean(srs, weights)
        rows.append({"method": "usgs2022", "commodity": sym, "year": f"{min(years)}-{max(years)} RWM",
                     "stage": "", "supply_risk": rwm, "importance": None, "score": rwm,
                     "threshold_supply_risk": THRESHOLD, "threshold_importance": None,
                     "critical": bool(rwm >= THRESHOLD), "lists": list_membership(sym),
                     "components": {"weights": list(weights) if weights is not None else "1..n (assumed)"},
                     "source": "recency-weighted mean"})
    if weights is None:
        notes.append("recency weights 1..n are an assumption (OFR 2021-1045 weights not transcribed)")
    rec = RunRecord.create("supply.criticality.usgs2022", inputs_sha256=sha256_json(inputs.to_dict("list")),
                           parameters={"years": list(years), "weights": list(weights) if weights else None})
    return CriticalityResult("usgs2022", pd.DataFrame(rows), notes, rec)
