"""Machine-learning prospectivity with scikit-learn: training sets, positive–unlabelled bagging, spatial
cross-validation, calibrated probabilities, feature importance and chunk-by-chunk raster prediction.

* Training sets: deposit cells (positives) plus cells drawn at random from the study area outside a buffer around
  the deposits (negatives, or "unlabelled" for PU learning), with an explicit :class:`numpy.random.Generator`.
* :class:`PUBaggingClassifier`: Mordelet & Vert's bagging SVM idea with any base estimator — each bag trains on
  all positives against a bootstrap of unlabelled cells of the same size; scores are averaged.
* Spatial cross-validation: folds are square blocks of ``block_m`` metres (Roberts et al. 2017), so training
  and test cells are not neighbours; buffered leave-one-out drops every training sample within ``buffer_m`` of
  the held-out one (Pohjankukka et al. 2017). Random k-fold is reported beside them to show the inflation.
* Prediction streams through the evidence stack block by block (Dask ``map_blocks``): memory is one block.

References
----------
Mordelet, F., and Vert, J.-P., 2014, A bagging SVM to learn from positive and unlabeled examples. Pattern
Recognition Letters 37, 201-209, doi:10.1016/j.patrec.2013.06.010.
Roberts, D.R., et al., 2017, Cross-validation strategies for data with temporal, spatial, hierarchical, or
phylogenetic structure. Ecography 40, 913-929, doi:10.1111/ecog.02881.
Pohjankukka, J., Pahikkala, T., Nevalainen, P., and Heikkonen, J., 2017, Estimating the prediction performance of
spatial models via spatial k-fold cross validation. IJGIS 31, 2001-2019, doi:10.1080/13658816.2017.1346255.
Pedregosa, F., et al., 2011, Scikit-learn: machine learning in Python. JMLR 12, 2825-2830.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from critmin.errors import InputError
from critmin.prospectivity.deposits import DepositCells
from critmin.prospectivity.raster import Layer, check_same_grid
from critmin.provenance import RunRecord

__all__ = ["ModelKind", "PUBaggingClassifier", "TrainedModel", "TrainingSet", "buffered_loo_auc", "make_estimator",
           "predict_raster", "spatial_block_cv", "train_model", "training_set"]

ModelKind = Literal["logistic", "random-forest", "gradient-boosting"]


def make_estimator(kind: ModelKind, *, seed: int, n_estimators: int = 200, max_depth: int | None = 12) -> Any:
    """A scikit-learn classifier: ``logistic`` (standardised), ``random-forest`` or ``gradient-boosting``."""
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    if kind == "random-forest":
        return RandomForestClassifier(n_estimators=n_estimators, max_depth=max_depth, min_samples_leaf=2,
                                      n_jobs=1, random_state=seed)
    if kind == "gradient-boosting":
        return HistGradientBoostingClassifier(max_depth=max_depth, random_state=seed)
    raise InputError(f"model {kind!r} is not one of logistic, random-forest, gradient-boosting")


def _base_classes() -> tuple[type, ...]:
    from sklearn.base import BaseEstimator, ClassifierMixin

    return (ClassifierMixin, BaseEstimator)


class PUBaggingClassifier(*_base_classes()):  # type: ignore[misc]
    """Positive–unlabelled bagging over any scikit-learn classifier (labels: 1 positive, 0 unlabelled).

    References
    ----------
    Mordelet, F., and Vert, J.-P., 2014, Pattern Recognition Letters 37, 201-209,
    doi:10.1016/j.patrec.2013.06.010.
    """

    def __init__(self, base: Any, n_bags: int = 25, seed: int = 0) -> None:
        self.base = base
        self.n_bags = n_bags
        self.seed = seed

    def fit(self, x: np.ndarray, y: np.ndarray) -> PUBaggingClassifier:
        """Train ``n_bags`` members, each on all positives and an equal-size bootstrap of unlabelled rows."""
        from sklearn.base import clone

        rng = np.random.default_rng(self.seed)
        pos = np.flatnonzero(y == 1)
        unl = np.flatnonzero(y == 0)
        if pos.size == 0 or unl.size == 0:
            raise InputError("PU bagging needs positive and unlabelled samples")
        self.members_: list[Any] = []
        self.classes_ = np.array([0, 1])
        for _ in range(self.n_bags):
            pick = rng.choice(unl, size=min(pos.size, unl.size), replace=True)
            idx = np.concatenate([pos, pick])
            m = clone(self.base)
            if hasattr(m, "random_state"):
                m.set_params(random_state=int(rng.integers(2**31)))
            m.fit(x[idx], y[idx])
            self.members_.append(m)
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Mean member probability of the positive class (column 1)."""
        p = np.mean([m.predict_proba(x)[:, 1] for m in self.members_], axis=0)
        return np.column_stack([1 - p, p])


@dataclass(frozen=True)
class TrainingSet:
    """Features ``x`` (n × k), labels ``y`` (1 deposit, 0 negative/unlabelled), pixel ``rows``/``cols``."""

    x: np.ndarray
    y: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    features: tuple[str, ...]


def _sample_stack(layers: Sequence[Layer], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    cols_out = []
    for lay in layers:
        d = lay.data.data
        v = np.asarray(d.vindex[rows, cols].compute() if hasattr(d, "vindex") else np.asarray(d)[rows, cols],
                       np.float64)
        if lay.nodata is not None:
            v[v == lay.nodata] = np.nan
        cols_out.append(v)
    return np.column_stack(cols_out)


def training_set(layers: Sequence[Layer], cells: DepositCells, *, n_negatives: int, rng: np.random.Generator,
                 exclusion_m: float = 0.0) -> TrainingSet:
    """Deposit cells plus ``n_negatives`` random study-area cells farther than ``exclusion_m`` from a deposit.

    Cells with missing evidence are dropped (positives with a warning-free count in the result sizes).
    """
    grid = check_same_grid(list(layers))
    h, w = grid.shape
    px = abs(grid.transform.a)
    pos_r, pos_c = cells.rows, cells.cols
    dep = set(zip(pos_r.tolist(), pos_c.tolist(), strict=True))
    rad = int(np.ceil(exclusion_m / px)) if exclusion_m > 0 else 0
    neg_r: list[int] = []
    neg_c: list[int] = []
    tries = 0
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([pos_r, pos_c]))
    while len(neg_r) < n_negatives and tries < 50:
        tries += 1
        k = max(2 * (n_negatives - len(neg_r)), 64)
        r = rng.integers(0, h, size=k)
        c = rng.integers(0, w, size=k)
        if rad:
            d, _ = tree.query(np.column_stack([r, c]))
            keep = d > rad
        else:
            keep = np.array([(a, b) not in dep for a, b in zip(r.tolist(), c.tolist(), strict=True)])
        x = _sample_stack(layers, r[keep], c[keep])
        ok = np.all(np.isfinite(x), axis=1)
        neg_r.extend(r[keep][ok].tolist())
        neg_c.extend(c[keep][ok].tolist())
    if len(neg_r) < n_negatives:
        raise InputError(f"could only draw {len(neg_r)} of {n_negatives} negative cells outside {exclusion_m:g} m of "
                         "the deposits; lower --negatives or the exclusion buffer")
    nr = np.asarray(neg_r[:n_negatives])
    nc = np.asarray(neg_c[:n_negatives])
    rows = np.concatenate([pos_r, nr])
    cols = np.concatenate([pos_c, nc])
    x = _sample_stack(layers, rows, cols)
    y = np.concatenate([np.ones(pos_r.size, np.int8), np.zeros(nr.size, np.int8)])
    ok = np.all(np.isfinite(x), axis=1)
    if not ok[: pos_r.size].any():
        raise InputError("every deposit lies on missing evidence; check the layers' nodata and extent")
    return TrainingSet(x=x[ok], y=y[ok], rows=rows[ok], cols=cols[ok], features=tuple(lay.name for lay in layers))


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if 0 < y.sum() < y.size else float("nan")


def spatial_block_cv(estimator: Any, ts: TrainingSet, *, block_px: int, n_splits: int = 5,
                     seed: int = 0) -> dict[str, Any]:
    """AUC of spatial block k-fold (blocks of ``block_px`` pixels) beside random k-fold.

    References
    ----------
    Roberts, D.R., et al., 2017, Ecography 40, 913-929, doi:10.1111/ecog.02881.
    """
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    if block_px < 1:
        raise InputError("spatial blocks must be at least one pixel wide")
    groups = (ts.rows // block_px) * 1_000_003 + (ts.cols // block_px)
    n_groups = np.unique(groups).size
    if n_groups < n_splits:
        raise InputError(f"only {n_groups} spatial blocks of {block_px} px for {n_splits} folds; use smaller blocks")
    out: dict[str, Any] = {}
    for name, splitter, grp in (("spatial_block", GroupKFold(n_splits=n_splits), groups),
                                ("random", StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed), None)):
        pred = np.full(ts.y.size, np.nan)
        fold_auc = []
        for tr, te in splitter.split(ts.x, ts.y, grp):
            if ts.y[tr].min() == ts.y[tr].max():
                continue
            m = clone(estimator).fit(ts.x[tr], ts.y[tr])
            pred[te] = m.predict_proba(ts.x[te])[:, 1]
            fold_auc.append(_auc(ts.y[te], pred[te]))
        ok = np.isfinite(pred)
        out[name] = {"auc_pooled": _auc(ts.y[ok], pred[ok]), "auc_folds": fold_auc}
    out["block_px"] = block_px
    out["n_splits"] = n_splits
    return out


def buffered_loo_auc(estimator: Any, ts: TrainingSet, *, buffer_px: float, max_samples: int = 400,
                     seed: int = 0) -> float:
    """Buffered leave-one-out AUC: each held-out sample is predicted by a model trained without any sample within
    ``buffer_px`` pixels of it (at most ``max_samples`` held-out samples, drawn with ``seed``).

    References
    ----------
    Pohjankukka, J., et al., 2017, IJGIS 31, 2001-2019, doi:10.1080/13658816.2017.1346255.
    """
    from sklearn.base import clone

    rng = np.random.default_rng(seed)
    idx = np.arange(ts.y.size)
    if idx.size > max_samples:
        idx = np.sort(rng.choice(idx, size=max_samples, replace=False))
    pts = np.column_stack([ts.rows, ts.cols]).astype(np.float64)
    pred = np.full(idx.size, np.nan)
    for k, i in enumerate(idx):
        far = np.hypot(*(pts - pts[i]).T) > buffer_px
        if ts.y[far].min() == ts.y[far].max():
            continue
        m = clone(estimator).fit(ts.x[far], ts.y[far])
        pred[k] = m.predict_proba(ts.x[i: i + 1])[0, 1]
    ok = np.isfinite(pred)
    return _auc(ts.y[idx][ok], pred[ok])


@dataclass
class TrainedModel:
    """A fitted model with its evidence names, validation scores and provenance."""

    estimator: Any
    features: tuple[str, ...]
    kind: str
    pu_bagging: bool
    calibrated: bool
    scores: dict[str, Any]
    importance: dict[str, float]
    provenance: RunRecord | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (without the estimator)."""
        return {"kind": self.kind, "features": list(self.features), "pu_bagging": self.pu_bagging,
                "calibrated": self.calibrated, "scores": self.scores, "feature_importance": self.importance,
                "provenance": self.provenance.to_dict() if self.provenance else None}


def train_model(ts: TrainingSet, kind: ModelKind, *, seed: int, pu_bagging: bool = False, n_bags: int = 25,
                calibrate: Literal["none", "sigmoid", "isotonic"] = "sigmoid", block_px: int = 50,
                n_splits: int = 5, buffer_px: float | None = None, n_estimators: int = 200,
                max_depth: int | None = 12, loo_samples: int = 400, inputs_sha256: str = "") -> TrainedModel:
    """Fit ``kind`` (optionally PU-bagged and calibrated), with spatial-block and random CV AUCs, buffered LOO
    (if ``buffer_px``) and permutation feature importance (drop in AUC)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.inspection import permutation_importance

    base = make_estimator(kind, seed=seed, n_estimators=n_estimators, max_depth=max_depth)
    est: Any = PUBaggingClassifier(base, n_bags=n_bags, seed=seed) if pu_bagging else base
    if int(ts.y.sum()) < 5:
        raise InputError(f"only {int(ts.y.sum())} deposits with complete evidence; at least 5 are needed to train")
    scores = spatial_block_cv(est, ts, block_px=block_px, n_splits=n_splits, seed=seed)
    if buffer_px is not None:
        scores["buffered_loo_auc"] = buffered_loo_auc(est, ts, buffer_px=buffer_px, max_samples=loo_samples,
                                                      seed=seed)
        scores["buffer_px"] = buffer_px
    if calibrate != "none" and not pu_bagging:
        final: Any = CalibratedClassifierCV(est, method=calibrate, cv=3).fit(ts.x, ts.y)
    else:
        final = est.fit(ts.x, ts.y)
    imp = permutation_importance(final, ts.x, ts.y, scoring="roc_auc", n_repeats=5, random_state=seed)
    importance = dict(zip(ts.features, [float(v) for v in imp.importances_mean], strict=True))
    params = {"kind": kind, "pu_bagging": pu_bagging, "n_bags": n_bags, "calibrate": calibrate,
              "block_px": block_px, "n_splits": n_splits, "n_positive": int(ts.y.sum()),
              "n_negative": int((ts.y == 0).sum()), "features": list(ts.features), "n_estimators": n_estimators,
              "max_depth": max_depth}
    prov = RunRecord.create("prospectivity.train", inputs_sha256=inputs_sha256, parameters=params, seed=seed)
    return TrainedModel(estimator=final, features=ts.features, kind=kind, pu_bagging=pu_bagging,
                        calibrated=calibrate != "none" and not pu_bagging, scores=scores, importance=importance,
                        provenance=prov)


def predict_raster(model: Any, layers: Sequence[Layer]) -> Any:
    """Probability of the positive class for every pixel, computed block by block (Dask); NaN where any layer
    is missing. The layers must be in the model's feature order."""
    import dask.array as da

    check_same_grid(list(layers))
    arrays = [da.asarray(lay.data.data) for lay in layers]
    chunks = arrays[0].chunks
    arrays = [a.rechunk(chunks) for a in arrays]
    nodatas = [lay.nodata for lay in layers]

    def block(*blocks: np.ndarray) -> np.ndarray:
        shape = blocks[0].shape
        x = np.column_stack([np.asarray(b, np.float64).ravel() for b in blocks])
        for j, nd in enumerate(nodatas):
            if nd is not None:
                x[x[:, j] == nd, j] = np.nan
        ok = np.all(np.isfinite(x), axis=1)
        out = np.full(x.shape[0], np.nan, np.float32)
        if ok.any():
            out[ok] = model.predict_proba(x[ok])[:, 1]
        return out.reshape(shape)

    return da.map_blocks(block, *arrays, dtype=np.float32)


def save_model(model: TrainedModel, path: str | Any) -> None:
    """Write a trained model (joblib; load only files you made — it is a pickle) with its JSON summary."""
    import json
    from pathlib import Path

    import joblib  # type: ignore[import-untyped]

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"estimator": model.estimator, "summary": model.to_dict()}, p)
    p.with_suffix(p.suffix + ".json").write_text(json.dumps(model.to_dict(), indent=2, default=str),
                                                 encoding="utf-8")


def load_model(path: str | Any) -> tuple[Any, dict[str, Any]]:
    """The estimator and summary saved by :func:`save_model`."""
    from pathlib import Path

    import joblib

    p = Path(path)
    if not p.exists():
        raise InputError(f"model file {p} does not exist", file=p)
    obj = joblib.load(p)
    if not isinstance(obj, dict) or "estimator" not in obj:
        raise InputError(f"{p} is not a model written by `critmin prospect train`", file=p)
    return obj["estimator"], obj["summary"]
