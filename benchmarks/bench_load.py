"""Load test on loopback: 50 concurrent clients with mixed reads, writes and exports, on both stores.

Usage::

    python benchmarks/bench_load.py [--clients 50] [--requests 20] [--backends sqlite,postgis] [--seed 0]
                                    [--pg-admin-url URL]

For each backend a fresh store is migrated and seeded with the bundled demo deposits, an analyst account with
a write token is created, and ``critmin serve`` runs as a subprocess on a free loopback port. Each client
thread (one keep-alive ``httpx.Client``, the analyst's token) sends ``--requests`` requests drawn with a seeded
generator from this mix:

* 50 % reads: deposit list with a commodity filter, OGC API items page with a bbox, a site's detail, facets;
* 20 % exports: CSV export of a commodity's sites (audited as exports);
* 30 % writes: upload a small assay file as a geochemistry dataset, then change its sharing (shares it with a
  partner organisation and sets an embargo date).

Bounded: a fixed number of requests, a 60 s timeout per request. Reports throughput, latency p50/p95/p99/max per
kind and overall, errors (non-2xx or exceptions; 0 expected) and the server's peak RSS, and checks afterwards
that every accepted write is in the store and in the audit log.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C
from bench_ogcapi import Server

ASSAYS = "sample_id,La_ppm,Ce_ppm,Nd_ppm,Pr_ppm\nS1,120,250,105,28\nS2,1500,2900,1000,300\n"
COMMODITIES = ("REE", "Li", "Co", "Ni", "Cu", "Graphite", "Nb", "Ga")


def prepare(url: str) -> str:
    """Migrate, load the demo, create partner organisations and an analyst with a write token."""
    from critmin.store.accounts import create_token, create_user
    from critmin.store.db import open_database
    from critmin.store.ingest import load_demo

    db = open_database(url)
    db.upgrade()
    load_demo(db)
    with db.transaction() as s:
        create_user(s, "load-partner", "usgs", role="viewer")
        create_user(s, "load-analyst", "gsi", role="data_manager")  # shares source data (assay files)
        secret, _ = create_token(s, "load-analyst", "load-test")
    db.dispose()
    return secret


def client_run(base: str, token: str, n: int, seed: int, out: list[tuple[str, float, int | None, str]]) -> None:
    import httpx

    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
        for i in range(n):
            u = rng.random()
            com = rng.choice(COMMODITIES)
            t0 = time.perf_counter()
            kind = "read"
            try:
                if u < 0.5:
                    k = rng.randrange(4)
                    if k == 0:
                        r = c.get("/api/deposits/sites", params={"commodity": com, "limit": 100})
                    elif k == 1:
                        lon, lat = rng.uniform(-120, 120), rng.uniform(-40, 50)
                        r = c.get("/collections/mineral_sites/items",
                                  params={"bbox": f"{lon},{lat},{lon + 30},{lat + 20}", "limit": 200})
                    elif k == 2:
                        r = c.get(f"/api/deposits/sites/{rng.randint(1, 150)}")
                    else:
                        r = c.get("/api/deposits/facets")
                elif u < 0.7:
                    kind = "export"
                    r = c.get("/api/deposits/export", params={"format": "csv", "commodity": com})
                else:
                    kind = "write"
                    r = c.post("/api/geochem/datasets", files={"file": (f"load-{seed}-{i}.csv", ASSAYS.encode())},
                               data={"name": f"load {seed}-{i}", "visibility": "private"})
                    if r.status_code in (200, 201):
                        ds = r.json().get("id") or r.json().get("dataset_id")
                        r = c.put(f"/api/sharing/geochem_dataset/{ds}",
                                  json={"share": {"usgs": "view"}, "public_from": "2031-01-01T00:00:00Z"})
                out.append((kind, (time.perf_counter() - t0) * 1000, r.status_code,
                            "" if r.status_code < 300 else r.text[:200]))
            except Exception as exc:
                out.append((kind, (time.perf_counter() - t0) * 1000, None, f"{type(exc).__name__}: {exc}"))


def run_backend(backend: str, url: str, clients: int, requests: int, seed: int) -> dict[str, Any]:
    token = prepare(url)
    server = Server(url, workers=1)
    try:
        startup = server.wait_ready()
        results: list[tuple[str, float, int | None, str]] = []
        threads = [threading.Thread(target=client_run, args=(server.base, token, requests, seed * 1000 + k, results))
                   for k in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.stop()
    errors = [r for r in results if r[2] is None or r[2] >= 300]
    writes_ok = sum(1 for r in results if r[0] == "write" and r[2] is not None and r[2] < 300)
    from sqlalchemy import func, select

    from critmin.store.db import open_database
    from critmin.store.tables import AuditEvent, GeochemDataset, RecordShare

    db = open_database(url)
    with db.session() as s:
        stored = s.execute(select(func.count()).select_from(GeochemDataset)).scalar_one()
        shared = s.execute(select(func.count()).select_from(RecordShare)).scalar_one()
        audited = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    db.dispose()
    by_kind = {k: C.percentiles([r[1] for r in results if r[0] == k]) for k in ("read", "export", "write")}
    return {"backend": backend, "clients": clients, "requests": len(results), "wall_s": round(wall, 2),
            "throughput_rps": round(len(results) / wall, 1), "startup_s": round(startup, 2),
            "latency_ms": C.percentiles([r[1] for r in results]), "latency_ms_by_kind": by_kind,
            "counts": {k: sum(1 for r in results if r[0] == k) for k in ("read", "export", "write")},
            "errors": len(errors), "error_samples": sorted({e[3][:160] for e in errors})[:10],
            "writes_ok": writes_ok, "datasets_stored": stored, "shares_stored": shared, "audit_events": audited,
            "server_peak_rss_mib": round(server.peak_rss_kib / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=20, help="requests per client")
    ap.add_argument("--backends", default="sqlite,postgis")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pg-admin-url", default="postgresql+psycopg://critmin:critmin@127.0.0.1:5432/postgres")
    a = ap.parse_args(argv)
    rows, runs = [], []
    for backend in a.backends.split(","):
        if backend == "sqlite":
            path = C.RESULTS / "load-test.db"
            C.remove_sqlite(path)
            url = C.sqlite_url(path)
        else:
            url = C.pg_recreate(a.pg_admin_url, "critmin_bench_load")
        r = run_backend(backend, url, a.clients, a.requests, a.seed)
        runs.append(r)
        lat = r["latency_ms"]
        rows.append([backend, r["requests"], r["throughput_rps"], lat["p50"], lat["p95"], lat["p99"], lat["max"],
                     r["errors"], f"{r['writes_ok']}/{r['datasets_stored']}/{r['shares_stored']}",
                     r["server_peak_rss_mib"]])
        if backend == "sqlite":
            C.remove_sqlite(C.RESULTS / "load-test.db")
        else:
            C.pg_drop(a.pg_admin_url, "critmin_bench_load")
    C.print_table(f"Load test: {a.clients} clients × {a.requests} requests (50 % reads, 20 % exports, 30 % writes)",
                  ["store", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors",
                   "writes ok/stored/shared", "server RSS MiB"], rows)
    C.write_result("load", {"machine": C.machine(a.pg_admin_url), "runs": runs})
    return 1 if any(r["errors"] or r["writes_ok"] != r["datasets_stored"] for r in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
