"""Deposit-density estimates of the number of deposits in a permissive tract from its area (and median tonnage).

The regressions of Singer & Menzie (2010) and Mosier, Singer & Berger (2007), fitted on well-explored control
tracts, predict the median total number of deposits,

    log10(N50) = a + b·log10(area km²) [+ c·log10(median tonnage Mt)]   (c only in the "general" model),

and its 90 % / 10 % quantiles from the regression's prediction interval,

    log10(N10), log10(N90) = log10(N50) ± t10 · s_pred,
    s_pred = s_y|x · sqrt(1 + 1/n + Σ_k (x_k − x̄_k)² / ((n − 1)·var_k)).

For the two-predictor general model the published constants do not include the covariance of log area and log
tonnage, so the interval treats the two as uncorrelated (an approximation, stated in the result). The number of
deposits is lognormal in log10 units, so E[N] = 10^(log10 N50 + ln(10)·s_pred²/2). Known deposits are
subtracted as in GTK MapWizard: the undiscovered number keeps the same log spread with its mean lowered to
E[N] − known. (MapWizard writes the mean as 10^(log10 N50 + s²/2), omitting the ln 10 factor that base-10
logs need; critmin uses the lognormal mean.)

References
----------
Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments—An integrated approach:
New York, Oxford University Press, 219 p., doi:10.1093/oso/9780195399592.001.0001.

Mosier, D.L., Singer, D.A., and Berger, V.I., 2007, Volcanogenic massive sulfide deposit density: U.S. Geological
Survey Scientific Investigations Report 2007-5082, 15 p., doi:10.3133/sir20075082.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from critmin.assessment.pmf.base import DepositPmf
from critmin.assessment.pmf.mark3 import mark3_pmf
from critmin.errors import InputError
from critmin.reference import load_table, sources

__all__ = [
    "DensityModel",
    "DensityModelName",
    "DepositDensityEstimate",
    "density_model",
    "estimate_deposit_count",
    "fit_density_regression",
    "read_control_tracts",
]

DensityModelName = Literal["general", "porphyry_cu", "podiform_cr", "vms"]
_MODELS: tuple[str, ...] = ("general", "porphyry_cu", "podiform_cr", "vms")


@dataclass(frozen=True)
class DensityModel:
    """Coefficients of one deposit-density regression (reference table ``deposit_density_models``)."""

    model: str
    name: str
    a: float
    b: float
    c: float | None
    t10: float
    syx: float
    n_tracts: int
    mean_log_area: float
    var_log_area: float
    mean_log_tonnage: float | None
    var_log_tonnage: float | None
    citation: str

    @property
    def uses_tonnage(self) -> bool:
        """True for the general model, which needs the deposit type's median tonnage."""
        return self.c is not None


def density_model(model: DensityModelName) -> DensityModel:
    """Load a deposit-density model by name: ``general``, ``porphyry_cu``, ``podiform_cr`` or ``vms``.

    Raises
    ------
    InputError
        For an unknown name.
    """
    if model not in _MODELS:
        raise InputError(f"unknown deposit-density model {model!r}; expected one of {', '.join(_MODELS)}")
    table = load_table("deposit_density_models")
    row = table.loc[table["model"] == model].iloc[0]

    def num(col: str) -> float | None:
        text = str(row[col]).strip()
        return float(text) if text else None

    def req(col: str) -> float:
        value = num(col)
        assert value is not None, f"reference table deposit_density_models lacks {col} for {model}"
        return value

    return DensityModel(
        model=model, name=str(row["name"]), a=req("a"), b=req("b"), c=num("c"), t10=req("t10"), syx=req("syx"),
        n_tracts=int(req("n_tracts")), mean_log_area=req("mean_log_area"), var_log_area=req("var_log_area"),
        mean_log_tonnage=num("mean_log_tonnage"), var_log_tonnage=num("var_log_tonnage"),
        citation=str(row["citation"]),
    )


@dataclass(frozen=True)
class DepositDensityEstimate:
    """Estimated numbers of deposits (total and undiscovered) for one tract.

    Quantiles follow the USGS convention: N90 is the number with a 90 % chance of at least that many.
    """

    model: str
    area_km2: float
    median_tonnage_mt: float | None
    known_deposits: int
    log10_n50_total: float
    s_pred: float
    total_n90: float
    total_n50: float
    total_n10: float
    total_expected: float
    undiscovered_n90: float
    undiscovered_n50: float
    undiscovered_n10: float
    undiscovered_expected: float
    approximation: str | None
    citation: str

    def mark3_levels(self) -> tuple[int, int, int]:
        """Undiscovered (N90, N50, N10) rounded to whole deposits (for :func:`mark3_pmf`)."""
        levels = [max(0, round(v)) for v in (self.undiscovered_n90, self.undiscovered_n50, self.undiscovered_n10)]
        levels[1] = max(levels[1], levels[0])
        levels[2] = max(levels[2], levels[1])
        return levels[0], levels[1], levels[2]

    def to_pmf(self) -> DepositPmf:
        """Mark3 pmf of the undiscovered deposits from :meth:`mark3_levels`."""
        return mark3_pmf(self.mark3_levels())

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, with the rounded Mark3 levels and the model's citation."""
        d = asdict(self)
        d["mark3_levels"] = list(self.mark3_levels())
        d["reference"] = sources()["deposit_density_models"]["source"]
        return d


def estimate_deposit_count(
    model: DensityModelName,
    area_km2: float,
    *,
    median_tonnage_mt: float | None = None,
    known_deposits: int = 0,
) -> DepositDensityEstimate:
    """Estimate the number of (undiscovered) deposits in a tract with a deposit-density regression.

    Parameters
    ----------
    model
        ``general`` (any deposit type; needs ``median_tonnage_mt``), ``porphyry_cu``, ``podiform_cr`` or ``vms``.
    area_km2
        Area of the permissive tract in km² (> 0).
    median_tonnage_mt
        Median deposit tonnage of the type's grade–tonnage model, in millions of metric tons (general model only).
    known_deposits
        Number of known (well-explored) deposits in the tract; subtracted from the expected total.

    Returns
    -------
    DepositDensityEstimate
        Total and undiscovered N90, N50, N10 and expected values (unrounded), the log10 prediction sd.

    Raises
    ------
    InputError
        Non-positive area or tonnage, tonnage missing for (or given to) the wrong model, a negative or
        fractional number of known deposits, or more known deposits than the expected total.

    References
    ----------
    Singer & Menzie (2010), doi:10.1093/oso/9780195399592.001.0001; Mosier, Singer & Berger (2007),
    doi:10.3133/sir20075082.
    """
    m = density_model(model)
    if not (isinstance(area_km2, int | float) and math.isfinite(area_km2) and area_km2 > 0):
        raise InputError(f"tract area must be a positive number of km²; got {area_km2!r}")
    if isinstance(known_deposits, float) and float(known_deposits).is_integer():
        known_deposits = int(known_deposits)
    if isinstance(known_deposits, bool) or not isinstance(known_deposits, int) or known_deposits < 0:
        raise InputError(f"known_deposits must be a whole number ≥ 0; got {known_deposits!r}")
    x_area = math.log10(area_km2)
    log_n50 = m.a + m.b * x_area
    spread = 1.0 + 1.0 / m.n_tracts + (x_area - m.mean_log_area) ** 2 / ((m.n_tracts - 1) * m.var_log_area)
    approximation = None
    if m.uses_tonnage:
        if median_tonnage_mt is None:
            raise InputError(f"the {m.model} model needs the deposit type's median tonnage (median_tonnage_mt, Mt)")
        if not (math.isfinite(median_tonnage_mt) and median_tonnage_mt > 0):
            raise InputError(f"median tonnage must be a positive number of Mt; got {median_tonnage_mt!r}")
        assert m.c is not None and m.mean_log_tonnage is not None and m.var_log_tonnage is not None
        x_ton = math.log10(median_tonnage_mt)
        log_n50 += m.c * x_ton
        spread += (x_ton - m.mean_log_tonnage) ** 2 / ((m.n_tracts - 1) * m.var_log_tonnage)
        approximation = ("prediction interval treats log10 area and log10 median tonnage as uncorrelated (their "
                         "covariance is not published)")
    elif median_tonnage_mt is not None:
        raise InputError(f"the {m.model} model uses the tract area only; leave median_tonnage_mt unset")
    s_pred = m.syx * math.sqrt(spread)
    half = m.t10 * s_pred
    lognormal_shift = math.log(10.0) * s_pred**2 / 2.0
    expected_total = 10.0 ** (log_n50 + lognormal_shift)
    if known_deposits >= expected_total:
        raise InputError(
            f"{known_deposits} known deposits is not fewer than the {m.model} model's expected total "
            f"{expected_total:.3g} for {area_km2:g} km²; check the tract area and the count of known deposits"
        )
    expected_undiscovered = expected_total - known_deposits
    log_u50 = math.log10(expected_undiscovered) - lognormal_shift
    return DepositDensityEstimate(
        model=m.model,
        area_km2=float(area_km2),
        median_tonnage_mt=None if median_tonnage_mt is None else float(median_tonnage_mt),
        known_deposits=known_deposits,
        log10_n50_total=log_n50,
        s_pred=s_pred,
        total_n90=10.0 ** (log_n50 - half),
        total_n50=10.0**log_n50,
        total_n10=10.0 ** (log_n50 + half),
        total_expected=expected_total,
        undiscovered_n90=10.0 ** (log_u50 - half),
        undiscovered_n50=10.0**log_u50,
        undiscovered_n10=10.0 ** (log_u50 + half),
        undiscovered_expected=expected_undiscovered,
        approximation=approximation,
        citation=m.citation,
    )


def fit_density_regression(
    area_km2: np.ndarray | pd.Series,
    n_deposits: np.ndarray | pd.Series,
    median_tonnage_mt: np.ndarray | pd.Series | None = None,
) -> dict[str, float]:
    """Least-squares deposit-density regression on control tracts (how the published coefficients were made).

    Fits log10(N) = a + b·log10(area) [+ c·log10(median tonnage)] and returns ``a, b[, c], syx`` (standard
    error of estimate with n − p degrees of freedom), ``n``, ``r2``, ``mean_log_area`` and ``var_log_area``.

    Raises
    ------
    InputError
        Fewer than 3 tracts, or a non-positive area, count or tonnage (logs need positive values).
    """
    area = np.asarray(area_km2, dtype=float)
    n = np.asarray(n_deposits, dtype=float)
    for what, v in (("area", area), ("number of deposits", n)):
        if v.shape != area.shape or np.any(~np.isfinite(v)) or np.any(v <= 0):
            raise InputError(f"every control tract needs a positive {what}")
    log_area = np.log10(area)
    cols = [np.ones_like(area), log_area]
    if median_tonnage_mt is not None:
        t = np.asarray(median_tonnage_mt, dtype=float)
        if t.shape != area.shape or np.any(~np.isfinite(t)) or np.any(t <= 0):
            raise InputError("every control tract needs a positive median tonnage")
        cols.append(np.log10(t))
    x = np.column_stack(cols)
    if area.size <= x.shape[1]:
        raise InputError(f"need more than {x.shape[1]} control tracts; got {area.size}")
    y = np.log10(n)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = area.size - x.shape[1]
    out = {"a": float(coef[0]), "b": float(coef[1]), "syx": float(math.sqrt(resid @ resid / dof)),
           "n": int(area.size), "r2": float(1 - (resid @ resid) / np.sum((y - y.mean()) ** 2)),
           "mean_log_area": float(log_area.mean()), "var_log_area": float(log_area.var(ddof=1))}
    if median_tonnage_mt is not None:
        out["c"] = float(coef[2])
    return out


def read_control_tracts(path: str | Path) -> pd.DataFrame:
    """Read a MapWizard control-tract file (``Indata*.csv``: semicolon-separated, no header).

    Two layouts are recognised: ``type; group; tract; area; n`` (IndataGeneral) and ``type; tract; area; n[; group]``
    (IndataPorCu, IndataPodiformCr, IndataVMS). Areas may contain spaces as thousands separators ("47 100").

    Returns
    -------
    pandas.DataFrame
        Columns ``deposit_type, tract, area_km2, n_deposits``.

    Raises
    ------
    InputError
        If the layout is not recognised or an area or count is not a positive number (naming the row).
    """
    p = Path(path)
    try:
        raw = pd.read_csv(p, sep=";", header=None, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raw = pd.read_csv(p, sep=";", header=None, dtype=str, keep_default_na=False, encoding="latin-1")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, FileNotFoundError) as exc:
        raise InputError(f"cannot read control tracts ({exc})", file=p) from None
    if raw.shape[1] == 5 and raw.iloc[:, 1].str.strip().str.fullmatch(r"\d+").all():
        type_col, tract_col, area_col, n_col = 0, 2, 3, 4
    elif raw.shape[1] in (4, 5):
        type_col, tract_col, area_col, n_col = 0, 1, 2, 3
    else:
        raise InputError(f"expected 4 or 5 semicolon-separated columns; got {raw.shape[1]}", file=p)
    out = pd.DataFrame({"deposit_type": raw.iloc[:, type_col].str.strip(), "tract": raw.iloc[:, tract_col].str.strip()})
    for name, col in (("area_km2", area_col), ("n_deposits", n_col)):
        values = []
        for i, text in enumerate(raw.iloc[:, col].tolist()):
            cleaned = "".join(str(text).split()).replace(",", ".")
            try:
                v = float(cleaned)
            except ValueError:
                raise InputError(f"{name} must be a number; got {text!r}", file=p, row=i + 1) from None
            if not (math.isfinite(v) and v > 0):
                raise InputError(f"{name} must be > 0; got {text!r}", file=p, row=i + 1)
            values.append(v)
        out[name] = values
    return out
