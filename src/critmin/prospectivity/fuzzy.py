"""Fuzzy membership functions and fuzzy overlay; index overlay (weighted mean of normalised evidence).

Memberships follow the definitions of ArcGIS Spatial Analyst's Fuzzy Membership (as used in ArcSDM):

* ``linear``: 0 at ``low``, 1 at ``high`` (decreasing if ``low > high``), clipped to 0–1;
* ``large``: ``1 / (1 + (x / midpoint) ** -spread)``; ``small``: ``1 / (1 + (x / midpoint) ** spread)``;
* ``gaussian``: ``exp(-spread * (x - midpoint) ** 2)``.

Overlays combine memberships pixel by pixel: AND = min, OR = max, algebraic product ``Π μ``, algebraic sum
``1 - Π (1 - μ)``, and gamma ``sum ** γ · product ** (1 - γ)``. All functions work on numpy or Dask arrays.

References
----------
Zimmermann, H.-J., and Zysno, P., 1980, Latent connectives in human decision making. Fuzzy Sets and Systems 4,
37-51, doi:10.1016/0165-0114(80)90062-7 (gamma operator).
Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9 (fuzzy logic in mineral
potential mapping), doi:10.1016/C2013-0-03864-9.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from critmin.errors import InputError

__all__ = ["Membership", "Overlay", "index_overlay", "membership", "overlay"]

Membership = Literal["linear", "large", "small", "gaussian"]
Overlay = Literal["and", "or", "product", "sum", "gamma"]


def membership(values: Any, kind: Membership, *, low: float | None = None, high: float | None = None,
               midpoint: float | None = None, spread: float = 5.0) -> Any:
    """Fuzzy membership (0–1) of ``values``; NaN stays NaN.

    References
    ----------
    Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9,
    doi:10.1016/C2013-0-03864-9.
    """
    x = values.astype(np.float64) if hasattr(values, "astype") else np.asarray(values, np.float64)
    if kind == "linear":
        if low is None or high is None or low == high:
            raise InputError("linear membership needs --low and --high (different values)")
        return _clip01((x - low) / (high - low))
    if kind in ("large", "small", "gaussian"):
        if midpoint is None:
            raise InputError(f"{kind} membership needs a midpoint")
        if kind == "gaussian":
            return np.exp(-spread * (x - midpoint) ** 2)
        if midpoint <= 0:
            raise InputError(f"{kind} membership needs a positive midpoint (got {midpoint})")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = x / midpoint
            return 1.0 / (1.0 + r ** (-spread if kind == "large" else spread))
    raise InputError(f"membership {kind!r} is not one of linear, large, small, gaussian")


def _clip01(x: Any) -> Any:
    return np.clip(x, 0.0, 1.0)


def _stack(layers: Sequence[Any]) -> Any:
    if not layers:
        raise InputError("fuzzy overlay needs at least one membership layer")
    if any(hasattr(a, "map_blocks") for a in layers):
        import dask.array as da

        return da.stack([da.asarray(a) for a in layers])
    return np.stack([np.asarray(a, np.float64) for a in layers])


def overlay(layers: Sequence[Any], how: Overlay, *, gamma: float = 0.9) -> Any:
    """Combine membership layers (each 0–1) with a fuzzy operator.

    References
    ----------
    Zimmermann, H.-J., and Zysno, P., 1980, Fuzzy Sets and Systems 4, 37-51,
    doi:10.1016/0165-0114(80)90062-7.
    """
    s = _stack(layers)
    if how == "and":
        return s.min(axis=0)
    if how == "or":
        return s.max(axis=0)
    prod = s.prod(axis=0)
    fsum = 1.0 - (1.0 - s).prod(axis=0)
    if how == "product":
        return prod
    if how == "sum":
        return fsum
    if how == "gamma":
        if not 0.0 <= gamma <= 1.0:
            raise InputError(f"gamma {gamma} must lie in 0–1")
        return fsum**gamma * prod ** (1.0 - gamma)
    raise InputError(f"overlay {how!r} is not one of and, or, product, sum, gamma")


def index_overlay(layers: Sequence[Any], weights: Sequence[float]) -> Any:
    """Index overlay: ``Σ w_i · x_i / Σ w_i`` of normalised (0–1) or scored layers.

    References
    ----------
    Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9 (index overlay),
    doi:10.1016/C2013-0-03864-9.
    """
    w = np.asarray(weights, np.float64)
    if w.size != len(layers):
        raise InputError(f"{w.size} weights given for {len(layers)} layers")
    if np.any(w < 0) or not w.sum() > 0:
        raise InputError(f"index-overlay weights {list(weights)} must be non-negative with a positive sum")
    total: Any = None
    for a, wi in zip(layers, w, strict=True):
        term = a * wi
        total = term if total is None else total + term
    return total / w.sum()
