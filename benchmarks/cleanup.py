"""Remove this suite's cached stores: PostgreSQL ``critmin_bench_*`` databases and ``results/data/critmin_bench_*``.

Usage::

    python benchmarks/cleanup.py [--pg-admin-url URL] [--keep-csv]

Result JSON files in ``benchmarks/results/`` are kept.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as C


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg-admin-url", default=os.environ.get("CRITMIN_BENCH_PG_ADMIN_URL", C.DEFAULT_PG_ADMIN_URL))
    ap.add_argument("--keep-csv", action="store_true", help="keep the generated MRDS CSV files")
    args = ap.parse_args()
    try:
        import sqlalchemy as sa

        eng = sa.create_engine(args.pg_admin_url)
        with eng.connect() as c:
            names = [r[0] for r in c.execute(
                sa.text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                {"prefix": "critmin_bench_"})]
        eng.dispose()
        for name in names:
            C.pg_drop(args.pg_admin_url, name)
            print(f"dropped database {name}")
    except Exception as exc:
        print(f"PostgreSQL not cleaned ({exc.__class__.__name__}: {exc})")
    if C.DATA.exists():
        # only this suite's files: other benchmark suites may keep data in the same folder
        for p in sorted(C.DATA.glob("critmin_bench_*")) + sorted(C.DATA.glob("mrds-*.csv")):
            if args.keep_csv and p.suffix == ".csv":
                continue
            p.unlink()
            print(f"removed {p}")


if __name__ == "__main__":
    main()
