"""Discounted-cash-flow metrics: NPV (end-year or mid-year), robust IRR, payback.

NPV discounts the cash flow of year ``t`` (year 1 = first construction year) by ``(1 + r)^t`` (``end_year``)
or ``(1 + r)^(t - 0.5)`` (``mid_year``); unlike ``numpy_financial.npv`` the first flow is *not* undiscounted.

IRR: the NPV is evaluated on a dense grid of rates in [-0.5, 10] (rates below -50 % are economically
meaningless and are not searched); each sign change is refined with Brent's
method. No root → ``None`` with the reason; more than one root → ``None`` with the roots listed (a unique IRR
does not exist); one root → that rate.

References
----------
Brent, R.P., 1973, Algorithms for Minimization without Derivatives, ch. 4 (scipy.optimize.brentq).
Hazen, G.B., 2003, A new perspective on multiple internal rates of return: The Engineering Economist 48(1),
31–51, doi:10.1080/00137910308965050.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

__all__ = ["IrrResult", "discount_factors", "irr", "npv", "payback"]

F64 = NDArray[np.float64]
_GRID = np.concatenate([np.linspace(-0.5, -0.2, 60, endpoint=False), np.linspace(-0.2, 1.0, 601),
                        np.geomspace(1.0, 10.0, 120)[1:]])


def discount_factors(years: int, rate: float | F64, discounting: str = "end_year") -> F64:
    """Discount factors for years 1..``years`` (shape (years,) or (len(rate), years))."""
    t = np.arange(1, years + 1, dtype=float) - (0.5 if discounting == "mid_year" else 0.0)
    r = np.asarray(rate, dtype=float)
    return np.asarray((1.0 + r[..., None]) ** -t, dtype=float)


def npv(flows: ArrayLike, rate: float, discounting: str = "end_year") -> F64 | float:
    """NPV of annual flows (last axis = years, year 1 first) at ``rate``; a float for 1-D input."""
    a = np.asarray(flows, dtype=float)
    v = a @ discount_factors(a.shape[-1], rate, discounting)
    return float(v) if a.ndim == 1 else np.asarray(v)


@dataclass(frozen=True)
class IrrResult:
    """An IRR (fraction) or ``None`` with the reason; all roots found on the search grid."""

    value: float | None
    reason: str | None
    roots: tuple[float, ...]
    sign_changes: int


def irr(flows: ArrayLike, discounting: str = "end_year") -> IrrResult:
    """Internal rate of return of 1-D annual flows, robust to no or multiple roots."""
    a = np.asarray(flows, dtype=float)
    nz = a[np.abs(a) > 1e-9 * max(1.0, float(np.abs(a).max(initial=0.0)))]
    sign_changes = int(np.count_nonzero(np.diff(np.sign(nz)) != 0)) if nz.size else 0
    if sign_changes == 0:
        what = "all cash flows are non-negative" if nz.size and nz[0] > 0 else "all cash flows are non-positive"
        return IrrResult(None, f"undefined: {what if nz.size else 'all cash flows are zero'}", (), 0)
    values = a @ discount_factors(a.size, _GRID, discounting).T
    roots: list[float] = []
    for i in np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]:

        def f(r: float) -> float:
            return float(a @ discount_factors(a.size, r, discounting))

        roots.append(float(brentq(f, float(_GRID[i]), float(_GRID[i + 1]), xtol=1e-12)))
    roots += [float(_GRID[i]) for i in np.nonzero(values == 0)[0]]
    roots = sorted(set(roots))
    if not roots:
        return IrrResult(None, "undefined: NPV does not change sign for rates between -50 % and 1000 %",
                         (), sign_changes)
    if len(roots) > 1:
        shown = ", ".join(f"{r:.4f}" for r in roots)
        return IrrResult(None, f"not unique: NPV is zero at {len(roots)} rates ({shown}); "
                               "use NPV or a modified IRR", tuple(roots), sign_changes)
    return IrrResult(roots[0], None, tuple(roots), sign_changes)


def payback(flows: ArrayLike, start_year: int = 1) -> float | None:
    """Years from the start of year ``start_year`` until cumulative flows first reach >= 0 (interpolated).

    ``None`` if they never do. With ``start_year = construction_years + 1`` it is the payback from first
    production; with 1, from the start of construction.
    """
    a = np.asarray(flows, dtype=float)
    cum = np.cumsum(a)
    neg = np.nonzero(cum < 0)[0]
    if neg.size == 0:
        return 0.0
    after = np.nonzero(cum[neg[0]:] >= 0)[0]
    if after.size == 0:
        return None
    j = int(neg[0] + after[0])  # 0-based year in which the cumulative flow first turns non-negative
    frac = -cum[j - 1] / a[j]
    years_from_1 = j + float(frac)
    return max(0.0, years_from_1 - (start_year - 1))
