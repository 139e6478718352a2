"""Tests of the bundled demo deposits (``critmin/deposits/demo/demo_sites.csv``).

Two kinds of test:

* structure and vocabulary: the header, identifiers, coordinates, statuses, ISO 3166-1 alpha-3
  codes (checked against MinMod ``entities/country.csv``), commodities, CMMI deposit types
  (MinMod ``entities/deposit_type.csv``, Hofstra et al. 2021, doi:10.3133/ofr20211049) and
  inventories;
* a cross-check of locations and commodities against independent compilations shipped in
  ``<repo>/../shared/data``:

  - USMIN "Lithium deposits in the United States" (Karl and others, 2019, doi:10.5066/P9ZKRWQF):
    ``Site.csv`` (``Approx_Lat``/``Approx_Lon``) and ``Loc_Pt.csv`` (``Lat_WGS84``/``Long_WGS84``);
  - USGS-derived MinMod site files (DARPA-CRITICALMAAS/ta2-minmod-data, MIT):
    ``mrdata_carbonatite`` (Berger et al., 2009, OFR 2009-1139), ``mrdata_ree`` (Orris and Grauch,
    2002, OFR 2002-189), ``earth_mri_usa`` (doi:10.5066/P9K1HBNT) and ``mrdata_pp1802``;
  - Busch et al. (2025, doi:10.1038/s41893-025-01561-5) lithium deposit parameters
    (``economics/busch-lithium-deposits/Deposit_parameters.csv``).

Tolerances are stated per site. They are wide where the reference is coarse: the OFR 2002-189 REE
records are rounded to whole minutes or to 0.05 degree, district records sit at a centroid, and salars
are tens of kilometres across. Known-bad reference points are deliberately not used (see
``NOT_CROSS_CHECKED``).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from critmin.deposits import vocab
from critmin.deposits.demo import DEMO_SITES_COLUMNS, demo_sites_path, demo_sources_path

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
DEPOSITS = DATA / "deposits"
MINMOD = DEPOSITS / "minmod"
USMIN = DEPOSITS / "usmin-lithium"
BUSCH = DATA / "economics" / "busch-lithium-deposits" / "Deposit_parameters.csv"

STATUSES = {"occurrence", "prospect", "deposit", "producer", "past_producer"}
AFRICA = {"AGO", "BDI", "COD", "GAB", "GHA", "GIN", "KEN", "MDG", "MLI", "MOZ", "MWI", "NAM", "TZA", "UGA", "ZAF",
          "ZWE"}
LITHIUM_TRIANGLE = {"ARG", "BOL", "CHL"}
LANTHANIDES_Y = {"La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y"}
PGE = {"Pt", "Pd", "Rh", "Ru", "Ir", "Os"}

# --------------------------------------------------------------------------------------------------
# The cross-check table: our record_id -> (reference, locator, expected name fragment, max distance km)
#   reference "usmin-site":  USMIN Site.csv, locator = Site_ID
#   reference "usmin-locpt": USMIN Loc_Pt.csv, locator = Ftr_ID
#   reference "minmod/<dir>": MinMod mineral-sites/umn/<dir>/*.json, locator = record_id
#   reference "busch":        Busch et al. Deposit_parameters.csv, locator = column "d"
# --------------------------------------------------------------------------------------------------
CROSS_CHECKS: list[tuple[str, str, str, str, float]] = [
    # USMIN lithium (USGS data release; point features to ~100 m, districts at a centroid)
    ("us-kings-mountain", "usmin-site", "NC00002", "Kings Mountain", 2.0),
    ("us-bessemer-city", "usmin-site", "NC00003", "Bessemer City", 2.0),
    ("us-carolina-lithium", "usmin-site", "NC00007", "Piedmont", 2.0),
    ("us-silver-peak", "usmin-site", "NV00144", "Clayton Valley brine", 5.0),
    ("us-clayton-valley-angel-island", "usmin-site", "NV00143", "Clayton Valley-Cypress", 3.0),
    ("us-rhyolite-ridge", "usmin-site", "NV00127", "Rhyolite Ridge", 3.0),
    ("us-smackover-arkansas", "usmin-site", "AR00002", "Smackover", 15.0),
    ("us-salton-sea", "usmin-site", "CA00003", "Salton Sea", 5.0),
    # Site.csv puts McDermitt at the caldera-district centroid, ~16 km south of the Jindalee project
    ("us-mcdermitt", "usmin-site", "NV00149", "McDermitt", 20.0),
    # Site.csv puts "Kings Valley" at the Stage 3 lens; the Thacker Pass deposit itself is a Loc_Pt feature
    ("us-thacker-pass", "usmin-locpt", "Mo00574", "Thacker Pass", 3.0),
    # USGS critical-mineral deposits of the US (Earth MRI) and related USGS compilations
    ("us-mountain-pass", "minmod/mrdata_carbonatite", "56", "Mountain Pass", 3.0),
    ("us-bear-lodge", "minmod/mrdata_carbonatite", "59", "Bear Lodge", 5.0),
    ("us-round-top", "minmod/earth_mri_usa", "532", "Round Top", 3.0),
    ("us-la-paz", "minmod/earth_mri_usa", "338", "La Paz", 3.0),
    ("us-elk-creek", "minmod/earth_mri_usa", "203", "Elk Creek", 3.0),
    ("us-bokan-mountain", "minmod/earth_mri_usa", "79", "Bokan Mountain", 3.0),
    ("us-stibnite", "minmod/earth_mri_usa", "678", "Yellow Pine", 3.0),
    ("us-graphite-creek", "minmod/mrdata_pp1802", "1140", "Graphite Creek", 3.0),
    ("us-idaho-cobalt", "minmod/earth_mri_usa", "505", "Idaho Cobalt", 3.0),
    ("us-blackbird", "minmod/earth_mri_usa", "63", "Blackbird", 3.0),
    ("us-eagle", "minmod/earth_mri_usa", "194", "Eagle", 3.0),
    ("us-tamarack", "minmod/earth_mri_usa", "604", "Tamarack", 3.0),
    ("us-pea-ridge", "minmod/earth_mri_usa", "469", "Pea Ridge", 3.0),
    ("us-halleck-creek", "minmod/earth_mri_usa", "267", "Halleck Creek", 5.0),
    ("us-stillwater", "minmod/mrdata_pp1802", "1842", "Stillwater", 5.0),
    ("us-red-dog", "minmod/earth_mri_usa", "510", "Red Dog", 5.0),
    ("us-spor-mountain", "minmod/earth_mri_usa", "585", "Spor Mountain", 5.0),
    ("us-hicks-dome", "minmod/earth_mri_usa", "279", "Hicks Dome", 3.0),
    # the carbonatite database places Iron Hill ~32 km east, in the Powderhorn district; Earth MRI is used
    ("us-iron-hill", "minmod/earth_mri_usa", "305", "Iron Hill", 5.0),
    ("us-magnet-cove", "minmod/mrdata_carbonatite", "55", "Magnet Cove", 3.0),
    ("us-coosa-graphite", "minmod/earth_mri_usa", "161", "Coosa", 5.0),
    ("us-hermosa", "minmod/earth_mri_usa", "277", "Hermosa", 3.0),
    ("us-gallinas", "minmod/earth_mri_usa", "228", "Gallinas", 5.0),
    ("us-lemhi-pass", "minmod/mrdata_ree", "339", "Lemhi Pass", 10.0),
    # India and Sri Lanka (USGS world REE and carbonatite compilations; REE records rounded to 0.05 degree)
    ("in-amba-dongar", "minmod/mrdata_carbonatite", "31", "Amba Dongar", 3.0),
    ("in-sung-valley", "minmod/mrdata_carbonatite", "32", "Sung Valley", 3.0),
    ("in-chavara", "minmod/mrdata_ree", "400", "Chavara", 15.0),
    ("in-manavalakurichi", "minmod/mrdata_ree", "489", "Manavalakuruchi", 15.0),
    ("in-oscom-chhatrapur", "minmod/mrdata_ree", "399", "Chatrapur", 15.0),
    ("lk-pulmoddai", "minmod/mrdata_ree", "543", "Pulmoddai", 15.0),
    # Africa
    ("mw-kangankunde", "minmod/mrdata_carbonatite", "36", "Kangankunde", 3.0),
    ("tz-ngualla", "minmod/mrdata_ree", "63", "Ngualla", 10.0),
    ("ao-longonjo", "minmod/mrdata_ree", "49", "Longonjo", 10.0),
    ("za-zandkopsdrift", "minmod/mrdata_carbonatite", "51", "Sandkopfsdrif", 5.0),
    ("za-phalaborwa", "minmod/mrdata_carbonatite", "50", "Phalaborwa", 3.0),
    ("tz-wigu-hill", "minmod/mrdata_ree", "148", "Wigu Hill", 10.0),
    ("tz-panda-hill", "minmod/mrdata_carbonatite", "52", "Panda Hill", 3.0),
    ("na-lofdal", "minmod/mrdata_ree", "47", "Lofdal", 15.0),
    ("bi-gakara", "minmod/mrdata_carbonatite", "12", "Karonge", 10.0),
    ("ke-mrima-hill", "minmod/mrdata_carbonatite", "33", "Mrima Hill", 3.0),
    ("za-richards-bay", "minmod/mrdata_ree", "551", "Richards Bay", 15.0),
    # rest of the world
    ("cn-bayan-obo", "minmod/mrdata_carbonatite", "23", "Bayan Obo", 5.0),
    ("au-mount-weld", "minmod/mrdata_carbonatite", "3", "Mount Weld", 3.0),
    ("br-araxa", "minmod/mrdata_carbonatite", "4", "Araxa", 3.0),
    ("br-catalao", "minmod/mrdata_carbonatite", "5", "Catalao I", 3.0),
    ("au-nolans", "minmod/mrdata_ree", "66", "Nolan", 10.0),
    ("au-dubbo", "minmod/mrdata_ree", "259", "Toongi", 10.0),
    ("au-yangibana", "minmod/mrdata_ree", "149", "Yangibana", 10.0),
    ("au-eneabba", "minmod/mrdata_ree", "421", "Eneabba", 15.0),
    ("ru-lovozero", "minmod/mrdata_ree", "219", "Lovozero", 20.0),
    ("ru-tomtor", "minmod/mrdata_carbonatite", "48", "Tomtor", 3.0),
    ("br-pitinga", "minmod/mrdata_ree", "303", "Pitinga", 10.0),
    ("ca-nechalacho", "minmod/mrdata_ree", "255", "Thor Lake", 10.0),
    ("ca-strange-lake", "minmod/mrdata_ree", "250", "Strange Lake", 10.0),
    ("ca-niobec", "minmod/mrdata_carbonatite", "22", "St. Honore", 3.0),
    ("cn-maoniuping", "minmod/mrdata_carbonatite", "25", "Maoniuping", 3.0),
    ("cn-weishan", "minmod/mrdata_carbonatite", "27", "Weishan", 3.0),
    ("cn-zudong", "minmod/mrdata_ree", "323", "Longnan", 25.0),
    ("cn-xunwu", "minmod/mrdata_ree", "330", "Xunwu", 25.0),
    ("no-fen", "minmod/mrdata_ree", "28", "Fen", 5.0),
    ("mn-khalzan-buregtei", "minmod/mrdata_ree", "200", "Khaldzan", 10.0),
    ("vn-dong-pao", "minmod/mrdata_ree", "174", "Dong Pao", 10.0),
    # lithium: Busch et al. (2025) coordinates are given to 0.01 degree; salars are tens of km across
    ("us-thacker-pass", "busch", "9", "Thacker Pass", 3.0),
    ("us-mcdermitt", "busch", "8", "McDermitt", 5.0),
    ("cl-salar-de-atacama", "busch", "1", "Salar de Atacama", 30.0),
    ("bo-salar-de-uyuni", "busch", "2", "Salar de Uyuni", 60.0),
    ("ar-olaroz", "busch", "7", "Olaroz", 15.0),
    ("ar-cauchari-olaroz", "busch", "5", "Cauchari", 15.0),
    ("ar-fenix", "busch", "14", "Hombre Muerto (Livent)", 15.0),
    ("ar-sal-de-vida", "busch", "27", "Sal de Vida", 15.0),
    ("ar-rincon", "busch", "20", "Rincon", 20.0),
    ("ar-pastos-grandes", "busch", "40", "Pastos Grandes", 15.0),
    ("cl-maricunga", "busch", "53", "Maricunga", 20.0),
    ("ar-mariana", "busch", "21", "Mariana", 20.0),
    ("ar-centenario-ratones", "busch", "18", "Centenario", 20.0),
    ("ar-tres-quebradas", "busch", "29", "Tres Quebradas", 20.0),
    ("pe-falchani", "busch", "41", "Falchani", 10.0),
    ("mx-sonora-lithium", "busch", "26", "Sonora", 10.0),
    ("cd-manono", "busch", "11", "Manono", 10.0),
    ("ml-goulamina", "busch", "47", "Goulamina", 15.0),
    ("zw-arcadia", "busch", "63", "Arcadia", 5.0),
    ("zw-bikita", "busch", "93", "Bikita", 5.0),
    ("na-uis", "busch", "76", "Uis", 5.0),
    ("gh-ewoyaa", "busch", "85", "Ewoyaa", 5.0),
    ("au-greenbushes", "busch", "13", "Greenbushes", 3.0),
    ("au-pilgangoora", "busch", "15", "Pilgangoora", 5.0),
    ("au-wodgina", "busch", "23", "Wodgina", 5.0),
    ("au-mt-cattlin", "busch", "121", "Cattlin", 5.0),
    ("br-mibra", "busch", "109", "Mibra", 15.0),
    ("br-grota-do-cirilo", "busch", "95", "Xuxa", 15.0),
    ("ca-tanco", "busch", "149", "Tanco", 3.0),
    ("cn-jiajika", "busch", "86", "Jiajika", 15.0),
    ("cz-cinovec", "busch", "24", "Cinovec", 3.0),
]

# Pairs checked for location only: the reference lists other commodities of the same site.
LOCATION_ONLY: dict[tuple[str, str], str] = {
    ("za-richards-bay", "551"): "USGS REE database lists only REE (monazite in the sands); RBM does not recover it",
}

# Sites present in a reference whose point we do not trust, with the reason (kept here so the
# decision is visible and reviewed, and asserted below so the table stays honest).
NOT_CROSS_CHECKED: dict[str, tuple[str, str, str, float]] = {
    # record_id: (reference, locator, reason, km by which the reference is off)
    "gl-kvanefjeld": ("minmod/mrdata_ree", "187", "Ilimaussaq placed at 63N 51.2W, in the sea off west Greenland",
                      200.0),
    "ke-mrima-hill": ("minmod/mrdata_ree", "136", "longitude sign flipped (39.25W)", 5000.0),
    "us-iron-hill": ("minmod/mrdata_carbonatite", "57", "Iron Hill placed in the Powderhorn district", 25.0),
    "ar-arizaro": ("busch", "45", "point east of Tolar Grande, off the Salar de Arizaro", 40.0),
    "rs-jadar": ("busch", "31", "point ~26 km east of the Jadar valley near Loznica", 20.0),
}


# ----------------------------------------------------------------------------------------- helpers

@dataclass(frozen=True)
class Ref:
    """One reference record: its name, WGS84 point (None if the source has none) and commodities."""

    name: str
    lat: float | None
    lon: float | None
    commodities: frozenset[str]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of radius 6371.0088 km (IUGG mean radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@cache
def demo_rows() -> tuple[dict[str, str], ...]:
    with demo_sites_path().open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@cache
def demo_by_id() -> dict[str, dict[str, str]]:
    return {r["record_id"]: r for r in demo_rows()}


def split(cell: str, sep: str = ";") -> list[str]:
    return [p.strip() for p in cell.split(sep) if p.strip()]


def grouped(symbols: set[str]) -> set[str]:
    """Fold lanthanides and Y into REE and the six platinum-group metals into PGE."""
    return {"REE" if s in LANTHANIDES_Y else "PGE" if s in PGE else s for s in symbols}


def demo_commodities(row: dict[str, str]) -> set[str]:
    return grouped(set(split(row["commodities_main"]) + split(row["commodities_byproduct"])))


@cache
def minmod_commodity_tokens() -> tuple[dict[str, str], dict[str, str]]:
    """MinMod commodity.csv -> (uri id -> token, lower-case name -> token)."""
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    with (MINMOD / "entities" / "commodity.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["minmod_id"] == "Q618" or r["parent"] == "Q618":
                token = "REE"
            elif r["minmod_id"] == "Q582" or r["parent"] == "Q582":
                token = "PGE"
            elif r["aliases"]:
                token = r["aliases"].split("|")[0]
            elif r["mrds_code"] == "GRF":
                token = "Graphite"
            elif r["mrds_code"]:
                token = r["mrds_code"].split("_")[0].capitalize() if len(r["mrds_code"]) > 2 else r["mrds_code"]
            else:
                token = r["name"]
            by_id[r["minmod_id"]] = token
            by_name[r["name"].lower()] = token
    return by_id, by_name


@cache
def minmod_sites(subdir: str) -> dict[str, Ref]:
    by_id, by_name = minmod_commodity_tokens()
    out: dict[str, Ref] = {}
    for path in sorted((MINMOD / "mineral-sites" / "umn" / subdir).glob("*.json")):
        for site in json.loads(path.read_text(encoding="utf-8")):
            wkt = (site.get("location_info") or {}).get("location") or ""
            m = re.match(r"\s*POINT\s*\(\s*([-+\d.eE]+)\s+([-+\d.eE]+)\s*\)", wkt)
            commodities = set()
            for inv in site.get("mineral_inventory") or []:
                c = inv.get("commodity") or {}
                uri = c.get("normalized_uri") or ""
                token = by_id.get(uri.rsplit("/", 1)[-1]) or by_name.get(str(c.get("observed_name", "")).lower())
                if token:
                    commodities.add(token)
            out[str(site["record_id"])] = Ref(
                name=str(site.get("name", "")),
                lat=float(m.group(2)) if m else None,
                lon=float(m.group(1)) if m else None,
                commodities=frozenset(grouped(commodities)),
            )
    return out


def _usmin_rows(filename: str) -> list[dict[str, str]]:
    with (USMIN / filename).open(encoding="cp1252", newline="") as f:
        return [{k.replace(" *", "").strip(): v for k, v in r.items()} for r in csv.DictReader(f)]


@cache
def usmin_site(site_id: str) -> Ref:
    _, by_name = minmod_commodity_tokens()
    for r in _usmin_rows("Site.csv"):
        if r["Site_ID"] == site_id:
            names = [c.strip().lower() for c in r["Commodity"].split(";")]
            return Ref(r["Site_Name"], float(r["Approx_Lat"]), float(r["Approx_Lon"]),
                       frozenset(grouped({by_name[n] for n in names if n in by_name})))
    raise KeyError(site_id)


@cache
def usmin_locpt(ftr_id: str) -> Ref:
    _, by_name = minmod_commodity_tokens()
    for r in _usmin_rows("Loc_Pt.csv"):
        if r["Ftr_ID"] == ftr_id:
            names = [c.strip().lower() for c in r["Commodity"].split(";")]
            return Ref(r["Ftr_Name"], float(r["Lat_WGS84"]), float(r["Long_WGS84"]),
                       frozenset(grouped({by_name[n] for n in names if n in by_name})))
    raise KeyError(ftr_id)


@cache
def busch(d: str) -> Ref:
    with BUSCH.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["d"] == d:
                return Ref(r["Deposit_Name"], float(r["Latitude"]), float(r["Longitude"]), frozenset({"Li"}))
    raise KeyError(d)


def reference_record(reference: str, locator: str) -> Ref:
    if reference == "usmin-site":
        return usmin_site(locator)
    if reference == "usmin-locpt":
        return usmin_locpt(locator)
    if reference == "busch":
        return busch(locator)
    if reference.startswith("minmod/"):
        return minmod_sites(reference.split("/", 1)[1])[locator]
    raise ValueError(reference)


@pytest.fixture(scope="module", autouse=True)
def _need_shared_data() -> None:
    if not DATA.exists():
        pytest.skip(f"shared test data not found at {DATA}")


# ------------------------------------------------------------------------------------ structure

def test_package_resources_exist() -> None:
    path = demo_sites_path()
    assert path.is_file() and path.name == "demo_sites.csv"
    assert path.parent == Path(__file__).resolve().parents[2] / "src" / "critmin" / "deposits" / "demo"
    text = demo_sources_path().read_text(encoding="utf-8")
    assert "Apache-2.0" in text and "indicative" in text


def test_header_is_exact() -> None:
    with demo_sites_path().open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert tuple(header) == DEMO_SITES_COLUMNS
    assert all(len(r) == len(DEMO_SITES_COLUMNS) and None not in r for r in demo_rows())


def test_row_count_and_unique_slugs() -> None:
    rows = demo_rows()
    assert len(rows) >= 110
    ids = [r["record_id"] for r in rows]
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    iso2 = {}
    with (MINMOD / "entities" / "country.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            iso2[r["iso3"]] = r["iso2"].lower()
    for r in rows:
        assert re.fullmatch(r"[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*", r["record_id"]), r["record_id"]
        # the slug starts with the ISO 3166-1 alpha-2 code of the country
        assert r["record_id"][:2] == iso2[r["country"]], (r["record_id"], r["country"])


def test_countries_are_iso3() -> None:
    with (MINMOD / "entities" / "country.csv").open(encoding="utf-8") as f:
        iso3 = {r["iso3"] for r in csv.DictReader(f)}
    assert {"IND", "USA", "ARG", "CHL", "BOL", "MWI", "TZA", "AGO", "ZAF"} <= iso3
    bad = [(r["record_id"], r["country"]) for r in demo_rows() if r["country"] not in iso3]
    assert not bad


def test_coordinates_and_accuracy() -> None:
    for r in demo_rows():
        lat, lon, acc = float(r["lat"]), float(r["lon"]), int(r["location_accuracy_m"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, r["record_id"]
        assert 100 <= acc <= 100_000, r["record_id"]
    # spot checks of hemisphere/quadrant (a sign slip would move a site to another continent)
    rows = demo_by_id()
    assert float(rows["in-amba-dongar"]["lat"]) > 0 and float(rows["in-amba-dongar"]["lon"]) > 0
    assert float(rows["cl-salar-de-atacama"]["lat"]) < 0 and float(rows["cl-salar-de-atacama"]["lon"]) < 0
    assert float(rows["ke-mrima-hill"]["lon"]) > 0


def test_status_citation_and_names() -> None:
    for r in demo_rows():
        assert r["status"] in STATUSES, (r["record_id"], r["status"])
        assert vocab.normalise_status(r["status"]) == r["status"]
        assert r["name"].strip() and r["state"].strip(), r["record_id"]
        assert len(r["citation"]) >= 30, r["record_id"]
        assert re.search(r"(19|20)\d\d|https?://|doi:", r["citation"]), r["record_id"]


def test_indian_sites_have_indian_script_aliases() -> None:
    indian = [r for r in demo_rows() if r["country"] == "IND"]
    assert len(indian) >= 15
    for r in indian:
        aliases = split(r["aliases"], "|")
        assert any(re.search(r"[\u0900-\u097F]", a) for a in aliases), r["record_id"]  # Devanagari


def test_coverage_of_partnership_regions() -> None:
    countries = Counter(r["country"] for r in demo_rows())
    assert countries["IND"] >= 15
    assert countries["USA"] >= 20
    assert sum(countries[c] for c in LITHIUM_TRIANGLE) >= 10
    assert sum(countries[c] for c in AFRICA) >= 20
    for rid in ("in-chavara", "in-amba-dongar", "in-sung-valley", "in-salal-haimana", "us-mountain-pass",
                "us-thacker-pass", "us-bear-lodge", "mw-songwe-hill", "tz-ngualla", "mw-kangankunde",
                "ao-longonjo", "cn-bayan-obo", "au-mount-weld", "au-greenbushes"):
        assert rid in demo_by_id(), rid


def test_commodities_are_canonical_symbols() -> None:
    """Every commodity is already in the normalised form of critmin.deposits.vocab."""
    for r in demo_rows():
        main = split(r["commodities_main"])
        assert main, r["record_id"]
        for c in main + split(r["commodities_byproduct"]):
            assert vocab.normalise_commodity(c) == c, (r["record_id"], c)
        assert not set(main) & set(split(r["commodities_byproduct"])), r["record_id"]


def test_deposit_types_follow_cmmi() -> None:
    with (MINMOD / "entities" / "deposit_type.csv").open(encoding="utf-8") as f:
        cmmi = {r["deposit_type"]: (r["deposit_group"], r["deposit_environment"]) for r in csv.DictReader(f)}
    groups = {g for g, _ in cmmi.values()}
    environments = {e for _, e in cmmi.values()}
    typed = 0
    for r in demo_rows():
        if r["deposit_type"]:
            typed += 1
            assert cmmi[r["deposit_type"]] == (r["deposit_group"], r["deposit_environment"]), r["record_id"]
            info = vocab.deposit_type(r["deposit_type"])
            assert info is not None and info.type == r["deposit_type"], r["record_id"]
        if r["deposit_group"]:
            assert r["deposit_group"] in groups, r["record_id"]
        if r["deposit_environment"]:
            assert r["deposit_environment"] in environments, r["record_id"]
        if r["cox_singer_code"]:
            assert vocab.cox_singer_model(r["cox_singer_code"]) is not None, r["record_id"]
    assert typed >= 100
    rows = demo_by_id()
    assert rows["in-chavara"]["cox_singer_code"] == "39c"
    assert rows["us-mountain-pass"]["deposit_type"] == "Carbonatite REE"
    assert rows["cl-salar-de-atacama"]["deposit_type"] == "Lacustrine brine lithium"


_QUANTITY = re.compile(r"[A-Za-z0-9]+:\d+(\.\d+)?(%|ppm|g/t|mg/L|t|kt|Mt)")


def test_inventories_are_well_formed() -> None:
    cols = ("inventory_category", "classification", "inventory_date", "ore_mt", "grades", "contained")
    with_inventory = 0
    for r in demo_rows():
        if not any(r[c] for c in cols):
            continue
        with_inventory += 1
        assert vocab.normalise_category(r["inventory_category"]) != "unclassified", r["record_id"]
        if r["classification"]:
            assert vocab.normalise_classification(r["classification"]) != "unknown", r["record_id"]
        assert re.fullmatch(r"(19|20)\d\d", r["inventory_date"]), r["record_id"]
        if r["ore_mt"]:
            assert float(r["ore_mt"]) > 0
        for cell in (r["grades"], r["contained"]):
            for q in split(cell):
                assert _QUANTITY.fullmatch(q), (r["record_id"], q)
    assert with_inventory >= 3
    assert demo_by_id()["in-marlagalla"]["contained"] == "Li:1600t"


# ---------------------------------------------------------------------------------- cross-check

def test_cross_check_table_is_substantial() -> None:
    ids = {rid for rid, *_ in CROSS_CHECKS}
    assert len(ids) >= 15
    assert ids <= set(demo_by_id()), ids - set(demo_by_id())
    refs = Counter(ref.split("/")[0] for _, ref, *_ in CROSS_CHECKS)
    assert refs["usmin-site"] + refs["usmin-locpt"] >= 5 and refs["minmod"] >= 15


@pytest.mark.parametrize(("record_id", "reference", "locator", "expected_name", "max_km"), CROSS_CHECKS,
                         ids=[f"{c[0]}<>{c[1]}:{c[2]}" for c in CROSS_CHECKS])
def test_location_and_commodities_agree_with_reference(
    record_id: str, reference: str, locator: str, expected_name: str, max_km: float
) -> None:
    ours = demo_by_id()[record_id]
    ref = reference_record(reference, locator)
    # the locator still points at the intended record
    assert expected_name.lower() in ref.name.lower(), (record_id, ref.name)
    assert ref.lat is not None and ref.lon is not None, (record_id, "reference has no point")
    d = haversine_km(float(ours["lat"]), float(ours["lon"]), ref.lat, ref.lon)
    assert d <= max_km, f"{record_id}: {d:.1f} km from {reference}:{locator} ({ref.name}), limit {max_km} km"
    if (record_id, locator) in LOCATION_ONLY:
        return
    overlap = demo_commodities(ours) & ref.commodities
    assert overlap, (record_id, demo_commodities(ours), ref.commodities)


@pytest.mark.parametrize("record_id", sorted(NOT_CROSS_CHECKED))
def test_known_bad_reference_points_really_are_off(record_id: str) -> None:
    """The reference points we chose not to trust are indeed far from ours (so the exclusion is justified)."""
    reference, locator, _reason, off_km = NOT_CROSS_CHECKED[record_id]
    ours = demo_by_id()[record_id]
    ref = reference_record(reference, locator)
    assert ref.lat is not None and ref.lon is not None
    d = haversine_km(float(ours["lat"]), float(ours["lon"]), ref.lat, ref.lon)
    assert d >= off_km, (record_id, round(d, 1))


def test_songwe_hill_is_not_the_tanzanian_songwe_scarp() -> None:
    """Mkango's Songwe Hill (southern Malawi) must not be confused with 'Songwe Scarp' (Mbeya, Tanzania)
    or the 'Songwe Syenite' of northern Malawi in the USGS REE database."""
    ours = demo_by_id()["mw-songwe-hill"]
    ree = minmod_sites("mrdata_ree")
    for rec in ("84", "247"):
        ref = ree[rec]
        assert "Songwe" in ref.name and ref.lat is not None and ref.lon is not None
        assert haversine_km(float(ours["lat"]), float(ours["lon"]), ref.lat, ref.lon) > 500
