"""Precision from duplicate pairs: HARD, relative difference, CV per pair and Thompson–Howarth precision.

References
----------
Thompson, M., Howarth, R.J., 1976. Duplicate analysis in geochemical practice. Part I. Theoretical
approach and estimation of analytical reproducibility. Analyst 101, 690–698, doi:10.1039/AN9760100690.
Thompson, M., Howarth, R.J., 1978. A new approach to the estimation of analytical precision. Journal of
Geochemical Exploration 9, 23–30, doi:10.1016/0375-6742(78)90035-3.
Stanley, C.R., Lawie, D., 2007. Average relative error in geochemical determinations: clarification,
calculation, and a plea for consistency. Exploration and Mining Geology 16, 267–275,
doi:10.2113/gsemg.16.3-4.267.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from critmin.geochem.qc_samples import _element_columns, _id_series, batches, classify_samples

#: σ = TH_MEDIAN_TO_SIGMA · median|a − b| for pairs of normal errors: 1/(√2·Φ⁻¹(0.75)) = 1.0484
TH_MEDIAN_TO_SIGMA: float = float(1.0 / (np.sqrt(2.0) * stats.norm.ppf(0.75)))


# ------------------------------------------------------------------------------------ duplicates


def thompson_howarth(means: Any, abs_diffs: Any, *, group_size: int = 11) -> dict[str, Any]:
    """Thompson–Howarth precision: σ(c) = intercept + slope·c from duplicate pairs.

    Pairs are sorted by their mean and cut into consecutive groups of ``group_size`` (a remainder
    smaller than a group is dropped); the median |a − b| of each group is regressed (least squares) on the
    group's median mean, and scaled by 1.0484 = 1/(√2·Φ⁻¹(0.75)) because median|d| = 0.9539·σ for the
    difference of two results with normal errors of SD σ.

    Returns
    -------
    dict
        ``intercept``, ``slope`` (of σ in the data's unit), ``n_pairs``, ``n_groups``, ``group_means``,
        ``group_median_abs_diff``, ``reliable`` (n_pairs ≥ 50, the authors' minimum). NaN coefficients
        with fewer than two groups.

    References
    ----------
    Thompson, M., Howarth, R.J., 1978. J. Geochem. Explor. 9, 23–30, doi:10.1016/0375-6742(78)90035-3.
    """
    m = np.asarray(means, dtype=float)
    d = np.abs(np.asarray(abs_diffs, dtype=float))
    ok = np.isfinite(m) & np.isfinite(d)
    m, d = m[ok], d[ok]
    order = np.argsort(m, kind="stable")
    m, d = m[order], d[order]
    g = m.size // group_size
    gm = [float(np.median(m[i * group_size:(i + 1) * group_size])) for i in range(g)]
    gd = [float(np.median(d[i * group_size:(i + 1) * group_size])) for i in range(g)]
    if g >= 2 and np.ptp(gm) > 0:
        fit = stats.linregress(gm, gd)
        intercept = float(TH_MEDIAN_TO_SIGMA * fit.intercept)
        slope = float(TH_MEDIAN_TO_SIGMA * fit.slope)
    else:
        intercept = slope = float("nan")
    return {"intercept": float(intercept), "slope": float(slope), "n_pairs": int(m.size), "n_groups": g,
            "group_means": gm, "group_median_abs_diff": gd, "reliable": bool(m.size >= 50)}


def precision_at(th: dict[str, Any], concentration: float) -> float:
    """Relative precision (%) at a concentration, 95 % level: P_c = 200·σ(c)/c (Thompson & Howarth 1978)."""
    sigma = th["intercept"] + th["slope"] * concentration
    return float(200.0 * sigma / concentration)


def _pairs(table: Any, classes: pd.DataFrame, batch: pd.Series, columns: list[str], min_dl_multiple: float
           ) -> pd.DataFrame:
    dups = classes[classes["sample_class"].isin(["replicate", "field_duplicate"]) & classes["parent_found"]]
    if dups.empty:
        return pd.DataFrame()
    ids = classes["id"].to_numpy()
    first_pos: dict[str, int] = {}
    for p, v in enumerate(ids):
        first_pos.setdefault(v, p)
    dpos = classes.index.get_indexer(dups.index)
    opos = np.array([first_pos[v] for v in dups["parent"]])
    data = table.data[columns].to_numpy(dtype=float)
    codes = table.censored[columns].to_numpy()
    dl = table.detection_limit[columns].to_numpy(dtype=float)
    npair, ncol = dpos.size, len(columns)
    a, b = data[opos], data[dpos]
    ca, cb = codes[opos], codes[dpos]
    cens = np.isin(ca, ["<", ">"]) | np.isin(cb, ["<", ">"])
    present = ~((ca == "missing") | (cb == "missing") | (~np.isfinite(a) & ~cens) | (~np.isfinite(b) & ~cens))
    with np.errstate(invalid="ignore", divide="ignore"):
        lim = np.fmax(dl[opos], dl[dpos])
        mean = np.where(cens, np.nan, (a + b) / 2)
        diff = np.where(cens, np.nan, np.abs(a - b))
        tot = a + b
        rpd = np.where(mean != 0, 100 * diff / mean, np.nan)
        hard = np.where(tot != 0, 100 * diff / tot, np.nan)
        cv = np.where(tot != 0, 100 * np.sqrt(2) * diff / tot, np.nan)
        below = np.isfinite(lim) & (mean < min_dl_multiple * lim)
    rep = np.repeat
    frame = pd.DataFrame({
        "kind": rep(dups["sample_class"].to_numpy(), ncol), "original_id": rep(dups["parent"].to_numpy(), ncol),
        "duplicate_id": rep(dups["id"].to_numpy(), ncol), "original_row": rep(opos + 1, ncol),
        "duplicate_row": rep(dpos + 1, ncol), "batch": rep(batch.to_numpy()[dpos], ncol),
        "element": np.tile([str(table.analytes.get(c, c)) for c in columns], npair),
        "column": np.tile(np.asarray(columns, dtype=object), npair),
        "a": a.ravel(), "b": b.ravel(), "censored": cens.ravel(), "mean": mean.ravel(),
        "abs_diff": diff.ravel(), "rpd_pct": rpd.ravel(), "hard_pct": hard.ravel(), "cv_pct": cv.ravel(),
        "detection_limit": lim.ravel(), "used": (~cens & ~below).ravel(),
    })
    return frame[present.ravel()].reset_index(drop=True)


def _dup_summary(pairs: pd.DataFrame, hard_limit_pct: float, group_size: int) -> pd.DataFrame:
    out: list[dict[str, Any]] = []
    if pairs.empty:
        return pd.DataFrame()
    for (kind, col), grp in pairs.groupby(["kind", "column"], sort=True):
        u = grp[grp["used"]]
        th = thompson_howarth(u["mean"], u["abs_diff"], group_size=group_size)
        med = float(u["mean"].median()) if len(u) else np.nan
        out.append({
            "kind": kind, "element": grp["element"].iloc[0], "column": col, "n_pairs": len(grp),
            "n_used": len(u), "n_censored": int(grp["censored"].sum()),
            "median_hard_pct": float(u["hard_pct"].median()) if len(u) else np.nan,
            "pct_hard_within_limit": float(100 * (u["hard_pct"] <= hard_limit_pct).mean()) if len(u) else np.nan,
            "cv_avg_pct": float(np.sqrt(np.mean(np.square(u["cv_pct"])))) if len(u) else np.nan,
            "th_intercept": th["intercept"], "th_slope": th["slope"], "th_groups": th["n_groups"],
            "th_reliable": th["reliable"], "median_concentration": med,
            "precision_pct_at_median": precision_at(th, med) if np.isfinite(th["slope"]) and med > 0 else np.nan,
        })
    return pd.DataFrame(out)


def duplicates_report(
    table: Any,
    *,
    id_column: str | None = None,
    columns: list[str] | None = None,
    min_dl_multiple: float = 0.0,
    hard_limit_pct: float = 10.0,
    group_size: int = 11,
    pairs: bool = False,
) -> pd.DataFrame:
    """Precision from replicate and field-duplicate pairs, per kind and element.

    Parameters
    ----------
    min_dl_multiple
        Pairs whose mean is below this multiple of the DL are listed but not used (10–15 is common
        practice); pairs with a censored member are never used.
    hard_limit_pct
        HARD acceptance limit for ``pct_hard_within_limit`` (10 % pulp, 20 % coarse reject, 30 % field
        duplicates are common conventions).
    pairs
        Return the pair-level table (a, b, mean, abs_diff, rpd_pct, hard_pct, cv_pct, used) instead of
        the summary.

    Returns
    -------
    pandas.DataFrame
        Summary per (kind, element): n_pairs, n_used, median_hard_pct, pct_hard_within_limit,
        cv_avg_pct = 100·√(mean(CV_pair²)), Thompson–Howarth intercept/slope of σ(c) and precision at the
        median concentration.

    References
    ----------
    Stanley, C.R., Lawie, D., 2007. Exploration and Mining Geology 16, 267–275, doi:10.2113/gsemg.16.3-4.267.

    Thompson, M., Howarth, R.J., 1978. J. Geochem. Explor. 9, 23–30, doi:10.1016/0375-6742(78)90035-3.
    """
    classes = classify_samples(_id_series(table, id_column))
    p = _pairs(table, classes, batches(table), _element_columns(table, columns), min_dl_multiple)
    return p if pairs else _dup_summary(p, hard_limit_pct, group_size)
