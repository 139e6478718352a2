"""Benchmark: import N MRDS-layout records with ``critmin deposits import FILE --format mrds``.

Usage::

    python benchmarks/bench_import.py [--n 300000] [--seed 0] [--backends sqlite,postgis]
                                      [--pg-admin-url URL] [--preload FILE]

For each backend: a fresh store (SQLite file / PostgreSQL database ``critmin_bench_<n>_s<seed>``) is
migrated, then the real CLI command runs in a child process and is timed end to end (wall time and the
child's own peak RSS via ``os.wait4``). A thin wrapper inside the child times the two phases of
``critmin.store.ingest.import_files`` separately: the reader (``read``) and the store write
(``import_sites`` plus the commit). Then the same file is imported again, which must be a no-op
(``unchanged``). The stores are kept in ``benchmarks/results/data`` / PostgreSQL for
``bench_query.py`` and ``bench_ogcapi.py`` (remove them with ``python benchmarks/cleanup.py``).

``--preload FILE`` executes a Python file in the child before the CLI runs; it is how a candidate
change to ``src/`` is measured without editing it (the file monkeypatches the function under test).

Target (issue 2): < 30 s for 300,000 records on the embedded (SQLite) store.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C

TARGET_S = 30.0

# Runs inside the child: wrap the two phases of import_files, then run the real CLI.
CHILD = r"""
import json, os, sys, time
marks = {}
pre = os.environ.get("BENCH_PRELOAD")
if pre:
    exec(compile(open(pre).read(), pre, "exec"), {"__name__": "bench_preload"})
import critmin.store.ingest as ingest
_read, _imp, _files = ingest.read, ingest.import_sites, ingest.import_files
def timed(fn, key):
    def wrapper(*a, **k):
        t, c = time.perf_counter(), time.process_time()
        r = fn(*a, **k)
        marks[key + "_s"] = time.perf_counter() - t
        marks[key + "_cpu_s"] = time.process_time() - c
        return r
    return wrapper
read, import_sites, import_files = timed(_read, "read"), timed(_imp, "import_sites"), timed(_files, "import_files")
ingest.read, ingest.import_sites, ingest.import_files = read, import_sites, import_files
from critmin.cli.main import main
sys.argv = ["critmin", *sys.argv[1:]]
try:
    main()
finally:
    with open(os.environ["BENCH_MARKS"], "w") as f:
        json.dump(marks, f)
"""


def run_import(url: str, csv: Path, preload: str | None) -> dict[str, Any]:
    """One ``critmin deposits import`` in a child process, with phase timings."""
    marks_path = C.RESULTS / f".marks-{os.getpid()}.json"
    load_before = C.load_average()
    env = {**os.environ, "CRITMIN_DATABASE_URL": url, "BENCH_MARKS": str(marks_path)}
    if preload:
        env["BENCH_PRELOAD"] = str(Path(preload).resolve())
    cmd = [C.PYTHON, "-c", CHILD, "deposits", "import", str(csv), "--format", "mrds", "--json"]
    run = C.run_child(cmd, env=env, timeout_s=1800)
    if run.returncode != 0:
        raise SystemExit(f"import failed (exit {run.returncode}):\n{run.stderr[-4000:]}")
    marks = json.loads(marks_path.read_text())
    marks_path.unlink(missing_ok=True)
    out = json.loads(run.stdout)
    files_s = marks.get("import_files_s", 0.0)
    read_s = marks.get("read_s", 0.0)
    return {
        "total_s": round(run.wall_s, 2),
        "read_s": round(read_s, 2),
        "store_write_s": round(files_s - read_s, 2),  # import_sites + commit (+ check_migrated, negligible)
        "import_sites_s": round(marks.get("import_sites_s", 0.0), 2),
        "commit_s": round(files_s - read_s - marks.get("import_sites_s", 0.0), 2),
        "startup_and_cli_s": round(run.wall_s - files_s, 2),
        "cpu_s": run.cpu_s,
        "read_cpu_s": round(marks.get("read_cpu_s", 0.0), 2),
        "store_write_cpu_s": round(marks.get("import_files_cpu_s", 0.0) - marks.get("read_cpu_s", 0.0), 2),
        "load_average_before": load_before,
        "peak_rss_mib": run.peak_rss_mib,
        "actions": [d["action"] for d in out["datasets"]],
        "sites": sum(d["sites"] for d in out["datasets"]),
        "warnings": len(out.get("warnings", [])),
    }


def store_size_mib(backend: str, url: str) -> float | None:
    if backend == "sqlite":
        p = Path(url.split("///", 1)[1])
        return round(sum(Path(str(p) + s).stat().st_size for s in ("", "-wal") if Path(str(p) + s).exists())
                     / 2**20, 1)
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    with eng.connect() as c:
        size = c.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    eng.dispose()
    return round(size / 2**20, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300_000, help="number of generated MRDS records")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--backends", default="sqlite,postgis", help="comma list of sqlite, postgis")
    ap.add_argument("--pg-admin-url", default=os.environ.get("CRITMIN_BENCH_PG_ADMIN_URL", C.DEFAULT_PG_ADMIN_URL),
                    help="PostgreSQL URL of a role allowed to create databases")
    ap.add_argument("--preload", help="Python file executed in the child first (measures a candidate change)")
    ap.add_argument("--label", default="", help="label stored in the result JSON (e.g. 'before', 'after')")
    ap.add_argument("--scratch", action="store_true",
                    help="import into throw-away stores instead of the cached benchmark stores")
    args = ap.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    csv = C.mrds_file(args.n, args.seed)
    results: dict[str, Any] = {}
    rows = []
    for backend in backends:
        suffix = "_scratch" if args.scratch else ""
        if backend == "sqlite":
            path = C.store_path(args.n, args.seed).with_name(C.store_name(args.n, args.seed) + suffix + ".db")
            path.parent.mkdir(parents=True, exist_ok=True)
            C.remove_sqlite(path)
            url = C.sqlite_url(path)
        elif backend == "postgis":
            url = C.pg_recreate(args.pg_admin_url, C.store_name(args.n, args.seed) + suffix)
        else:
            raise SystemExit(f"unknown backend {backend!r}: expected sqlite or postgis")
        C.migrate(url)
        print(f"[{backend}] first import of {args.n} records …", flush=True)
        first = run_import(url, csv, args.preload)
        print(f"[{backend}] re-import of the same file …", flush=True)
        again = run_import(url, csv, args.preload)
        n_stored = C.site_count(url)
        res = {"first": first, "reimport": again, "sites_in_store": n_stored,
               "store_size_mib": store_size_mib(backend, url),
               "records_per_s": round(args.n / first["total_s"]),
               "reimport_is_noop": again["actions"] == ["unchanged"] and n_stored == args.n}
        if backend == "sqlite":
            res["target_s"] = TARGET_S
            res["meets_target"] = first["total_s"] < TARGET_S
        results[backend] = res
        for phase, r in (("import", first), ("re-import", again)):
            ratio = f"{r['total_s'] / TARGET_S:.2f}x" if backend == "sqlite" else ""
            rows.append([backend, phase, r["read_s"], r["store_write_s"], r["total_s"], ratio, r["cpu_s"],
                         r["peak_rss_mib"], ",".join(r["actions"])])
        if args.scratch:
            if backend == "sqlite":
                C.remove_sqlite(Path(url.split("///", 1)[1]))
            else:
                C.pg_drop(args.pg_admin_url, C.store_name(args.n, args.seed) + suffix)

    info = C.machine(args.pg_admin_url if "postgis" in backends else None)
    C.print_table(f"critmin deposits import: {args.n} MRDS records ({csv.stat().st_size / 2**20:.0f} MiB CSV), "
                  f"target < {TARGET_S:.0f} s on SQLite",
                  ["backend", "phase", "read s", "store s", "total s", "vs target", "CPU s", "peak RSS MiB",
                   "action"], rows)
    print(f"\nmachine: {info}")
    path = C.write_result("bench_import", {"label": args.label, "n": args.n, "seed": args.seed,
                                           "csv": str(csv), "csv_mib": round(csv.stat().st_size / 2**20, 1),
                                           "preload": args.preload, "machine": info, "results": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
