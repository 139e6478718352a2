"""O'Neill (2016) lambdas: shape coefficients of chondrite-normalised REE patterns.

ln(REE_N) is fitted, by least squares, as a sum of orthogonal polynomials in the ionic radius r
(Shannon 1976, REE3+ in VIII-fold coordination)::

    ln(REE_N) = λ0 + λ1·(r − β) + λ2·(r − γ0)(r − γ1) + λ3·(r − δ0)(r − δ1)(r − δ2)

with O'Neill's constants, which make the polynomials orthogonal over the 13 REE La–Lu without Pm and
Eu (his Table 1). As in the paper, the data are normalised to his CI chondrite
(``chondrite-oneill-2016``) whatever normaliser is used elsewhere, and Eu is left out of the fit (Ce too,
optionally). Rows with missing elements are fitted on the elements they have: rows are grouped by
their pattern of missing values and each group is solved in one vectorised least-squares call, so a
million rows take about a second. Fit-based anomalies compare the measured value with the fitted curve:
``eu_anomaly_fit = Eu_N / exp(fit(r_Eu))``.

pyrolite's ``lambda_lnREE`` gives the same numbers only with ``params="ONeill2016"``; its default
(``params=None``) builds the polynomials with Eu included.

References
----------
O'Neill, H.St.C. (2016). The smoothness and shapes of chondrite-normalized rare earth element patterns in
basalts. Journal of Petrology 57(8), 1463-1508. doi:10.1093/petrology/egw047

Shannon, R.D. (1976). Acta Crystallographica A32, 751-767. doi:10.1107/S0567739476001551
"""

from __future__ import annotations

import sys as _sys
import types as _types
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.geochem.elements import IONIC_RADII_VIII, REE
from critmin.geochem.references import get_reference, resolve_reference_name

__all__ = ["LAMBDA_REFERENCE", "ONEILL_2016_PARAMS", "lambda_basis", "lambdas"]

LAMBDA_REFERENCE: Final = "chondrite-oneill-2016"
_FLAG_DTYPE: Final = pd.CategoricalDtype(["", "partial", "too_few_elements"])

#: O'Neill (2016) orthogonal-polynomial constants (β), (γ0, γ1), (δ0, δ1, δ2), Eu excluded
ONEILL_2016_PARAMS: Final[tuple[tuple[float, ...], ...]] = (
    (1.05476923076923,),
    (1.00532742859481, 1.12823603823172),
    (0.991412204002100, 1.06054810461060, 1.14551988680505),
)


def lambda_basis(radii: np.ndarray, params: Sequence[Sequence[float]] = ONEILL_2016_PARAMS) -> np.ndarray:
    """Design matrix (len(radii) × 4): columns 1, (r−β), (r−γ0)(r−γ1), (r−δ0)(r−δ1)(r−δ2)."""
    r = np.asarray(radii, dtype=float)
    cols = [np.ones_like(r)]
    for pset in params:
        term = np.ones_like(r)
        for p in pset:
            term = term * (r - p)
        cols.append(term)
    return np.column_stack(cols)


def lambdas(
    ppm: pd.DataFrame,
    *,
    exclude: Sequence[str] = ("Eu",),
    exclude_ce: bool = False,
    min_elements: int = 7,
    residuals: bool = True,
    reference: str = LAMBDA_REFERENCE,
) -> pd.DataFrame:
    """Fit O'Neill (2016) lambdas to each row of REE concentrations.

    Parameters
    ----------
    ppm
        REE concentrations in ppm, columns named by element symbol (La … Lu; others ignored).
        A missing column is treated as missing in every row.
    exclude
        Elements left out of the fit (default Eu, as in the paper).
    exclude_ce
        Also leave Ce out (for samples with Ce anomalies, as O'Neill suggests for some basalts).
    min_elements
        Minimum number of fitted elements; rows with fewer get NaN lambdas and ``lambda_flag`` =
        ``"too_few_elements"``. At least 4 (the number of coefficients).
    residuals
        Add ``lambda_resid_<El>`` columns: ln(REE_N) − fitted value, for the fitted elements.
    reference
        Normaliser. Keep the default (``chondrite-oneill-2016``, as in the paper) unless reproducing
        other work; the name is recorded in ``attrs["critmin"]``.

    Returns
    -------
    pandas.DataFrame
        ``lambda0 … lambda3``, ``lambda_n`` (elements fitted), ``lambda_rss`` (residual sum of squares of
        ln values), ``eu_anomaly_fit``, ``ce_anomaly_fit`` (measured / fitted), optional residuals and
        ``lambda_flag``: ``""``, ``"partial"`` (fitted with some elements missing or non-positive),
        ``"too_few_elements"``.

    Raises
    ------
    InputError
        If ``min_elements`` < 4 or no REE column is present.

    References
    ----------
    O'Neill (2016), doi:10.1093/petrology/egw047.
    """
    if min_elements < 4:
        raise InputError(f"min_elements={min_elements}; at least 4 elements are needed to fit 4 lambdas")
    name = resolve_reference_name(reference)
    ref = get_reference(name)
    present = [e for e in REE if e in ppm.columns]
    if not present:
        raise InputError(f"no REE column (La … Lu) among {list(map(str, ppm.columns))[:12]}; lambdas need "
                         "REE concentrations in ppm")
    missing_ref = [e for e in present if e not in ref.index]
    if missing_ref:
        raise InputError(f"reference {name!r} gives no value for {', '.join(missing_ref)}")
    n = len(ppm)
    # ln of normalised values for all 14 REE (NaN where absent, missing or non-positive)
    raw = np.full((n, len(REE)), np.nan)
    idx = [REE.index(e) for e in present]
    raw[:, idx] = ppm[present].to_numpy(dtype=float) / ref[present].to_numpy()
    nonpositive = raw <= 0
    y = np.full_like(raw, np.nan)
    np.log(raw, out=y, where=raw > 0)
    excluded = set(exclude) | ({"Ce"} if exclude_ce else set())
    unknown = excluded - set(REE)
    if unknown:
        raise InputError(f"exclude names {sorted(unknown)}, which are not REE; expected symbols among {REE}")
    fit_idx = np.array([i for i, e in enumerate(REE) if e not in excluded])
    radii = np.array([IONIC_RADII_VIII[e] for e in REE])
    basis_all = lambda_basis(radii)
    yf = y[:, fit_idx]
    ok = np.isfinite(yf)
    n_fit = ok.sum(axis=1)
    coefs = np.full((n, 4), np.nan)
    codes = ok @ (1 << np.arange(len(fit_idx), dtype=np.int64))
    full = (1 << len(fit_idx)) - 1
    if (codes == full).all():
        groups: list[tuple[int, np.ndarray]] = [(full, np.arange(n))]
    else:
        uniq, inverse = np.unique(codes, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
        groups = [(int(u), order[bounds[k]:bounds[k + 1]]) for k, u in enumerate(uniq)]
    for code, rows in groups:
        cols = np.array([(code >> j) & 1 for j in range(len(fit_idx))], dtype=bool)
        if cols.sum() < min_elements:
            continue
        design = basis_all[fit_idx[cols]]
        # least squares through the pseudo-inverse of the small design matrix: one matmul per pattern
        coefs[rows] = yf[np.ix_(rows, np.flatnonzero(cols))] @ np.linalg.pinv(design).T
    fitted = coefs @ basis_all.T  # n × 14, ln space
    resid = y - fitted
    in_fit = np.zeros((n, len(REE)), dtype=bool)
    in_fit[:, fit_idx] = ok
    resid_fit = np.where(in_fit, resid, np.nan)
    rss = np.where(np.isfinite(coefs[:, 0]), np.nansum(resid_fit**2, axis=1), np.nan)
    names = ["lambda0", "lambda1", "lambda2", "lambda3", "lambda_n", "lambda_rss", "eu_anomaly_fit", "ce_anomaly_fit"]
    resid_idx = list(fit_idx) if residuals else []
    block = np.empty((len(names) + len(resid_idx), n))  # column-major: pandas keeps it without copying
    block[:4] = coefs.T
    block[4] = n_fit
    block[5] = rss
    block[6] = np.exp(resid[:, REE.index("Eu")])
    block[7] = np.exp(resid[:, REE.index("Ce")])
    for k, j in enumerate(resid_idx):
        block[len(names) + k] = resid_fit[:, j]
    out = pd.DataFrame(block.T, index=ppm.index, columns=names + [f"lambda_resid_{REE[j]}" for j in resid_idx],
                       copy=False)
    out["lambda_n"] = n_fit
    too_few = n_fit < min_elements
    partial = (n_fit < len(fit_idx)) | nonpositive[:, fit_idx].any(axis=1)
    flag_codes = np.where(too_few, 2, np.where(partial, 1, 0))
    out["lambda_flag"] = pd.Categorical.from_codes(flag_codes, dtype=_FLAG_DTYPE)
    out.attrs["critmin"] = {
        "method": "O'Neill (2016) orthogonal-polynomial least squares",
        "doi": "10.1093/petrology/egw047",
        "reference": name,
        "excluded": sorted(excluded),
        "min_elements": min_elements,
        "params": [list(p) for p in ONEILL_2016_PARAMS],
        "radii": "Shannon (1976) REE3+ VIII-fold",
    }
    return out


from critmin.geochem import accessor as _accessor  # noqa: E402, F401  (registers DataFrame.geochem)


class _CallableModule(_types.ModuleType):
    """Lets ``critmin.geochem.lambdas(...)`` call the function even after the submodule is imported."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return lambdas(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
