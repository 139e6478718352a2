"""The probability mass function (pmf) of the number of undiscovered deposits in a permissive tract.

Every pmf builder in :mod:`critmin.assessment.pmf` (Mark3, negative binomial, Poisson, custom) returns a
:class:`DepositPmf`: a dense table of P(N = n) for n = ``n_min`` … ``n_max`` with its summary statistics
(computed as MapMark4's ``NDepositsPmf`` reports them), a seeded sampler and a JSON-safe form carrying the
method, its parameters and the provenance of the inputs.

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4—An R package for the probability calculations in three-part
mineral resource assessments: U.S. Geological Survey Techniques and Methods, book 7, chap. C14, 23 p.,
doi:10.3133/tm7C14.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.provenance import RunRecord

__all__ = ["DepositPmf", "UnderdispersedError"]

#: Largest |Σp − 1| accepted for probabilities that are meant to sum to 1.
SUM_TOLERANCE = 1e-6


class UnderdispersedError(InputError):
    """The expert estimates are narrower than any negative binomial pmf can be (its variance exceeds its mean).

    Use :func:`critmin.assessment.pmf.mark3_pmf` or :func:`critmin.assessment.pmf.custom_pmf` instead.
    """


@dataclass(frozen=True)
class DepositPmf:
    """P(N = n) for the number N of undiscovered deposits, n = ``n_min`` … ``n_max``.

    Parameters
    ----------
    n_min
        Smallest number of deposits in the table (≥ 0).
    probabilities
        P(N = n) for n = ``n_min``, ``n_min + 1``, …; non-negative and summing to 1 (within 1e-6; the stored
        array is renormalised to sum to 1 exactly in floating point). Zero entries are allowed inside the
        support (a custom pmf on {2, 5} has zeros at 3 and 4).
    method
        How the pmf was made: ``"mark3"``, ``"negative-binomial"``, ``"poisson"``, ``"custom"`` …
    parameters
        The method's inputs and fitted values (JSON-safe).
    provenance
        What produced the pmf (inputs' hash, parameters, critmin version), when known.

    Notes
    -----
    Summary statistics follow MapMark4 ``NDepositsPmf``: mean Σ n·p, variance Σ (n − mean)²·p (MapMark4
    computes Σ n²p − mean², the same number up to rounding), mode = smallest n with the largest
    probability, entropy −Σ p·ln p over the non-zero probabilities (natural logarithm).
    """

    n_min: int
    probabilities: np.ndarray
    method: str
    parameters: dict[str, Any] = field(default_factory=dict)
    provenance: RunRecord | None = None

    def __post_init__(self) -> None:
        n_min: Any = self.n_min
        if isinstance(n_min, float) and float(n_min).is_integer():
            n_min = int(n_min)
        if isinstance(n_min, bool) or not isinstance(n_min, int | np.integer) or n_min < 0:
            raise InputError(f"n_min must be a non-negative integer; got {self.n_min!r}")
        p = np.array(self.probabilities, dtype=float).ravel()
        if p.size == 0:
            raise InputError("a deposit-number pmf needs at least one probability; got none")
        if not np.all(np.isfinite(p)):
            bad = int(np.flatnonzero(~np.isfinite(p))[0])
            raise InputError(f"probability of N = {n_min + bad} is not a finite number ({p[bad]!r})")
        if np.any(p < 0):
            bad = int(np.flatnonzero(p < 0)[0])
            raise InputError(f"probability of N = {n_min + bad} is negative ({p[bad]!r}); probabilities must be ≥ 0")
        total = float(p.sum())
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise InputError(
                f"probabilities sum to {total:.10g}, not 1; give probabilities that sum to 1 "
                "(or relative weights with custom_pmf(..., normalize=True))"
            )
        p = p / total
        p.setflags(write=False)
        object.__setattr__(self, "n_min", int(n_min))
        object.__setattr__(self, "probabilities", p)
        object.__setattr__(self, "parameters", dict(self.parameters))

    # ----------------------------------------------------------------------------------------- support
    @property
    def n_max(self) -> int:
        """Largest number of deposits in the table."""
        return self.n_min + len(self.probabilities) - 1

    @property
    def support(self) -> np.ndarray:
        """The numbers of deposits ``n_min`` … ``n_max`` (int64)."""
        return np.arange(self.n_min, self.n_max + 1, dtype=np.int64)

    # ------------------------------------------------------------------------------------- statistics
    @property
    def mean(self) -> float:
        """Expected number of deposits, Σ n·P(N = n)."""
        return float(np.dot(self.support.astype(float), self.probabilities))

    @property
    def variance(self) -> float:
        """Variance of the number of deposits, Σ (n − mean)²·P(N = n)."""
        d = self.support.astype(float) - self.mean
        return float(np.dot(d * d, self.probabilities))

    @property
    def sd(self) -> float:
        """Standard deviation of the number of deposits."""
        return math.sqrt(self.variance)

    @property
    def mode(self) -> int:
        """The most probable number of deposits (the smallest one on a tie, as R's ``which.max``)."""
        return self.n_min + int(np.argmax(self.probabilities))

    @property
    def entropy(self) -> float:
        """Information entropy −Σ p·ln p (natural logarithm; zero probabilities contribute nothing)."""
        p = self.probabilities[self.probabilities > 0]
        return float(-np.sum(p * np.log(p)))

    def cdf(self) -> np.ndarray:
        """P(N ≤ n) for n in :attr:`support`."""
        return np.cumsum(self.probabilities)

    def exceedance(self) -> np.ndarray:
        """P(N ≥ n) for n in :attr:`support` (the USGS "probability of at least n deposits")."""
        return np.cumsum(self.probabilities[::-1])[::-1]

    def summary(self) -> dict[str, Any]:
        """Mean, variance, sd, mode, min, max, entropy and the probabilities (a list starting at ``min``)."""
        return {
            "mean": self.mean,
            "variance": self.variance,
            "sd": self.sd,
            "mode": self.mode,
            "min": self.n_min,
            "max": self.n_max,
            "entropy": self.entropy,
            "probabilities": [float(x) for x in self.probabilities],
        }

    # --------------------------------------------------------------------------------------- sampling
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` numbers of deposits (int64) by inverting the cdf with ``rng.random``.

        The same generator state gives the same draws on every platform.
        """
        if not isinstance(rng, np.random.Generator):
            raise InputError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)); got {type(rng)}")
        if int(size) < 0:
            raise InputError(f"size must be ≥ 0; got {size}")
        cdf = self.cdf()
        cdf[-1] = 1.0
        u = rng.random(int(size))
        idx = np.searchsorted(cdf, u, side="right")
        np.minimum(idx, len(cdf) - 1, out=idx)
        return (idx + self.n_min).astype(np.int64)

    # ------------------------------------------------------------------------------------------ output
    def to_frame(self) -> pd.DataFrame:
        """The pmf as a table with columns ``n_deposits`` and ``probability``."""
        return pd.DataFrame({"n_deposits": self.support, "probability": self.probabilities})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: method, parameters, summary statistics and provenance."""
        return {
            "method": self.method,
            "parameters": _json_safe(self.parameters),
            **self.summary(),
            "provenance": self.provenance.to_dict() if self.provenance is not None else None,
        }

    def __repr__(self) -> str:
        return (
            f"DepositPmf(method={self.method!r}, support={self.n_min}–{self.n_max}, "
            f"mean={self.mean:.6g}, variance={self.variance:.6g}, mode={self.mode})"
        )


def _json_safe(obj: Any) -> Any:
    """Convert numpy scalars/arrays and tuples inside ``obj`` to plain Python values."""
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_json_safe(v) for v in obj.tolist()]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def integer_array(values: Any, what: str, *, file: str | None = None, row_offset: int = 1) -> np.ndarray:
    """Return ``values`` as int64, refusing non-integers, NaN and negative numbers with the offending item named.

    ``row_offset`` is the 1-based row of the first value (for messages).
    """
    arr = np.asarray(values)
    try:
        f = arr.astype(float)
    except (TypeError, ValueError):
        f = None
    if f is None:
        for i, v in enumerate(arr.tolist()):
            try:
                float(v)
            except (TypeError, ValueError):
                raise InputError(f"{what} must be a number; got {v!r}", file=file, row=i + row_offset) from None
        raise InputError(f"{what} must be numbers", file=file)  # pragma: no cover
    for i, v in enumerate(f.tolist()):
        if not math.isfinite(v):
            raise InputError(f"{what} is missing or not finite ({v!r})", file=file, row=i + row_offset)
        if v != math.floor(v):
            raise InputError(f"{what} must be a whole number of deposits; got {v!r}", file=file, row=i + row_offset)
        if v < 0:
            raise InputError(f"{what} must be ≥ 0; got {v!r}", file=file, row=i + row_offset)
    return f.astype(np.int64)
