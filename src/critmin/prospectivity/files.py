"""File-level entry points shared by the CLI and the service: paths in, typed results (with provenance) out.

Each function reads rasters lazily (Dask), checks grids, locates deposits, runs the model and hashes the input
files for the :class:`~critmin.provenance.RunRecord`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from critmin.errors import InputError
from critmin.progress import Progress, no_progress
from critmin.prospectivity.deposits import CountMode, DepositCells, deposit_cells, read_deposits
from critmin.prospectivity.raster import DEFAULT_CHUNK, Grid, Layer, check_same_grid, read_layer, write_cog
from critmin.prospectivity.response import LayerWeights, Response, posterior, read_weights_csv, write_response
from critmin.prospectivity.validation import Background, Validation, validate
from critmin.prospectivity.wofe import Generalization, WeightsTable, WeightsType, calculate_weights
from critmin.provenance import RunRecord, sha256_file, sha256_files

__all__ = ["ResponseOutputs", "auc_from_files", "deposit_files", "fuzzy_to_file", "predict_to_file",
           "response_from_files", "train_from_files", "weights_from_files"]


def deposit_files(path: str | Path) -> list[Path]:
    """The deposit file and its sidecars (for hashing): a shapefile's .shp/.dbf/.prj/.shx."""
    p = Path(path)
    if p.suffix.lower() == ".shp":
        return [q for q in (p.with_suffix(s) for s in (".shp", ".shx", ".dbf", ".prj")) if q.exists()]
    return [p]


def _mask(path: str | Path | None, grid: Grid, chunks: int | None) -> Any:
    if path is None:
        return None
    m = read_layer(path, name="mask", chunks=chunks)
    check_same_grid([Layer(name="evidence", data=m.data, grid=grid), m])
    ok = m.valid() & (m.data.data != 0)
    return ok


def weights_from_files(evidence: str | Path, deposits: str | Path, *, weights_type: WeightsType,
                       unit_cell_km2: float, count: CountMode, generalize_rule: Generalization | None = None,
                       threshold: float | None = None, mask: str | Path | None = None,
                       nodata: float | None = None, chunks: int | None = DEFAULT_CHUNK) -> WeightsTable:
    """Weights of evidence of one raster against point deposits (see :func:`calculate_weights`)."""
    layer = read_layer(evidence, nodata=nodata, chunks=chunks)
    valid = _mask(mask, layer.grid, chunks)
    study = layer.valid() if valid is None else (layer.valid() & valid)
    x, y = read_deposits(deposits, layer.grid)
    cells = deposit_cells(x, y, layer.grid, mode=count, valid=study, layer=f"study area of {layer.name!r}")
    files = [Path(evidence), *deposit_files(deposits)] + ([Path(mask)] if mask else [])
    return calculate_weights(layer, cells, weights_type=weights_type, unit_cell_km2=unit_cell_km2, valid=valid,
                             generalize_rule=generalize_rule, threshold=threshold, inputs_sha256=sha256_files(files))


@dataclass(frozen=True)
class ResponseOutputs:
    """A response written to disk: the result and the COG paths."""

    response: Response
    posterior_path: Path
    std_path: Path
    confidence_path: Path

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary including the output paths."""
        d = self.response.to_dict()
        d["outputs"] = {"posterior": str(self.posterior_path), "std": str(self.std_path),
                        "confidence": str(self.confidence_path)}
        return d


def response_from_files(layers: Sequence[tuple[str | Path, str | Path]], deposits: str | Path, *,
                        unit_cell_km2: float, out_dir: str | Path, count: CountMode = "points",
                        mask: str | Path | None = None, chunks: int | None = DEFAULT_CHUNK,
                        progress: Progress = no_progress) -> ResponseOutputs:
    """Posterior, std and confidence COGs from ``(raster, weights table)`` pairs, with the CI test.

    The prior is ``n / T`` over the study area where every layer has data (and the mask, if any, is non-zero).
    """
    if not layers:
        raise InputError("no --layer given; pass at least one E.tif:TABLE.csv")
    lays = [read_layer(r, chunks=chunks) for r, _ in layers]
    grid = check_same_grid(lays)
    valid = _mask(mask, grid, chunks)
    for lay in lays:
        valid = lay.valid() if valid is None else (valid & lay.valid())
    lw: list[LayerWeights] = [read_weights_csv(t, lay) for (_, t), lay in zip(layers, lays, strict=True)]
    x, y = read_deposits(deposits, grid)
    cells = deposit_cells(x, y, grid, mode=count, valid=valid, layer="study area (all layers valid)")
    n_valid = _count_true(valid)
    total = n_valid * grid.pixel_area_km2 / unit_cell_km2
    files = [Path(p) for pair in layers for p in pair] + deposit_files(deposits)
    resp = posterior(lw, n_deposits=cells.n, total_area_units=total, unit_cell_km2=unit_cell_km2, valid=valid,
                     inputs_sha256=sha256_files(files))
    progress(1, 2, "posterior, std, confidence and CI test (one pass)")
    resp, files_out = write_response(resp, out_dir, block=chunks)
    progress(2, 2, "done")
    return ResponseOutputs(response=resp, posterior_path=files_out["posterior"], std_path=files_out["posterior_std"],
                           confidence_path=files_out["posterior_confidence"])


def _count_true(mask: Any) -> int:
    s = mask.sum()
    return int(s.compute() if hasattr(s, "compute") else s)


def auc_from_files(prediction: str | Path, deposits: str | Path, *, background: Background = "all",
                   count: CountMode = "points", mask: str | Path | None = None,
                   chunks: int | None = DEFAULT_CHUNK) -> tuple[Validation, RunRecord]:
    """Validation statistics of a prediction raster against deposits (NaN/nodata = outside the study area)."""
    lay = read_layer(prediction, chunks=chunks)
    valid = lay.valid()
    m = _mask(mask, lay.grid, chunks)
    if m is not None:
        valid = valid & m
    pred = lay.data.data
    if lay.data.dtype.kind != "f":
        pred = pred.astype(np.float64)
    x, y = read_deposits(deposits, lay.grid)
    cells: DepositCells = deposit_cells(x, y, lay.grid, mode=count, valid=valid, layer="prediction's study area")
    v = validate(pred, cells, background=background, valid=valid)
    rec = RunRecord.create("prospectivity.validate", inputs_sha256=sha256_files([Path(prediction),
                                                                                  *deposit_files(deposits)]),
                           parameters={"background": background, "count": count})
    return v, rec


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file (re-exported for adapters)."""
    return sha256_file(path)


def train_from_files(evidence: Sequence[str | Path], deposits: str | Path, *, kind: str, seed: int,
                     n_negatives: int = 1000, exclusion_m: float = 0.0, pu_bagging: bool = False,
                     calibrate: str = "sigmoid", block_m: float = 5000.0, buffer_m: float | None = None,
                     n_estimators: int = 200, max_depth: int | None = 12, count: CountMode = "pixels",
                     chunks: int | None = DEFAULT_CHUNK) -> Any:
    """Train a scikit-learn model on evidence rasters and deposits (:func:`~critmin.prospectivity.ml.train_model`)."""
    from critmin.prospectivity.ml import train_model, training_set

    lays = [read_layer(p, chunks=chunks) for p in evidence]
    grid = check_same_grid(lays)
    valid = None
    for lay in lays:
        valid = lay.valid() if valid is None else (valid & lay.valid())
    x, y = read_deposits(deposits, grid)
    cells = deposit_cells(x, y, grid, mode=count, valid=valid, layer="study area (all layers valid)")
    rng = np.random.default_rng(seed)
    ts = training_set(lays, cells, n_negatives=n_negatives, rng=rng, exclusion_m=exclusion_m)
    px = abs(grid.transform.a)
    files = [Path(p) for p in evidence] + deposit_files(deposits)
    return train_model(ts, kind, seed=seed, pu_bagging=pu_bagging, calibrate=calibrate,  # type: ignore[arg-type]
                       block_px=max(1, round(block_m / px)),
                       buffer_px=None if buffer_m is None else buffer_m / px, n_estimators=n_estimators,
                       max_depth=max_depth, inputs_sha256=sha256_files(files))


def predict_to_file(model_path: str | Path, evidence: Sequence[str | Path], out: str | Path, *,
                    chunks: int | None = DEFAULT_CHUNK) -> tuple[Path, RunRecord]:
    """Predict a saved model over evidence rasters (in its feature order) into a float32 COG, block by block."""
    from critmin.prospectivity.ml import load_model, predict_raster

    est, summary = load_model(model_path)
    lays = [read_layer(p, chunks=chunks) for p in evidence]
    names = [lay.name for lay in lays]
    feats = list(summary.get("features", []))
    if len(feats) != len(lays):
        raise InputError(f"the model was trained on {len(feats)} layers {feats}; {len(lays)} given {names}")
    if feats != names:
        raise InputError(f"evidence {names} do not match the model's features {feats} (same names, same order)")
    grid = check_same_grid(lays)
    path = write_cog(predict_raster(est, lays), grid, out, nodata=float("nan"), dtype="float32")
    rec = RunRecord.create("prospectivity.predict", inputs_sha256=sha256_files([Path(model_path),
                                                                                 *map(Path, evidence)]),
                           parameters={"features": feats, "model": summary.get("kind")},
                           parents=[summary.get("provenance", {}).get("inputs_sha256", "")])
    return path, rec


def fuzzy_to_file(specs: Sequence[tuple[str | Path, str, Sequence[float]]], out: str | Path, *, how: str,
                  gamma: float = 0.9, weights: Sequence[float] | None = None,
                  chunks: int | None = DEFAULT_CHUNK) -> tuple[Path, RunRecord]:
    """Fuzzy memberships of rasters combined by a fuzzy operator (or index overlay) into a COG.

    ``specs`` are ``(raster, membership, params)``: ``linear`` (low, high), ``large``/``small`` (midpoint,
    spread), ``gaussian`` (midpoint, spread), or ``none`` (the raster already holds memberships/scores).
    """
    import dask.array as da

    from critmin.prospectivity.fuzzy import index_overlay, membership, overlay

    lays = [read_layer(p, chunks=chunks) for p, _, _ in specs]
    grid = check_same_grid(lays)
    mems = []
    for lay, (_, kind, params) in zip(lays, specs, strict=True):
        v = da.asarray(lay.data.data).astype(np.float64)
        if lay.nodata is not None:
            v = da.where(v == lay.nodata, np.nan, v)
        if kind == "none":
            mems.append(v)
        elif kind == "linear":
            if len(params) != 2:
                raise InputError(f"layer {lay.name!r}: linear membership takes low,high")
            mems.append(membership(v, "linear", low=params[0], high=params[1]))
        elif kind in ("large", "small", "gaussian"):
            if len(params) != 2:
                raise InputError(f"layer {lay.name!r}: {kind} membership takes midpoint,spread")
            mems.append(membership(v, kind, midpoint=params[0], spread=params[1]))  # type: ignore[arg-type]
        else:
            raise InputError(f"layer {lay.name!r}: membership {kind!r} is not one of linear, large, small, gaussian, "
                             "none")
    if how == "index":
        if weights is None:
            raise InputError("index overlay needs --weights (one per layer)")
        result = index_overlay(mems, weights)
    else:
        result = overlay(mems, how, gamma=gamma)  # type: ignore[arg-type]
    path = write_cog(result, grid, out, nodata=float("nan"), dtype="float32")
    rec = RunRecord.create("prospectivity.fuzzy", inputs_sha256=sha256_files([Path(p) for p, _, _ in specs]),
                           parameters={"overlay": how, "gamma": gamma, "weights": list(weights or []),
                                       "memberships": [[k, list(p)] for _, k, p in specs]})
    return path, rec
