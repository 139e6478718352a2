"""One weights-of-evidence model run end to end, as the service's jobs (and scripts) use it.

For each evidence layer: weights (type, generalisation), a generalised table; then the posterior, its standard
deviation and confidence as COGs, the conditional-independence test, and validation of the posterior (AUC against
both backgrounds, success-rate and P-A curves). Progress is reported through :class:`critmin.progress.Progress`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from critmin.errors import InputError
from critmin.progress import Progress, no_progress
from critmin.prospectivity.deposits import CountMode, deposit_cells, read_deposits
from critmin.prospectivity.raster import DEFAULT_CHUNK, check_same_grid, read_layer
from critmin.prospectivity.response import LayerWeights, posterior, write_response
from critmin.prospectivity.validation import Background, validate
from critmin.prospectivity.wofe import Generalization, WeightsType, calculate_weights
from critmin.provenance import RunRecord, sha256_files, utcnow

__all__ = ["LayerSpec", "run_wofe_model"]


@dataclass(frozen=True)
class LayerSpec:
    """An evidence layer of a model run: raster file, weights type and generalisation."""

    path: Path
    weights_type: WeightsType = "categorical"
    generalize: Generalization | None = None
    threshold: float | None = None
    name: str | None = None


def run_wofe_model(layers: Sequence[LayerSpec], deposits: Path, out_dir: Path, *, unit_cell_km2: float = 1.0,
                   count: CountMode = "points", chunks: int | None = DEFAULT_CHUNK,
                   progress: Progress = no_progress) -> dict[str, Any]:
    """Weights → generalised weights → posterior COGs → CI test → validation; returns a JSON-safe result.

    Files written to ``out_dir``: ``posterior.tif``, ``posterior_std.tif``, ``posterior_confidence.tif`` (COGs)
    and ``weights_<layer>.csv`` per layer.
    """
    started = utcnow()
    if not layers:
        raise InputError("a model needs at least one evidence layer")
    total_steps = len(layers) + 5
    lays = [read_layer(s.path, name=s.name, chunks=chunks) for s in layers]
    names = [lay.name for lay in lays]
    if len(set(names)) != len(names):
        raise InputError(f"evidence layer names repeat ({names}); name each layer")
    grid = check_same_grid(lays)
    valid: Any = lays[0].valid()
    for lay in lays[1:]:
        valid = valid & lay.valid()
    x, y = read_deposits(deposits, grid)
    cells = deposit_cells(x, y, grid, mode=count, valid=valid, layer="study area (all layers valid)")
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = []
    lws = []
    for i, (spec, lay) in enumerate(zip(layers, lays, strict=True)):
        progress(i, total_steps, f"weights of {lay.name}")
        t = calculate_weights(lay, cells, weights_type=spec.weights_type, unit_cell_km2=unit_cell_km2, valid=valid,
                              generalize_rule=spec.generalize, threshold=spec.threshold)
        if "generalized_weight" not in t.frame.columns:
            raise InputError(f"layer {lay.name!r}: {spec.weights_type} weights must be generalised for a response; "
                             "choose a generalisation rule")
        f = t.frame
        bad = f.loc[~np.isfinite(f["generalized_weight"].to_numpy(float)), "class"].tolist()
        if bad:
            raise InputError(f"layer {lay.name!r}, class {bad[0]}: no generalised weight (no deposits); generalise "
                             "(e.g. categorical with a studentised-contrast threshold) so every class has a weight")
        f.to_csv(out_dir / f"weights_{lay.name}.csv", index=False)
        tables.append(t.to_dict())
        lws.append(LayerWeights(layer=lay, classes=f["class"].to_numpy(float),
                                weight=f["generalized_weight"].to_numpy(float),
                                s_weight=f["generalized_s_weight"].to_numpy(float)))
    n_valid = valid.sum()
    n_valid_i = int(n_valid.compute() if hasattr(n_valid, "compute") else n_valid)
    total = n_valid_i * grid.pixel_area_km2 / unit_cell_km2
    files = [s.path for s in layers] + [deposits]
    resp = posterior(lws, n_deposits=cells.n, total_area_units=total, unit_cell_km2=unit_cell_km2, valid=valid,
                     inputs_sha256=sha256_files(files))
    progress(len(layers), total_steps, "posterior, std, confidence and CI test (one pass)")
    resp, files_out = write_response(resp, out_dir, block=chunks)
    outputs = {k: p.name for k, p in files_out.items()}
    progress(len(layers) + 4, total_steps, "validation")
    post = read_layer(out_dir / "posterior.tif", chunks=chunks)
    backgrounds: tuple[Background, ...] = ("all", "non-deposit")
    val = {bg: validate(post.data.data, cells, background=bg).to_dict(curves=bg == "all") for bg in backgrounds}
    progress(total_steps, total_steps, "done")
    prov = RunRecord.create("prospectivity.model_run", inputs_sha256=sha256_files(files),
                            parameters={"layers": [{"name": n, "weights_type": s.weights_type,
                                                    "generalize": s.generalize, "threshold": s.threshold}
                                                   for n, s in zip(names, layers, strict=True)],
                                        "unit_cell_km2": unit_cell_km2, "count": count}, started_at=started)
    return {"model": "weights-of-evidence", "layers": names, "weights": tables, "response": resp.to_dict(),
            "validation": val, "outputs": outputs, "deposits": cells.to_dict(), "grid": grid.to_dict(),
            "provenance": prov.to_dict()}
