"""Mark3 pmf of the number of undiscovered deposits from 3, 5, 7 or 9 elicited thresholds.

A line-by-line port of subroutine ``Mark3Pmf`` (USGS-R/MapMark4 ``src/Mark3Pmfs.f90``, commit ``bfece22``),
which K.J. Ellefsen extracted from the DISTRIB3/5/9 subroutines of MARK3B (Root, Scott & Schruben 1998).
The assessors give thresholds N90 ≤ N50 ≤ N10 [≤ N05 ≤ N01 [≤ N005 ≤ N001 [≤ N0005 ≤ N0001]]] with
P(N ≥ N_q) = q for q = 0.9, 0.5, 0.1, 0.05, 0.01, 0.005, 0.001, 0.0005, 0.0001, and the mass between
consecutive thresholds is spread as follows:

* the 0.1 below N90: if N90 = 0, P(0) += 0.1; otherwise d = 0.1/(2·N90 + 1), P(0 … N90−1) += 2d, P(N90) += d;
* each pair (t_i, t_{i+1}) with mass Δ = q_{i−1} − q_i and gap g = t_{i+1} − t_i: g = 0 → P(t_i) += Δ;
  g = 1 → both ends += Δ/2; g > 1 → d = Δ/(2g), both ends += d, the points between += 2d;
* finally P(t_last) += q_last (0.1, 0.01, 0.001 or 0.0001). The support is 0 … t_last.

References
----------
Root, D.H., Menzie, W.D., and Scott, W.A., 1992, Computer Monte Carlo simulation in quantitative resource
estimation: Nonrenewable Resources, v. 1, no. 2, p. 125–138 (DOI not confirmed here; not cited).

Root, D.H., Scott, W.A., Jr., and Schruben, P.G., 1998, MARK3B resource assessment program for Macintosh:
U.S. Geological Survey Open-File Report 98-356.

Ellefsen, K.J., 2017, User's guide for MapMark4: U.S. Geological Survey Techniques and Methods 7-C14,
doi:10.3133/tm7C14 (the Fortran port lives in the package's git history).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from critmin.assessment.pmf.base import DepositPmf, integer_array
from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json

__all__ = ["MARK3_EXCEEDANCE", "MARK3_LEVEL_NAMES", "mark3_pmf"]

#: P(N ≥ threshold) of the nine Mark3 thresholds, in order (DISTP in the Fortran).
MARK3_EXCEEDANCE: tuple[float, ...] = (0.90, 0.50, 0.10, 0.05, 0.01, 0.005, 0.001, 0.0005, 0.0001)
#: Names of the thresholds, in order.
MARK3_LEVEL_NAMES: tuple[str, ...] = ("N90", "N50", "N10", "N05", "N01", "N005", "N001", "N0005", "N0001")


def mark3_pmf(
    levels: Sequence[float],
    *,
    precision: Literal["double", "fortran-single"] = "double",
) -> DepositPmf:
    """Mark3 pmf from 3, 5, 7 or 9 thresholds (N90, N50, N10[, N05, N01[, N005, N001[, N0005, N0001]]]).

    Parameters
    ----------
    levels
        Non-decreasing whole numbers of deposits: P(N ≥ levels[k]) = 0.9, 0.5, 0.1, 0.05, 0.01, 0.005,
        0.001, 0.0005, 0.0001 for k = 0, 1, …
    precision
        ``"double"`` (default) uses the exceedance probabilities as exact decimals in double precision, as
        MapWizard's R port and MapMark4GUI do: the five-level (0, 1, 2, 3, 4) table is 0.3, 0.4, 0.225, 0.045,
        0.03 to 1e-16. ``"fortran-single"`` reproduces the Fortran bit for bit: its ``DISTP`` literals are
        default (single-precision) REALs stored in a REAL(8) array, so 0.9 becomes 0.899999976158…;
        probabilities then differ from ``"double"`` by up to ~3e-8.

    Returns
    -------
    DepositPmf
        Support 0 … levels[-1]; ``method="mark3"``; ``parameters`` holds the levels by name.

    Raises
    ------
    InputError
        If the number of levels is not 3, 5, 7 or 9, a level is not a non-negative whole number, or the
        levels decrease.

    Notes
    -----
    If N90 = 0 the Fortran still puts only 0.1 (not 1 − P(N ≥ 1)) at zero before spreading the next 0.4, so
    P(N ≥ 1) < 0.9 — "P(N ≥ 0) = 0.9" cannot hold; MapMark4's author notes this "doesn't make sense" but it is
    the published algorithm and is kept.

    References
    ----------
    Root, Menzie & Scott (1992), Nonrenewable Resources 1(2):125–138; Root, Scott & Schruben (1998), USGS
    OFR 98-356.

    Examples
    --------
    >>> mark3_pmf([1, 2, 4]).probabilities.round(3).tolist()   # Root, Menzie & Scott (1992), pmf A
    [0.067, 0.233, 0.3, 0.2, 0.2]
    """
    raw = list(levels)
    inod = len(raw)
    if inod not in (3, 5, 7, 9):
        raise InputError(
            f"Mark3 needs 3, 5, 7 or 9 thresholds (N90,N50,N10[,N05,N01[,N005,N001[,N0005,N0001]]]); got {inod}: "
            f"{raw!r}"
        )
    if precision not in ("double", "fortran-single"):
        raise InputError(f"precision must be 'double' or 'fortran-single'; got {precision!r}")
    names = MARK3_LEVEL_NAMES[:inod]
    nd = [int(v) for v in integer_array(raw, "Mark3 threshold")]
    for k in range(inod - 1):
        if nd[k] > nd[k + 1]:
            raise InputError(
                f"Mark3 thresholds must not decrease: {names[k]} = {nd[k]} > {names[k + 1]} = {nd[k + 1]} "
                "(P(N ≥ N90) = 0.9 means N90 is the smallest number)"
            )
    if precision == "double":
        distp = list(MARK3_EXCEEDANCE[:inod])
    else:
        distp = [float(np.float32(q)) for q in MARK3_EXCEEDANCE[:inod]]
    xx = _mark3_fortran(nd, distp)
    params: dict[str, Any] = {name: value for name, value in zip(names, nd, strict=True)}
    params["exceedance"] = list(MARK3_EXCEEDANCE[:inod])
    params["precision"] = precision
    record = RunRecord.create("assessment.pmf.mark3", inputs_sha256=sha256_json(params), parameters=params)
    return DepositPmf(n_min=0, probabilities=xx, method="mark3", parameters=params, provenance=record)


def _mark3_fortran(levels: list[int], distp: list[float]) -> np.ndarray:
    """Subroutine ``Mark3Pmf`` with the Fortran's 1-based indices kept (``nd[0] = 0`` is the sentinel ND(1))."""
    inod = len(levels)
    nd = [0, *levels]  # ND(1) = 0, ND(2) … ND(INOD+1) = the thresholds (0-based list)
    nd = [v + 1 for v in nd]  # "ND(I) = ND(I) + 1": now 1-based positions in XX
    xx = [0.0] * (nd[inod] + 1)  # xx[1] … xx[ND(INOD+1)] used; xx[0] is padding

    idum = nd[1] - nd[0]
    if idum == 0:
        xx[nd[0]] = 1.0 - distp[0]
    else:
        dum = (1.0 - distp[0]) / (2 * float(nd[1] - nd[0]) + 1)
        for pos in range(nd[0], nd[1] + 1):
            if pos == nd[1]:
                xx[pos] = xx[pos] + dum
            if pos < nd[1]:
                xx[pos] = xx[pos] + 2.0 * dum

    for i in range(1, inod):  # Fortran I = 2 … INOD
        idum = nd[i + 1] - nd[i]
        delta = distp[i - 1] - distp[i]
        if idum == 0:
            dum = delta
        elif idum == 1:
            dum = delta / 2.0
        else:
            dum = delta / (2.0 * (idum - 1.0) + 2.0)
        for pos in range(nd[i], nd[i + 1] + 1):
            if pos == nd[i] or pos == nd[i + 1]:
                xx[pos] = xx[pos] + dum
            if nd[i] < pos < nd[i + 1]:
                xx[pos] = xx[pos] + 2.0 * dum

    xx[nd[inod]] = xx[nd[inod]] + distp[inod - 1]
    return np.array(xx[1:], dtype=float)
