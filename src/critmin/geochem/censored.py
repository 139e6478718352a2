"""Values below detection: substitution, regression on order statistics and log-ratio EM imputation.

Censored cells stay flagged: every imputation returns the filled values *and* a boolean frame that is
``True`` where a value was imputed, so metrics computed from the result can carry a "computed from
censored inputs" flag (see :func:`censored_flags`).

Conventions
-----------
A censored ("<") cell holds its detection limit (DL) in ``AssayTable.detection_limit``; its value in
``AssayTable.data`` is not used. Over-range (">") cells are left as they are (their reported limit is a
lower bound) and are flagged, never imputed. Missing cells stay NaN.

References
----------
Helsel, D.R., 2012. Statistics for Censored Environmental Data Using Minitab and R, 2nd ed. Wiley,
doi:10.1002/9781118162729.

Palarea-Albaladejo, J., Martín-Fernández, J.A., 2008. A modified EM alr-algorithm for replacing rounded
zeros in compositional data sets. Computers & Geosciences 34, 902–917, doi:10.1016/j.cageo.2007.09.015.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from critmin.errors import InputError

__all__ = [
    "ImputationResult",
    "censored_flags",
    "impute",
    "lr_em",
    "ros",
    "substitute",
    "substitution_factor",
]

SubstitutionMethod = Literal["half", "sqrt2", "0.65", "dl", "zero"]
ImputationMethod = Literal["half", "sqrt2", "0.65", "dl", "zero", "ros", "lrem"]

_FACTORS: dict[str, float] = {"half": 0.5, "sqrt2": 1.0 / np.sqrt(2.0), "0.65": 0.65, "dl": 1.0, "zero": 0.0}


def substitution_factor(method: SubstitutionMethod) -> float:
    """Fraction of the detection limit that a substitution method puts in place of a censored value.

    ``"half"`` → DL/2; ``"sqrt2"`` → DL/√2 (Hornung & Reed 1990); ``"0.65"`` → 0.65·DL (the δ of
    Martín-Fernández et al. 2003, zCompositions' default); ``"dl"`` → DL; ``"zero"`` → 0.

    References
    ----------
    Hornung, R.W., Reed, L.D., 1990. Estimation of average concentration in the presence of nondetectable
    values. Applied Occupational and Environmental Hygiene 5, 46–51, doi:10.1080/1047322X.1990.10389587.

    Martín-Fernández, J.A., Barceló-Vidal, C., Pawlowsky-Glahn, V., 2003. Dealing with zeros and missing
    values in compositional data sets using nonparametric imputation. Mathematical Geology 35, 253–278,
    doi:10.1023/A:1023866030544.
    """
    try:
        return _FACTORS[method]
    except KeyError:
        raise InputError(
            f"unknown substitution method {method!r}; expected one of {', '.join(_FACTORS)}"
        ) from None


@dataclass
class ImputationResult:
    """Values with censored cells filled, the cells that were filled, and how.

    Attributes
    ----------
    data
        Same shape, index and columns as the input values; imputed where ``imputed`` is True.
    imputed
        Boolean frame, True where a censored ("<") cell was replaced.
    method
        The imputation method used per column (``"ros"`` may fall back to substitution for a column;
        the fallback is named here, e.g. ``"half (ros fallback: 1 uncensored)"``).
    metadata
        Parameters and diagnostics (iterations, convergence) — JSON-safe.
    """

    data: pd.DataFrame
    imputed: pd.DataFrame
    method: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (values as lists of records; NaN → None)."""
        data = self.data.astype(object).where(self.data.notna(), None)
        return {
            "data": data.reset_index(drop=True).to_dict(orient="records"),
            "imputed": self.imputed.reset_index(drop=True).astype(bool).to_dict(orient="records"),
            "method": dict(self.method),
            "metadata": dict(self.metadata),
        }


# ----------------------------------------------------------------------------------------------- inputs


def _frames(table: Any, columns: list[str] | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(values, censored codes, detection limits) from an AssayTable or a plain numeric frame."""
    if isinstance(table, pd.DataFrame):
        data = table.apply(pd.to_numeric, errors="coerce").astype(float)
        codes = pd.DataFrame("", index=data.index, columns=data.columns)
        codes = codes.mask(data.isna(), "missing")
        dl = pd.DataFrame(np.nan, index=data.index, columns=data.columns)
    else:
        data = table.data.astype(float)
        codes = table.censored.reindex(index=data.index, columns=data.columns).fillna("")
        dl = table.detection_limit.reindex(index=data.index, columns=data.columns).astype(float)
    if columns is not None:
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise InputError(f"columns {missing} are not in the table; it has {list(data.columns)}")
        data, codes, dl = data[columns], codes[columns], dl[columns]
    return data, codes, dl


def censored_flags(table: Any) -> pd.DataFrame:
    """Boolean frame: True where a cell is censored below ("<") or above (">") a limit.

    Use it to flag metrics derived from a row: ``censored_flags(t)[cols].any(axis=1)``.
    """
    _, codes, _ = _frames(table, None)
    return codes.isin(["<", ">"])


# ----------------------------------------------------------------------------------------- substitution


def substitute(
    table: Any, method: SubstitutionMethod = "half", *, columns: list[str] | None = None
) -> ImputationResult:
    """Replace each censored ("<") cell by a fixed fraction of its detection limit.

    Parameters
    ----------
    table
        An ``AssayTable`` (censored cells carry their DL) or a numeric DataFrame (nothing censored).
    method
        ``"half"`` (DL/2), ``"sqrt2"`` (DL/√2), ``"0.65"`` (0.65·DL), ``"dl"`` or ``"zero"``.
    columns
        Columns to work on (default: all value columns).

    Returns
    -------
    ImputationResult
        Censored cells without a detection limit (e.g. "ND") stay NaN, are not marked imputed, and are
        counted per column in ``metadata["censored_without_detection_limit"]``.

    Notes
    -----
    Substitution is fast and biased: it sets the variance of the censored part to zero. Prefer
    :func:`ros` for univariate statistics and :func:`lr_em` for multivariate (compositional) work.

    References
    ----------
    Helsel, D.R., 2006. Fabricating data: how substituting values for nondetects can ruin results, and
    what can be done about it. Chemosphere 65, 2434–2439, doi:10.1016/j.chemosphere.2006.04.051.
    """
    factor = substitution_factor(method)
    data, codes, dl = _frames(table, columns)
    below = codes.isin(["<"])
    no_dl = below & dl.isna()
    below_dl = below & ~no_dl
    filled = data.mask(below_dl, dl * factor)
    filled = filled.mask(no_dl, np.nan)
    return ImputationResult(
        data=filled,
        imputed=below_dl,
        method=dict.fromkeys(map(str, data.columns), method),
        metadata={"method": method, "factor_of_dl": factor,
                  "censored_without_detection_limit": {str(c): int(n) for c, n in no_dl.sum().items() if n}},
    )


# -------------------------------------------------------------------------------------------------- ROS


def ros(
    values: Any,
    censored: Any,
    *,
    min_uncensored: int = 2,
    max_fraction_censored: float = 0.8,
    fallback: SubstitutionMethod = "half",
) -> np.ndarray:
    """Regression on order statistics (Helsel's robust ROS) for left-censored data, multiple DLs.

    Parameters
    ----------
    values
        1-D array: the measured value where uncensored, the detection limit where censored. NaN
        entries (missing) are ignored and returned as NaN.
    censored
        1-D boolean array, True where the value is "<DL".
    min_uncensored, max_fraction_censored
        With fewer uncensored values, or a larger censored fraction, the fit is not attempted and the
        censored values are replaced by ``fallback`` substitution (as statsmodels' ``impute_ros``).
    fallback
        Substitution used when ROS is not attempted.

    Returns
    -------
    numpy.ndarray
        Same length and **input order** as ``values``: uncensored values unchanged, censored values
        imputed from the lognormal fitted to the uncensored values against normal scores.

    Notes
    -----
    Plotting positions follow Helsel & Cohn (1988): for the sorted detection limits DL_j, with A_j
    uncensored values in [DL_j, DL_j+1), B_j values below DL_j (censored at or below it, uncensored
    strictly below) and C_j censored values at DL_j, the exceedance probability is
    PE_j = PE_j+1 + (1 − PE_j+1)·A_j/(A_j + B_j), PE above the largest limit being 0. Censored values at
    DL_j get positions (1 − PE_j)·r/(C_j + 1); uncensored values in the j-th interval get
    (1 − PE_j) + (PE_j − PE_j+1)·r/(A_j + 1). ln(uncensored) is regressed on Φ⁻¹(position), and censored
    values are exp(fitted line). Within one detection limit censored cells are interchangeable; they are
    given ranks in input order. Censored values whose DL exceeds every uncensored value are kept and
    imputed (statsmodels drops them).

    References
    ----------
    Helsel, D.R., Cohn, T.A., 1988. Estimation of descriptive statistics for multiply censored water
    quality data. Water Resources Research 24, 1997–2004, doi:10.1029/WR024i012p01997.

    Helsel, D.R., 2012. Statistics for Censored Environmental Data Using Minitab and R, 2nd ed. Wiley,
    doi:10.1002/9781118162729.
    """
    x = np.asarray(values, dtype=float).copy()
    cens = np.asarray(censored, dtype=bool)
    if x.shape != cens.shape or x.ndim != 1:
        raise InputError(f"values and censored must be 1-D of the same length, got {x.shape} and {cens.shape}")
    ok = np.isfinite(x)
    cens = cens & ok
    unc = ok & ~cens
    n_ok, n_unc = int(ok.sum()), int(unc.sum())
    if not cens.any():
        return x
    if (x[cens] <= 0).any():
        raise InputError("ROS needs positive detection limits; a censored value is <= 0")
    if n_unc < min_uncensored or (n_ok - n_unc) / n_ok > max_fraction_censored:
        x[cens] = x[cens] * substitution_factor(fallback)
        return x
    if (x[unc] <= 0).any():
        raise InputError("ROS fits a lognormal: uncensored values must be > 0")

    dls = np.unique(x[cens])
    lowest = x[ok].min()
    if lowest < dls[0]:
        dls = np.concatenate([[lowest], dls])
    upper = np.concatenate([dls[1:], [np.inf]])
    xu, xc = x[unc], x[cens]
    a = np.array([((xu >= lo) & (xu < hi)).sum() for lo, hi in zip(dls, upper, strict=True)], dtype=float)
    b = np.array([(xc <= lo).sum() + (xu < lo).sum() for lo in dls], dtype=float)
    c = np.array([(xc == lo).sum() for lo in dls], dtype=float)
    m = dls.size
    pe = np.zeros(m + 1)
    for j in range(m - 1, -1, -1):
        denom = a[j] + b[j]
        pe[j] = pe[j + 1] + (1.0 - pe[j + 1]) * (a[j] / denom if denom > 0 else 0.0)

    pos = np.full(x.shape, np.nan)
    # interval index of every finite value: the last DL_j <= value
    idx = np.searchsorted(dls, x[ok], side="right") - 1
    j_all = np.full(x.shape, -1)
    j_all[ok] = idx
    for j in range(m):
        sel_c = np.flatnonzero(cens & (j_all == j))
        if sel_c.size:
            ranks = np.arange(1, sel_c.size + 1)
            pos[sel_c] = (1.0 - pe[j]) * ranks / (c[j] + 1.0)
        sel_u = np.flatnonzero(unc & (j_all == j))
        if sel_u.size:
            order = sel_u[np.argsort(x[sel_u], kind="stable")]
            ranks = np.arange(1, order.size + 1)
            pos[order] = (1.0 - pe[j]) + (pe[j] - pe[j + 1]) * ranks / (a[j] + 1.0)
    z = stats.norm.ppf(pos)
    fit = stats.linregress(z[unc], np.log(x[unc]))
    x[cens] = np.exp(fit.intercept + fit.slope * z[cens])
    return x


# ---------------------------------------------------------------------------------------------- lr-EM


def lr_em(
    values: Any,
    detection_limits: Any,
    censored: Any,
    *,
    tol: float = 1e-4,
    max_iter: int = 100,
    denominator: int | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Log-ratio EM imputation of values below detection (modified EM alr-algorithm).

    Parameters
    ----------
    values
        (n, D) array of positive parts (any constant-sum or open scale: only ratios are used). Censored
        cells may hold anything.
    detection_limits
        (n, D) array (or length-D vector) of detection limits in the same unit as ``values``.
    censored
        (n, D) boolean array, True where the value is "<DL".
    tol
        Convergence tolerance on the Frobenius norm of the change of the alr mean and covariance.
    max_iter
        Iteration limit; ``converged`` is reported False if it is reached.
    denominator
        Column used as the alr divisor; it must have no censored or missing value. Default: the first
        such column.

    Returns
    -------
    tuple[numpy.ndarray, dict]
        The array with censored cells imputed (uncensored cells unchanged, imputed values below their
        DL), and diagnostics ``{"iterations", "converged", "denominator", "fraction_censored"}``.

    Notes
    -----
    In alr coordinates y = ln(x/x_D), a censored cell satisfies y < ψ = ln(DL/x_D). Each iteration
    regresses, for every pattern of censored cells, the censored coordinates on the observed ones
    (given the current mean μ and covariance Σ), replaces each censored coordinate by the conditional
    expectation of a normal truncated above at ψ, m − σ·φ(z)/Φ(z) with z = (ψ − m)/σ, and updates
    μ and Σ = (Σ(y−μ)(y−μ)ᵀ + Σ residual covariances)/(n − 1). Rows with missing (NaN) parts are not
    supported: impute or drop them first.

    References
    ----------
    Palarea-Albaladejo, J., Martín-Fernández, J.A., 2008. A modified EM alr-algorithm for replacing
    rounded zeros in compositional data sets. Computers & Geosciences 34, 902–917,
    doi:10.1016/j.cageo.2007.09.015.
    """
    x = np.asarray(values, dtype=float)
    cens = np.asarray(censored, dtype=bool)
    if x.ndim != 2 or cens.shape != x.shape:
        raise InputError(f"values and censored must be 2-D arrays of one shape, got {x.shape}, {cens.shape}")
    n, d = x.shape
    dl = np.broadcast_to(np.asarray(detection_limits, dtype=float), x.shape)
    if np.isnan(x[~cens]).any():
        raise InputError("lr_em: missing (NaN) uncensored values; impute or drop those rows first")
    if (x[~cens] <= 0).any():
        raise InputError("lr_em works on log-ratios: uncensored values must be > 0")
    if not (np.isfinite(dl[cens]) & (dl[cens] > 0)).all():
        raise InputError("lr_em: every censored cell needs a positive detection limit")
    if d < 2:
        raise InputError("lr_em needs at least two parts (columns)")
    free = np.flatnonzero(~cens.any(axis=0))
    if denominator is None:
        if free.size == 0:
            raise InputError(
                "lr_em needs one column without censored values as the alr divisor; every column has some"
            )
        denominator = int(free[0])
    elif denominator not in free:
        raise InputError(f"alr divisor column {denominator} has censored values; choose one of {free.tolist()}")
    others = np.array([j for j in range(d) if j != denominator])
    den = x[:, denominator]
    y = np.log(np.where(cens, np.nan, x)[:, others] / den[:, None])
    psi = np.log(dl[:, others] / den[:, None])
    miss = cens[:, others]
    frac = float(cens.sum() / cens.size)
    if not miss.any():
        return x.copy(), {"iterations": 0, "converged": True, "denominator": denominator, "fraction_censored": 0.0}

    mu = np.nanmean(np.where(miss, psi + np.log(0.65), y), axis=0)
    y0 = np.where(miss, psi + np.log(0.65), y)
    cov = np.cov(y0, rowvar=False).reshape(d - 1, d - 1)
    patterns, inverse = np.unique(miss, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    ystar = y.copy()
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (it is reported)
        v = np.zeros_like(cov)
        ystar = y.copy()
        for p, pattern in enumerate(patterns):
            if not pattern.any():
                continue
            rows = np.flatnonzero(inverse == p)
            mi, ob = np.flatnonzero(pattern), np.flatnonzero(~pattern)
            if ob.size:
                beta = np.linalg.solve(cov[np.ix_(ob, ob)], cov[np.ix_(ob, mi)])
                resid = cov[np.ix_(mi, mi)] - cov[np.ix_(mi, ob)] @ beta
                cond = mu[mi] + (y[np.ix_(rows, ob)] - mu[ob]) @ beta
            else:
                resid = cov[np.ix_(mi, mi)]
                cond = np.broadcast_to(mu[mi], (rows.size, mi.size))
            sig = np.sqrt(np.clip(np.diag(resid), np.finfo(float).tiny, None))
            z = (psi[np.ix_(rows, mi)] - cond) / sig
            # inverse Mills ratio φ(z)/Φ(z), computed in log space for stability far in the lower tail
            mills = np.exp(stats.norm.logpdf(z) - stats.norm.logcdf(z))
            ystar[np.ix_(rows, mi)] = cond - sig * mills
            v[np.ix_(mi, mi)] += resid * rows.size
        new_mu = ystar.mean(axis=0)
        dev = ystar - new_mu
        new_cov = (dev.T @ dev + v) / (n - 1)
        change = np.linalg.norm(new_mu - mu) + np.linalg.norm(new_cov - cov)
        mu, cov = new_mu, new_cov
        if change < tol:
            converged = True
            break
    out = x.copy()
    imputed = np.exp(ystar) * den[:, None]
    sub = out[:, others]
    sub[miss] = imputed[miss]
    out[:, others] = sub
    return out, {"iterations": it, "converged": converged, "denominator": denominator, "fraction_censored": frac}


# --------------------------------------------------------------------------------------------- driver


def impute(
    table: Any,
    method: ImputationMethod = "ros",
    *,
    columns: list[str] | None = None,
    tol: float = 1e-4,
    max_iter: int = 100,
) -> ImputationResult:
    """Impute censored ("<") cells of an assay table by substitution, ROS or log-ratio EM.

    Parameters
    ----------
    table
        An ``AssayTable`` (``data``, ``censored``, ``detection_limit``) or a numeric DataFrame.
    method
        ``"half"``, ``"sqrt2"``, ``"0.65"``, ``"dl"``, ``"zero"`` (substitution, see :func:`substitute`);
        ``"ros"`` (column by column, see :func:`ros`); ``"lrem"`` (all ``columns`` jointly, see
        :func:`lr_em`; rows with a missing part are left unimputed and reported).
    columns
        Columns to work on (default: all).
    tol, max_iter
        Passed to :func:`lr_em`.

    Returns
    -------
    ImputationResult
        ``imputed`` marks every replaced cell so flags can propagate to derived metrics.

    References
    ----------
    Helsel, D.R., Cohn, T.A., 1988. Water Resources Research 24, 1997–2004, doi:10.1029/WR024i012p01997.

    Palarea-Albaladejo, J., Martín-Fernández, J.A., 2008. Computers & Geosciences 34, 902–917,
    doi:10.1016/j.cageo.2007.09.015.
    """
    if method in _FACTORS:
        return substitute(table, method, columns=columns)  # type: ignore[arg-type]
    data, codes, dl = _frames(table, columns)
    below = codes.isin(["<"])
    filled = data.copy()
    used: dict[str, str] = {}
    meta: dict[str, Any] = {"method": method}
    if method == "ros":
        for col in data.columns:
            obs = data[col].where(~below[col], dl[col]).to_numpy(dtype=float)
            cmask = below[col].to_numpy()
            n_unc = int((np.isfinite(obs) & ~cmask).sum())
            n_ok = int(np.isfinite(obs).sum())
            filled[col] = ros(obs, cmask)
            if cmask.any() and (n_unc < 2 or (n_ok - n_unc) / max(n_ok, 1) > 0.8):
                used[str(col)] = f"half (ros fallback: {n_unc} uncensored of {n_ok})"
            else:
                used[str(col)] = "ros"
        return ImputationResult(filled, below & dl.notna(), used, meta)
    if method == "lrem":
        complete = ~(data.isna() & ~below).any(axis=1)
        if not complete.any():
            raise InputError("lr_em: no row has every part measured or censored")
        sub_x = data[complete].where(~below[complete], np.nan).to_numpy(dtype=float)
        out, diag = lr_em(
            sub_x, dl[complete].to_numpy(dtype=float), below[complete].to_numpy(), tol=tol, max_iter=max_iter
        )
        filled.loc[complete, :] = out
        imputed = below & complete.to_numpy()[:, None]
        meta.update(diag)
        meta["rows_skipped_missing_parts"] = int((~complete).sum())
        meta["denominator"] = str(data.columns[diag["denominator"]])
        return ImputationResult(filled, imputed, dict.fromkeys(map(str, data.columns), "lrem"), meta)
    raise InputError(f"unknown imputation method {method!r}; expected one of {', '.join([*_FACTORS, 'ros', 'lrem'])}")
