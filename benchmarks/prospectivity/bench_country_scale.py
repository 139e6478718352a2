"""Country-scale prospectivity: a synthetic N × N three-layer evidence stack (COGs) through weights of evidence
(posterior, std, confidence, CI test) and a fixed random forest, streamed with Dask; time, throughput, peak RSS.

Synthetic evidence with spatial structure (not constant, not trivially compressible), generated block by block:

* ``dist_fault_m``: distance (m) to ~N/40 random fault segments — rasterised and Euclidean-distance-transformed
  with :mod:`critmin.prospectivity.evidence` (chunked, halo ``max_distance_m``);
* ``geology``: 12 lithological units from a smooth random field (coarse Gaussian field, bilinear upsampling);
* ``magnetics``: a two-octave smooth field plus fine pixel noise.

Deposits (~0.0005 % of the cells, at least 200) are drawn from a logistic model of the three layers, so the
models have something to find. Pipeline (timed separately, all chunked):

1. WoE: reclassify distance (10 buffer classes) and magnetics (deciles of a sample), weights (geology
   categorical generalised at |stud. C| >= 2; the other two ascending/descending, max contrast), posterior + std +
   confidence as COGs and the CI test in one pass;
2. RF: 50 trees, depth 12, trained on the deposits + 20,000 random cells, predicted block by block into a COG.

Peak RSS is ``ru_maxrss`` of this process (it includes generation). ``--scheduler distributed`` runs the same
code on a ``dask.distributed.LocalCluster`` (processes=False). Data are generated once into ``--workdir`` and
reused. Usage::

    python benchmarks/prospectivity/bench_country_scale.py --size 20000 --workdir /tmp/bench-country
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from critmin.prospectivity.raster import Grid, read_layer, write_cog

PIXEL_M = 30.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _coarse_field(rng: np.random.Generator, size: int, cell: int, sigma: float) -> np.ndarray:
    from scipy import ndimage

    n = size // cell + 3
    f = ndimage.gaussian_filter(rng.normal(size=(n, n)), sigma)
    return (f - f.mean()) / f.std()


def _upsample(coarse: np.ndarray, cell: int, chunks: tuple[tuple[int, ...], tuple[int, ...]]) -> Any:
    """Bilinear upsampling of a coarse field, block by block (consistent across blocks)."""
    import dask.array as da
    from scipy import ndimage

    def block(block_info: dict[Any, Any] | None = None) -> np.ndarray:
        assert block_info is not None
        (r0, r1), (c0, c1) = block_info[None]["array-location"]
        rr, cc = np.meshgrid((np.arange(r0, r1) + 0.5) / cell, (np.arange(c0, c1) + 0.5) / cell, indexing="ij")
        return ndimage.map_coordinates(coarse, [rr.ravel(), cc.ravel()], order=1).reshape(r1 - r0, c1 - c0) \
            .astype(np.float32)

    return da.map_blocks(block, chunks=chunks, dtype=np.float32)


def generate(work: Path, size: int, chunk: int, seed: int) -> dict[str, Any]:
    import dask.array as da
    import geopandas as gpd
    from rasterio.crs import CRS
    from rasterio.transform import from_origin
    from shapely.geometry import LineString

    from critmin.prospectivity.evidence import distance_to, rasterize

    rng = np.random.default_rng(seed)
    grid = Grid(crs=CRS.from_epsg(3577), transform=from_origin(0.0, size * PIXEL_M, PIXEL_M, PIXEL_M),
                shape=(size, size))
    chunks = tuple(tuple(min(chunk, size - i) for i in range(0, size, chunk)) for _ in range(2))
    t = {}
    t0 = time.perf_counter()
    ext = size * PIXEL_M
    n_faults = max(50, size // 40)
    lines = []
    for _ in range(n_faults):
        x0, y0 = rng.uniform(0, ext, 2)
        ang = rng.uniform(0, np.pi)
        length = rng.uniform(0.02, 0.15) * ext
        pts = [(x0, y0)]
        for _k in range(4):
            ang += rng.normal(0, 0.15)
            x0, y0 = x0 + np.cos(ang) * length / 4, y0 + np.sin(ang) * length / 4
            pts.append((x0, y0))
        lines.append(LineString(pts))
    faults = gpd.GeoDataFrame(geometry=lines, crs=grid.crs)
    burnt = rasterize(faults, grid, name="faults", chunk=chunk, dtype="uint8", all_touched=True)
    dist = distance_to(burnt, max_distance_m=5000.0, name="dist_fault_m")
    write_cog(dist.data.data, grid, work / "dist_fault_m.tif", dtype="float32")
    t["dist_fault_m"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    geo = _upsample(_coarse_field(rng, size, 100, 3.0), 100, chunks)
    breaks = np.quantile(_coarse_field(np.random.default_rng(seed), size, 100, 3.0), np.linspace(0, 1, 13)[1:-1])
    units = da.map_blocks(lambda b: (np.searchsorted(breaks, b) + 1).astype(np.uint8), geo, dtype=np.uint8)
    write_cog(units, grid, work / "geology.tif", dtype="uint8", nodata=0)
    t["geology"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    mag = _upsample(_coarse_field(rng, size, 200, 2.0), 200, chunks) * 150.0 + \
        _upsample(_coarse_field(rng, size, 20, 1.5), 20, chunks) * 40.0

    def fine(block: np.ndarray, block_info: dict[Any, Any] | None = None) -> np.ndarray:
        assert block_info is not None
        loc = block_info[0]["chunk-location"]
        r = np.random.default_rng([seed, loc[0], loc[1]])
        return (block + r.normal(0, 5.0, size=block.shape)).astype(np.float32)

    write_cog(mag.map_blocks(fine, dtype=np.float32), grid, work / "magnetics.tif", dtype="float32")
    t["magnetics"] = time.perf_counter() - t0
    # deposits from a logistic model of the layers at random candidate cells
    t0 = time.perf_counter()
    lays = {n: read_layer(work / f"{n}.tif", chunks=chunk) for n in ("dist_fault_m", "geology", "magnetics")}
    n_cand = 400_000
    rr = rng.integers(0, size, n_cand)
    cc = rng.integers(0, size, n_cand)
    order = np.lexsort((cc, rr))
    rr, cc = rr[order], cc[order]
    vals = {n: np.asarray(lay.data.data.vindex[rr, cc].compute(), np.float64) for n, lay in lays.items()}
    fav_unit = np.isin(vals["geology"], [3, 7, 11])
    logit = -9.0 - vals["dist_fault_m"] / 800.0 + 2.0 * fav_unit + vals["magnetics"] / 120.0
    p = 1 / (1 + np.exp(-logit))
    target = max(200, int(size * size * 5e-6))
    p *= target / p.sum()
    keep = rng.random(n_cand) < np.minimum(p, 1)
    x = cc[keep] * PIXEL_M + PIXEL_M / 2
    y = size * PIXEL_M - rr[keep] * PIXEL_M - PIXEL_M / 2
    with open(work / "deposits.csv", "w") as fh:
        fh.write("x,y\n")
        for a, b in zip(x, y, strict=True):
            fh.write(f"{a:.1f},{b:.1f}\n")
    t["deposits"] = time.perf_counter() - t0
    return {"generate_s": t, "n_deposits": int(keep.sum()), "n_faults": n_faults}


def run_pipeline(work: Path, chunk: int, trees: int, depth: int, seed: int, skip_rf: bool) -> dict[str, Any]:
    from critmin.prospectivity.deposits import deposit_cells, read_deposits
    from critmin.prospectivity.evidence import reclassify
    from critmin.prospectivity.ml import make_estimator, predict_raster, training_set
    from critmin.prospectivity.response import LayerWeights, posterior, write_response
    from critmin.prospectivity.wofe import calculate_weights

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    dist = read_layer(work / "dist_fault_m.tif", chunks=chunk)
    geo = read_layer(work / "geology.tif", chunks=chunk)
    mag = read_layer(work / "magnetics.tif", chunks=chunk)
    grid = dist.grid
    x, y = read_deposits(work / "deposits.csv", grid)
    cells = deposit_cells(x, y, grid, mode="points")
    dist_c = reclassify(dist, [250, 500, 750, 1000, 1500, 2000, 3000, 4000, 4999])
    sample = np.asarray(mag.data.data[::97, ::97].compute(), np.float64)
    mag_c = reclassify(mag, list(np.quantile(sample, np.linspace(0.1, 0.9, 9))))
    valid = geo.valid()
    specs = [(geo, "categorical", "manual", 2.0), (dist_c, "ascending", "max-contrast", None),
             (mag_c, "descending", "max-contrast", None)]
    lws = []
    tables = {}
    for lay, wt, rule, thr in specs:
        tw = time.perf_counter()
        t = calculate_weights(lay, cells, weights_type=wt, unit_cell_km2=1.0, valid=valid,  # type: ignore[arg-type]
                              generalize_rule=rule, threshold=thr)  # type: ignore[arg-type]
        tables[lay.name] = {"seconds": time.perf_counter() - tw, "classes": len(t.frame),
                            "generalization": t.generalization}
        f = t.frame
        w = f["generalized_weight"].to_numpy(float)
        if not np.all(np.isfinite(w)):
            raise SystemExit(f"{lay.name}: undefined generalised weight")
        lws.append(LayerWeights(layer=lay, classes=f["class"].to_numpy(float), weight=w,
                                s_weight=f["generalized_s_weight"].to_numpy(float)))
        n_dep, total = t.n_deposits, t.total_area_units
    out["weights"] = tables
    out["weights_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    resp = posterior(lws, n_deposits=n_dep, total_area_units=total, valid=valid)
    resp, _files = write_response(resp, work / "wofe", block=chunk)
    assert resp.ci is not None
    out["posterior_s"] = time.perf_counter() - t1
    out["ci_test"] = resp.ci.to_dict()
    out["wofe_total_s"] = time.perf_counter() - t0
    out["rss_after_wofe_mb"] = rss_mb()
    if not skip_rf:
        t2 = time.perf_counter()
        rng = np.random.default_rng(seed)
        ts = training_set([dist, geo, mag], cells, n_negatives=20_000, rng=rng, exclusion_m=500.0)
        rf = make_estimator("random-forest", seed=seed, n_estimators=trees, max_depth=depth).fit(ts.x, ts.y)
        out["rf_train_s"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        write_cog(predict_raster(rf, [dist, geo, mag]), grid, work / "rf_probability.tif", nodata=float("nan"),
                  dtype="float32", block=chunk)
        out["rf_predict_s"] = time.perf_counter() - t3
        out["rf_trees"], out["rf_depth"] = trees, depth
    out["pixels"] = grid.n_pixels
    out["n_deposits"] = cells.n
    out["peak_rss_mb"] = rss_mb()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--chunk", type=int, default=2048)
    ap.add_argument("--trees", type=int, default=50)
    ap.add_argument("--depth", type=int, default=12)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", default="/tmp/bench-country")
    ap.add_argument("--scheduler", choices=["threads", "distributed"], default="threads")
    ap.add_argument("--skip-rf", action="store_true")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    work = Path(args.workdir) / str(args.size)
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"size": args.size, "pixel_m": PIXEL_M, "chunk": args.chunk,
                              "scheduler": args.scheduler, "machine": platform.platform()}
    if not (work / "deposits.csv").exists():
        result["generation"] = generate(work, args.size, args.chunk, args.seed)
    result["rss_after_generation_mb"] = rss_mb()
    if args.scheduler == "distributed":
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cl, \
                Client(cl):
            result["pipeline"] = run_pipeline(work, args.chunk, args.trees, args.depth, args.seed, args.skip_rf)
    else:
        result["pipeline"] = run_pipeline(work, args.chunk, args.trees, args.depth, args.seed, args.skip_rf)
    p = result["pipeline"]
    px = p["pixels"]
    result["throughput_px_per_s"] = {"wofe": px / p["wofe_total_s"]}
    if "rf_predict_s" in p:
        result["throughput_px_per_s"]["rf_predict"] = px / p["rf_predict_s"]
    # a country at 30 m: Australia 7.69e6 km2 -> 8.5e9 cells (same 2 cores, linear in pixels)
    country_px = 7.69e6 * 1e6 / PIXEL_M**2
    result["extrapolation_australia_30m_h"] = {k: country_px / v / 3600
                                              for k, v in result["throughput_px_per_s"].items()}
    result["peak_rss_mb"] = rss_mb()
    text = json.dumps(result, indent=2, default=str)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
