"""Statistics of simulated totals with the USGS conventions made explicit, and the moment check.

Conventions (MapMark4 ``TotalTonnagePdf``; MapMark4GUI ``*_08_SIM_Contained_Stats.csv``):

* quantiles are R's default **type 7** (linear interpolation, NumPy ``method="linear"``);
* ``sd`` uses ``ddof = 1`` (R ``sd``);
* ``exceedance["P90"]`` is the amount **exceeded with probability 0.9** = the 0.1 quantile (USGS
  "probability of at least"); ``P99`` = 0.01 quantile … ``P1`` = 0.99 quantile;
* ``p_zero`` = share of trials whose total is exactly 0 (MapMark4GUI takes it from the ore column
  for every row; here it is per quantity, which differs only when a by-product can be absent);
* ``p_ge_mean`` = share of trials with total ≥ mean (MapMark4GUI's ``Prob >= Mean``; MapMark4 prints
  ``P(>Mean)``, and MapMark4GUI's ore row also uses ``>`` — equal unless a trial ties the mean).

:func:`moment_check` compares the simulated mean and covariance with the compound-sum formulas
``E[T] = E[N]·μ`` and ``Cov[T] = E[N]·Σ + Var(N)·μμᵀ`` (μ, Σ: one deposit's mean vector and
covariance of ore and contained metal, from :meth:`GTModel.moments` — an independent sample).

References
----------
Ellefsen, K.J., 2017, Probability calculations for three-part mineral resource assessments: USGS TM 7-C15,
doi:10.3133/tm7C15.
Hyndman, R.J., and Fan, Y., 1996, Sample quantiles in statistical packages: The American Statistician
50(4):361–365, doi:10.1080/00031305.1996.10473566 (type 7).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from critmin.assessment.gt_model import GTModel

QUANTILE_LEVELS = (0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.99)
"""Quantile levels reported (keys are ``repr``-style strings: ``"0.01"`` … ``"0.99"``)."""

EXCEEDANCE_LEVELS = (99, 95, 90, 80, 70, 60, 50, 40, 30, 20, 10, 5, 1)
"""USGS exceedance names ``P<x>`` = amount exceeded with probability x % = the (1 − x/100) quantile."""

Z_LIMIT = 4.0
"""|z| above which the moment check fails."""


def _key(level: float) -> str:
    return f"{level:g}"


def quantity_statistics(values: np.ndarray) -> dict[str, Any]:
    """Statistics of one quantity's per-trial totals (see the module docstring)."""
    x = np.asarray(values, dtype=float)
    x = np.where(np.isnan(x), 0.0, x)  # MapMark4GUI: Rsim[is.na(Rsim)] <- 0
    n = x.size
    mean = float(x.mean())
    levels = sorted(set(QUANTILE_LEVELS) | {1 - e / 100 for e in EXCEEDANCE_LEVELS})
    qv = np.quantile(x, levels, method="linear")
    q = {_key(round(lv, 10)): float(v) for lv, v in zip(levels, qv, strict=True)}
    return {
        "mean": mean,
        "median": float(np.median(x)),
        "sd": float(x.std(ddof=1)) if n > 1 else float("nan"),
        "min": float(x.min()),
        "max": float(x.max()),
        "p_zero": float(np.count_nonzero(x == 0) / n),
        "p_ge_mean": float(np.count_nonzero(x >= mean) / n),
        "quantiles": {_key(lv): q[_key(round(lv, 10))] for lv in QUANTILE_LEVELS},
        "exceedance": {f"P{e}": q[_key(round(1 - e / 100, 10))] for e in EXCEEDANCE_LEVELS},
        "n_trials": int(n),
    }


def statistics(totals: pd.DataFrame, quantities: list[str]) -> dict[str, Any]:
    """Per-quantity statistics of per-trial totals, keyed by quantity (``ore``, ``Cu``…).

    Each value has ``mean, median, sd, min, max, p_zero, p_ge_mean``, ``quantiles`` keyed
    ``"0.01"`` … ``"0.99"`` and ``exceedance`` keyed ``"P99"`` … ``"P1"`` (USGS sense).
    """
    missing = [q for q in quantities if q not in totals.columns]
    if missing:
        raise KeyError(f"totals have no column(s) {missing}; columns: {list(totals.columns)}")
    return {q: quantity_statistics(totals[q].to_numpy()) for q in quantities}


# ---------------------------------------------------------------------------------------- moment check


def moment_check(result: Any, pmf: Any, model: GTModel, *, n_samples: int | None = None,
                 z_limit: float = Z_LIMIT) -> dict[str, Any]:
    """Compare simulated totals with the closed-form compound-sum moments.

    ``E[T] = E[N]·μ`` and ``Cov[T] = E[N]·Σ + Var(N)·μμᵀ``. μ and Σ come from
    :meth:`GTModel.moments` (independent sample; its seed stream differs from the simulation's).
    Standard errors combine the Monte Carlo error of the simulation (mean: ``s/√trials``;
    variance: ``√((m4 − s⁴)/trials)`` from the sample fourth central moment) and of μ, Σ
    (batch means). ``z = (simulated − predicted)/se``; ``passed`` when every |z| < ``z_limit``.

    Returns
    -------
    dict
        ``rows`` (quantity, statistic, simulated, predicted, se, z), ``max_abs_z``, ``passed``,
        ``z_limit``, ``deposit_moments``, ``expected_n``, ``variance_n``.
    """
    kw = {} if n_samples is None else {"n_samples": n_samples}
    dm = model.moments(seed=getattr(result, "seed", None), **kw)
    qs = list(dm.quantities)
    t = result.totals[qs].to_numpy(dtype=float)
    trials = t.shape[0]
    en, vn = float(pmf.mean), float(pmf.variance)
    mu, sig = dm.mean, dm.cov
    pred_mean = en * mu
    pred_cov = en * sig + vn * np.outer(mu, mu)
    sim_mean = t.mean(axis=0)
    dev = t - sim_mean
    sim_cov = dev.T @ dev / (trials - 1)
    m4 = (dev**4).mean(axis=0)
    rows: list[dict[str, Any]] = []
    for i, q in enumerate(qs):
        s2 = sim_cov[i, i]
        se_mean = np.hypot(np.sqrt(s2 / trials), en * dm.mean_se[i])
        # Var-prediction error from μ, Σ uncertainty (delta method, independent parts)
        se_pvar_model = np.hypot(en * dm.cov_se[i, i], 2 * vn * abs(mu[i]) * dm.mean_se[i])
        se_var = np.hypot(np.sqrt(max(m4[i] - s2**2, 0.0) / trials), se_pvar_model)
        for stat, sim, pred, se in (("mean", sim_mean[i], pred_mean[i], se_mean),
                                    ("variance", s2, pred_cov[i, i], se_var)):
            z = float((sim - pred) / se) if se > 0 else (0.0 if sim == pred else float("inf"))
            rows.append({"quantity": q, "statistic": stat, "simulated": float(sim), "predicted": float(pred),
                         "se": float(se), "z": z})
    sd_sim = np.sqrt(np.diag(sim_cov))
    sd_pred = np.sqrt(np.diag(pred_cov))
    corr = []
    for i in range(len(qs)):
        for j in range(i + 1, len(qs)):
            corr.append({"pair": [qs[i], qs[j]],
                         "simulated": float(sim_cov[i, j] / (sd_sim[i] * sd_sim[j])) if sd_sim[i] * sd_sim[j] else None,
                         "predicted": float(pred_cov[i, j] / (sd_pred[i] * sd_pred[j]))
                         if sd_pred[i] * sd_pred[j] else None})
    max_z = max((abs(r["z"]) for r in rows), default=0.0)
    return {"rows": rows, "correlation": corr, "max_abs_z": max_z, "passed": bool(max_z < z_limit),
            "z_limit": z_limit, "expected_n": en, "variance_n": vn, "trials": trials,
            "deposit_moments": dm.to_dict()}


def moment_table(check: dict[str, Any]) -> pd.DataFrame:
    """The moment check as a table (quantity, statistic, simulated, predicted, se, z) for display."""
    return pd.DataFrame(check["rows"], columns=["quantity", "statistic", "simulated", "predicted", "se", "z"])
