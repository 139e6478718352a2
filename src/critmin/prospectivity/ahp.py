"""Analytic hierarchy process: weights from a pairwise-comparison matrix, with Saaty's consistency ratio.

The weights are the normalised principal right eigenvector of the reciprocal matrix ``A`` (``a_ji = 1/a_ij``);
``CI = (λ_max - n) / (n - 1)`` and ``CR = CI / RI(n)`` with Saaty's random indices. ``CR < 0.1`` is acceptable.

References
----------
Saaty, T.L., 1980, The Analytic Hierarchy Process. McGraw-Hill (random indices, Table 1.7).
Saaty, T.L., 2008, Decision making with the analytic hierarchy process. International Journal of Services
Sciences 1, 83-98, doi:10.1504/IJSSCI.2008.017590.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from critmin.errors import InputError

__all__ = ["RANDOM_INDEX", "AHPResult", "ahp_weights"]

RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
"""Saaty's (1980) random consistency indices RI(n)."""


@dataclass(frozen=True)
class AHPResult:
    """AHP weights and consistency."""

    names: tuple[str, ...]
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float

    @property
    def acceptable(self) -> bool:
        """Saaty's rule: CR < 0.1."""
        return self.consistency_ratio < 0.1

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"weights": dict(zip(self.names, self.weights.tolist(), strict=True)), "lambda_max": self.lambda_max,
                "consistency_index": self.consistency_index, "consistency_ratio": self.consistency_ratio,
                "acceptable": self.acceptable}


def ahp_weights(matrix: Any, names: Sequence[str] | None = None, *, tol: float = 1e-6) -> AHPResult:
    """Weights and consistency ratio of a reciprocal pairwise-comparison matrix.

    Raises
    ------
    InputError
        If the matrix is not square, has non-positive entries, is not reciprocal (naming the cell), or has more
        than 10 criteria (no published RI).

    References
    ----------
    Saaty, T.L., 2008, International Journal of Services Sciences 1, 83-98, doi:10.1504/IJSSCI.2008.017590.
    """
    a = np.asarray(matrix, np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise InputError(f"pairwise matrix has shape {a.shape}; expected n × n")
    n = a.shape[0]
    labels = tuple(names) if names is not None else tuple(f"c{i + 1}" for i in range(n))
    if len(labels) != n:
        raise InputError(f"{len(labels)} names for a {n} × {n} matrix")
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise InputError("pairwise judgements must be positive numbers (Saaty scale 1/9 … 9)")
    bad = np.argwhere(np.abs(a * a.T - 1.0) > tol)
    if bad.size:
        i, j = bad[0]
        raise InputError(f"pairwise matrix is not reciprocal: a[{labels[i]}, {labels[j]}] = {a[i, j]:g} but "
                         f"a[{labels[j]}, {labels[i]}] = {a[j, i]:g} (expected {1 / a[i, j]:g})")
    if n > 10:
        raise InputError(f"{n} criteria: Saaty's random index is tabulated up to 10; group the criteria")
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    lam = float(vals[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(names=labels, weights=w, lambda_max=lam, consistency_index=ci, consistency_ratio=cr)
