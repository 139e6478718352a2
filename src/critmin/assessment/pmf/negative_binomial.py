"""Negative-binomial pmf of the number of undiscovered deposits fitted to weighted expert N90/N50/N10 estimates.

Reproduces MapMark4's ``CalcNegBinomialPmf`` (USGS-R/MapMark4, ``R/NDepositsPmf.R``) step by step:

1. The NB is parametrised as R's ``dnbinom(size, prob)``: prob = mean/variance, size = mean·prob/(1 − prob),
   so variance > mean is required.
2. A 40 × 40 grid: means ``seq(w̄(N90) + 0.01, w̄(N10), length.out = 40)`` (weighted means over assessors) and,
   for each mean, variances ``seq(mean + 0.01, (w̄(N10) − w̄(N90))², length.out = 40)``.
3. Cost = Σ_assessors weight · Σ_q |Q_q − N_q| with Q = ``qnbinom(c(0.9, 0.5, 0.1), size, prob,
   lower.tail = FALSE)``; each assessor's three terms are summed in extended precision, as R's ``sum`` does.
4. The grid minimum is taken in R's ``which.min`` order (column-major: the first mean index varies fastest;
   the first minimum wins; NaN costs are skipped). MapMark4's conversion of that index back to (i, j) is off
   by one when the minimum lies in the last row; here the correct (i, j) is used.
5. The grid optimum is polished with a port of R's ``optim(method = "Nelder-Mead")`` (``nmmin`` in R's
   ``src/appl/optim.c``: initial simplex x0 and x0 + 0.1·max|x0|·e_i, alpha 1, beta 0.5, gamma 2,
   reltol = sqrt(machine epsilon) ≈ 1.49e-8, abstol = −Inf, maxit 500, non-finite costs replaced by 1e35).
   SciPy's Nelder–Mead builds another simplex and finds other points on this piecewise-constant cost
   (ExampleDepEst2: mean 112.29 instead of R's 111.6439).
6. Truncation: upper point x = ``qnbinom(1 − 0.001)``; probabilities of 0 … x that are smaller than P(x) are
   dropped (the lower tail), and the rest renormalised.

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4—An R package for the probability calculations in three-part
mineral resource assessments: U.S. Geological Survey Techniques and Methods 7-C14, doi:10.3133/tm7C14.

Ellefsen, K.J., 2017, Probability calculations for three-part mineral resource assessments: U.S. Geological
Survey Techniques and Methods 7-C15, doi:10.3133/tm7C15.

Nash, J.C., 1990, Compact numerical methods for computers: linear algebra and function minimisation, 2nd ed.:
Bristol, Adam Hilger (the Nelder–Mead code R's ``optim`` uses).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri
from scipy.stats import nbinom, poisson

from critmin.assessment.estimates import DepositEstimates
from critmin.assessment.pmf.base import DepositPmf, UnderdispersedError
from critmin.errors import InputError
from critmin.provenance import RunRecord, sha256_json

__all__ = ["NelderMeadResult", "fit_negative_binomial", "negative_binomial_pmf", "r_nelder_mead"]

#: The exceedance probabilities elicited from each assessor (N90, N50, N10).
ELICITED = (0.9, 0.5, 0.1)
#: R's ``optim`` default ``reltol`` = sqrt(.Machine$double.eps).
R_RELTOL = math.sqrt(np.finfo(float).eps)
#: R's ``nmmin`` replaces non-finite function values with this.
R_BIG = 1.0e35


# ------------------------------------------------------------------------------------------- quantiles
# R computes pnbinom(x, size, prob) = pbeta(prob, size, x + 1) and its complement directly (TOMS 708); SciPy's
# nbinom.cdf / nbinom.sf (Boost's regularised incomplete beta and its complement) give the same numbers to
# ~1e-15, which only matters for a point exactly on a quantile boundary.
def _nb_sf(k: np.ndarray, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """P(X > k) for X ~ NB(size, prob)."""
    return np.asarray(nbinom.sf(k, size, prob), dtype=float)


def _nb_cdf(k: np.ndarray, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """P(X ≤ k) for X ~ NB(size, prob)."""
    return np.asarray(nbinom.cdf(k, size, prob), dtype=float)


def _cornish_fisher(z: np.ndarray, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """R's starting guess for a negative-binomial quantile at standard-normal score z."""
    q = 1.0 / prob
    p = (1.0 - prob) * size
    mu = p / prob
    sigma = np.sqrt(p * q / prob)
    gamma = (q + 1.0) / sigma
    with np.errstate(all="ignore"):
        y = np.round(mu + sigma * (z + gamma * (z * z - 1.0) / 6.0))
    return np.where(np.isfinite(y), np.maximum(y, 0.0), 0.0)


def qnbinom_upper(p: float | np.ndarray, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """R's ``qnbinom(p, size, prob, lower.tail = FALSE)``: the smallest x with P(X > x) ≤ p, vectorised.

    ``p``, ``size`` and ``prob`` broadcast together. NaN where the parameters are invalid (prob ∉ (0, 1],
    size < 0 or not finite); 0 where prob = 1 or size = 0. SciPy's ``nbinom.isf`` gives the starting point
    and the definition is then checked (and the answer moved if needed) with the incomplete beta function.
    """
    p, size, prob = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(size, dtype=float),
                                        np.asarray(prob, dtype=float))
    out = np.full(size.shape, np.nan)
    valid = np.isfinite(size) & np.isfinite(prob) & (prob > 0) & (prob <= 1) & (size >= 0)
    trivial = valid & ((prob == 1) | (size == 0))
    out[trivial] = 0.0
    ok = valid & ~trivial
    if np.any(ok):
        pp, n, q = p[ok], size[ok], prob[ok]
        with np.errstate(all="ignore"):
            guess = nbinom.isf(pp, n, q)
        guess = np.where(np.isfinite(guess), np.maximum(guess, 0.0), _cornish_fisher(-ndtri(pp), n, q))
        out[ok] = _smallest_true(guess, lambda k, m: _nb_sf(k, n[m], q[m]) <= pp[m])
    return out


def qnbinom_lower(p: float, size: float, prob: float) -> int:
    """R's ``qnbinom(p, size, prob)``: the smallest x with P(X ≤ x) ≥ p."""
    n, q = np.array([float(size)]), np.array([float(prob)])
    guess = _cornish_fisher(np.array([float(ndtri(p))]), n, q)
    return int(_smallest_true(guess, lambda k, m: _nb_cdf(k, n[m], q[m]) >= p)[0])


def _smallest_true(guess: np.ndarray, cond: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Smallest integer k ≥ 0 with ``cond(k, mask)`` true (``cond`` non-decreasing in k), element-wise.

    ``cond(k, mask)`` evaluates the elements selected by the boolean ``mask``. A bracket [lo, hi] around the
    answer is grown from ``guess`` by doubling steps, then bisected.
    """
    m = guess.size
    everything = np.ones(m, dtype=bool)
    at = cond(guess, everything)
    hi = np.where(at, guess, np.nan)
    lo = np.where(at, np.nan, guess)  # cond false at lo
    step = np.ones(m)
    # grow upwards where cond(guess) is false
    need = np.isnan(hi)
    while np.any(need):
        cand = lo[need] + step[need]
        c = cond(cand, need)
        idx = np.flatnonzero(need)
        hi[idx[c]] = cand[c]
        lo[idx[~c]] = cand[~c]
        step[idx] *= 2.0
        need = np.isnan(hi)
    # grow downwards where cond(guess) is true
    step[:] = 1.0
    need = np.isnan(lo) & (hi > 0)
    lo[np.isnan(lo) & (hi == 0)] = -1.0
    while np.any(need):
        idx = np.flatnonzero(need)
        cand = np.maximum(hi[idx] - step[idx], 0.0)
        c = cond(cand, need)
        hi[idx[c]] = cand[c]
        lo[idx[~c]] = cand[~c]
        zero = idx[c & (cand == 0)]
        lo[zero] = -1.0
        step[idx] *= 2.0
        need = np.isnan(lo)
    # bisect: cond(lo) false (or lo = -1), cond(hi) true
    gap = hi - lo > 1
    while np.any(gap):
        idx = np.flatnonzero(gap)
        mid = np.floor((lo[idx] + hi[idx]) / 2.0)
        c = cond(mid, gap)
        hi[idx[c]] = mid[c]
        lo[idx[~c]] = mid[~c]
        gap = hi - lo > 1
    return hi


# ----------------------------------------------------------------------------------------------- cost
def _cost(prob: np.ndarray, size: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """MapMark4's cost Σ_k w_k·Σ_q |Q_q − N_kq| (power 1) at each (prob, size); NaN for invalid parameters.

    Summation order follows R: for each assessor in turn, ``cost + sum(w·|Q − N|)`` where ``sum`` accumulates
    the three terms in long double (R's ``rsum``) and rounds to double once.
    """
    quant = qnbinom_upper(np.array(ELICITED)[None, :], size[:, None], prob[:, None])  # (m, 3)
    cost = np.zeros(quant.shape[0])
    for k in range(targets.shape[0]):
        terms = weights[k] * np.abs(quant - targets[k])  # double, as R
        s = terms[:, 0].astype(np.longdouble) + terms[:, 1] + terms[:, 2]
        cost = cost + s.astype(float)
    return cost


# ------------------------------------------------------------------------------------------ Nelder–Mead
@dataclass(frozen=True)
class NelderMeadResult:
    """Outcome of :func:`r_nelder_mead` (R's ``optim`` return values)."""

    x: np.ndarray
    fun: float
    fncount: int
    convergence: int  # 0 converged; 1 maxit reached; 10 simplex degenerate (shrink did not reduce it)


def r_nelder_mead(
    fn: Callable[[np.ndarray], float],
    x0: np.ndarray,
    *,
    alpha: float = 1.0,
    beta: float = 0.5,
    gamma: float = 2.0,
    reltol: float = R_RELTOL,
    abstol: float = -math.inf,
    maxit: int = 500,
) -> NelderMeadResult:
    """Minimise ``fn`` with R's Nelder–Mead (``nmmin``, R ``src/appl/optim.c``), ported statement by statement.

    Parameters
    ----------
    fn
        Objective; non-finite values count as 1e35 (after the first, which must be finite).
    x0
        Starting point.
    alpha, beta, gamma
        Reflection, contraction and expansion factors (R's defaults).
    reltol, abstol
        Stop when the simplex's highest and lowest values differ by at most reltol·(|f(x0)| + reltol), or the
        lowest value is ≤ abstol.
    maxit
        Maximum number of function evaluations.

    References
    ----------
    Nelder, J.A., and Mead, R., 1965, A simplex method for function minimization: The Computer Journal, v. 7,
    p. 308–313, doi:10.1093/comjnl/7.4.308. Nash (1990), Compact Numerical Methods for Computers, algorithm 19.
    """
    bvec = np.array(x0, dtype=float).copy()
    n = bvec.size
    if maxit <= 0:
        return NelderMeadResult(bvec, float(fn(bvec)), 0, 0)
    f = float(fn(bvec))
    if not math.isfinite(f):
        raise InputError("the Nelder–Mead polish cannot evaluate the cost at its starting point")
    funcount = 1
    convtol = reltol * (abs(f) + reltol)
    n1 = n + 1
    c = n + 2
    p = np.zeros((n + 1, n + 2))  # rows 0..n-1: coordinates, row n: values; columns 0..n+1 (1-based j-1)
    p[n1 - 1, 0] = f
    p[:n, 0] = bvec
    low = 1
    size = 0.0
    step = 0.0
    for i in range(n):
        if 0.1 * abs(bvec[i]) > step:
            step = 0.1 * abs(bvec[i])
    if step == 0.0:
        step = 0.1
    for j in range(2, n1 + 1):
        p[:n, j - 1] = bvec
        trystep = step
        while p[j - 2, j - 1] == bvec[j - 2]:
            p[j - 2, j - 1] = bvec[j - 2] + trystep
            trystep *= 10
        size += trystep
    oldsize = size
    calcvert = True
    fail = 0
    while True:
        if calcvert:
            for j in range(n1):
                if j + 1 != low:
                    bvec = p[:n, j].copy()
                    f = _finite(fn(bvec))
                    funcount += 1
                    p[n1 - 1, j] = f
            calcvert = False
        vl = p[n1 - 1, low - 1]
        vh = vl
        high = low
        for j in range(1, n1 + 1):
            if j != low:
                f = p[n1 - 1, j - 1]
                if f < vl:
                    low = j
                    vl = f
                if f > vh:
                    high = j
                    vh = f
        if vh <= vl + convtol or vl <= abstol:
            break
        for i in range(n):
            temp = -p[i, high - 1]
            for j in range(n1):
                temp += p[i, j]
            p[i, c - 1] = temp / n
        bvec = (1.0 + alpha) * p[:n, c - 1] - alpha * p[:n, high - 1]
        f = _finite(fn(bvec))
        funcount += 1
        vr = f
        if vr < vl:
            p[n1 - 1, c - 1] = f
            for i in range(n):
                f = gamma * bvec[i] + (1 - gamma) * p[i, c - 1]
                p[i, c - 1] = bvec[i]
                bvec[i] = f
            f = _finite(fn(bvec))
            funcount += 1
            if f < vr:
                p[:n, high - 1] = bvec
                p[n1 - 1, high - 1] = f
            else:
                p[:n, high - 1] = p[:n, c - 1]
                p[n1 - 1, high - 1] = vr
        else:
            if vr < vh:
                p[:n, high - 1] = bvec
                p[n1 - 1, high - 1] = vr
            bvec = (1 - beta) * p[:n, high - 1] + beta * p[:n, c - 1]
            f = _finite(fn(bvec))
            funcount += 1
            if f < p[n1 - 1, high - 1]:
                p[:n, high - 1] = bvec
                p[n1 - 1, high - 1] = f
            elif vr >= vh:
                calcvert = True
                size = 0.0
                for j in range(n1):
                    if j + 1 != low:
                        for i in range(n):
                            p[i, j] = beta * (p[i, j] - p[i, low - 1]) + p[i, low - 1]
                            size += abs(p[i, j] - p[i, low - 1])
                if size < oldsize:
                    oldsize = size
                else:
                    fail = 10
                    break
        if funcount > maxit:
            break
    if funcount > maxit:
        fail = 1
    return NelderMeadResult(p[:n, low - 1].copy(), float(p[n1 - 1, low - 1]), funcount, fail)


def _finite(f: float) -> float:
    f = float(f)
    return f if math.isfinite(f) else R_BIG


# ------------------------------------------------------------------------------------------------- fit
def fit_negative_binomial(
    est: DepositEstimates,
    *,
    n_grid: int = 40,
    optimize: bool = True,
    prob_right_tail: float = 0.001,
) -> DepositPmf:
    """Fit MapMark4's negative-binomial pmf to weighted expert estimates (``NDepositsPmf("NegBinomial", …)``).

    Parameters
    ----------
    est
        Expert estimates (positive weights; N90 ≤ N50 ≤ N10 per row).
    n_grid
        Grid points per dimension (MapMark4 ``nGridPoints``, default 40).
    optimize
        Polish the grid optimum with R's Nelder–Mead (MapMark4 ``isOptimized``, default True).
    prob_right_tail
        Upper truncation: the pmf stops at ``qnbinom(1 − prob_right_tail)`` (MapMark4 ``probRightTail``).

    Returns
    -------
    DepositPmf
        ``method="negative-binomial"``; ``parameters`` holds ``prob``, ``size``, the NB's untruncated mean and
        variance, the grid optimum, the cost, the Nelder–Mead evaluations and convergence code.

    Raises
    ------
    UnderdispersedError
        When the estimates are narrower than any NB on MapMark4's grid (variance ≤ mean everywhere): the
        weighted (N10 − N90)² must exceed the weighted N90 + 0.01. Use ``mark3_pmf`` or ``custom_pmf``.
    InputError
        On invalid options.

    Warns
    -----
    RuntimeWarning
        If the fit sits on the Poisson limit (prob > 0.99) and the experts' weighted N90–N10 spread is
        narrower than a Poisson's with their weighted N50 as mean: the NB cannot represent such confident
        estimates (MapMark4 fits them anyway; ExampleDepEst4 is such a case). The text is also stored in
        ``parameters["dispersion_note"]``.
        If the Nelder–Mead polish stops without converging (MapMark4 stops with "Optimization failed"); the
        better of the grid and polish points is then used and ``parameters["convergence"]`` is non-zero.

    References
    ----------
    Ellefsen (2017), USGS TM 7-C14, doi:10.3133/tm7C14; TM 7-C15, doi:10.3133/tm7C15.

    Examples
    --------
    >>> from critmin.assessment.estimates import read_estimates
    >>> pmf = fit_negative_binomial(read_estimates("ExampleDepEst1.csv"))  # doctest: +SKIP
    >>> round(pmf.mean, 4), pmf.mode, (pmf.n_min, pmf.n_max)                # doctest: +SKIP
    (10.6613, 7, (0, 42))
    """
    if not isinstance(est, DepositEstimates):
        raise InputError(f"est must be DepositEstimates (see read_estimates); got {type(est).__name__}")
    if int(n_grid) < 2:
        raise InputError(f"n_grid must be ≥ 2; got {n_grid}")
    if not 0 < prob_right_tail < 1:
        raise InputError(f"prob_right_tail must be in (0, 1); got {prob_right_tail}")
    n_grid = int(n_grid)
    weights = np.asarray(est.weights, dtype=float)
    targets = np.stack([est.n90, est.n50, est.n10], axis=1).astype(float)

    low_bnd = float(np.sum(est.n90 * weights) / np.sum(weights))
    up_bnd = float(np.sum(est.n10 * weights) / np.sum(weights))
    var_max = (up_bnd - low_bnd) ** 2
    if var_max <= low_bnd + 0.01:
        raise _underdispersed(est, low_bnd, up_bnd, var_max)

    mean_seq = _r_seq(low_bnd + 0.01, up_bnd, n_grid)
    var_grid = np.stack([_r_seq(m + 0.01, var_max, n_grid) for m in mean_seq])  # [i (mean), j (var)]
    mean_grid = np.repeat(mean_seq[:, None], n_grid, axis=1)
    with np.errstate(all="ignore"):
        prob_grid = mean_grid / var_grid
        size_grid = mean_grid * prob_grid / (1 - prob_grid)
    # column-major flattening = R's storage order; nanargmin = which.min (first minimum, NaN skipped)
    cost = _cost(prob_grid.ravel(order="F"), size_grid.ravel(order="F"), targets, weights)
    if np.all(np.isnan(cost)):
        raise _underdispersed(est, low_bnd, up_bnd, var_max)
    index = int(np.nanargmin(cost))
    j, i = divmod(index, n_grid)  # 0-based; MapMark4's `index %/% n + 1` is off by one when i is the last row
    grid_prob, grid_size = float(prob_grid[i, j]), float(size_grid[i, j])
    grid_cost = float(cost[index])

    def fn(x: np.ndarray) -> float:
        return float(_cost(np.array([x[0]]), np.array([x[1]]), targets, weights)[0])

    theta = (grid_prob, grid_size)
    nm: NelderMeadResult | None = None
    final_cost = grid_cost
    if optimize:
        nm = r_nelder_mead(fn, np.array(theta))
        if nm.convergence == 0 or nm.fun <= grid_cost:
            theta = (float(nm.x[0]), float(nm.x[1]))
            final_cost = nm.fun
        if nm.convergence != 0:
            warnings.warn(
                f"Nelder–Mead polish of the negative-binomial fit did not converge (code {nm.convergence}, "
                f"{nm.fncount} evaluations); using the lower-cost of the grid and polish points",
                RuntimeWarning, stacklevel=2,
            )
    prob, size = theta
    if not (0 < prob < 1 and size > 0):
        raise _underdispersed(est, low_bnd, up_bnd, var_max)

    n_deposits, probs = _truncate(size, prob, prob_right_tail)
    nb_mean = size * (1 - prob) / prob
    dispersion_note = _dispersion_note(est, prob, nb_mean)
    if dispersion_note is not None:
        warnings.warn(dispersion_note, RuntimeWarning, stacklevel=2)
    params = {
        "prob": prob,
        "size": size,
        "nb_mean": nb_mean,
        "nb_variance": nb_mean / prob,
        "cost": final_cost,
        "grid": {"n_grid": n_grid, "prob": grid_prob, "size": grid_size, "cost": grid_cost,
                 "mean_index": i + 1, "variance_index": j + 1},
        "optimized": bool(optimize),
        "nelder_mead": None if nm is None else {"fncount": nm.fncount, "convergence": nm.convergence},
        "convergence": 0 if nm is None else nm.convergence,
        "prob_right_tail": prob_right_tail,
        "dispersion_note": dispersion_note,
        "estimates": est.to_dict(),
    }
    record = RunRecord.create(
        "assessment.pmf.negative_binomial",
        inputs_sha256=est.sha256 or sha256_json(est.to_dict()),
        parameters={"n_grid": n_grid, "optimize": bool(optimize), "prob_right_tail": prob_right_tail},
    )
    return DepositPmf(n_min=int(n_deposits[0]), probabilities=probs, method="negative-binomial",
                      parameters=params, provenance=record)


def negative_binomial_pmf(mean: float, sd: float, *, rel_threshold: float = 0.001) -> DepositPmf:
    """Negative-binomial pmf with a given mean and standard deviation (MapMark4 before 2017, commit ``bfece22``).

    The tails are cut where P(n) ≤ ``rel_threshold`` · P(mode): support = ``qnbinom(c(t, 1 − t))`` with
    t = rel_threshold·P(mode), then renormalised. Needs sd² > mean.

    References
    ----------
    Ellefsen (2017), USGS TM 7-C14, doi:10.3133/tm7C14.
    """
    if not (math.isfinite(mean) and mean > 0):
        raise InputError(f"the mean number of deposits must be > 0; got {mean!r}")
    if not (math.isfinite(sd) and sd * sd > mean):
        raise UnderdispersedError(
            f"a negative binomial needs variance > mean; got mean {mean:g}, sd {sd:g} (variance {sd * sd:g}); "
            "use poisson_pmf, mark3_pmf or custom_pmf for a narrower distribution"
        )
    if not 0 < rel_threshold <= 0.1:
        raise InputError(f"rel_threshold must be in (0, 0.1]; got {rel_threshold}")
    prob = mean / sd**2
    size = mean * prob / (1 - prob)
    mode = 0 if size <= 1 else math.floor((1 - prob) * (size - 1) / prob)
    tail = rel_threshold * float(nbinom.pmf(mode, size, prob))
    lo = qnbinom_lower(tail, size, prob)
    hi = qnbinom_lower(1 - tail, size, prob)
    n = np.arange(lo, hi + 1)
    p = nbinom.pmf(n, size, prob)
    params = {"mean": mean, "sd": sd, "prob": prob, "size": size, "rel_threshold": rel_threshold}
    record = RunRecord.create("assessment.pmf.negative_binomial_moments", inputs_sha256=sha256_json(params),
                              parameters=params)
    return DepositPmf(n_min=lo, probabilities=p / p.sum(), method="negative-binomial-moments", parameters=params,
                      provenance=record)


# ----------------------------------------------------------------------------------------------- helpers
def _truncate(size: float, prob: float, prob_right_tail: float) -> tuple[np.ndarray, np.ndarray]:
    x = qnbinom_lower(1 - prob_right_tail, size, prob)
    n = np.arange(0, x + 1)
    pmf = nbinom.pmf(n, size, prob)
    keep = ~(pmf < pmf[-1])
    n, pmf = n[keep], pmf[keep]
    return n, pmf / pmf.sum()


def _r_seq(start: float, stop: float, length: int) -> np.ndarray:
    """R's ``seq(from, to, length.out = n)``: c(from, from + (1:(n-2))·by, to) with by = (to − from)/(n − 1)."""
    if length == 1:
        return np.array([start])
    if start == stop:
        return np.full(length, start)
    by = (stop - start) / (length - 1)
    out = start + np.arange(length, dtype=float) * by
    out[0], out[-1] = start, stop
    return out


#: A fitted NB with prob = mean/variance above this is treated as sitting on the Poisson boundary.
NEAR_POISSON_PROB = 0.99


def _dispersion_note(est: DepositEstimates, prob: float, nb_mean: float) -> str | None:
    """A warning text when the fit sits on the Poisson boundary because the experts are narrower than a Poisson."""
    if prob <= NEAR_POISSON_PROB:
        return None
    m = est.weighted_means()
    expert_spread = m["N10"] - m["N90"]
    lo, hi = (float(poisson.isf(q, m["N50"])) for q in (0.9, 0.1))  # the NB's Poisson limit at mean N50
    if not expert_spread < hi - lo:
        return None
    return (
        f"the expert estimates are narrower than a Poisson: weighted N90–N10 spans {expert_spread:.3g} deposits, "
        f"a Poisson with mean {m['N50']:.3g} spans {hi - lo:.0f}; the negative binomial (variance > mean) sits "
        f"on its Poisson limit (prob = mean/variance = {prob:.4f}, mean {nb_mean:.4g} vs weighted N50 "
        f"{m['N50']:.4g}). Consider a Mark3 or custom pmf"
    )


def _underdispersed(est: DepositEstimates, low: float, up: float, var_max: float) -> UnderdispersedError:
    narrow = [i + 1 for i in range(len(est)) if float(est.n10[i] - est.n90[i]) ** 2 <= est.n90[i] + 0.01]
    rows = f"; rows {', '.join(map(str, narrow))} are narrower than a Poisson on their own" if narrow else ""
    return UnderdispersedError(
        f"the expert estimates are under-dispersed: weighted N90 = {low:.4g}, N10 = {up:.4g}, so the largest "
        f"variance the fit may use, (N10 − N90)² = {var_max:.4g}, does not exceed the mean (≥ {low + 0.01:.4g}); "
        f"a negative binomial always has variance > mean{rows}. Use a Mark3 pmf (mark3_pmf / --mark3 "
        "N90,N50,N10) or a custom pmf instead",
        file=est.source,
    )
