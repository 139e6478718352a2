"""Weights-of-evidence response: posterior probability, its standard deviation and confidence; the
Agterberg–Cheng conditional-independence test.

For each pixel, ``logit P = logit(prior) + Σ_j W_j(class_j)`` with the generalised weights of every layer and
``prior = n / T`` (deposits per unit cell). The standard deviation follows ArcSDM / Bonham-Carter (1994):
``s²(P) = (1/n + Σ_j s²(W_j)) · P²``, and the confidence is ``P / s(P)``. Everything is computed block by block
on Dask arrays.

The conditional-independence test compares the number of deposits the model predicts,
``T_pred = Σ P · (pixel area / unit cell)``, with the observed ``n``. Its standard deviation is ArcSDM's
``s(T_pred) = sqrt(Σ_k (s(P_k) · a_k)²)`` over the *unique conditions* ``k`` (distinct combinations of
classes, area ``a_k`` in unit cells); EIS Toolkit's ``sqrt(Σ s(P))`` is a different statistic and is not used.

References
----------
Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9,
doi:10.1016/C2013-0-03864-9.
Agterberg, F.P., and Cheng, Q., 2002, Conditional independence test for weights-of-evidence modeling. Natural
Resources Research 11, 249-255, doi:10.1023/A:1021193827501.
Kemp, L.D., Bonham-Carter, G.F., Raines, G.L., and Looney, C.G., 2001, Arc-SDM: ArcView extension for spatial
data modelling using weights of evidence, logistic regression, fuzzy logic and neural network analysis,
https://github.com/gtkfi/ArcSDM.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from critmin.errors import InputError
from critmin.prospectivity.counting import lookup
from critmin.prospectivity.raster import Grid, Layer, check_same_grid
from critmin.provenance import RunRecord

__all__ = ["CITest", "LayerWeights", "Response", "ci_test", "posterior", "read_weights_csv", "write_response"]


@dataclass(frozen=True)
class LayerWeights:
    """Generalised weights of one layer: class code → weight and its standard deviation."""

    layer: Layer
    classes: np.ndarray
    weight: np.ndarray
    s_weight: np.ndarray
    table: str = ""


def read_weights_csv(path: str | Path, layer: Layer) -> LayerWeights:
    """Read a generalised weights table for ``layer``.

    Accepts critmin's table (``class, generalized_weight, generalized_s_weight``) or ArcSDM/Geoscience
    Australia's (``CLASS, WEIGHT, W_STD``). Every class present in the layer must have a finite weight;
    otherwise an :class:`InputError` names the layer and the class.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"weights table {p} does not exist", file=p)
    frame = pd.read_csv(p)
    cols = {c.lower(): c for c in frame.columns}
    if {"class", "generalized_weight", "generalized_s_weight"} <= set(cols):
        c, w, s = cols["class"], cols["generalized_weight"], cols["generalized_s_weight"]
    elif {"class", "weight", "w_std"} <= set(cols):
        c, w, s = cols["class"], cols["weight"], cols["w_std"]
    else:
        raise InputError(f"weights table has columns {list(frame.columns)}; expected class, generalized_weight, "
                         "generalized_s_weight (critmin prospect weights --out) or CLASS, WEIGHT, W_STD (ArcSDM)",
                         file=p)
    classes = pd.to_numeric(frame[c], errors="coerce").to_numpy(np.float64)
    weight = pd.to_numeric(frame[w], errors="coerce").to_numpy(np.float64)
    s_weight = pd.to_numeric(frame[s], errors="coerce").to_numpy(np.float64)
    bad = np.flatnonzero(~np.isfinite(weight) | ~np.isfinite(s_weight) | ~np.isfinite(classes))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"layer {layer.name!r}, class {frame[c].iloc[i]}: no generalised weight (class without "
                         "deposits or undefined weight); generalise the table (--generalize) so that every class "
                         "has a weight — critmin never gives such a class the prior silently",
                         file=p, row=i + 1, column=w)
    return LayerWeights(layer=layer, classes=classes, weight=weight, s_weight=s_weight, table=str(p))


@dataclass(frozen=True)
class CITest:
    """Agterberg–Cheng conditional-independence test.

    Attributes
    ----------
    n_observed
        Deposits in the study area (``n``).
    t_predicted
        Sum of posterior probabilities in unit cells (``T``).
    s_t
        ArcSDM standard deviation of ``T``.
    z
        ``(T - n) / s(T)``.
    p_value
        One-sided probability of a ``T - n`` at least this large under conditional independence.
    ratio_n_over_t
        ``n / T`` (below about 0.85 suggests conditional dependence, Bonham-Carter 1994).
    """

    n_observed: int
    t_predicted: float
    s_t: float
    z: float
    p_value: float
    ratio_n_over_t: float

    @property
    def passes_95(self) -> bool:
        """Conditional independence not rejected at the 5 % level."""
        return self.p_value > 0.05

    @property
    def passes_99(self) -> bool:
        """Conditional independence not rejected at the 1 % level."""
        return self.p_value > 0.01

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {"n_observed": self.n_observed, "t_predicted": self.t_predicted, "s_t": self.s_t, "z": self.z,
                "p_value": self.p_value, "ratio_n_over_t": self.ratio_n_over_t, "passes_95": self.passes_95,
                "passes_99": self.passes_99,
                "method": "Agterberg & Cheng (2002), s(T) as in ArcSDM: sqrt(sum over unique conditions of "
                          "(s(P) * area in unit cells)^2)"}


@dataclass(frozen=True)
class Response:
    """Posterior probability, standard deviation and confidence (lazy arrays) plus the CI test."""

    grid: Grid
    posterior: Any
    std: Any
    confidence: Any
    prior: float
    n_deposits: int
    unit_cell_km2: float
    ci: CITest | None = None
    layers: tuple[str, ...] = ()
    provenance: RunRecord | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (without the rasters)."""
        return {"layers": list(self.layers), "prior_probability": self.prior, "n_deposits": self.n_deposits,
                "unit_cell_km2": self.unit_cell_km2, "grid": self.grid.to_dict(),
                "ci_test": self.ci.to_dict() if self.ci else None,
                "provenance": self.provenance.to_dict() if self.provenance else None}


def posterior(weights: Sequence[LayerWeights], *, n_deposits: int, total_area_units: float,
              unit_cell_km2: float = 1.0, valid: Any = None, inputs_sha256: str = "") -> Response:
    """Posterior probability per unit cell from several generalised layers.

    Parameters
    ----------
    weights
        Generalised weights of each layer (all on one grid).
    n_deposits, total_area_units
        Deposits and study area (unit cells) giving the prior ``n / T``.
    unit_cell_km2
        Unit-cell area (km²).
    valid
        Optional study-area mask; pixels outside (or nodata in any layer) are NaN.

    Raises
    ------
    InputError
        If a layer holds a class that its table has no weight for (naming layer and class).

    References
    ----------
    Bonham-Carter, G.F., 1994, Geographic Information Systems for Geoscientists, ch. 9,
    doi:10.1016/C2013-0-03864-9.
    """
    from critmin.prospectivity.counting import class_counts

    grid = check_same_grid([w.layer for w in weights])
    if n_deposits <= 0 or total_area_units <= n_deposits:
        raise InputError(f"prior undefined: {n_deposits} deposits in {total_area_units:g} unit cells")
    prior = n_deposits / total_area_units
    logit = math.log(prior / (1 - prior))
    wsum: Any = None
    vsum: Any = None
    for lw in weights:
        present, _ = class_counts(lw.layer.data.data, nodata=lw.layer.nodata, valid=valid, layer=lw.layer.name)
        missing = np.setdiff1d(present, lw.classes)
        if missing.size:
            raise InputError(f"layer {lw.layer.name!r} has class {missing[0]:g} (of {missing.size} classes) that its "
                             f"weights table {lw.table or ''} does not list; recompute the weights on this raster")
        w = lookup(lw.layer.data.data, lw.classes, lw.weight, nodata=lw.layer.nodata)
        v = lookup(lw.layer.data.data, lw.classes, lw.s_weight**2, nodata=lw.layer.nodata)
        wsum = w if wsum is None else wsum + w
        vsum = v if vsum is None else vsum + v
    if valid is not None:
        wsum = _where(valid, wsum)
    z = logit + wsum
    post = 1.0 / (1.0 + _exp(-z))
    std = _sqrt(1.0 / n_deposits + vsum) * post
    conf = post / std
    params = {"layers": [w.layer.name for w in weights], "unit_cell_km2": unit_cell_km2,
              "n_deposits": n_deposits, "total_area_units": total_area_units}
    prov = RunRecord.create("prospectivity.response", inputs_sha256=inputs_sha256, parameters=params)
    return Response(grid=grid, posterior=post, std=std, confidence=conf, prior=prior, n_deposits=n_deposits,
                    unit_cell_km2=unit_cell_km2, layers=tuple(w.layer.name for w in weights), provenance=prov)


def _where(mask: Any, values: Any) -> Any:
    if hasattr(values, "map_blocks") or hasattr(mask, "map_blocks"):
        import dask.array as da

        return da.where(mask, values, np.nan)
    return np.where(mask, values, np.nan)


def _exp(x: Any) -> Any:
    return np.exp(x)


def _sqrt(x: Any) -> Any:
    return np.sqrt(x)


def _unique_std_area(std_block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(std_block, np.float64).ravel()
    s = s[np.isfinite(s)]
    u, c = np.unique(s, return_counts=True)
    return u, c.astype(np.float64)


def _ci_from_sums(response: Response, psum: float, keys: np.ndarray, cnt: np.ndarray) -> CITest:
    cell = response.grid.pixel_area_km2 / response.unit_cell_km2
    t_pred = psum * cell
    if keys.size:
        u, inv = np.unique(keys, return_inverse=True)
        area = np.bincount(inv, weights=cnt, minlength=u.size) * cell
        s_t = float(np.sqrt(np.sum((u * area) ** 2)))
    else:
        s_t = 0.0
    from scipy import stats

    n = response.n_deposits
    z = (t_pred - n) / s_t if s_t > 0 else float("inf")
    return CITest(n_observed=n, t_predicted=t_pred, s_t=s_t, z=float(z), p_value=float(stats.norm.sf(z)),
                  ratio_n_over_t=n / t_pred if t_pred > 0 else float("nan"))


def write_response(response: Response, out_dir: str | Path, *, block: int | None = None) -> tuple[Response,
                                                                                                   dict[str, Path]]:
    """Write ``posterior.tif``, ``posterior_std.tif`` and ``posterior_confidence.tif`` (float32 COGs) and run the
    conditional-independence test — all in one pass over the blocks. Returns the response with ``ci`` set."""
    from dataclasses import replace

    from critmin.prospectivity.raster import DEFAULT_CHUNK, write_cogs

    acc: dict[str, Any] = {"psum": 0.0, "keys": [], "cnt": []}

    def on_block(b: dict[str, np.ndarray]) -> None:
        acc["psum"] += float(np.nansum(b["posterior"], dtype=np.float64))
        u, c = _unique_std_area(b["posterior_std"])
        acc["keys"].append(u)
        acc["cnt"].append(c)

    files = write_cogs({"posterior": response.posterior, "posterior_std": response.std,
                        "posterior_confidence": response.confidence}, response.grid, out_dir, nodata=float("nan"),
                       dtype="float32", block=block or DEFAULT_CHUNK, on_block=on_block)
    keys = np.concatenate(acc["keys"]) if acc["keys"] else np.empty(0)
    cnt = np.concatenate(acc["cnt"]) if acc["cnt"] else np.empty(0)
    return replace(response, ci=_ci_from_sums(response, acc["psum"], keys, cnt)), files


def ci_test(response: Response) -> CITest:
    """Agterberg–Cheng conditional-independence test with ArcSDM's variance and the ``n/T`` ratio.

    Unique conditions are identified by their distinct posterior standard deviation (as in ArcSDM's
    ``agterbergchengci.py``), whose areas are summed across blocks.

    References
    ----------
    Agterberg, F.P., and Cheng, Q., 2002, Natural Resources Research 11, 249-255,
    doi:10.1023/A:1021193827501.
    """
    post, std = response.posterior, response.std
    if hasattr(post, "to_delayed"):
        import dask
        import dask.array as da

        psum = float(da.nansum(post).compute())
        parts = dask.compute(*[dask.delayed(_unique_std_area)(b) for b in std.to_delayed().ravel()])
    else:
        psum = float(np.nansum(post))
        parts = (_unique_std_area(std),)
    keys = np.concatenate([p[0] for p in parts])
    cnt = np.concatenate([p[1] for p in parts])
    return _ci_from_sums(response, psum, keys, cnt)
