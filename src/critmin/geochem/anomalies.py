"""Geochemical anomaly thresholds: median + k·MAD, Tukey fences, concentration–area fractal, robust MCD.

Univariate thresholds are computed on log10 concentrations by default (geochemical data are skewed; state
it: ``log`` is recorded in every result) and returned in the data's unit. The multivariate method
computes robust Mahalanobis distances with the minimum covariance determinant (MCD) estimator on
isometric log-ratio (ilr) coordinates and flags distances above √χ²(p, 0.975).

Censored cells are substituted (DL/2 by default, see :mod:`critmin.geochem.censored`) before any
threshold is computed; the number of censored values used is reported.

References
----------
Reimann, C., Filzmoser, P., Garrett, R.G., 2005. Background and threshold: critical comparison of methods
of determination. Science of the Total Environment 346, 1–16, doi:10.1016/j.scitotenv.2004.11.023.

Cheng, Q., Agterberg, F.P., Ballantyne, S.B., 1994. The separation of geochemical anomalies from
background by fractal methods. Journal of Geochemical Exploration 51, 109–130,
doi:10.1016/0375-6742(94)90013-2.

Filzmoser, P., Garrett, R.G., Reimann, C., 2005. Multivariate outlier detection in exploration
geochemistry. Computers & Geosciences 31, 579–587, doi:10.1016/j.cageo.2004.11.013.

Rousseeuw, P.J., Van Driessen, K., 1999. A fast algorithm for the minimum covariance determinant
estimator. Technometrics 41, 212–223, doi:10.1080/00401706.1999.10485670.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from critmin.errors import InputError

__all__ = [
    "MAD_SCALE",
    "ThresholdResult",
    "anomalies",
    "anomaly_flags",
    "ca_fractal",
    "ilr",
    "mcd_distances",
    "thresholds",
]

Method = Literal["mad", "tukey", "ca_fractal", "mcd"]
UnivariateMethod = Literal["mad", "tukey", "ca_fractal"]

#: consistency constant of the MAD for normal data, 1/Φ⁻¹(0.75)
MAD_SCALE: float = float(1.0 / stats.norm.ppf(0.75))


@dataclass
class ThresholdResult:
    """An upper anomaly threshold and how it was obtained.

    Attributes
    ----------
    method
        ``mad`` | ``tukey`` | ``ca_fractal``.
    threshold
        Upper threshold in the data's unit (values above it are anomalous).
    center, scale
        Median and 1.4826·MAD (mad), Q3 and IQR (tukey), in log10 units when ``log`` is True.
    n
        Number of finite, positive values used.
    log
        Whether the statistics were computed on log10 values.
    breakpoints
        C–A fractal breakpoints (data unit), ascending; the threshold is the last one.
    parameters
        The method's parameters (k, fence, n_breaks, areas used …).
    """

    method: str
    threshold: float
    center: float = float("nan")
    scale: float = float("nan")
    n: int = 0
    log: bool = True
    breakpoints: list[float] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (NaN → None)."""
        d = asdict(self)
        for k in ("threshold", "center", "scale"):
            if d[k] is not None and not np.isfinite(d[k]):
                d[k] = None
        return d


def _clean(values: Any, log: bool) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if log:
        x = x[x > 0]
    return x


def ca_fractal(
    values: Any,
    *,
    areas: Any = None,
    n_breaks: int = 2,
    max_levels: int = 200,
    min_points: int = 5,
) -> dict[str, Any]:
    """Concentration–area (or number–size) fractal thresholds by piecewise log–log regression.

    For each level v the area A(ρ ≥ v) (sum of ``areas`` of the samples with value ≥ v) or, without
    areas, the number of samples N(≥ v) is computed; log A is fitted against log v by ``n_breaks + 1``
    straight segments (least squares, breakpoints searched exhaustively among the levels, at least
    ``min_points`` levels per segment). The breakpoints separate populations with different fractal
    dimensions; the highest one is the anomaly threshold.

    Parameters
    ----------
    values
        Concentrations (> 0).
    areas
        Area represented by each sample (e.g. grid cell or Voronoi polygon area); None → number–size.
    n_breaks
        1 or 2 breakpoints (default 2: a low segment for the detection-limit/low-value curvature, the
        background and the anomalous tail).
    max_levels
        Levels are the unique values, thinned to this many log-spaced quantiles for large data.
    min_points
        Minimum levels per segment.

    Returns
    -------
    dict
        ``breakpoints`` (ascending, data unit), ``slopes`` (one per segment, the −α exponents),
        ``sse``, ``levels``, ``log_measure``, ``variant`` ("concentration-area" | "number-size").

    References
    ----------
    Cheng, Q., Agterberg, F.P., Ballantyne, S.B., 1994. J. Geochem. Explor. 51, 109–130,
    doi:10.1016/0375-6742(94)90013-2.
    """
    x = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(x) if areas is None else np.asarray(areas, dtype=float).ravel()
    if w.shape != x.shape:
        raise InputError(f"areas must have one value per sample ({x.size}), got {w.size}")
    ok = np.isfinite(x) & (x > 0) & np.isfinite(w) & (w > 0)
    x, w = x[ok], w[ok]
    if n_breaks not in (1, 2):
        raise InputError(f"n_breaks must be 1 or 2, got {n_breaks}")
    levels = np.unique(x)
    if levels.size > max_levels:
        levels = np.unique(np.quantile(x, np.linspace(0, 1, max_levels), method="inverted_cdf"))
    need = (n_breaks + 1) * min_points
    if levels.size < need:
        raise InputError(
            f"C–A fractal needs at least {need} distinct levels for {n_breaks} break(s); the data have {levels.size}"
        )
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    tail = np.concatenate([np.cumsum(ws[::-1])[::-1], [0.0]])
    measure = tail[np.searchsorted(xs, levels, side="left")]
    lx, ly = np.log10(levels), np.log10(measure)
    m = lx.size
    # prefix sums for O(1) segment least squares
    c1 = np.concatenate([[0.0], np.cumsum(np.ones(m))])
    cx = np.concatenate([[0.0], np.cumsum(lx)])
    cy = np.concatenate([[0.0], np.cumsum(ly)])
    cxx = np.concatenate([[0.0], np.cumsum(lx * lx)])
    cxy = np.concatenate([[0.0], np.cumsum(lx * ly)])
    cyy = np.concatenate([[0.0], np.cumsum(ly * ly)])

    def seg(i: int, j: int) -> tuple[float, float]:
        n = c1[j] - c1[i]
        sx, sy = cx[j] - cx[i], cy[j] - cy[i]
        sxx = cxx[j] - cxx[i] - sx * sx / n
        sxy = cxy[j] - cxy[i] - sx * sy / n
        syy = cyy[j] - cyy[i] - sy * sy / n
        slope = sxy / sxx if sxx > 0 else 0.0
        return max(syy - slope * sxy, 0.0), slope

    best: tuple[float, list[int]] = (np.inf, [])
    if n_breaks == 1:
        for b in range(min_points, m - min_points + 1):
            sse = seg(0, b)[0] + seg(b, m)[0]
            if sse < best[0]:
                best = (sse, [b])
    else:
        for b1 in range(min_points, m - 2 * min_points + 1):
            s1 = seg(0, b1)[0]
            for b2 in range(b1 + min_points, m - min_points + 1):
                sse = s1 + seg(b1, b2)[0] + seg(b2, m)[0]
                if sse < best[0]:
                    best = (sse, [b1, b2])
    cuts = best[1]
    bounds = [0, *cuts, m]
    slopes = [seg(bounds[i], bounds[i + 1])[1] for i in range(len(bounds) - 1)]
    return {
        "breakpoints": [float(levels[b]) for b in cuts],
        "slopes": [float(s) for s in slopes],
        "sse": float(best[0]),
        "levels": levels.tolist(),
        "log_measure": ly.tolist(),
        "variant": "number-size" if areas is None else "concentration-area",
    }


def thresholds(
    values: Any,
    method: UnivariateMethod,
    *,
    log: bool = True,
    k: float = 2.0,
    fence: float = 1.5,
    areas: Any = None,
    n_breaks: int = 2,
    min_points: int = 5,
) -> ThresholdResult:
    """Upper anomaly threshold of one variable.

    Parameters
    ----------
    values
        Concentrations (censored values already substituted).
    method
        ``"mad"``: median + k·1.4826·MAD; ``"tukey"``: Q3 + fence·IQR (1.5 inner, 3 outer fence);
        ``"ca_fractal"``: highest breakpoint of :func:`ca_fractal`. For the multivariate ``"mcd"`` see
        :func:`mcd_distances`.
    log
        Compute on log10 values (default; non-positive values are dropped) and back-transform.
    k, fence
        Multipliers of the MAD and the IQR.
    areas, n_breaks, min_points
        Passed to :func:`ca_fractal`.

    Returns
    -------
    ThresholdResult

    References
    ----------
    Reimann, C., Filzmoser, P., Garrett, R.G., 2005. Sci. Total Environ. 346, 1–16,
    doi:10.1016/j.scitotenv.2004.11.023.

    Tukey, J.W., 1977. Exploratory Data Analysis. Addison-Wesley, ISBN 0-201-07616-0.

    Cheng, Q., Agterberg, F.P., Ballantyne, S.B., 1994. J. Geochem. Explor. 51, 109–130,
    doi:10.1016/0375-6742(94)90013-2.
    """
    if method == "ca_fractal":
        res = ca_fractal(values, areas=areas, n_breaks=n_breaks, min_points=min_points)
        n = int(np.sum(np.isfinite(np.asarray(values, dtype=float)) & (np.asarray(values, dtype=float) > 0)))
        return ThresholdResult("ca_fractal", res["breakpoints"][-1], n=n, log=True, breakpoints=res["breakpoints"],
                               parameters={"n_breaks": n_breaks, "variant": res["variant"], "slopes": res["slopes"],
                                           "min_points": min_points})
    x = _clean(values, log)
    if x.size < 3:
        raise InputError(f"{method} threshold needs at least 3 usable values, got {x.size}")
    y = np.log10(x) if log else x
    back = (lambda v: float(10**v)) if log else float
    if method == "mad":
        med = float(np.median(y))
        mad = MAD_SCALE * float(np.median(np.abs(y - med)))
        return ThresholdResult("mad", back(med + k * mad), med, mad, int(x.size), log, [], {"k": k})
    if method == "tukey":
        q1, q3 = np.percentile(y, [25, 75])
        iqr = float(q3 - q1)
        return ThresholdResult("tukey", back(q3 + fence * iqr), float(q3), iqr, int(x.size), log, [],
                               {"fence": fence, "q1": float(q1)})
    raise InputError(f"unknown univariate threshold method {method!r}; expected mad, tukey or ca_fractal")


# ----------------------------------------------------------------------------------------- MCD


def ilr(x: Any) -> np.ndarray:
    """Isometric log-ratio coordinates with the pivot (Helmert-type) orthonormal basis.

    z_i = √((D − i)/(D − i + 1)) · ln(x_i / gmean(x_{i+1..D})), i = 1..D − 1.

    References
    ----------
    Egozcue, J.J., Pawlowsky-Glahn, V., Mateu-Figueras, G., Barceló-Vidal, C., 2003. Isometric logratio
    transformations for compositional data analysis. Mathematical Geology 35, 279–300,
    doi:10.1023/A:1023818214614.
    """
    a = np.log(np.asarray(x, dtype=float))
    d = a.shape[1]
    clr = a - a.mean(axis=1, keepdims=True)
    basis = np.zeros((d, d - 1))
    for i in range(d - 1):
        r = d - i - 1
        basis[i, i] = np.sqrt(r / (r + 1))
        basis[i + 1:, i] = -1.0 / np.sqrt(r * (r + 1))
    return clr @ basis


def mcd_distances(
    x: Any,
    *,
    transform: Literal["ilr", "clr", "log"] = "ilr",
    support_fraction: float | None = 0.75,
    quantile: float = 0.975,
    random_state: int = 0,
) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Robust Mahalanobis distances (MCD location and scatter) with a √χ² cut-off.

    Parameters
    ----------
    x
        (n, D) positive values, no NaN.
    transform
        ``"ilr"`` (default; p = D − 1); ``"clr"`` gives the same distances (clr is singular, so its
        distances are those of any ilr basis — computed that way); ``"log"`` uses log10 values (p = D),
        which ignores closure.
    support_fraction
        Fraction h/n of points in the MCD subset (0.75 as in Filzmoser et al. 2005; None = sklearn's
        default (n + p + 1)/2n).
    quantile
        Cut-off √χ²(p, quantile).
    random_state
        Seed of the FastMCD start (results are reproducible).

    Returns
    -------
    tuple
        (distances, cut-off, info with p, transform, support_fraction).

    References
    ----------
    Filzmoser, P., Garrett, R.G., Reimann, C., 2005. Comput. Geosci. 31, 579–587,
    doi:10.1016/j.cageo.2004.11.013.

    Filzmoser, P., Hron, K., 2008. Outlier detection for compositional data using robust methods.
    Mathematical Geosciences 40, 233–248, doi:10.1007/s11004-007-9141-5.

    Rousseeuw, P.J., Van Driessen, K., 1999. Technometrics 41, 212–223, doi:10.1080/00401706.1999.10485670.
    """
    from sklearn.covariance import MinCovDet

    a = np.asarray(x, dtype=float)
    if a.ndim != 2 or a.shape[1] < 2:
        raise InputError(f"MCD needs an (n, D >= 2) array, got shape {a.shape}")
    if not np.isfinite(a).all() or (a <= 0).any():
        raise InputError("MCD on log-ratios needs positive, finite values; impute censored/missing cells first")
    y = np.log10(a) if transform == "log" else ilr(a)
    p = y.shape[1]
    if a.shape[0] <= p + 1:
        raise InputError(f"MCD needs more samples ({a.shape[0]}) than dimensions + 1 ({p + 1})")
    mcd = MinCovDet(support_fraction=support_fraction, random_state=random_state).fit(y)
    dist = np.sqrt(mcd.mahalanobis(y))
    cutoff = float(np.sqrt(stats.chi2.ppf(quantile, p)))
    return dist, cutoff, {"p": p, "transform": transform, "support_fraction": support_fraction,
                          "quantile": quantile, "random_state": random_state}


# ----------------------------------------------------------------------------------------- tables


def _values(table: Any, columns: list[str] | None, censored_method: str) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                                dict[str, str]]:
    from critmin.geochem.censored import impute

    if isinstance(table, pd.DataFrame):
        data = table.apply(pd.to_numeric, errors="coerce").astype(float)
        if columns is not None:
            data = data[columns]
        return data, pd.DataFrame(False, index=data.index, columns=data.columns), {}
    cols = list(table.data.columns) if columns is None else columns
    res = impute(table, censored_method, columns=cols)  # type: ignore[arg-type]
    return res.data, res.imputed, {c: table.units.get(c, "") for c in cols}


def _classes(table: Any, by: str | pd.Series | None, index: pd.Index) -> pd.Series:
    if by is None:
        return pd.Series("all", index=index, name="class")
    if isinstance(by, pd.Series):
        return by.reindex(index).astype(object).fillna("unassigned").astype(str).rename("class")
    frames = [table] if isinstance(table, pd.DataFrame) else [table.passthrough, table.data]
    for f in frames:
        if by in f.columns:
            return f[by].astype(object).where(f[by].notna(), "unassigned").astype(str).rename("class")
    raise InputError(f"class column {by!r} not found")


def anomaly_flags(
    table: Any,
    *,
    method: Method,
    by: str | pd.Series | None = None,
    columns: list[str] | None = None,
    censored_method: str = "half",
    log: bool = True,
    k: float = 2.0,
    fence: float = 1.5,
    n_breaks: int = 2,
    min_class_size: int = 10,
    support_fraction: float | None = 0.75,
    quantile: float = 0.975,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Thresholds per class and the per-sample flags.

    Returns
    -------
    tuple[pandas.DataFrame, pandas.DataFrame]
        (thresholds: see :func:`anomalies`; flags: one row per sample with ``class`` and a boolean
        ``<column>_anomaly`` per column — or ``mcd_distance`` and ``mcd_anomaly`` for ``"mcd"``; NaN
        where the sample was not assessed).
    """
    data, imputed, units = _values(table, columns, censored_method)
    classes = _classes(table, by, data.index)
    flags = pd.DataFrame({"class": classes}, index=data.index)
    rows: list[dict[str, Any]] = []
    if method == "mcd":
        dist = pd.Series(np.nan, index=data.index)
        flag = pd.Series(np.nan, index=data.index, dtype=object)
        for cls, idx in data.groupby(classes, sort=True).groups.items():
            sub = data.loc[idx]
            ok = sub.notna().all(axis=1) & (sub > 0).all(axis=1)
            row: dict[str, Any] = {"class": cls, "element": "+".join(map(str, data.columns)), "column": "",
                                   "method": "mcd", "n": int(ok.sum()), "n_censored_used": int(
                                       imputed.loc[idx][ok].to_numpy().sum())}
            if ok.sum() < max(min_class_size, data.shape[1] + 2):
                rows.append({**row, "threshold": np.nan, "n_anomalous": 0, "pct_anomalous": np.nan,
                             "note": "too few complete samples"})
                continue
            d, cut, info = mcd_distances(sub[ok].to_numpy(), support_fraction=support_fraction, quantile=quantile)
            dist.loc[sub.index[ok]] = d
            flag.loc[sub.index[ok]] = d > cut
            n_an = int((d > cut).sum())
            rows.append({**row, "threshold": cut, "n_anomalous": n_an, "pct_anomalous": 100 * n_an / d.size,
                         "note": f"robust distance on ilr coordinates, p = {info['p']}, √χ²(p, {quantile})"})
        flags["mcd_distance"] = dist
        flags["mcd_anomaly"] = flag
        return pd.DataFrame(rows), flags
    for col in data.columns:
        fl = pd.Series(np.nan, index=data.index, dtype=object)
        for cls, idx in data.groupby(classes, sort=True).groups.items():
            v = data.loc[idx, col]
            usable = v[np.isfinite(v) & ((v > 0) if (log or method == "ca_fractal") else True)]
            row = {"class": cls, "element": col, "column": col, "method": method, "n": int(usable.size),
                   "n_censored_used": int(imputed.loc[usable.index, col].sum()), "unit": units.get(col, "")}
            try:
                if usable.size < min_class_size:
                    raise InputError(f"fewer than {min_class_size} values")
                t = thresholds(usable.to_numpy(), method, log=log, k=k, fence=fence, n_breaks=n_breaks)
            except InputError as exc:
                rows.append({**row, "threshold": np.nan, "n_anomalous": 0, "pct_anomalous": np.nan,
                             "note": exc.detail})
                continue
            hit = usable > t.threshold
            fl.loc[usable.index] = hit
            rows.append({**row, "threshold": t.threshold, "center": t.center, "scale": t.scale,
                         "n_anomalous": int(hit.sum()), "pct_anomalous": 100 * float(hit.mean()),
                         "note": "log10" if t.log else "linear"})
        flags[f"{col}_anomaly"] = fl
    return pd.DataFrame(rows), flags


def anomalies(
    table: Any,
    *,
    method: Method,
    by: str | pd.Series | None = None,
    columns: list[str] | None = None,
    censored_method: str = "half",
    log: bool = True,
    k: float = 2.0,
    fence: float = 1.5,
    n_breaks: int = 2,
    min_class_size: int = 10,
    support_fraction: float | None = 0.75,
    quantile: float = 0.975,
) -> pd.DataFrame:
    """Anomaly thresholds per sample class and element (or per class for ``"mcd"``).

    Parameters
    ----------
    table
        An ``AssayTable`` (censored cells substituted with ``censored_method`` first) or a numeric
        DataFrame (then ``by`` must be a Series or one of its columns).
    method
        ``"mad"``, ``"tukey"``, ``"ca_fractal"`` (number–size variant; see :func:`thresholds`) or
        ``"mcd"`` (robust Mahalanobis distance on ilr coordinates of ``columns``).
    by
        Class column (e.g. sample medium or lithology) or a Series; None → one class ``"all"``.
    columns
        Value columns (default: all). For ``"mcd"`` only rows with all of them positive are assessed.
    min_class_size
        Classes with fewer usable values get no threshold (a ``note`` says why).

    Returns
    -------
    pandas.DataFrame
        One row per (class, element): ``class, element, column, method, n, n_censored_used, threshold,
        center, scale, n_anomalous, pct_anomalous, unit, note``. Per-sample flags: :func:`anomaly_flags`.

    References
    ----------
    Reimann, C., Filzmoser, P., Garrett, R.G., 2005. Sci. Total Environ. 346, 1–16,
    doi:10.1016/j.scitotenv.2004.11.023.

    Filzmoser, P., Garrett, R.G., Reimann, C., 2005. Comput. Geosci. 31, 579–587,
    doi:10.1016/j.cageo.2004.11.013.
    """
    summary, _ = anomaly_flags(table, method=method, by=by, columns=columns, censored_method=censored_method,
                               log=log, k=k, fence=fence, n_breaks=n_breaks, min_class_size=min_class_size,
                               support_fraction=support_fraction, quantile=quantile)
    summary.attrs["critmin"] = {"method": method, "log10": log, "k": k, "fence": fence, "n_breaks": n_breaks,
                                "censored_method": censored_method, "mad_scale": MAD_SCALE, "quantile": quantile,
                                "support_fraction": support_fraction}
    return summary
