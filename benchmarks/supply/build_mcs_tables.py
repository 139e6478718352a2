"""Build critmin's MCS reference tables from the USGS Mineral Commodity Summaries data-release CSVs (run once).

Reads ``../shared/data/supply/mcs20{23,24}/world/*.csv`` and ``trends/*Net_Import_Reliance.csv`` (verbatim copies
of USGS MCS 2023, doi:10.5066/P9WCYUI6, and MCS 2024, doi:10.5066/P144BA54, US public domain) and writes

- ``src/critmin/reference/supply_production.csv``: one row per (edition, commodity, stage, reported name, year),
  countries, "Other countries" and "World total (rounded)" rows kept and typed (``row_kind``), ``W``/``NA`` kept
  as flags with an empty quantity, footnote letters stripped from names, every name mapped to ISO3 explicitly;
- ``src/critmin/reference/supply_us_nir.csv``: US net import reliance (percent, with its qualifier) per edition, from
  the Figure 2 tables and the salient-statistics files (``E`` = net exporter is written as 0 with qualifier E);
- ``src/critmin/reference/supply_mcs2024_t5.csv``: MCS 2024 Table 5 (critical minerals, 2023e): US primary and
  secondary (recycled) production, apparent consumption, NIR, leading producer and world production, as printed.

Every row carries ``edition`` and ``table`` (file name). A reported name that maps to no ISO3 code stops the build
with the list of such names (nothing is written). Usage, from the repository root::

    python benchmarks/supply/build_mcs_tables.py [--data ../shared/data/supply]
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "src" / "critmin" / "reference"
CODES = {"antim": "Sb", "cobal": "Co", "coppe": "Cu", "galli": "Ga", "germa": "Ge", "graph": "Graphite",
         "lithi": "Li", "manga": "Mn", "nicke": "Ni", "raree": "REE", "tungs": "W"}
DOI = {"MCS2023": "doi:10.5066/P9WCYUI6", "MCS2024": "doi:10.5066/P144BA54"}
NIR_NAMES = {"Sb": ["ANTIMONY"], "Co": ["COBALT"], "Cu": ["COPPER"], "Ga": ["GALLIUM"], "Ge": ["GERMANIUM"],
             "Graphite": ["GRAPHITE"], "Li": ["LITHIUM"], "Mn": ["MANGANESE"], "Ni": ["NICKEL"],
             "REE": ["RARE EARTHS"], "W": ["TUNGSTEN"]}
# MCS spellings that the countries table does not list (explicit, reviewed by hand).
EXTRA_NAMES = {"Russia (recoverable)": "RUS", "Kazakhstan, concentrate": "KAZ", "Ukraine, concentrate": "UKR",
               "Burma": "MMR", "Côte d’Ivoire": "CIV", "New Caledonia": "NCL"}
PROD_COL = re.compile(r"^Prod_(?P<unit>kg|kt|t)_(?P<est>est_)?(?P<year>\d{4})$")


def _stage(commodity: str, type_text: str) -> str:
    t = type_text.lower()
    if t.startswith("refinery") or "refinery production" in t or commodity in ("Ga",):
        return "refinery"
    if "mine production" in t:
        return "mine"
    raise SystemExit(f"cannot type the stage of {commodity} row type {type_text!r}")


def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    with open(REF / "countries.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for name in [row["name"], *row["aliases"].split("|")]:
                if name:
                    index[name.strip().lower()] = row["iso3"]
    for name, iso3 in EXTRA_NAMES.items():
        index[name.lower()] = iso3
    return index


def clean_name(raw: str, index: dict[str, str]) -> tuple[str, str, str]:
    """(clean name, row kind, iso3) of a reported name with footnote markers glued on."""
    name = re.sub(r"\s+", " ", raw).strip()
    name = re.sub(r"\d+$", "", name).strip()          # "New Caledonia11", "World total (rounded)10"
    low = name.lower()
    if low.startswith("world total"):
        return "World total (rounded)", "world_total", ""
    if low.startswith("other countries"):
        return "Other countries", "other", ""
    if low in index:
        return name, "country", index[low]
    if low.endswith("e") and low[:-1] in index:        # footnote "e" (estimated): "Japane", "Russiae"
        return name[:-1], "country", index[low[:-1]]
    return name, "country", ""


def _value(text: str) -> tuple[str, str]:
    """(quantity, flag) of a cell: numbers lose thousands separators; W, NA, XX are kept as flags."""
    s = text.strip().replace(",", "")
    if s in ("W", "NA", "XX", ""):
        return "", s or "NA"
    float(s)
    return s, ""


def read_world(path: Path, edition: str, index: dict[str, str], unmapped: list[str]) -> list[dict[str, str]]:
    commodity = CODES[path.name.split("-")[1].split("_")[0]]
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    prod_cols = [(i, m) for i, h in enumerate(header) if (m := PROD_COL.match(h))]
    out = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue                                   # all-comma rows of the 2024 files
        raw = row[header.index("Country")]
        name, kind, iso3 = clean_name(raw, index)
        if kind == "country" and not iso3:
            unmapped.append(f"{path.name} line {line_no}: {raw!r}")
        type_text = row[header.index("Type")].strip()
        for i, m in prod_cols:
            qty, flag = _value(row[i] if i < len(row) else "")
            out.append({
                "commodity": commodity, "stage": _stage(commodity, type_text), "country": name, "iso3": iso3,
                "row_kind": kind, "year": m["year"], "quantity": qty, "flag": flag, "unit": m["unit"],
                "estimated": "1" if m["est"] else "0", "basis": type_text, "edition": edition,
                "table": path.name, "column": header[i], "reported_name": raw.strip(), "source": DOI[edition],
            })
    return out


def read_nir(path: Path, edition: str) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    col = next(c for c in rows[0] if c.startswith("Net_Import_Reliance_pct"))
    year = col.rsplit("_", 1)[1]
    out = []
    for row in rows:
        name = row["Commodity"].strip().upper()
        for symbol, keys in NIR_NAMES.items():
            if any(name.startswith(k) for k in keys):
                raw = row[col].strip()
                m = re.match(r"^([<>]?)\s*(\d+(?:\.\d+)?)$", raw)
                out.append({"commodity": symbol, "year": year, "nir_pct": m[2] if m else "",
                            "qualifier": m[1] if m else raw, "reported_commodity": row["Commodity"].strip(),
                            "major_import_sources": row.get("Major_Import_Sources_2019_2022",
                                                            row.get("Major_Import_Sources_2018_2021", "")).strip(),
                            "edition": edition, "table": path.name, "source": DOI[edition]})
    return out


def read_salient_nir(path: Path, edition: str) -> list[dict[str, str]]:
    """US NIR by year from a salient-statistics file (``NIR_pct``; rare earths: compounds and metals)."""
    symbol = CODES[path.name.split("-")[1].split("_")[0]]
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r.get("Year", "").strip()]
    cols = [c for c in (rows[0] if rows else {}) if c and c.startswith("NIR_")]
    if not cols:                        # mcs2024-cobal_salient.csv is a world table, not a salient table
        return []
    col = next((c for c in cols if "Compounds-Metals" in c), cols[0])
    out = []
    for row in rows:
        raw = (row.get(col) or "").strip()
        m = re.match(r"^([<>]?)\s*(\d+(?:\.\d+)?)$", raw)
        if m:
            pct, qual = m[2], m[1]
        elif raw == "E":                # net exporter
            pct, qual = "0", "E"
        else:
            pct, qual = "", raw
        out.append({"commodity": symbol, "year": row["Year"].strip(), "nir_pct": pct, "qualifier": qual,
                    "reported_commodity": row["Commodity"].strip(), "major_import_sources": "",
                    "edition": edition, "table": path.name, "source": DOI[edition]})
    return out


T5_SYMBOLS = {"Antimony": "Sb", "Cobalt": "Co", "Gallium": "Ga", "Germanium": "Ge", "Graphite (natural)": "Graphite",
              "Lithium": "Li", "Manganese": "Mn", "Nickel": "Ni", "Rare earths (compounds and metals)": "REE",
              "Tungsten": "W"}


def read_t5(path: Path) -> list[dict[str, str]]:
    """MCS 2024 Table 5 (critical minerals, 2023e): US primary/secondary production, NIR, leading producer."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        name = row["Critical_mineral"].strip()
        out.append({"critical_mineral": name, "commodity": T5_SYMBOLS.get(name, ""),
                    "year": row["Year"].strip().split("_")[0],
                    "us_primary_prod": row["Primary_prod"].strip(), "us_secondary_prod": row["Secondary_prod"].strip(),
                    "us_prod_notes": row["Prod_notes"].strip(),
                    "us_apparent_consumption": row["Apparent_Consuption"].strip(),
                    "us_net_import_reliance_pct": row["Net_Import_Reliance"].strip(),
                    "us_primary_import_source": row["Primary_import_source"].strip(),
                    "leading_country": row["Leading_source_country"].strip(),
                    "leading_country_prod": row["Leading_country_prod"].strip().replace(",", ""),
                    "world_total_prod": row["World_total_prod"].strip().replace(",", ""),
                    "world_prod_notes": row["World_prod_notes"].strip(),
                    "leading_country_pct_world": row["Leading_source_precent_world"].strip(),
                    "edition": "MCS2024", "table": path.name, "source": DOI["MCS2024"]})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data" / "supply")
    ap.add_argument("--out", type=Path, default=REF, help="output folder (default: the reference package)")
    args = ap.parse_args(argv)
    index = _country_index()
    unmapped: list[str] = []
    prod: list[dict[str, str]] = []
    nir: list[dict[str, str]] = []
    for edition, folder in (("MCS2023", "mcs2023"), ("MCS2024", "mcs2024")):
        for path in sorted((args.data / folder / "world").glob("*_world.csv")):
            prod.extend(read_world(path, edition, index, unmapped))
        for path in sorted((args.data / folder / "trends").glob("*Net_Import_Reliance.csv")):
            nir.extend(read_nir(path, edition))
        for path in sorted((args.data / folder / "salient").glob("*_salient.csv")):
            nir.extend(read_salient_nir(path, edition))
    if unmapped:
        print("unmapped country names (add them to EXTRA_NAMES):\n  " + "\n  ".join(unmapped), file=sys.stderr)
        return 1
    t5 = read_t5(args.data / "mcs2024" / "trends" / "MCS2024_T5_Critical_Minerals_Salient.csv")
    for name, rows in (("supply_production.csv", prod), ("supply_us_nir.csv", nir), ("supply_mcs2024_t5.csv", t5)):
        with open(args.out / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        print(f"wrote {name}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
