"""Shared helpers of the benchmark scripts: machine description, timing, peak RSS, result files, stores.

Not part of the ``critmin`` package. The 300,000-site stores are cached under ``benchmarks/results/``
(git-ignored) and in PostgreSQL databases named ``critmin_bench_<n>_s<seed>`` so that the query and
OGC API benchmarks do not re-import; ``python benchmarks/cleanup.py`` removes them.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shlex
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
DATA = RESULTS / "data"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://critmin:critmin@127.0.0.1:5432/postgres"
PYTHON = sys.executable


# ---------------------------------------------------------------- machine and process measurements


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def postgres_version(admin_url: str) -> str | None:
    """``SELECT version()`` and the PostGIS version, or None when the server is unreachable."""
    try:
        import sqlalchemy as sa

        eng = sa.create_engine(admin_url)
        with eng.connect() as c:
            v = c.exec_driver_sql("SHOW server_version").scalar()
            try:
                pg = c.exec_driver_sql("SELECT extversion FROM pg_extension WHERE extname='postgis'").scalar()
                if pg is None:
                    pg = c.exec_driver_sql(
                        "SELECT default_version FROM pg_available_extensions WHERE name='postgis'").scalar()
            except Exception:
                pg = None
        eng.dispose()
        return f"PostgreSQL {v}" + (f" + PostGIS {pg}" if pg else "")
    except Exception:
        return None


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages (other processes on a shared machine inflate wall times)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def machine(pg_admin_url: str | None = None) -> dict[str, Any]:
    """The machine and software versions a result was measured on."""
    import sqlalchemy

    try:
        import critmin

        critmin_version = critmin.__version__
    except Exception:
        critmin_version = None
    info: dict[str, Any] = {
        "host": socket.gethostname(),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "critmin": critmin_version,
        "git_commit": _git_commit(),
        "load_average_at_end": load_average(),
    }
    if pg_admin_url:
        info["postgresql"] = postgres_version(pg_admin_url)
    return info


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("+dirty-src" if dirty else "") if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size of this process (or of waited-for children) in MiB (Linux: ru_maxrss is KiB)."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


@dataclass
class ChildRun:
    """One finished child process: exit code, wall time, its own peak RSS, output."""

    cmd: list[str]
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    stdout: str
    stderr: str


def run_child(cmd: Sequence[str], *, env: dict[str, str] | None = None, timeout_s: float = 900) -> ChildRun:
    """Run ``cmd``; measure its wall time, CPU time (user + system) and own peak RSS (``os.wait4``)."""
    out_path = RESULTS / f".child-{os.getpid()}.out"
    err_path = RESULTS / f".child-{os.getpid()}.err"
    RESULTS.mkdir(parents=True, exist_ok=True)
    with out_path.open("w") as out, err_path.open("w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=REPO)
        deadline = t0 + timeout_s
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    res = ChildRun(list(cmd), proc.returncode, wall, round(ru.ru_utime + ru.ru_stime, 2), round(ru.ru_maxrss / 1024, 1),
                   out_path.read_text(),
                   err_path.read_text())
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return res


# ---------------------------------------------------------------- statistics and output


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """n, p50, p95, p99, max and mean of a list of latencies (ms), nearest-rank-interpolated (numpy linear)."""
    import numpy as np

    a = np.asarray(values_ms, dtype=float)
    if a.size == 0:
        return {"n": 0}
    return {"n": int(a.size), "p50": round(float(np.percentile(a, 50)), 2),
            "p95": round(float(np.percentile(a, 95)), 2), "p99": round(float(np.percentile(a, 99)), 2),
            "max": round(float(a.max()), 2), "mean": round(float(a.mean()), 2)}


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned text table on stdout."""
    cells = [[str(h) for h in header]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for k, r in enumerate(cells):
        print("  " + "  ".join(c.rjust(w) if k and _numeric(c) else c.ljust(w) for c, w in zip(r, widths, strict=True)))
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _numeric(s: str) -> bool:
    try:
        float(s.rstrip("x%"))
        return True
    except ValueError:
        return False


def write_result(name: str, payload: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<name>-<UTC timestamp>.json`` and ``<name>-latest.json``; return the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    doc = {"benchmark": name, "utc": stamp, "command": " ".join(shlex.quote(a) for a in [PYTHON, *sys.argv]),
           **payload}
    path = RESULTS / f"{name}-{stamp}.json"
    text = json.dumps(doc, indent=2, default=str)
    path.write_text(text)
    (RESULTS / f"{name}-latest.json").write_text(text)
    return path


# ---------------------------------------------------------------- data and stores


def mrds_file(n: int, seed: int) -> Path:
    """The generated MRDS-layout CSV of ``n`` rows (generated once per (n, seed))."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"mrds-{n}-s{seed}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp.csv")
        subprocess.run([PYTHON, str(HERE / "generate_mrds.py"), str(n), str(tmp), "--seed", str(seed)], check=True)
        tmp.rename(path)
    return path


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def pg_url(admin_url: str, dbname: str) -> str:
    """``admin_url`` with its database replaced by ``dbname``."""
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=dbname).render_as_string(hide_password=False)


def pg_recreate(admin_url: str, dbname: str) -> str:
    """Drop and create the scratch database ``dbname``; return its URL."""
    import sqlalchemy as sa

    if not dbname.startswith("critmin_bench_"):
        raise ValueError(f"refusing to drop {dbname!r}: benchmark databases are named critmin_bench_*")
    eng = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
    eng.dispose()
    return pg_url(admin_url, dbname)


def pg_drop(admin_url: str, dbname: str) -> None:
    """Drop the scratch database ``dbname`` (benchmark databases only)."""
    import sqlalchemy as sa

    if not dbname.startswith("critmin_bench_"):
        raise ValueError(f"refusing to drop {dbname!r}: benchmark databases are named critmin_bench_*")
    eng = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    eng.dispose()


def pg_exists(admin_url: str, dbname: str) -> bool:
    import sqlalchemy as sa

    eng = sa.create_engine(admin_url)
    with eng.connect() as c:
        found = c.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(d)s", {"d": dbname}).scalar()
    eng.dispose()
    return bool(found)


def store_name(n: int, seed: int) -> str:
    return f"critmin_bench_{n}_s{seed}"


def store_path(n: int, seed: int) -> Path:
    return DATA / f"{store_name(n, seed)}.db"


def migrate(url: str) -> None:
    from critmin.store.db import open_database

    db = open_database(url)
    db.upgrade()
    db.dispose()


def site_count(url: str) -> int:
    from sqlalchemy import func, select

    from critmin.store.db import open_database
    from critmin.store.tables import Site

    db = open_database(url)
    try:
        db.check_migrated()
        with db.session() as s:
            return int(s.execute(select(func.count()).select_from(Site)).scalar_one())
    except Exception:
        return 0
    finally:
        db.dispose()


def schema_matches(url: str) -> bool:
    """True when every table and column of the current ORM models exists in the store.

    A cached store built by an older checkout (e.g. before a column was added) is rebuilt.
    """
    from sqlalchemy import inspect

    from critmin.store.db import open_database
    from critmin.store.tables import Base

    db = open_database(url)
    try:
        insp = inspect(db.engine)
        have = set(insp.get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in have:
                return False
            cols = {c["name"] for c in insp.get_columns(table.name)}
            if not {c.name for c in table.columns} <= cols:
                return False
        return True
    except Exception:
        return False
    finally:
        db.dispose()


def _upgraded(url: str) -> bool:
    """Apply newer migrations to a cached store (True if that worked)."""
    try:
        migrate(url)
        return True
    except Exception:
        return False


def ensure_store(backend: str, n: int, seed: int, admin_url: str) -> str:
    """URL of a store holding the ``n`` generated sites (imported with the CLI if not cached or stale)."""
    if backend == "sqlite":
        path = store_path(n, seed)
        url = sqlite_url(path)
        if path.exists() and site_count(url) == n and _upgraded(url) and schema_matches(url):
            return url
        remove_sqlite(path)
    else:
        name = store_name(n, seed)
        url = pg_url(admin_url, name)
        if pg_exists(admin_url, name) and site_count(url) == n and _upgraded(url) and schema_matches(url):
            return url
        pg_recreate(admin_url, name)
    migrate(url)
    csv = mrds_file(n, seed)
    print(f"importing {n} sites into the {backend} store (cached for later runs) …", flush=True)
    run = run_child([PYTHON, "-m", "critmin.cli.main", "deposits", "import", str(csv), "--format", "mrds", "--json"],
                    env={**os.environ, "CRITMIN_DATABASE_URL": url}, timeout_s=1800)
    if run.returncode != 0:
        raise SystemExit(f"import into {backend} failed:\n{run.stderr[-3000:]}")
    return url
