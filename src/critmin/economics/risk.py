"""Risk around a project's NPV: tornado and spider sensitivities, and a correlated Monte Carlo.

Sensitivities change one driver at a time (price, opex, capex, grade × recovery, discount rate) by a fraction
and recompute the post-tax NPV at the project's discount rate (NI 43-101 Item 22 / S-K 1300 §229.601(b)(96)
require price, grade, capital and operating cost sensitivities).

Monte Carlo (documented defaults in :class:`~critmin.economics.project.RiskSpec`, overridable in ``[risk]``):

* price multiplier: lognormal with median 1 (the project's deck) and log-sd ``price_sigma``, one per draw
  (``price_model = "multiplier"``), or a mean-reverting path (``"mean_reverting"``): the log deviation from the
  deck follows a discrete Ornstein–Uhlenbeck (AR(1)) process x_t = e^(−κ) x_(t−1) + σ √(1 − e^(−2κ)) ε_t with
  κ = ``price_reversion`` per year, stationary log-sd σ = ``price_sigma`` and x at first production the copula's
  (correlated) price deviate — Schwartz's (1997) one-factor model on the log price;
* opex, capex and output (grade × recovery) multipliers: triangular ``[low, mode, high]``;
* delay to first production: discrete, ``delay_probabilities[k]`` = P(delay = k years); construction
  spending stays, everything from first production moves later;
* dependence: a Gaussian copula with the 5 × 5 ``correlation`` matrix in the order price, opex, capex,
  output, delay.

All normal deviates are drawn first from ``numpy.random.default_rng(seed)`` (draws × 5), so a seed gives a
bit-identical result regardless of the chunk size used to bound memory.

References
----------
Schwartz, E.S., 1997, The stochastic behavior of commodity prices: implications for valuation and hedging:
The Journal of Finance 52(3), 923–973, doi:10.1111/j.1540-6261.1997.tb02721.x.
Nelsen, R.B., 2006, An Introduction to Copulas, 2nd ed., Springer (Gaussian copula), doi:10.1007/0-387-28678-0.
Vose, D., 2008, Risk Analysis: A Quantitative Guide, 3rd ed., Wiley (triangular and lognormal inputs).
Form 43-101F1 Item 22 (Economic Analysis); SEC Regulation S-K §229.601(b)(96) (sensitivity requirements).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from critmin.economics.cashflow import cash_flows
from critmin.economics.metrics import discount_factors, npv
from critmin.economics.project import Project
from critmin.errors import InputError
from critmin.progress import Progress, no_progress
from critmin.provenance import RunRecord, sha256_json, utcnow

__all__ = ["DRIVERS", "MonteCarloResult", "SensitivityResult", "monte_carlo", "sensitivities"]

F64 = NDArray[np.float64]
DRIVERS: tuple[str, ...] = ("price", "opex", "capex", "grade_recovery", "discount_rate")
CHUNK = 2_000


@dataclass(frozen=True)
class SensitivityResult:
    """Tornado rows (sorted by swing) and spider curves (NPV per driver and change)."""

    base_npv: float
    swing: float
    tornado: list[dict[str, Any]]
    spider: dict[str, list[float]]
    steps: list[float]
    provenance: RunRecord

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"base_npv": self.base_npv, "range": self.swing, "tornado": self.tornado,
                "spider": {"steps": self.steps, "npv": self.spider}, "provenance": self.provenance.to_dict()}


def _npv_with(project: Project, driver: str, changes: F64, stream: str = "post_tax_fcf") -> F64:
    v = project.valuation
    if driver == "discount_rate":
        flows = cash_flows(project)[stream][0]
        return np.array([float(npv(flows, max(v.discount_rate * (1 + d), 0.0), v.discounting)) for d in changes])
    m = 1.0 + np.asarray(changes, dtype=float)
    if driver == "price":
        cf = cash_flows(project, price_mult=m)
    elif driver == "opex":
        cf = cash_flows(project, opex_mult=m)
    elif driver == "capex":
        cf = cash_flows(project, capex_mult=m)
    elif driver == "grade_recovery":
        cf = cash_flows(project, output_mult=m)
    else:
        raise InputError(f"unknown sensitivity driver {driver!r}; expected one of {', '.join(DRIVERS)}")
    return np.asarray(npv(cf[stream], v.discount_rate, v.discounting))


def sensitivities(project: Project, *, swing: float | None = None,
                  steps: Sequence[float] = (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3)) -> SensitivityResult:
    """Tornado at ±``swing`` (default ``risk.sensitivity_range``) and spider over ``steps`` (fractions)."""
    s = project.risk.sensitivity_range if swing is None else float(swing)
    if not 0 < s < 1:
        raise InputError(f"sensitivity range {s!r}: expected a fraction in (0, 1), e.g. 0.2 for ±20 %")
    st = [float(x) for x in steps]
    if any(not -1 < x < 5 for x in st):
        raise InputError(f"spider steps {st}: expected fractional changes in (-1, 5)")
    base = float(_npv_with(project, "price", np.array([0.0]))[0])
    tornado: list[dict[str, Any]] = []
    spider: dict[str, list[float]] = {}
    for d in DRIVERS:
        lo, hi = _npv_with(project, d, np.array([-s, s]))
        tornado.append({"driver": d, "npv_low": float(lo), "npv_high": float(hi), "swing": float(abs(hi - lo))})
        spider[d] = [float(x) for x in _npv_with(project, d, np.array(st))]
    tornado.sort(key=lambda r: -float(r["swing"]))
    rec = RunRecord.create("economics.sensitivity", inputs_sha256=project.inputs_sha256,
                           parameters={"range": s, "steps": st})
    return SensitivityResult(base_npv=base, swing=s, tornado=tornado, spider=spider, steps=st, provenance=rec)


def _triangular(u: F64, spec: tuple[float, float, float]) -> F64:
    a, c, b = spec
    fc = (c - a) / (b - a)
    left = a + np.sqrt(u * (b - a) * (c - a))
    right = b - np.sqrt((1 - u) * (b - a) * (b - c))
    return np.where(u < fc, left, right)


def _price_paths(z0: F64, eps: F64, sigma: float, kappa: float, construction: int, life: int) -> F64:
    """Price multipliers (draws × years): exp of a discrete OU log deviation over the production years."""
    phi = float(np.exp(-kappa))
    innov = sigma * float(np.sqrt(1.0 - phi * phi))
    x = np.empty((z0.size, life))
    x[:, 0] = sigma * z0
    for j in range(1, life):
        x[:, j] = phi * x[:, j - 1] + innov * eps[:, j - 1]
    out = np.ones((z0.size, construction + life + 1))
    out[:, construction:construction + life] = np.exp(x)
    return out


@dataclass(frozen=True)
class MonteCarloResult:
    """NPV draws (post-tax, 100 % basis, and attributable) with summaries."""

    npv: F64
    attributable_npv: F64
    summary: dict[str, float]
    inputs: dict[str, F64]
    provenance: RunRecord

    def to_dict(self, *, bins: int = 50) -> dict[str, Any]:
        """JSON-safe dictionary with a histogram instead of the draws."""
        counts, edges = np.histogram(self.npv, bins=bins)
        return {"summary": dict(self.summary),
                "histogram": {"counts": counts.tolist(), "edges": edges.tolist()},
                "convention": "P90 is exceeded with 90 % probability (the 10th percentile); P10 the 90th",
                "provenance": self.provenance.to_dict()}


def _summary(x: F64) -> dict[str, float]:
    q = np.quantile(x, [0.1, 0.5, 0.9])
    return {"mean": float(x.mean()), "sd": float(x.std(ddof=1)) if x.size > 1 else 0.0, "p90": float(q[0]),
            "p50": float(q[1]), "p10": float(q[2]), "prob_negative": float(np.mean(x < 0)),
            "min": float(x.min()), "max": float(x.max())}


def monte_carlo(project: Project, *, draws: int, seed: int, progress: Progress = no_progress,
                chunk: int = CHUNK) -> MonteCarloResult:
    """Monte Carlo of the post-tax NPV at the project's discount rate (see the module docstring).

    Raises
    ------
    InputError
        If ``draws`` < 2 or the correlation matrix is not a valid correlation matrix.
    """
    started = utcnow()
    if draws < 2:
        raise InputError(f"draws = {draws}: expected at least 2")
    rs = project.risk
    corr = np.asarray(rs.correlation, dtype=float)
    if not np.allclose(corr, corr.T) or not np.allclose(np.diag(corr), 1.0):
        raise InputError("risk.correlation: expected a symmetric matrix with ones on the diagonal", column="risk")
    try:
        chol = np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise InputError("risk.correlation: the matrix is not positive definite; reduce the correlations",
                         column="risk.correlation") from None
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((draws, 5)) @ chol.T
    u = ndtr(z)
    price = np.exp(rs.price_sigma * z[:, 0])
    opex = _triangular(u[:, 1], rs.opex_range)
    capex = _triangular(u[:, 2], rs.capex_range)
    output = _triangular(u[:, 3], rs.output_range)
    cum = np.cumsum(rs.delay_probabilities)
    delay = np.minimum(np.searchsorted(cum, u[:, 4], side="right"), len(cum) - 1).astype(np.int64)
    v = project.valuation
    c = project.costs.construction_years
    life = project.production.life_years
    eps = rng.standard_normal((draws, life - 1)) if rs.price_model == "mean_reverting" and life > 1 else None
    res = np.empty(draws)
    att = np.empty(draws)
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        pm = price[start:stop] if eps is None else _price_paths(z[start:stop, 0], eps[start:stop], rs.price_sigma,
                                                                 rs.price_reversion, c, life)
        cf = cash_flows(project, price_mult=pm, opex_mult=opex[start:stop],
                        capex_mult=capex[start:stop], output_mult=output[start:stop])
        dfs = discount_factors(cf.years, v.discount_rate, v.discounting)
        shift = (1.0 + v.discount_rate) ** -delay[start:stop].astype(float)
        for out, key in ((res, "post_tax_fcf"), (att, "investor_fcf")):
            fl = cf[key]
            # row-wise sums (not BLAS matmul) so that results do not depend on the chunk size
            out[start:stop] = (fl[:, :c] * dfs[:c]).sum(axis=1) + (fl[:, c:] * dfs[c:]).sum(axis=1) * shift
        progress(stop, draws, "Monte Carlo")
    summary = _summary(res)
    summary.update({f"attributable_{k}": val for k, val in _summary(att).items()})
    rec = RunRecord.create("economics.montecarlo", inputs_sha256=project.inputs_sha256,
                           parameters={"draws": draws, "risk": sha256_json(rs.__dict__),
                                       "price_model": rs.price_model}, seed=seed, started_at=started)
    return MonteCarloResult(npv=res, attributable_npv=att, summary=summary,
                            inputs={"price": price, "opex": opex, "capex": capex, "grade_recovery": output,
                                    "delay_years": delay.astype(float)}, provenance=rec)
