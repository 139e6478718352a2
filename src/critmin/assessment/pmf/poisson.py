"""Poisson pmf of the number of undiscovered deposits, truncated as MapMark4 did before 2017.

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: U.S. Geological Survey Techniques and Methods 7-C14,
doi:10.3133/tm7C14 (``CalcPoissonPmf`` in the package's git history, commit ``bfece22``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import poisson

from critmin.assessment.pmf.base import DepositPmf
from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json

__all__ = ["poisson_pmf"]


def poisson_pmf(mean: float, *, rel_threshold: float = 0.001) -> DepositPmf:
    """Poisson pmf with the given mean, tails cut where P(n) ≤ ``rel_threshold`` · P(mode).

    Parameters
    ----------
    mean
        Expected number of deposits (> 0).
    rel_threshold
        Tail threshold relative to the probability at the mode floor(mean), in (0, 0.1] (MapMark4
        ``relProbabilityThreshold``). The support is ``qpois(c(t, 1 − t), mean)`` with t = rel_threshold·P(mode);
        the kept probabilities are renormalised.

    Returns
    -------
    DepositPmf
        ``method="poisson"``. Poisson(5) has support 0–15, P(0) = 0.00674, P(15) = 0.000157.

    Raises
    ------
    InputError
        If the mean is not a positive finite number or the threshold is outside (0, 0.1].

    References
    ----------
    Ellefsen (2017), USGS TM 7-C14, doi:10.3133/tm7C14.
    """
    if not (isinstance(mean, int | float | np.floating | np.integer) and math.isfinite(mean) and mean > 0):
        raise InputError(f"the mean number of deposits must be a finite number > 0; got {mean!r}")
    if not 0 < rel_threshold <= 0.1:
        raise InputError(f"rel_threshold must be in (0, 0.1]; got {rel_threshold}")
    mean = float(mean)
    tail = rel_threshold * float(poisson.pmf(math.floor(mean), mean))
    lo = _qpois(tail, mean)
    hi = _qpois(1 - tail, mean)
    n = np.arange(lo, hi + 1)
    p = poisson.pmf(n, mean)
    params = {"mean": mean, "rel_threshold": rel_threshold}
    record = RunRecord.create("assessment.pmf.poisson", inputs_sha256=sha256_json(params), parameters=params)
    return DepositPmf(n_min=lo, probabilities=p / p.sum(), method="poisson", parameters=params, provenance=record)


def _qpois(p: float, mean: float) -> int:
    """R's ``qpois(p, mean)``: the smallest x with P(X ≤ x) ≥ p."""
    x = max(int(poisson.ppf(p, mean)), 0)
    while poisson.cdf(x, mean) < p:
        x += 1
    while x > 0 and poisson.cdf(x - 1, mean) >= p:
        x -= 1
    return x
