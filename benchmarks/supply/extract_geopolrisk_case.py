"""Extract the country-level inputs of the GeoPolRisk reference case (USA 2022: Ni, Mn, graphite) for the tests.

The published reference case is the workbook ``tests/data/Testing case - tool.xlsx`` of geopolrisk-py
(akoyamp/geopolrisk-py @ b453938; Koyamparambath et al. 2024, doi:10.21105/joss.09600). Only its input facts are
written, as small CSV fixtures under ``tests/supply/data/``: mine production by country (BMF World Mining Data,
sheets Nickel/Manganese/Graphite), US imports by partner (CEPII BACI, sheet "Trade Data", quantity t, value kUSD)
with the partner's normalised WGI political-stability value (sheet "Trade Data" column WGI), and the expected
results (sheet GeoPolRisk). critmin recomputes HHI, import risk, score, midpoint and CF from them. Usage::

    python benchmarks/supply/extract_geopolrisk_case.py "/path/to/Testing case - tool.xlsx"
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[2] / "tests" / "supply" / "data"


def main(argv: list[str]) -> int:
    book = pd.ExcelFile(argv[0])
    prod = []
    for sheet in ("Nickel", "Manganese", "Graphite"):
        d = pd.read_excel(book, sheet)
        d.columns = [str(c).replace(".0", "") for c in d.columns]
        d = d[d["Country_Code"].astype(str) != "DELETE"]
        prod.append(pd.DataFrame({"commodity": sheet, "country": d["Country"], "iso3": d["Country_ISO"],
                                  "production_t_2022": d["2022"]}))
    pd.concat(prod).to_csv(OUT / "geopolrisk_usa2022_production.csv", index=False)
    t = pd.read_excel(book, "Trade Data")
    pd.DataFrame({"commodity": t["rawMaterial"], "exporter_m49": t["Exporting Country"],
                  "importer_m49": t["Importing Country"], "hs": t["Resource HSCODE"].astype(str),
                  "value_kusd": t["Trade Value (1000 USD)"], "quantity_t": t["Quantity (mTonnes)"],
                  "wgi_pv_normalised": t["WGI"]}).to_csv(OUT / "geopolrisk_usa2022_imports.csv", index=False)
    g = pd.read_excel(book, "GeoPolRisk")
    g.to_csv(OUT / "geopolrisk_usa2022_expected.csv", index=False)
    print("wrote", sorted(p.name for p in OUT.glob("geopolrisk_*.csv")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
