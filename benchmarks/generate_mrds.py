"""Generate N realistic rows in the USGS MRDS CSV layout (45 columns + ``score``).

Usage::

    python benchmarks/generate_mrds.py N OUT.csv [--seed 0]

The rows imitate the MRDS digest (304,328 records, mostly in the USA): sites cluster in mining
regions, commodity mixes follow common MRDS combinations, ``dev_stat`` and the location score
follow the distributions below. Deterministic for a given seed (numpy ``Generator``).

* Score distribution: MinMod's dump of 175,102 MRDS records (``site_rank``): D 109,514, C 33,365,
  B 19,924, E 11,591, A 708 (see ../shared/notes/deposits.md §1.1).
* ``dev_stat`` distribution: an assumption (MRDS is dominated by occurrences and past producers):
  Occurrence 40 %, Past Producer 30 %, Prospect 18 %, Producer 8 %, Unknown 3 %, Plant 1 %.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

COLUMNS = (
    "dep_id",
    "url",
    "mrds_id",
    "mas_id",
    "site_name",
    "latitude",
    "longitude",
    "region",
    "country",
    "state",
    "county",
    "com_type",
    "commod1",
    "commod2",
    "commod3",
    "oper_type",
    "dep_type",
    "prod_size",
    "dev_stat",
    "ore",
    "gangue",
    "other_matl",
    "orebody_fm",
    "work_type",
    "model",
    "alteration",
    "conc_proc",
    "names",
    "ore_ctrl",
    "reporter",
    "hrock_unit",
    "hrock_type",
    "arock_unit",
    "arock_type",
    "structure",
    "tectonic",
    "ref",
    "yfp_ba",
    "yr_fst_prd",
    "ylp_ba",
    "yr_lst_prd",
    "dy_ba",
    "disc_yr",
    "prod_yrs",
    "discr",
    "score",
)

# (region, country, state, lon, lat, spread_deg, weight)
REGIONS = [
    ("NA", "United States", "Nevada", -117.0, 39.5, 1.6, 9),
    ("NA", "United States", "California", -120.0, 37.5, 2.0, 12),
    ("NA", "United States", "Arizona", -111.5, 33.8, 1.5, 8),
    ("NA", "United States", "Colorado", -106.5, 39.0, 1.3, 7),
    ("NA", "United States", "Idaho", -115.0, 44.5, 1.2, 5),
    ("NA", "United States", "Montana", -112.5, 46.5, 1.5, 6),
    ("NA", "United States", "Utah", -112.5, 39.5, 1.2, 4),
    ("NA", "United States", "New Mexico", -107.5, 33.5, 1.5, 4),
    ("NA", "United States", "Oregon", -121.0, 43.5, 1.5, 3),
    ("NA", "United States", "Washington", -120.0, 47.8, 1.3, 3),
    ("NA", "United States", "Alaska", -150.0, 62.5, 5.0, 5),
    ("NA", "United States", "North Carolina", -80.5, 35.5, 1.2, 2),
    ("NA", "United States", "Georgia", -84.0, 33.5, 1.0, 2),
    ("NA", "United States", "Wisconsin", -89.8, 44.5, 1.2, 2),
    ("NA", "United States", "Missouri", -91.0, 37.7, 1.0, 2),
    ("NA", "United States", "Wyoming", -107.5, 43.0, 1.5, 2),
    ("NA", "Canada", "British Columbia", -123.5, 51.5, 2.5, 3),
    ("NA", "Canada", "Ontario", -82.0, 47.5, 2.5, 2),
    ("NA", "Canada", "Quebec", -75.0, 48.5, 2.5, 2),
    ("NA", "Mexico", "Sonora", -110.5, 29.5, 1.5, 2),
    ("SA", "Chile", "Antofagasta", -69.5, -23.5, 1.2, 1),
    ("SA", "Peru", "Arequipa", -72.0, -15.5, 1.5, 1),
    ("SA", "Brazil", "Minas Gerais", -44.0, -19.5, 1.5, 1),
    ("SA", "Argentina", "Catamarca", -67.0, -26.5, 1.2, 0.5),
    ("AF", "South Africa", "Limpopo", 29.0, -24.0, 1.5, 1),
    ("AF", "Congo (Kinshasa)", "Katanga", 26.5, -11.0, 1.2, 0.5),
    ("AS", "China", "Inner Mongolia", 110.0, 41.5, 3.0, 1),
    ("AS", "India", "Kerala", 76.5, 9.5, 0.6, 0.4),
    ("AS", "India", "Rajasthan", 74.0, 25.5, 1.5, 0.4),
    ("AS", "India", "Jharkhand", 85.5, 23.5, 0.8, 0.4),
    ("OC", "Australia", "Western Australia", 121.0, -27.0, 4.0, 1.5),
    ("OC", "Australia", "Queensland", 143.0, -21.0, 3.0, 1),
    ("EU", "Sweden", "Norrbotten", 20.5, 67.0, 1.5, 0.5),
    ("EU", "Spain", "Huelva", -6.8, 37.6, 0.6, 0.3),
]

# (commod1, commod2, commod3, model, ore, weight)
MIXES = [
    ("Gold", "Silver", "", "Low-sulfide Au-quartz veins (Model 36a)", "Native gold, Pyrite", 22),
    ("Gold", "", "", "Placer Au-PGE (Model 39a)", "Native gold", 10),
    (
        "Silver, Lead, Zinc",
        "Copper, Gold",
        "",
        "Polymetallic veins (Model 22c)",
        "Galena, Sphalerite, Tetrahedrite",
        10,
    ),
    ("Copper", "Gold, Silver, Molybdenum", "", "Porphyry Cu (Model 17)", "Chalcopyrite, Bornite", 5),
    ("Uranium, Vanadium", "", "", "Sandstone U (Model 30c)", "Carnotite, Uraninite", 5),
    ("Sand and Gravel, Construction", "", "", "", "", 9),
    ("Stone, Crushed/Broken", "", "", "", "", 6),
    ("Tungsten", "Molybdenum", "Copper", "W skarn (Model 14a)", "Scheelite", 3),
    ("Iron", "", "Titanium", "Fe skarn (Model 18d)", "Magnetite, Hematite", 3),
    ("Manganese", "", "", "Sedimentary Mn (Model 34b)", "Pyrolusite, Psilomelane", 2),
    ("Mercury", "", "", "Silica-carbonate Hg (Model 27c)", "Cinnabar", 2),
    ("Chromium", "Nickel, Cobalt", "Platinum", "Podiform chromite (Model 8a)", "Chromite", 2),
    ("Lithium", "Beryllium, Tantalum", "Tin, Niobium", "LCT pegmatite", "Spodumene, Lepidolite", 1),
    ("Beryllium", "Mica, Feldspar", "Tantalum", "Simple pegmatite", "Beryl", 1),
    ("Rare Earths", "Thorium, Niobium", "Barium-Barite", "Carbonatite (Model 10)", "Bastnaesite, Monazite", 0.6),
    (
        "Titanium, Zirconium",
        "Rare Earths, Thorium",
        "Garnet",
        "Shoreline placer Ti (Model 39c)",
        "Ilmenite, Rutile, Zircon, Monazite",
        0.6,
    ),
    ("Graphite", "", "", "", "Graphite", 0.8),
    ("Fluorine-Fluorite", "Barium-Barite", "", "", "Fluorite", 1),
    ("Antimony", "Gold", "", "Simple Sb (Model 27d)", "Stibnite", 1),
    ("Cobalt", "Copper, Nickel", "", "", "Cobaltite", 0.5),
    ("Phosphorus-Phosphates", "Vanadium, Uranium", "", "Upwelling type phosphate (Model 34c)", "Apatite", 0.6),
    ("Gemstone", "", "", "", "", 0.6),
    ("Clay", "", "", "", "Kaolinite", 1.2),
    ("Gallium, Germanium", "Zinc", "", "", "Sphalerite", 0.2),
]

DEV_STAT = [
    ("Occurrence", 0.40),
    ("Past Producer", 0.30),
    ("Prospect", 0.18),
    ("Producer", 0.08),
    ("Unknown", 0.03),
    ("Plant", 0.01),
]
SCORES = [("D", 109_514), ("C", 33_365), ("B", 19_924), ("E", 11_591), ("A", 708)]
SYL = [
    "bel",
    "mont",
    "gold",
    "ridge",
    "cop",
    "per",
    "king",
    "star",
    "sil",
    "ver",
    "hill",
    "ton",
    "crest",
    "lake",
    "rock",
    "eagle",
    "iron",
    "blue",
    "red",
    "black",
    "white",
    "pine",
    "oak",
    "cedar",
    "moun",
    "tain",
]
KIND = ["Mine", "Prospect", "Claims", "Deposit", "Lode", "Placer", "Pit", "Quarry", "Occurrence", "Group"]


def _choice(rng: np.random.Generator, items: list, weights: list[float], n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(items), size=n, p=w / w.sum())


def generate(n: int, out: Path, seed: int = 0) -> None:
    """Write ``n`` MRDS-layout rows to ``out`` (CSV, UTF-8, header row first)."""
    rng = np.random.default_rng(seed)
    reg = _choice(rng, REGIONS, [r[6] for r in REGIONS], n)
    mix = _choice(rng, MIXES, [m[5] for m in MIXES], n)
    dev = _choice(rng, DEV_STAT, [d[1] for d in DEV_STAT], n)
    sco = _choice(rng, SCORES, [s[1] for s in SCORES], n)
    spread = np.array([REGIONS[i][5] for i in reg])
    lon = np.array([REGIONS[i][3] for i in reg]) + rng.normal(0, 1, n) * spread
    lat = np.clip(np.array([REGIONS[i][4] for i in reg]) + rng.normal(0, 0.7, n) * spread, -89.9, 89.9)
    lon = (lon + 180.0) % 360.0 - 180.0
    s1 = rng.integers(0, len(SYL), n)
    s2 = rng.integers(0, len(SYL), n)
    kind = rng.integers(0, len(KIND), n)
    oper = rng.choice(["Surface", "Underground", "Unknown", "Surface-Underground"], n, p=[0.35, 0.3, 0.3, 0.05])
    years = rng.integers(1850, 2010, n)
    has_alias = rng.random(n) < 0.15
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(n):
            dep_id = str(10_000_000 + i)
            c1, c2, c3, model, ore, _ = MIXES[mix[i]]
            region, country, state, *_ = REGIONS[reg[i]]
            name = f"{(SYL[s1[i]] + SYL[s2[i]]).title()} {KIND[kind[i]]}"
            dstat = DEV_STAT[dev[i]][0]
            produced = dstat in ("Producer", "Past Producer")
            row = {
                "dep_id": dep_id,
                "url": f"https://mrdata.usgs.gov/mrds/show-mrds.php?dep_id={dep_id}",
                "mrds_id": f"M{rng.integers(0, 999_999):06d}" if i % 3 else "",
                "mas_id": f"{rng.integers(0, 9_999_999):07d}" if i % 2 else "",
                "site_name": name,
                "latitude": f"{lat[i]:.5f}",
                "longitude": f"{lon[i]:.5f}",
                "region": region,
                "country": country,
                "state": state,
                "county": f"{SYL[s2[i]].title()} County" if country == "United States" else "",
                "com_type": "N" if c1.startswith(("Sand", "Stone", "Clay", "Gemstone")) else "M",
                "commod1": c1,
                "commod2": c2,
                "commod3": c3,
                "oper_type": oper[i],
                "dep_type": "",
                "prod_size": "S" if produced else "N",
                "dev_stat": dstat,
                "ore": ore,
                "gangue": "Quartz, Calcite" if i % 4 == 0 else "",
                "other_matl": "",
                "orebody_fm": "Vein" if "vein" in model.lower() else "",
                "work_type": "Shaft, Adit" if oper[i] == "Underground" else "",
                "model": model,
                "alteration": "",
                "conc_proc": "",
                "names": (f"{SYL[s2[i]].title()} Claims; Old {SYL[s1[i]].title()}" if has_alias[i] else ""),
                "ore_ctrl": "",
                "reporter": "",
                "hrock_unit": "",
                "hrock_type": "Granite" if i % 5 == 0 else "",
                "arock_unit": "",
                "arock_type": "",
                "structure": "",
                "tectonic": "",
                "ref": "USBM MILS file" if i % 2 else "",
                "yfp_ba": "",
                "yr_fst_prd": str(years[i]) if produced else "",
                "ylp_ba": "",
                "yr_lst_prd": str(min(years[i] + 20, 2011)) if dstat == "Past Producer" else "",
                "dy_ba": "",
                "disc_yr": str(years[i] - 2),
                "prod_yrs": "",
                "discr": "",
                "score": SCORES[sco[i]][0],
            }
            w.writerow([row[c] for c in COLUMNS])


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of rows")
    ap.add_argument("out", type=Path, help="output CSV path")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.n < 0:
        print("N must be >= 0", file=sys.stderr)
        return 2
    generate(args.n, args.out, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
