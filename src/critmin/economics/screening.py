"""Early-stage (screening-grade) cost estimates when no study exists.

* Capital and operating intensity benchmarks computed at run time from the Busch et al. (2025) lithium deposit
  database (``Data_S2_lithium_deposit_database.xlsx``, MIT; the user points at their copy — nothing from it is
  bundled): capex per t/yr LCE and opex per t LCE by resource type (median, quartiles, n).
* Taylor's rule: mine life ≈ 0.2 × (reserve tonnes)^0.25 years, so capacity = reserve / life.
* Camm (1991) power-law cost equations ``Y = a · C^b`` (C in short tons per day), read from the
  ``camm1991_cost_equations`` reference table.
* The six-tenths rule for scaling a known capex to another capacity.

Every result carries ``screening_grade = True``: these are order-of-magnitude (±50 % or worse) estimates.

References
----------
Busch, P., Kendall, A., Murphy, C.W., Miller, S.A., 2025, Effects of demand and recycling on the when and where of
lithium extraction: Nature Sustainability, doi:10.1038/s41893-025-01561-5 (Data S2).
Taylor, H.K., 1986, Rates of working of mines — a simple rule of thumb: Transactions of the Institution of Mining
and Metallurgy, Section A, 95, A203–A204.
Camm, T.W., 1991, Simplified cost models for prefeasibility mineral evaluations: U.S. Bureau of Mines
Information Circular 9298.
Williams, R., Jr., 1947, Six-tenths factor aids in approximating costs: Chemical Engineering 54(12), 124–125.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_file
from critmin.reference import load_table

__all__ = ["camm_cost", "lithium_intensity", "lithium_intensity_table", "six_tenths", "taylor_life_years",
           "taylor_rule"]

LI_TO_LCE = 5.323
"""t Li2CO3 (LCE) per t Li (molar mass ratio 73.89 × 0.5 / 6.94 ≈ 5.323; economics notes §3)."""
SHORT_TON_T = 0.90718474
"""Metric tonnes per short ton (exact by definition of the avoirdupois pound)."""


def _scale(unit: Any) -> float | None:
    u = str(unit).strip().lower().replace(" ", "")
    if not u.startswith("us"):
        return None
    if "billion" in u or u.endswith("b") or "usdb" in u:
        return 1e9
    if "million" in u or u.endswith("m") or "usdm" in u or "mm" in u:
        return 1e6
    return None


def lithium_intensity_table(path: str | Path) -> pd.DataFrame:
    """Per-deposit capex intensity (2022 US$ per t/yr LCE) and opex (US$ per t LCE) from Busch et al. Data S2.

    Rows whose investment is not in US$ millions/billions, or whose opex is not per tonne LCE, are left out
    (the ``note`` column says why for investment rows).

    Raises
    ------
    InputError
        If the file cannot be read or lacks the ``Deposits`` sheet columns used here.
    """
    p = Path(path)
    try:
        df = pd.read_excel(p, sheet_name="Deposits", header=4)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the Busch et al. Data S2 workbook ({exc}); expected "
                         "Data_S2_lithium_deposit_database.xlsx with a 'Deposits' sheet", file=p) from None
    need = ["Deposit Name", "Resource Type", "Investment Original", "Investment Original Unit",
            "Project Capacity Li ktons", "Inflation Adjusment 2022", "Extraction Cost Original",
            "Extraction Cost Original Unit"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"missing column {missing[0]!r}; is this Busch et al. Data S2?", file=p, column=missing[0])
    df = df.dropna(subset=["Deposit Name"])
    scale = df["Investment Original Unit"].map(_scale)
    infl = pd.to_numeric(df["Inflation Adjusment 2022"], errors="coerce").fillna(1.0)
    cap_lce = pd.to_numeric(df["Project Capacity Li ktons"], errors="coerce") * 1000.0 * LI_TO_LCE
    inv = pd.to_numeric(df["Investment Original"], errors="coerce") * scale.astype(float)
    capex_int = inv * infl / cap_lce
    ucost = df["Extraction Cost Original Unit"].astype(str).str.lower().str.replace(" ", "")
    opex = pd.to_numeric(df["Extraction Cost Original"], errors="coerce").where(
        ucost.str.contains("usd/tonnelce") | ucost.str.contains("usd/tlce")) * infl
    out = pd.DataFrame({"deposit": df["Deposit Name"].astype(str), "country": df.get("Country", ""),
                        "resource_type": df["Resource Type"].astype(str),
                        "capex_usd2022": inv * infl, "capacity_t_lce_per_year": cap_lce,
                        "capex_intensity_usd2022_per_tpa_lce": capex_int,
                        "opex_usd2022_per_t_lce": opex})
    return out.reset_index(drop=True)


def lithium_intensity(path: str | Path, resource_type: str = "Brine") -> dict[str, Any]:
    """Median and quartiles of capex intensity and opex for one resource type (Brine, Hard Rock, …)."""
    t = lithium_intensity_table(path)
    sel = t[t["resource_type"].str.lower() == resource_type.lower()]
    if sel.empty:
        raise InputError(f"resource type {resource_type!r} not in the workbook; expected one of "
                         f"{', '.join(sorted(t['resource_type'].unique()))}", file=str(path), column="Resource Type")

    def stats(col: str) -> dict[str, float | int | None]:
        x = sel[col].replace([np.inf, -np.inf], np.nan).dropna().to_numpy(dtype=float)
        if x.size == 0:
            return {"n": 0, "median": None, "q25": None, "q75": None}
        q = np.quantile(x, [0.25, 0.5, 0.75])
        return {"n": int(x.size), "median": float(q[1]), "q25": float(q[0]), "q75": float(q[2])}

    rec = RunRecord.create("economics.screening.lithium_intensity", inputs_sha256=sha256_file(path),
                           parameters={"resource_type": resource_type})
    return {"resource_type": resource_type, "capex_intensity_usd2022_per_tpa_lce":
            stats("capex_intensity_usd2022_per_tpa_lce"), "opex_usd2022_per_t_lce": stats("opex_usd2022_per_t_lce"),
            "screening_grade": True,
            "source": "Busch et al. 2025, Nature Sustainability, doi:10.1038/s41893-025-01561-5, Data S2 (MIT)",
            "provenance": rec.to_dict()}


def taylor_life_years(reserve_t: np.ndarray) -> np.ndarray:
    """Taylor's rule, vectorised: mine life 0.2 × T^0.25 years for ore tonnages T > 0 (0 where T is 0)."""
    t = np.asarray(reserve_t, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise InputError("reserve_t: expected finite tonnages of ore >= 0")
    return 0.2 * t ** 0.25


def taylor_rule(reserve_t: float) -> dict[str, Any]:
    """Taylor's rule: life = 0.2 × T^0.25 years (T ore tonnes), capacity = T / life (t/yr); ±20 % per Taylor."""
    if not np.isfinite(reserve_t) or reserve_t <= 0:
        raise InputError(f"reserve_t = {reserve_t!r}: expected a positive tonnage of ore")
    life = float(taylor_life_years(np.asarray(reserve_t)))
    return {"reserve_t": reserve_t, "life_years": life, "capacity_t_per_year": reserve_t / life,
            "capacity_t_per_day_350d": reserve_t / life / 350.0, "screening_grade": True,
            "method": "Taylor (1986) rule of thumb, life = 0.2 T^0.25"}


def camm_cost(equation: str, capacity_t_per_day: float) -> dict[str, Any]:
    """Evaluate a Camm (1991) equation ``a · C^b`` at a capacity given in metric t/day (converted to short tons).

    Raises
    ------
    InputError
        If the equation is unknown or the capacity is outside its validity range.
    """
    tab = load_table("camm1991_cost_equations")
    row = tab[tab["equation"] == equation]
    if row.empty:
        raise InputError(f"unknown Camm equation {equation!r}; expected one of {', '.join(tab['equation'])}")
    r = row.iloc[0]
    c_st = capacity_t_per_day / SHORT_TON_T
    lo = float(r["capacity_min_stpd"]) if r["capacity_min_stpd"] else 0.0
    hi = float(r["capacity_max_stpd"]) if r["capacity_max_stpd"] else float("inf")
    if not lo <= c_st <= hi or c_st <= 0:
        raise InputError(f"capacity {capacity_t_per_day:g} t/d = {c_st:g} short t/d is outside the range "
                         f"[{lo:g}, {hi:g}] of {equation}")
    value = float(r["a"]) * c_st ** float(r["b"])
    return {"equation": equation, "capacity_short_tons_per_day": c_st, "value": value, "unit": r["cost_unit"],
            "a": float(r["a"]), "b": float(r["b"]), "screening_grade": True,
            "note": "Camm (1991) base-year dollars; escalate with a cost index. Coefficients: "
                    "camm1991_cost_equations (" + str(r["confirmed"]) + ")"}


def six_tenths(known_capex: float, known_capacity: float, new_capacity: float, exponent: float = 0.6) -> float:
    """Scale a known capex to another capacity: C2 = C1 × (S2 / S1)^exponent."""
    if min(known_capex, known_capacity, new_capacity) <= 0:
        raise InputError("six-tenths rule: capex and capacities must be positive")
    return float(known_capex * (new_capacity / known_capacity) ** exponent)
