"""Tests of critmin.deposits.vocab (commodities, status, categories, UNFC, deposit types).

Real vocabularies checked: MinMod ``entities/commodity.csv`` and ``entities/deposit_type.csv``
(DARPA-CRITICALMAAS/ta2-minmod-data, MIT) and the USMIN lithium tables (Karl and others, 2019,
doi:10.5066/P9ZKRWQF), all under ``<repo>/../shared/data/deposits``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from critmin.deposits import vocab
from critmin.deposits.schema import DEVELOPMENT_STATUSES, RESOURCE_CATEGORIES
from critmin.reference import load_table, sources

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "deposits"


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("REE", "REE"), ("LI", "Li"), ("CO", "Co"), ("GRF", "Graphite"), ("NB", "Nb"), ("TA", "Ta"),
        ("GA", "Ga"), ("GE", "Ge"), ("SC", "Sc"), ("BA", "Ba"), ("CU", "Cu"), ("AU", "Au"),
        ("Lithium", "Li"), ("lithium (Li)", "Li"), ("Neodymium", "Nd"), ("Li", "Li"), ("Nd", "Nd"),
        ("Li2O", "Li"), ("Li2CO3", "Li"), ("LCE", "Li"), ("WO3", "W"), ("U3O8", "U"), ("Nb2O5", "Nb"),
        ("Ta2O5", "Ta"), ("BeO", "Be"), ("REO", "REE"), ("TREO", "REE"), ("rare earths", "REE"),
        ("rare-earth elements", "REE"), ("Rare Earth Elements", "REE"), ("Graphite", "Graphite"),
        ("Fluorite", "F"), ("fluorspar", "F"), ("Barite", "Ba"), ("Barium-Barite", "Ba"),
        ("Phosphate", "P"), ("Potash", "K"), ("Zircon", "Zr"), ("Ilmenite", "Ti"), ("Monazite", "REE"),
        ("Titanium > Heavy Minerals", "Ti"), ("PGE_PT", "Pt"), ("Dy2O3", "Dy"), ("Tb4O7", "Tb"),
        ("% Li2O", "Li"), ("tungsten concentrate", "W"), ("CO2", "Natural gas"), ("co", "Co"),
    ],
)
def test_normalise_commodity(text: str, symbol: str) -> None:
    assert vocab.normalise_commodity(text) == symbol


@pytest.mark.parametrize("text", ["", "xyz", "Wt-Pct", None, "Dimension"])
def test_unknown_commodity_is_none(text: str | None) -> None:
    assert vocab.normalise_commodity(text) is None


def test_split_commodities() -> None:
    assert vocab.split_commodities("Uranium, Vanadium") == ["Uranium", "Vanadium"]
    assert vocab.split_commodities("lithium; bromine") == ["lithium", "bromine"]
    assert vocab.split_commodities("Li, Be, Ta") == ["Li", "Be", "Ta"]
    assert vocab.split_commodities("REE (La, Ce); Nb") == ["REE (La, Ce)", "Nb"]
    assert vocab.split_commodities("<Null>") == []
    assert vocab.normalise_commodities("Uranium, Vanadium") == [("Uranium", "U"), ("Vanadium", "V")]


def test_every_mrds_code_in_minmod_commodity_csv_normalises() -> None:
    """Every commodity MRDS code listed by MinMod maps to a symbol (except the _M/_N groupings)."""
    path = DATA / "minmod" / "entities" / "commodity.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = [r["mrds_code"] for r in rows if r["mrds_code"] and r["mrds_code"] not in {"_M", "_N"}]
    assert len(codes) == 179
    missing = [c for c in codes if vocab.normalise_commodity(c) is None]
    assert missing == []
    # MinMod names with an element alias map to that element symbol
    for r in rows:
        if r["aliases"] and len(r["aliases"]) <= 2:
            assert vocab.normalise_commodity(r["name"]) == r["aliases"], r["name"]


def test_usmin_commodity_cells_normalise() -> None:
    """USMIN Site.Commodity cells (lithium dataset) split on '; ' and every item is recognised."""
    with open(DATA / "usmin-lithium" / "Site.csv", newline="", encoding="utf-8") as fh:
        cells = [r["Commodity"] for r in csv.DictReader(fh)]
    items = [item for c in cells for item in vocab.normalise_commodities(c)]
    assert [o for o, s in items if s is None] == []
    assert {s for _, s in items} >= {"Li", "Br", "B", "K", "W", "Na", "Cl"}


def test_commodity_info_and_critical_lists() -> None:
    li = vocab.commodity_info("Li")
    assert li is not None and li.name == "Lithium" and li.mrds_code == "LI"
    assert li.critical_us_2022 and li.critical_india_2023
    table = load_table("commodities")
    assert (table["critical_us_2022"] == "1").sum() == 50  # 87 FR 10381 (2022)
    assert (table["critical_india_2023"] == "1").sum() == 30  # Ministry of Mines (2023)
    assert vocab.commodity_info("Cu").critical_india_2023 and not vocab.commodity_info("Cu").critical_us_2022
    assert vocab.commodity_info("Nd").parent == "REE"
    assert vocab.commodity_info("lithium").symbol == "Li"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Producer", "producer"), ("Past Producer", "past_producer"), ("Prospect", "prospect"),
        ("Occurrence", "occurrence"), ("Plant", "plant"), ("Unknown", "unknown"), ("Active", "producer"),
        ("Exploration", "prospect"), ("operating mine", "producer"), ("deposit", "deposit"),
        ("developed deposit", "deposit"), ("NotSpecified", "unknown"), ("Discovery", "occurrence"),
        ("Evaluation", "deposit"), ("", "unknown"), (None, "unknown"), ("gibberish", "unknown"),
    ],
)
def test_normalise_status(text: str | None, status: str) -> None:
    got = vocab.normalise_status(text)
    assert got == status and got in DEVELOPMENT_STATUSES


def test_every_usmin_history_status_is_recognised() -> None:
    with open(DATA / "usmin-lithium" / "History.csv", newline="", encoding="utf-8") as fh:
        statuses = {r["Status"] for r in csv.DictReader(fh)}
    assert statuses == {"Active", "Development", "Discovery", "Evaluation", "Exploration"}
    assert all(vocab.normalise_status(s) != "unknown" for s in statuses)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Inferred", "inferred"), ("Indicated", "indicated"), ("Measured", "measured"),
        ("Proven", "proven"), ("Proved", "proven"), ("Probable", "probable"),
        ("Indicated plus Inferred", "indicated+inferred"),
        ("Measured, Indicated, Inferred", "measured+indicated+inferred"), ("Measured + Inferred", "inferred"),
        ("Proven plus Probable", "proven+probable"), ("Measured + Indicated", "measured+indicated"),
        ("Unclassified", "unclassified"), ("CumulativeExtracted", "cumulative_extracted"),
        ("OriginalResource", "original_resource"), ("Extracted", "extracted"), ("historical", "historic"),
        ("UNFC 331", "measured"), ("", "unclassified"),
    ],
)
def test_normalise_category(text: str, category: str) -> None:
    got = vocab.normalise_category(text)
    assert got == category and got in RESOURCE_CATEGORIES


def test_every_usmin_resource_class_is_a_category() -> None:
    with open(DATA / "usmin-lithium" / "Resources.csv", newline="", encoding="utf-8") as fh:
        classes = [r["Rsrc_Class"] for r in csv.DictReader(fh)]
    assert len(classes) == 73
    cats = [vocab.normalise_category(c) for c in classes]
    assert cats.count("inferred") == 23 + 4  # Inferred, Possible
    assert cats.count("indicated+inferred") == 10 and cats.count("measured+indicated+inferred") == 2
    assert cats.count("proven+probable") == 2


@pytest.mark.parametrize(
    ("code", "category"),
    [("111", "proven"), ("121", "probable"), ("122", "probable"), ("211", "measured"),
     ("221", "measured"), ("222", "indicated"), ("331", "measured"), ("332", "indicated"),
     ("333", "inferred"), ("334", "unclassified"), (111, "proven"), ("UNFC (332)", "indicated"),
     ("E1F1G1", "proven"), ("E3 F3 G3", "inferred")],
)
def test_unfc_to_crirsco(code: str | int, category: str) -> None:
    assert vocab.unfc_to_crirsco(code) == category


def test_unfc_unparseable_is_none() -> None:
    assert vocab.unfc_to_crirsco("reserve") is None


@pytest.mark.parametrize(
    ("text", "method"),
    [("CIM", "CIM"), ("JORC", "JORC"), ("NI 43-101", "CIM"), ("JORC (2012)", "JORC"),
     ("S-K 1300", "S-K 1300"), ("IMIC", "IMIC"), ("UNFC", "UNFC"), ("SAMREC", "SAMREC"),
     ("SEC", "historic"), ("<Null>", "unknown"), ("historical estimate", "historic")],
)
def test_normalise_classification(text: str, method: str) -> None:
    assert vocab.normalise_classification(text) == method


def test_deposit_type_table_matches_minmod_cmmi_list() -> None:
    """Our CMMI table has the same 189 (type, group, environment) triples as the MinMod list."""
    with open(DATA / "minmod" / "entities" / "deposit_type.csv", newline="", encoding="utf-8") as fh:
        theirs = {(r["deposit_type"], r["deposit_group"], r["deposit_environment"]) for r in csv.DictReader(fh)}
    ours = load_table("deposit_types")
    assert len(ours) == 189
    assert set(zip(ours["type"], ours["group"], ours["environment"], strict=True)) == theirs
    assert ours["environment"].nunique() == 12
    assert "doi:10.3133/ofr20211049" in sources()["deposit_types"]["source"]


@pytest.mark.parametrize(
    ("text", "type_", "code"),
    [
        ("Carbonatite REE", "Carbonatite REE", "10"),
        ("10", "Carbonatite REE", "10"),  # MinMod carbonatite records give the Cox & Singer number
        ("17", "Porphyry copper ± gold", "17"),
        ("39c", "Heavy mineral sands", "39c"),
        ("beach sands", "Heavy mineral sands", "39c"),
        ("14a - W skarn deposits", "Skarn tungsten ± Mo", "14a"),
        ("upwelling type phosphate deposits", "Phosphorite", "34c"),
        ("lithium-cesium-tantalum (LCT) pegmatite", "LCT pegmatite", None),  # USMIN DpMd_NoNm
        ("lithium brine", "Lacustrine brine lithium", None),
        ("lithium-bearing clay", "Lacustrine clay lithium", None),
        ("ion adsorption clay", "Ion adsorption REE", None),
    ],
)
def test_deposit_type(text: str, type_: str, code: str | None) -> None:
    dt = vocab.deposit_type(text)
    assert dt is not None and dt.type == type_ and dt.cox_singer_code == code
    assert dt.group and dt.environment


def test_deposit_type_unknown() -> None:
    assert vocab.deposit_type("unclassified") is None
    assert vocab.deposit_type("a quite unknown thing") is None
    asb = vocab.cox_singer_model("Model 8d")
    assert asb is not None and asb.type == "Serpentine-hosted asbestos" and asb.group is None


def test_every_reference_table_is_listed_and_loads() -> None:
    from importlib import resources

    files = {p.name for p in resources.files("critmin.reference").iterdir() if p.name.endswith(".csv")}
    listed = {v["file"] for v in sources().values()}
    assert files == listed
    for name, entry in sources().items():
        assert {"source", "licence", "edition", "units"} <= set(entry), name
        assert len(load_table(name)) > 0
