"""Benchmark: bbox + commodity queries on a 300,000-site store (the path behind the REST and OGC APIs).

Usage::

    python benchmarks/bench_query.py [--n 300000] [--seed 0] [--queries 300] [--backends sqlite,postgis]
                                     [--no-anchors] [--pg-admin-url URL] [--preload FILE]

Each query is ``critmin.store.sites.query_sites(session, SiteFilter(bbox=…, commodity=(sym,)),
viewer=None, sort="id", limit=100, count=True)`` in a fresh session (as one API request does):
the total count plus the first page of 100 ORM rows. Queries are seeded: a centre is a random stored
site (so boxes lie over regions with data), the box is a 1°, 5° or 20° square (one third each), and
the commodity is one of that site's commodities (so it is present in the data). Ten warm-up queries
are not counted.

Anchors (same queries, SQLite store exported once to a GeoPackage with ``critmin deposits export``):

* geopandas: the GeoDataFrame read into memory once, then ``sindex.query(box)`` + commodity mask,
  count + the 100 smallest ids;
* pyogrio: ``read_dataframe(gpkg, bbox=…, where=…)`` per query (GDAL's R-tree + SQL filter), count
  + the 100 smallest ids.

Target (issue 2): p95 < 50 ms on both backends.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

TARGET_P95_MS = 50.0
SIZES_DEG = (1.0, 5.0, 20.0)


def make_queries(url: str, k: int, seed: int) -> list[dict[str, Any]]:
    """``k`` seeded (bbox, commodity) queries centred on stored sites."""
    from sqlalchemy import select

    from critmin.store.db import open_database
    from critmin.store.tables import Site

    db = open_database(url)
    with db.session() as s:
        pts = s.execute(select(Site.lon, Site.lat, Site.commodities).where(Site.lon.is_not(None))
                        .order_by(Site.id)).all()
    db.dispose()
    rng = random.Random(seed)
    out = []
    for i in range(k):
        lon, lat, coms = pts[rng.randrange(len(pts))]
        syms = [c for c in coms.split(";") if c] or ["Au"]
        size = SIZES_DEG[i % len(SIZES_DEG)]
        h = size / 2
        bbox = (max(lon - h, -180.0), max(lat - h, -90.0), min(lon + h, 180.0), min(lat + h, 90.0))
        out.append({"bbox": tuple(round(v, 4) for v in bbox), "commodity": rng.choice(syms), "size_deg": size})
    rng.shuffle(out)
    return out


def run_critmin(url: str, queries: list[dict[str, Any]], warmup: int = 10) -> dict[str, Any]:
    from critmin.store.db import open_database
    from critmin.store.filters import SiteFilter
    from critmin.store.sites import query_sites

    db = open_database(url)
    for q in queries[:warmup]:
        with db.session() as s:
            query_sites(s, SiteFilter(bbox=q["bbox"], commodity=(q["commodity"],)), viewer=None, limit=100)
    lat_ms: list[float] = []
    by_size: dict[float, list[float]] = {s: [] for s in SIZES_DEG}
    matched: list[int] = []
    for q in queries:
        t0 = time.perf_counter()
        with db.session() as s:
            total, rows = query_sites(s, SiteFilter(bbox=q["bbox"], commodity=(q["commodity"],)), viewer=None,
                                      sort="id", limit=100, count=True)
            ids = [r.id for r in rows]
        ms = (time.perf_counter() - t0) * 1000
        lat_ms.append(ms)
        by_size[q["size_deg"]].append(ms)
        matched.append(int(total or 0))
        q.setdefault("expect", (int(total or 0), ids[:5]))
    db.dispose()
    return {"all": C.percentiles(lat_ms), "by_size": {f"{k:g}deg": C.percentiles(v) for k, v in by_size.items()},
            "matched": C.percentiles(matched), "latencies_ms": [round(v, 3) for v in lat_ms]}


def gpkg_export(sqlite_url: str, n: int, seed: int) -> tuple[Path, float]:
    path = C.DATA / f"{C.store_name(n, seed)}.gpkg"
    if path.exists():
        return path, float("nan")
    run = C.run_child([C.PYTHON, "-m", "critmin.cli.main", "deposits", "export", str(path), "--json"],
                      env={**os.environ, "CRITMIN_DATABASE_URL": sqlite_url}, timeout_s=1800)
    if run.returncode != 0:
        raise SystemExit(f"export failed:\n{run.stderr[-3000:]}")
    return path, run.wall_s


def _mask_commodity(series: Any, sym: str) -> Any:
    # export writes "Cu, Au, Ag"
    return series.str.contains(rf"(?:^|, ){sym}(?:,|$)", regex=True)


def run_geopandas(gpkg: Path, queries: list[dict[str, Any]]) -> dict[str, Any]:
    import geopandas as gpd
    import shapely

    t0 = time.perf_counter()
    gdf = gpd.read_file(gpkg, layer="mineral_sites", engine="pyogrio")
    _ = gdf.sindex
    load_s = time.perf_counter() - t0
    lat_ms, mismatches = [], 0
    for q in queries:
        t0 = time.perf_counter()
        idx = gdf.sindex.query(shapely.box(*q["bbox"]), predicate="intersects")
        sub = gdf.iloc[idx]
        sub = sub[_mask_commodity(sub["commodities"], q["commodity"])]
        total = len(sub)
        ids = sub["site_id"].nsmallest(100).tolist()
        lat_ms.append((time.perf_counter() - t0) * 1000)
        if (total, ids[:5]) != q["expect"]:
            mismatches += 1
    return {"all": C.percentiles(lat_ms), "load_s": round(load_s, 2), "mismatches": mismatches}


def run_pyogrio(gpkg: Path, queries: list[dict[str, Any]]) -> dict[str, Any]:
    import pyogrio

    lat_ms, mismatches = [], 0
    for q in queries:
        sym = q["commodity"].replace("'", "''")
        where = (f"(', ' || commodities || ',') LIKE '%, {sym},%'")
        t0 = time.perf_counter()
        df = pyogrio.read_dataframe(gpkg, layer="mineral_sites", bbox=q["bbox"], where=where,
                                    columns=["site_id", "name", "commodities", "status"], read_geometry=True)
        total = len(df)
        ids = df["site_id"].nsmallest(100).tolist()
        lat_ms.append((time.perf_counter() - t0) * 1000)
        if (total, ids[:5]) != q["expect"]:
            mismatches += 1
    return {"all": C.percentiles(lat_ms), "mismatches": mismatches}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--queries", type=int, default=300, help="number of timed queries per backend (>= 200)")
    ap.add_argument("--backends", default="sqlite,postgis")
    ap.add_argument("--no-anchors", action="store_true", help="skip the geopandas / pyogrio anchors")
    ap.add_argument("--pg-admin-url", default=os.environ.get("CRITMIN_BENCH_PG_ADMIN_URL", C.DEFAULT_PG_ADMIN_URL))
    ap.add_argument("--preload", help="Python file executed first (measures a candidate change to src/)")
    ap.add_argument("--label", default="")
    ap.add_argument("--sqlite-url", help="use this SQLite store instead of the cached one (e.g. a migrated copy)")
    ap.add_argument("--postgis-url", help="use this PostGIS store instead of the cached one")
    args = ap.parse_args()
    if args.preload:
        exec(compile(Path(args.preload).read_text(), args.preload, "exec"), {"__name__": "bench_preload"})
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    given = {"sqlite": args.sqlite_url, "postgis": args.postgis_url}
    urls = {b: given[b] or C.ensure_store(b, args.n, args.seed, args.pg_admin_url) for b in backends}
    queries = make_queries(urls[backends[0]], args.queries, args.seed)
    results: dict[str, Any] = {}
    rows = []
    for b in backends:
        print(f"[{b}] {args.queries} queries …", flush=True)
        r = run_critmin(urls[b], queries)
        results[b] = r
    anchors: dict[str, Any] = {}
    if not args.no_anchors and "sqlite" in urls:
        gpkg, export_s = gpkg_export(urls["sqlite"], args.n, args.seed)
        print("[anchor] geopandas in memory …", flush=True)
        anchors["geopandas_memory"] = run_geopandas(gpkg, queries)
        print("[anchor] pyogrio GeoPackage read …", flush=True)
        anchors["pyogrio_gpkg"] = run_pyogrio(gpkg, queries)
        anchors["gpkg"] = {"path": str(gpkg), "export_s": round(export_s, 1)}
    ref = anchors.get("geopandas_memory", {}).get("all")
    for name, r in [*results.items(), *((k, v) for k, v in anchors.items() if "all" in v)]:
        a = r["all"]
        vs_target = f"{a['p95'] / TARGET_P95_MS:.2f}x" if name in results else ""
        vs_gpd = f"{a['p50'] / ref['p50']:.1f}x" if ref else ""
        rows.append([name, a["n"], a["p50"], a["p95"], a["p99"], a["max"], vs_target, vs_gpd])
    for b in results:
        for size, p in results[b]["by_size"].items():
            rows.append([f"  {b} {size}", p["n"], p["p50"], p["p95"], p["p99"], p["max"], "", ""])
    info = C.machine(args.pg_admin_url if "postgis" in backends else None)
    C.print_table(f"bbox + commodity query, count + first 100, {args.n} sites (ms); target p95 < {TARGET_P95_MS:g} ms",
                  ["engine", "n", "p50", "p95", "p99", "max", "p95/target", "p50/geopandas"], rows)
    for b in results:
        m = results[b]["matched"]
        print(f"{b}: sites matched per query p50 {m['p50']:.0f}, p95 {m['p95']:.0f}, max {m['max']:.0f}")
    for k, v in anchors.items():
        if "mismatches" in v:
            print(f"{k}: {v['mismatches']} of {len(queries)} queries disagree with critmin on (count, first ids)")
    print(f"peak RSS of this process: {C.peak_rss_mib()} MiB")
    print(f"machine: {info}")
    path = C.write_result("bench_query", {
        "label": args.label, "n": args.n, "seed": args.seed, "preload": args.preload, "machine": info,
        "target_p95_ms": TARGET_P95_MS, "queries": [{k: v for k, v in q.items() if k != "expect"} for q in queries],
        "results": results, "anchors": anchors, "peak_rss_mib": C.peak_rss_mib()})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
