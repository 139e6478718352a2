"""Validation of prospectivity maps: ROC/AUC, success-rate curve, prediction–area (P-A) plot, efficiency.

All statistics are exact and stream over the prediction raster block by block: the background is never
sorted or held in memory. For ``m`` distinct deposit scores each block is reduced with two
:func:`numpy.searchsorted` calls against them, giving for every deposit score the number of background cells
below and equal to it.

Background conventions (name them when reporting an AUC):

* ``all``: deposit cells are compared with every study-area cell (ArcSDM / Geoscience Australia's ROC).
* ``non-deposit``: the deposit cells are removed from the background.

References
----------
Fawcett, T., 2006, An introduction to ROC analysis. Pattern Recognition Letters 27, 861-874,
doi:10.1016/j.patrec.2005.10.010.
Chung, C.-J.F., and Fabbri, A.G., 2003, Validation of spatial prediction models for landslide hazard mapping.
Natural Hazards 30, 451-472, doi:10.1023/B:NHAZ.0000007172.62651.2b (success-rate curves).
Yousefi, M., and Carranza, E.J.M., 2015, Prediction-area (P-A) plot and C-A fractal analysis to classify and
evaluate evidential maps for mineral prospectivity modeling. Computers & Geosciences 79, 69-81,
doi:10.1016/j.cageo.2015.03.007.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from critmin.errors import InputError
from critmin.prospectivity.deposits import DepositCells, sample

__all__ = ["Background", "RankCounts", "Validation", "rank_counts", "validate"]

Background = Literal["all", "non-deposit"]


@dataclass(frozen=True)
class RankCounts:
    """Background counts at each distinct deposit score.

    Attributes
    ----------
    scores
        Distinct deposit scores, ascending.
    n_deposit
        Deposits at each score.
    below, equal
        Background cells with a score below / equal to each deposit score.
    n_background
        Background cells.
    """

    scores: np.ndarray
    n_deposit: np.ndarray
    below: np.ndarray
    equal: np.ndarray
    n_background: int


def _block_ranks(block: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    v = np.asarray(block, np.float64).ravel()
    v = v[np.isfinite(v)]
    left = np.searchsorted(u, v, side="left")
    right = np.searchsorted(u, v, side="right")
    m = u.size
    below = np.cumsum(np.bincount(right, minlength=m + 1))[:m]  # v < u_j  <=>  right(v) <= j
    eq = right > left
    equal = np.bincount(left[eq], minlength=m)[:m]
    return below.astype(np.int64), equal.astype(np.int64), int(v.size)


def rank_counts(prediction: Any, cells: DepositCells, *, background: Background = "all",
                valid: Any = None) -> RankCounts:
    """Exact background counts below/at every deposit score in one streaming pass."""
    if background not in ("all", "non-deposit"):
        raise InputError(f"background {background!r} is not one of all, non-deposit")
    pred = prediction
    if valid is not None:
        pred = _masked(pred, valid)
    dep = sample(pred, cells).astype(np.float64)
    ok = np.isfinite(dep)
    if not ok.all():
        if not ok.any():
            raise InputError("every deposit falls on a nodata pixel of the prediction")
        dep = dep[ok]
    u, n_dep = np.unique(dep, return_counts=True)
    if hasattr(pred, "to_delayed"):
        import dask

        parts = dask.compute(*[dask.delayed(_block_ranks)(b, u) for b in pred.to_delayed().ravel()])
    else:
        parts = (_block_ranks(pred, u),)
    below = np.sum([p[0] for p in parts], axis=0)
    equal = np.sum([p[1] for p in parts], axis=0)
    n_bg = int(sum(p[2] for p in parts))
    if background == "non-deposit":
        # remove each distinct deposit cell once from the background
        flat = cells.rows.astype(np.int64) * 10**9 + cells.cols.astype(np.int64)
        _, first = np.unique(flat, return_index=True)
        cell_vals = sample(pred, cells).astype(np.float64)[first]
        cell_vals = cell_vals[np.isfinite(cell_vals)]
        for val in cell_vals:
            j = int(np.searchsorted(u, val))
            equal[j] -= 1
            below[j + 1:] -= 1
        n_bg -= int(cell_vals.size)
    return RankCounts(scores=u, n_deposit=n_dep.astype(np.int64), below=below, equal=equal, n_background=n_bg)


def _masked(pred: Any, valid: Any) -> Any:
    if hasattr(pred, "map_blocks"):
        import dask.array as da

        return da.where(valid, pred, np.nan)
    return np.where(valid, pred, np.nan)


@dataclass(frozen=True)
class Validation:
    """ROC/AUC, success-rate and P-A curves of one prediction raster.

    Attributes
    ----------
    auc
        Area under the ROC curve (Mann–Whitney, ties counted one half).
    background
        Which background the AUC used (``all`` or ``non-deposit``).
    n_deposits, n_background
        Sizes of the two samples.
    roc_fpr, roc_tpr
        ROC curve (thresholds at the distinct deposit scores, descending).
    success_area, success_deposits
        Success-rate curve: fraction of the study area above a threshold vs. fraction of deposits captured.
    efficiency
        Area under the success-rate curve (efficiency of classification; 0.5 = random).
    pa_threshold, pa_prediction_rate, pa_area_pct
        P-A curves: percentage of deposits predicted and percentage of area occupied above each threshold.
    pa_intersection
        Threshold, prediction rate (%) and area (%) where the two P-A curves cross.
    """

    auc: float
    background: str
    n_deposits: int
    n_background: int
    roc_fpr: np.ndarray
    roc_tpr: np.ndarray
    success_area: np.ndarray
    success_deposits: np.ndarray
    efficiency: float
    pa_threshold: np.ndarray
    pa_prediction_rate: np.ndarray
    pa_area_pct: np.ndarray
    pa_intersection: dict[str, float]
    count: str = "points"

    def to_dict(self, *, curves: bool = True) -> dict[str, Any]:
        """JSON-safe dictionary (``curves=False`` keeps only the scalars)."""
        d: dict[str, Any] = {"auc": self.auc, "background": self.background, "count": self.count,
                             "n_deposits": self.n_deposits, "n_background": self.n_background,
                             "efficiency_of_classification": self.efficiency,
                             "pa_intersection": self.pa_intersection}
        if curves:
            d["roc"] = {"fpr": self.roc_fpr.tolist(), "tpr": self.roc_tpr.tolist()}
            d["success_rate"] = {"area_fraction": self.success_area.tolist(),
                                 "deposit_fraction": self.success_deposits.tolist()}
            d["prediction_area"] = {"threshold": self.pa_threshold.tolist(),
                                    "prediction_rate_pct": self.pa_prediction_rate.tolist(),
                                    "area_pct": self.pa_area_pct.tolist()}
        return d


def validate(prediction: Any, cells: DepositCells, *, background: Background = "all", valid: Any = None) -> Validation:
    """AUC, ROC, success-rate and P-A curves of a prediction raster against deposits.

    Parameters
    ----------
    prediction
        2-D numpy or Dask array of scores (higher = more prospective; NaN = outside the study area).
    cells
        Deposits on the prediction's grid (``points`` or ``pixels`` counting).
    background
        ``all`` study-area cells, or ``non-deposit`` cells only.
    valid
        Optional study-area mask.

    References
    ----------
    Fawcett, T., 2006, Pattern Recognition Letters 27, 861-874, doi:10.1016/j.patrec.2005.10.010.
    Yousefi, M., and Carranza, E.J.M., 2015, Computers & Geosciences 79, 69-81,
    doi:10.1016/j.cageo.2015.03.007.
    """
    rc = rank_counts(prediction, cells, background=background, valid=valid)
    n_d = int(rc.n_deposit.sum())
    n_b = rc.n_background
    if n_b <= 0:
        raise InputError("the background is empty: the study area holds only deposit cells")
    auc = float(np.sum(rc.n_deposit * (rc.below + 0.5 * rc.equal)) / (n_d * n_b))
    # thresholds at deposit scores, descending: cells with score >= u_j are "predicted"
    desc = slice(None, None, -1)
    tpr = np.cumsum(rc.n_deposit[desc]) / n_d
    bg_at_or_above = n_b - rc.below[desc]
    fpr = bg_at_or_above / n_b
    # exact step curve: first the background strictly above u_j (tpr unchanged), then the ties at u_j
    bg_above = n_b - rc.below[desc] - rc.equal[desc]
    tpr_prev = np.concatenate([[0.0], tpr[:-1]])
    roc_fpr = np.concatenate([[0.0], np.column_stack([bg_above / n_b, fpr]).ravel(), [1.0]])
    roc_tpr = np.concatenate([[0.0], np.column_stack([tpr_prev, tpr]).ravel(), [1.0]])
    # success-rate: area fraction of the whole study area (background "all" semantics)
    sr_area = roc_fpr
    sr_dep = roc_tpr
    efficiency = float(np.trapezoid(sr_dep, sr_area))
    # P-A plot on the thresholds (percentage of deposits with score >= t, percentage of area with score >= t)
    thr = rc.scores[desc]
    pred_rate = 100.0 * tpr
    area_pct = 100.0 * bg_at_or_above / n_b
    inter = _pa_intersection(thr, pred_rate, area_pct)
    return Validation(auc=auc, background=background, n_deposits=n_d, n_background=n_b, roc_fpr=roc_fpr,
                      roc_tpr=roc_tpr, success_area=sr_area, success_deposits=sr_dep, efficiency=efficiency,
                      pa_threshold=thr, pa_prediction_rate=pred_rate, pa_area_pct=area_pct, pa_intersection=inter,
                      count=cells.mode)


def _pa_intersection(thr: np.ndarray, pred_rate: np.ndarray, area_pct: np.ndarray) -> dict[str, float]:
    """Where the prediction-rate curve meets the area curve plotted as ``100 - area %`` (Yousefi & Carranza)."""
    occupied = 100.0 - area_pct
    diff = pred_rate - occupied  # increases as the threshold decreases
    k = int(np.argmax(diff >= 0)) if (diff >= 0).any() else len(diff) - 1
    if k > 0 and diff[k] != diff[k - 1]:
        f = -diff[k - 1] / (diff[k] - diff[k - 1])
        t = thr[k - 1] + f * (thr[k] - thr[k - 1])
        pr = pred_rate[k - 1] + f * (pred_rate[k] - pred_rate[k - 1])
    else:
        t, pr = thr[k], pred_rate[k]
    return {"threshold": float(t), "prediction_rate_pct": float(pr), "area_pct": float(100.0 - pr)}
