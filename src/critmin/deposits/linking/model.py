"""The pair-scoring model: an L2-regularised logistic regression over the pair features.

The default model's coefficients are bundled here (:data:`DEFAULT_COEFFICIENTS`). They were
fitted by :func:`critmin.deposits.linking.evaluate.train_default_model` on the expert same-as
labels of MinMod (DARPA CriticalMAAS, ``ta2-minmod-data`` ``data/same-as``, MIT; 92 labelled
pairs with both sites present, 81 same / 11 different), with ``C = 1.0``, unweighted classes
and the liblinear solver (deterministic). The default threshold was chosen by grouped
5-fold cross-validation (folds = connected components of the labelled pairs, seed 0), not on
the evaluation pairs: see ``docs/linking.md``.

References
----------
Fellegi, I.P., and Sunter, A.B. (1969). A theory for record linkage. JASA 64(328), 1183-1210.
doi:10.1080/01621459.1969.10501049 (the log-odds view of the per-field evidence used here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from critmin.deposits.linking.features import FEATURES

#: coefficients of the bundled model (log-odds per unit of each feature) and its intercept
DEFAULT_COEFFICIENTS: dict[str, float] = {
    "name_sim": 0.741283, "has_names": 0.771007, "loc_score": 0.341912, "has_locs": 0.529828,
    "com_jaccard": 0.994867, "has_coms": 0.704186, "dtype_sim": 0.731248, "has_dtypes": -0.995711,
    "state_same": 0.482427, "country_diff": 0.0, "same_source": -0.416451,
}
DEFAULT_INTERCEPT: float = 0.743592
#: probability threshold chosen by grouped cross-validation (see module docstring)
DEFAULT_THRESHOLD: float = 0.30


@dataclass
class LinkModel:
    """Logistic model ``P(same) = 1 / (1 + exp(-(intercept + Σ coef_f · feature_f)))``.

    Attributes
    ----------
    coefficients
        One coefficient per name in :data:`~critmin.deposits.linking.features.FEATURES`.
    intercept
        Log-odds of a pair with all features 0.
    threshold
        Pairs with a probability at or above it are linked.
    """

    coefficients: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_COEFFICIENTS))
    intercept: float = DEFAULT_INTERCEPT
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def default(cls) -> LinkModel:
        """The bundled model."""
        return cls(dict(DEFAULT_COEFFICIENTS), DEFAULT_INTERCEPT, DEFAULT_THRESHOLD)

    @classmethod
    def fit(
        cls,
        features: pd.DataFrame,
        labels: pd.Series | np.ndarray,
        *,
        C: float = 1.0,
        threshold: float = DEFAULT_THRESHOLD,
        sample_weight: np.ndarray | None = None,
    ) -> LinkModel:
        """Fit the coefficients to labelled pairs (``labels`` 1 = same, 0 = different).

        The liblinear solver makes the fit deterministic.
        """
        from sklearn.linear_model import LogisticRegression

        x = _matrix(features)
        y = np.asarray(labels, dtype=int)
        lr = LogisticRegression(C=C, solver="liblinear", random_state=0, max_iter=1000)
        lr.fit(x, y, sample_weight=sample_weight)
        coefs = {f: float(c) for f, c in zip(FEATURES, lr.coef_[0], strict=True)}
        return cls(coefs, float(lr.intercept_[0]), threshold)

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Probability that each pair is the same site."""
        x = _matrix(features)
        w = np.array([self.coefficients.get(f, 0.0) for f in FEATURES])
        z = self.intercept + x @ w
        p = 1.0 / (1.0 + np.exp(-z))
        if "evidence" in features.columns:  # the a-priori minimum-evidence rule (features.minimum_evidence)
            p = np.where(features["evidence"].to_numpy(float) > 0, p, 0.0)
        return p

    def to_dict(self) -> dict[str, object]:
        """JSON-safe form (coefficients, intercept, threshold)."""
        return {"coefficients": dict(self.coefficients), "intercept": self.intercept, "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> LinkModel:
        """Inverse of :meth:`to_dict`."""
        coefs = d.get("coefficients") or {}
        assert isinstance(coefs, Mapping)
        return cls({str(k): float(v) for k, v in coefs.items()}, float(d.get("intercept", 0.0)),  # type: ignore[arg-type]
                   float(d.get("threshold", DEFAULT_THRESHOLD)))  # type: ignore[arg-type]


def _matrix(features: pd.DataFrame) -> np.ndarray:
    missing = [f for f in FEATURES if f not in features.columns]
    if missing:
        raise ValueError(f"feature table lacks {missing}; build it with pair_features()")
    return features[list(FEATURES)].to_numpy(float)
