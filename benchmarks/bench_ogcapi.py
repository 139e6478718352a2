"""Benchmark: OGC API – Features item pages of 1,000 features under 20 concurrent clients.

Usage::

    python benchmarks/bench_ogcapi.py [--n 300000] [--seed 0] [--clients 20] [--pages 25]
                                      [--configs sqlite:1,sqlite:2,postgis:1,postgis:2] [--pg-admin-url URL]

For each configuration ``backend:workers`` the script starts ``critmin serve --host 127.0.0.1
--port <free port> --workers W`` as a subprocess on the cached 300,000-site store, waits until
``/conformance`` answers, then runs ``--clients`` threads (one keep-alive ``httpx.Client`` each),
each fetching ``--pages`` pages of ``/collections/mineral_sites/items?limit=1000&offset=…`` (seeded
random offsets; 60 % unfiltered, 20 % with a 5°/20° bbox over data, 20 % with a commodity, half of
those also with a bbox). Everything is bounded: a fixed number of requests, a 120 s timeout per
request, loopback only. It reports latency p50/p95/p99/max, throughput (requests/s, features/s,
MiB/s), errors (non-200 or exceptions; 0 expected) and the server's peak RSS (sum over the process
tree, sampled from /proc every 0.2 s). The server is stopped (SIGTERM, then SIGKILL) afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

HOST = "127.0.0.1"
PAGE = 1000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _tree_rss_kib(root: int) -> int:
    """Sum of VmRSS over ``root`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
        except OSError:
            continue
        ppid = kib = 0
        for line in status.splitlines():
            if line.startswith("PPid:"):
                ppid = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                kib = int(line.split()[1])
        children.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = kib
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


class Server:
    """``critmin serve`` in a subprocess on a free loopback port."""

    def __init__(self, url: str, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = C.RESULTS / f".serve-{self.port}.log"
        env = {**os.environ, "CRITMIN_DATABASE_URL": url}
        self._log_f = self.log.open("w")
        self.proc = subprocess.Popen(
            [C.PYTHON, "-m", "critmin.cli.main", "serve", "--host", HOST, "--port", str(self.port),
             "--workers", str(workers)], stdout=self._log_f, stderr=subprocess.STDOUT, env=env, cwd=C.REPO,
            start_new_session=True)
        self.peak_rss_kib = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_rss_kib = max(self.peak_rss_kib, _tree_rss_kib(self.proc.pid))
            self._stop.wait(0.2)

    def wait_ready(self, timeout_s: float = 90) -> float:
        import httpx

        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"critmin serve exited early:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base}/conformance", timeout=2).status_code == 200:
                    self._sampler.start()
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        died = self.log.read_text().count(" died")
        raise RuntimeError(f"critmin serve did not answer within {timeout_s} s (uvicorn restarted {died} worker(s) "
                           "that missed its health check)")

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: the server and its workers only
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log_f.close()


def data_points(url: str, seed: int, k: int = 2000) -> list[tuple[float, float, list[str]]]:
    from sqlalchemy import select

    from critmin.store.db import open_database
    from critmin.store.tables import Site

    db = open_database(url)
    with db.session() as s:
        pts = s.execute(select(Site.lon, Site.lat, Site.commodities).where(Site.lon.is_not(None))
                        .order_by(Site.id)).all()
    db.dispose()
    rng = random.Random(seed)
    return [(lon, lat, [c for c in coms.split(";") if c]) for lon, lat, coms in rng.sample(pts, k)]


def make_requests(n_sites: int, points: list[tuple[float, float, list[str]]], clients: int, pages: int,
                  seed: int) -> list[list[dict[str, str]]]:
    """Per client, ``pages`` query-parameter dicts (seeded)."""
    rng = random.Random(seed + 1)
    plans = []
    for _ in range(clients):
        plan = []
        for _ in range(pages):
            r = rng.random()
            params = {"limit": str(PAGE)}
            lon, lat, coms = points[rng.randrange(len(points))]
            if r < 0.6:
                params["offset"] = str(rng.randrange(0, max(n_sites - PAGE, 1)))
                kind = "page"
            elif r < 0.8:
                h = rng.choice((2.5, 10.0))
                params["bbox"] = f"{lon - h:.4f},{max(lat - h, -90):.4f},{lon + h:.4f},{min(lat + h, 90):.4f}"
                params["offset"] = str(rng.choice((0, 0, PAGE, 2 * PAGE)))
                kind = "bbox"
            else:
                params["commodity"] = rng.choice(coms or ["Au"])
                if rng.random() < 0.5:
                    h = rng.choice((2.5, 10.0))
                    params["bbox"] = f"{lon - h:.4f},{max(lat - h, -90):.4f},{lon + h:.4f},{min(lat + h, 90):.4f}"
                params["offset"] = str(rng.choice((0, 0, PAGE)))
                kind = "commodity"
            params["_kind"] = kind
            plan.append(params)
        plans.append(plan)
    return plans


def run_clients(base: str, plans: list[list[dict[str, str]]]) -> dict[str, Any]:
    import httpx

    lock = threading.Lock()
    records: list[dict[str, Any]] = []

    def client(plan: list[dict[str, str]]) -> None:
        with httpx.Client(base_url=base, timeout=120.0) as cl:
            for p in plan:
                params = {k: v for k, v in p.items() if not k.startswith("_")}
                t0 = time.perf_counter()
                rec: dict[str, Any] = {"kind": p["_kind"]}
                try:
                    resp = cl.get("/collections/mineral_sites/items", params=params)
                    body = resp.content
                    rec["status"] = resp.status_code
                    rec["bytes"] = len(body)
                    if resp.status_code == 200:
                        rec["features"] = int(resp.json()["numberReturned"])
                    else:
                        rec["error"] = body[:300].decode(errors="replace")
                except Exception as exc:
                    rec["status"] = None
                    rec["error"] = repr(exc)[:300]
                rec["ms"] = (time.perf_counter() - t0) * 1000
                with lock:
                    records.append(rec)

    threads = [threading.Thread(target=client, args=(plan,)) for plan in plans]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ok = [r for r in records if r.get("status") == 200]
    errors = [r for r in records if r.get("status") != 200]
    feats = sum(r.get("features", 0) for r in ok)
    by_kind = {k: C.percentiles([r["ms"] for r in ok if r["kind"] == k]) for k in ("page", "bbox", "commodity")}
    return {
        "requests": len(records), "errors": len(errors), "error_samples": [e.get("error") for e in errors[:5]],
        "wall_s": round(wall, 2), "latency_ms": C.percentiles([r["ms"] for r in ok]), "by_kind": by_kind,
        "req_per_s": round(len(records) / wall, 2), "features_per_s": round(feats / wall),
        "mib_per_s": round(sum(r.get("bytes", 0) for r in ok) / wall / 2**20, 2),
        "features": feats, "mean_page_kib": round(sum(r.get("bytes", 0) for r in ok) / max(len(ok), 1) / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--pages", type=int, default=25, help="requests per client")
    ap.add_argument("--configs", default="sqlite:1,sqlite:2,postgis:1,postgis:2",
                    help="comma list of backend:workers")
    ap.add_argument("--pg-admin-url", default=os.environ.get("CRITMIN_BENCH_PG_ADMIN_URL", C.DEFAULT_PG_ADMIN_URL))
    ap.add_argument("--label", default="")
    ap.add_argument("--ready-timeout", type=float, default=120, help="seconds to wait for the server to answer")
    args = ap.parse_args()
    configs = [(c.split(":")[0], int(c.split(":")[1]) if ":" in c else 1) for c in args.configs.split(",") if c]
    urls = {b: C.ensure_store(b, args.n, args.seed, args.pg_admin_url) for b in {b for b, _ in configs}}
    points = data_points(next(iter(urls.values())), args.seed)
    plans = make_requests(args.n, points, args.clients, args.pages, args.seed)
    results: dict[str, Any] = {}
    rows = []
    for backend, workers in configs:
        key = f"{backend} workers={workers}"
        print(f"[{key}] starting critmin serve …", flush=True)
        srv = Server(urls[backend], workers)
        try:
            ready_s = srv.wait_ready(args.ready_timeout)
            print(f"[{key}] ready in {ready_s:.1f} s; {args.clients} clients × {args.pages} pages …", flush=True)
            r = run_clients(srv.base, plans)
        except RuntimeError as exc:
            print(f"[{key}] FAILED: {exc}", flush=True)
            results[key] = {"failed": str(exc)[:2000]}
            rows.append([key, 0, "no server", "", "", "", "", "", "", "", ""])
            continue
        finally:
            srv.stop()
        r["server_peak_rss_mib"] = round(srv.peak_rss_kib / 1024, 1)
        r["startup_s"] = round(ready_s, 2)
        results[key] = r
        C.write_result("bench_ogcapi-partial", {"label": args.label, "n": args.n, "results": results})
        lat = r["latency_ms"]
        rows.append([key, r["requests"], r["errors"], lat.get("p50"), lat.get("p95"), lat.get("p99"), lat.get("max"),
                     r["req_per_s"], r["features_per_s"], r["mib_per_s"], r["server_peak_rss_mib"]])
        for kind, p in r["by_kind"].items():
            rows.append([f"  {kind}", p.get("n"), "", p.get("p50"), p.get("p95"), p.get("p99"), p.get("max"), "", "",
                         "", ""])
    info = C.machine(args.pg_admin_url if "postgis" in urls else None)
    C.print_table(f"OGC API items, limit={PAGE}, {args.clients} concurrent clients × {args.pages} requests, "
                  f"{args.n} sites (latency ms)",
                  ["server", "requests", "errors", "p50", "p95", "p99", "max", "req/s", "features/s", "MiB/s",
                   "server RSS MiB"], rows)
    for key, r in results.items():
        if r["errors"]:
            print(f"{key}: {r['errors']} errors, e.g. {r['error_samples'][:2]}")
    print(f"machine: {info}")
    path = C.write_result("bench_ogcapi", {"label": args.label, "n": args.n, "seed": args.seed,
                                           "clients": args.clients, "pages_per_client": args.pages,
                                           "machine": info, "results": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
