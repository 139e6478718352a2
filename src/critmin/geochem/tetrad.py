"""Lanthanide tetrad effect after Irber (1999).

Each tetrad is measured by how far its two inner elements lie above (M-type, > 1) or below (W-type, < 1)
the straight line, in log space against atomic number, joining its outer elements (N = normalised)::

    t1 = √[ Ce_N / (La_N^(2/3)·Nd_N^(1/3)) · Pr_N / (La_N^(1/3)·Nd_N^(2/3)) ]      first tetrad  La-Nd
    t3 = √[ Tb_N / (Gd_N^(2/3)·Ho_N^(1/3)) · Dy_N / (Gd_N^(1/3)·Ho_N^(2/3)) ]      third tetrad  Gd-Ho
    t4 = √[ Tm_N / (Er_N^(2/3)·Lu_N^(1/3)) · Yb_N / (Er_N^(1/3)·Lu_N^(2/3)) ]      fourth tetrad Er-Lu
    TE1,3 = √(t1·t3)

The second tetrad (Pm-Gd) is not quantified because of Pm and the Eu anomaly. Irber takes
TE1,3 > 1.1 as a significant tetrad effect. t1 is also affected by a Ce anomaly.

t1, t3 and TE1,3 are Irber's definitions (Ce/Ce^t = Ce_N/(La_N^(2/3)·Nd_N^(1/3)), Pr/Pr^t =
Pr_N/(La_N^(1/3)·Nd_N^(2/3)), likewise Tb, Dy between Gd and Ho; TE1,3 = √(t1·t3)), checked against the
independent implementation in GCDkit's ``tetrad.r`` plugin (Janoušek et al.), whose documentation states
the same equations. t4 applies the same construction to Er-Tm-Yb-Lu; it is reported for information and
does not enter TE1,3. pyrolite has no Irber index (its tetrads are the λ-τ fit of Anenburg & Williams 2022).

References
----------
Irber, W. (1999). The lanthanide tetrad effect and its correlation with K/Rb, Eu/Eu*, Sr/Eu, Y/Ho, and
Zr/Hf of evolving peraluminous granite suites. Geochimica et Cosmochimica Acta 63(3/4), 489-508.
doi:10.1016/S0016-7037(98)00291-5

Janoušek, V., Farrow, C.M., Erban, V. (2006). Interpretation of whole-rock geochemical data in igneous
geochemistry: introducing Geochemical Data Toolkit (GCDkit). Journal of Petrology 47, 1255-1259,
doi:10.1093/petrology/egl013 (plugin ``tetrad.r``: "Calculates lanthanide tetrad effect following the
method of Irber (1999)").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["tetrad_effect"]

_TETRADS = {"tetrad_t1": ("La", "Ce", "Pr", "Nd"), "tetrad_t3": ("Gd", "Tb", "Dy", "Ho"),
            "tetrad_t4": ("Er", "Tm", "Yb", "Lu")}


def _col(normalised: pd.DataFrame, el: str) -> np.ndarray:
    if el in normalised.columns:
        return normalised[el].to_numpy(dtype=float)
    return np.full(len(normalised), np.nan)


def tetrad_effect(normalised: pd.DataFrame) -> pd.DataFrame:
    """Irber (1999) tetrad-effect indices t1, t3, t4 and TE1,3 of normalised REE.

    Parameters
    ----------
    normalised
        Normalised REE (columns La … Lu); Irber used chondrite normalisation.

    Returns
    -------
    pandas.DataFrame
        Columns ``tetrad_t1``, ``tetrad_t3``, ``tetrad_t4``, ``tetrad_te13``. NaN where an element
        needed is missing or not positive.

    References
    ----------
    Irber (1999), doi:10.1016/S0016-7037(98)00291-5.
    """
    out = pd.DataFrame(index=normalised.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, (a, b, c, d) in _TETRADS.items():
            va, vb, vc, vd = (_col(normalised, e) for e in (a, b, c, d))
            star_b = va ** (2 / 3) * vd ** (1 / 3)
            star_c = va ** (1 / 3) * vd ** (2 / 3)
            t = np.sqrt((vb / star_b) * (vc / star_c))
            bad = ~((va > 0) & (vb > 0) & (vc > 0) & (vd > 0))
            out[name] = np.where(bad, np.nan, t)
        out["tetrad_te13"] = np.sqrt(out["tetrad_t1"].to_numpy() * out["tetrad_t3"].to_numpy())
    return out
