"""Weights of evidence (unique, 10 classes) + posterior on a 4000 × 4000 raster: critmin vs EIS Toolkit 1.1.6.

The data follow ../shared/notes/prospectivity.md §2.4: a random 10-class float32 raster and 0.01 % deposit pixels.
Each tool runs in its own subprocess so that peak RSS (``ru_maxrss`` of the child) is its own:

* critmin: ``weights_from_files`` (unique, ``count="pixels"``, unit cell = one pixel, Dask chunks of 2048) then
  either (``compute``) the posterior, standard deviation and confidence evaluated block by block with nothing
  written — what EIS does — or (``cogs``) ``response_from_files``, which also writes the three COGs with
  overviews and runs the CI test.
* EIS: ``weights_of_evidence_calculate_weights`` (unique, deposits as a 0/1 raster) then
  ``weights_of_evidence_calculate_responses`` — in memory, nothing written.

EIS must be installed in a throwaway Python 3.10 venv (``--eis-python``; recipe in the notes); without it only
critmin runs. Usage::

    python benchmarks/prospectivity/bench_wofe_vs_eis.py --size 4000 --eis-python /tmp/eis-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

CRITMIN_CODE = textwrap.dedent("""
    import json, resource, sys, time, warnings
    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    from critmin.prospectivity.files import response_from_files, weights_from_files
    d = sys.argv[1]
    t1 = time.perf_counter()
    w = weights_from_files(d + "/evidence.tif", d + "/deposits.csv", weights_type="unique", unit_cell_km2=1.0,
                           count="pixels")
    t2 = time.perf_counter()
    w.frame.to_csv(d + "/critmin_weights.csv", index=False)
    if sys.argv[2] == "compute":
        # posterior, std, confidence and the CI sums evaluated block by block, nothing written (as EIS)
        import dask
        import numpy as np
        from critmin.prospectivity.raster import read_layer
        from critmin.prospectivity.response import LayerWeights, posterior
        lay = read_layer(d + "/evidence.tif")
        f = w.frame
        lw = LayerWeights(layer=lay, classes=f["class"].to_numpy(float), weight=f["generalized_weight"].to_numpy(float),
                          s_weight=f["generalized_s_weight"].to_numpy(float))
        r = posterior([lw], n_deposits=w.n_deposits, total_area_units=w.total_area_units, valid=lay.valid())
        s = 0.0
        for i in range(0, lay.grid.shape[0], 2048):
            for j in range(0, lay.grid.shape[1], 2048):
                p, sd, c = dask.compute(r.posterior[i:i + 2048, j:j + 2048], r.std[i:i + 2048, j:j + 2048],
                                        r.confidence[i:i + 2048, j:j + 2048])
                s += float(np.nansum(p))
    else:
        r = response_from_files([(d + "/evidence.tif", d + "/critmin_weights.csv")], d + "/deposits.csv",
                                unit_cell_km2=1.0, out_dir=d + "/critmin_out", count="pixels")
    t3 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "weights_s": t2 - t1, "response_s": t3 - t2,
                      "total_s": t3 - t1, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

EIS_CODE = textwrap.dedent("""
    import json, resource, sys, time, warnings
    warnings.simplefilter("ignore")
    import rasterio
    from eis_toolkit.prediction.weights_of_evidence import (weights_of_evidence_calculate_responses,
                                                            weights_of_evidence_calculate_weights)
    d = sys.argv[1]
    t1 = time.perf_counter()
    with rasterio.open(d + "/evidence.tif") as ev, rasterio.open(d + "/deposits.tif") as dep:
        df, arrays, meta, nd, npx = weights_of_evidence_calculate_weights(ev, dep, weights_type="unique")
    t2 = time.perf_counter()
    df = df.copy()
    df["Generalized W+"] = df["W+"]
    df["Generalized S_W+"] = df["S_W+"]
    arrays["Generalized W+"] = arrays["W+"]
    arrays["Generalized S_W+"] = arrays["S_W+"]
    P, S, C = weights_of_evidence_calculate_responses([arrays], df)
    t3 = time.perf_counter()
    print(json.dumps({"weights_s": t2 - t1, "response_s": t3 - t2, "total_s": t3 - t1,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def make_data(d: Path, size: int, seed: int) -> dict[str, int]:
    """Random 10-class float32 evidence (1000 m pixels, EPSG:3067) and 0.01 % deposit pixels (raster + CSV)."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    rng = np.random.default_rng(seed)
    ev = rng.integers(1, 11, size=(size, size)).astype(np.float32)
    dep = (rng.random((size, size)) < 1e-4).astype(np.uint8)
    prof = {"driver": "GTiff", "height": size, "width": size, "count": 1, "crs": "EPSG:3067",
            "transform": from_origin(0, size * 1000.0, 1000.0, 1000.0), "tiled": True, "compress": "deflate"}
    with rasterio.open(d / "evidence.tif", "w", dtype="float32", nodata=-9999.0, **prof) as dst:
        dst.write(ev, 1)
    with rasterio.open(d / "deposits.tif", "w", dtype="uint8", **prof) as dst:
        dst.write(dep, 1)
    r, c = np.nonzero(dep)
    with open(d / "deposits.csv", "w") as fh:
        fh.write("x,y\n")
        for rr, cc in zip(r, c, strict=True):
            fh.write(f"{cc * 1000.0 + 500.0},{size * 1000.0 - rr * 1000.0 - 500.0}\n")
    return {"pixels": size * size, "deposit_pixels": int(dep.sum())}


def run(python: str, code: str, d: Path, *extra: str) -> dict[str, float]:
    env = {**os.environ, "GDAL_CACHEMAX": "64"}  # same GDAL block cache for both tools
    out = subprocess.run([python, "-c", code, str(d), *extra], capture_output=True, text=True, check=True, env=env)
    res: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--eis-python", default=None)
    ap.add_argument("--out", default=None, help="write the JSON result here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-wofe-") as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        info = make_data(d, args.size, args.seed)
        info["generate_s"] = time.perf_counter() - t
        result: dict[str, object] = {"size": args.size, **info,
                                     "critmin_compute": run(sys.executable, CRITMIN_CODE, d, "compute"),
                                     "critmin_with_cogs": run(sys.executable, CRITMIN_CODE, d, "cogs")}
        if args.eis_python:
            eis = run(args.eis_python, EIS_CODE, d)
            result["eis"] = eis
            for k in ("critmin_compute", "critmin_with_cogs"):
                ours = result[k]
                assert isinstance(ours, dict)
                result[f"{k}_speedup"] = eis["total_s"] / ours["total_s"]
                result[f"{k}_memory_ratio"] = ours["peak_rss_mb"] / eis["peak_rss_mb"]
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
