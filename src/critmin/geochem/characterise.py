"""One-call characterisation of an assay table: REE metrics and O'Neill lambdas, one row per sample."""

from __future__ import annotations

import sys as _sys
import types as _types
from typing import Any, Literal

import numpy as np
import pandas as pd

from critmin.geochem.assays import AssayTable, BelowMethod
from critmin.geochem.elements import REE
from critmin.geochem.lambdas import LAMBDA_REFERENCE, lambdas
from critmin.geochem.ree import PriceTable, ree_metrics
from critmin.geochem.references import DEFAULT_REFERENCE

__all__ = ["characterise"]


def characterise(
    table: AssayTable,
    *,
    normalise_to: str = DEFAULT_REFERENCE,
    prices: PriceTable | dict[str, Any] | pd.DataFrame | None = None,
    oxide_set: str = "industry",
    below: BelowMethod = "half",
    lambda_residuals: bool = False,
    eu_definition: Literal["geometric", "arithmetic", "sm_tb"] = "geometric",
    ce_definition: Literal["geometric", "lawrence", "arithmetic"] = "geometric",
) -> pd.DataFrame:
    """REE metrics (:func:`~critmin.geochem.ree.ree_metrics`) and lambdas (:func:`~critmin.geochem.lambdas.lambdas`)
    for every sample of an assay table.

    Parameters
    ----------
    table
        From :func:`~critmin.geochem.assays.read_assays`.
    normalise_to
        Normaliser for anomalies, slopes and tetrads. Lambdas always use ``chondrite-oneill-2016``
        (O'Neill 2016), whatever this says.
    prices
        Optional price table (basket price, in-situ value).
    oxide_set
        Oxide set for TREO and the oxide sums.
    below
        Substitution for "<" cells (default DL/2); every metric computed from such cells is flagged
        ``"censored"`` in its ``<metric>_flag`` column.
    lambda_residuals
        Include the per-element lambda fit residuals.
    eu_definition, ce_definition
        Definitions behind ``eu_anomaly`` and ``ce_anomaly``.

    Returns
    -------
    pandas.DataFrame
        The table's passthrough columns (ids), then the metrics, the lambdas and flags; conventions in
        ``attrs["critmin"]``.
    """
    ppm = table.to_ppm(below=below)
    cens = table.censored_by_element()
    metrics = ree_metrics(ppm, normaliser=normalise_to, oxide_set=oxide_set, prices=prices, censored=cens,
                          eu_definition=eu_definition, ce_definition=ce_definition)
    lam = lambdas(ppm, residuals=lambda_residuals)
    # lambda flag: add "censored" when a fitted element was censored
    fit_els = [e for e in REE if e != "Eu" and e in cens.columns]
    lam_cens = (cens[fit_els].astype(str).isin(["<", ">"]).any(axis=1).to_numpy() if fit_els
                else np.zeros(len(lam), dtype=bool))
    base = lam["lambda_flag"].astype(str).to_numpy()
    lam["lambda_flag"] = np.where(lam_cens, np.where(base == "", "censored", "censored;" + base), base)
    out = pd.concat([table.passthrough.reset_index(drop=True), metrics.reset_index(drop=True),
                     lam.reset_index(drop=True)], axis=1)
    meta = dict(metrics.attrs.get("critmin", {}))
    meta.update({"source": table.source, "below_detection": below, "lambda_reference": LAMBDA_REFERENCE,
                 "lambdas": lam.attrs.get("critmin", {}), "units": dict(table.units),
                 "warnings": list(table.warnings)})
    out.attrs["critmin"] = meta
    return out


class _CallableModule(_types.ModuleType):
    """Lets ``critmin.geochem.characterise(...)`` call the function even after the submodule is imported."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return characterise(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
