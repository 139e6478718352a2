"""The shipped MCS production tables: parsing quirks of the USGS MCS 2023/2024 data-release CSVs and published shares.

Data: ``../shared/data/supply`` (USGS MCS 2023, doi:10.5066/P9WCYUI6; MCS 2024, doi:10.5066/P144BA54; verbatim
copies vendored by Redliana/cmm-data, see SOURCES.md there).
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from critmin.reference import load_table
from critmin.supply.concentration import concentration

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".." / "shared" / "data" / "supply"
REF = REPO / "src" / "critmin" / "reference"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_mcs_tables", REPO / "benchmarks/supply/build_mcs_tables.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_mcs_tables"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_shipped_tables_are_a_fresh_build(tmp_path: Path) -> None:
    """The reference CSVs are exactly what the build script makes from the USGS files (no hand edits)."""
    build = _build_module()
    assert build.main(["--data", str(DATA), "--out", str(tmp_path)]) == 0
    for name in ("supply_production.csv", "supply_us_nir.csv", "supply_mcs2024_t5.csv"):
        assert (tmp_path / name).read_bytes() == (REF / name).read_bytes(), name


@pytest.mark.parametrize(("raw", "name", "kind", "iso3"), [
    ("Japane", "Japan", "country", "JPN"),                          # footnote "e" glued on (MCS 2024 gallium)
    ("Korea, Republic ofe", "Korea, Republic of", "country", "KOR"),
    ("Russiae", "Russia", "country", "RUS"),
    ("New Caledonia11", "New Caledonia", "country", "NCL"),          # footnote number (MCS 2024 cobalt)
    ("Other countries6", "Other countries", "other", ""),
    ("World total (rounded)10", "World total (rounded)", "world_total", ""),
    ("World total (rounded), excluding U.S. production", "World total (rounded)", "world_total", ""),
    ("Vietnam ", "Vietnam", "country", "VNM"),                      # trailing space (MCS 2024 manganese)
    ("Congo (Kinshasa)", "Congo (Kinshasa)", "country", "COD"),
    ("Burma", "Burma", "country", "MMR"),
    ("Russia (recoverable)", "Russia (recoverable)", "country", "RUS"),
])
def test_names_lose_footnotes_and_map_to_iso3(raw: str, name: str, kind: str, iso3: str) -> None:
    build = _build_module()
    assert build.clean_name(raw, build._country_index()) == (name, kind, iso3)


def test_every_country_row_is_mapped_and_flags_are_kept() -> None:
    t = load_table("supply_production")
    countries = t[t.row_kind == "country"]
    assert (countries.iso3 != "").all()
    # withheld / not available values are kept as flags with an empty quantity, never as numbers
    ge = t[(t.commodity == "Ge") & (t.edition == "MCS2024")]
    assert set(ge.flag) == {"W", "NA"} and (ge.quantity == "").all()
    us_li = t[(t.commodity == "Li") & (t.iso3 == "USA")]
    assert set(us_li.flag) == {"W"}
    # thousands separators and padded numbers ("1,700", "1230 ", "     325") are parsed
    br = t[(t.commodity == "Li") & (t.iso3 == "BRA") & (t.edition == "MCS2023") & (t.year == "2021")]
    assert br.quantity.iloc[0] == "1700"
    other_mn = t[(t.commodity == "Mn") & (t.row_kind == "other") & (t.edition == "MCS2024") & (t.year == "2023")]
    assert other_mn.quantity.iloc[0] == "330" and other_mn.unit.iloc[0] == "kt"
    # both editions' vintages of 2022 are kept
    assert set(t[(t.commodity == "REE") & (t.year == "2022")].edition) == {"MCS2023", "MCS2024"}


def test_all_comma_rows_are_skipped() -> None:
    """mcs2024-nicke_world.csv has 27 all-comma rows and trailing empty columns: 11 data rows remain."""
    raw = (DATA / "mcs2024/world/mcs2024-nicke_world.csv").read_text(encoding="utf-8-sig")
    assert sum(1 for r in csv.reader(raw.splitlines()) if r and not any(c.strip() for c in r)) >= 20
    t = load_table("supply_production")
    ni = t[(t.commodity == "Ni") & (t.edition == "MCS2024") & (t.year == "2023")]
    assert len(ni) == 11


# MCS 2024 Table 5 (MCS2024_T5_Critical_Minerals_Salient.csv, column Leading_source_precent_world): leading
# country's share of world production, 2023e, in whole percent.
T5_LEADER_PCT = [("gallium", "refinery", "China", 98), ("graphite", "mine", "China", 77),
                 ("rare earths", "mine", "China", 69), ("lithium", "mine", "Australia", 48),
                 ("cobalt", "mine", "Congo (Kinshasa)", 74), ("nickel", "mine", "Indonesia", 50),
                 ("antimony", "mine", "China", 48), ("tungsten", "mine", "China", 81),
                 ("manganese", "mine", "South Africa", 36)]


def test_table5_shipped_matches_the_typed_list() -> None:
    t5 = load_table("supply_mcs2024_t5").set_index("critical_mineral")
    assert len(t5) == 31
    assert t5.loc["Gallium", "leading_country_pct_world"] == "98"
    assert t5.loc["Cobalt", "us_secondary_prod"] == "2100"  # secondary (recycled) US supply, t
    from critmin.supply.commodities import resolve_commodity

    by_symbol = t5[t5.commodity != ""].set_index("commodity")
    for name, _, leader, pct in T5_LEADER_PCT:
        row = by_symbol.loc[resolve_commodity(name)]
        assert int(row.leading_country_pct_world) == pct and row.leading_country == leader


@pytest.mark.parametrize(("commodity", "stage", "leader", "pct"), T5_LEADER_PCT)
def test_leader_share_matches_mcs2024_table5(commodity: str, stage: str, leader: str, pct: int) -> None:
    c = concentration(commodity, stage, 2023)
    assert c.top1_country == leader
    assert c.source.startswith("MCS2024, mcs2024-")
    assert c.world_total_reported is not None and c.total_listed is not None
    share_of_world = c.shares[leader] * c.total_listed / c.world_total_reported
    assert round(100 * share_of_world) == pct


# HHIs of MCS 2023 world data, 2022e, over the listed countries with "Other countries" excluded from the
# denominator (critmin notes supply.md §2.1, recomputed from the same MCS 2023 files).
NOTES_HHI_2022E = {("Ga", "refinery"): 0.961, ("W", "mine"): 0.742, ("Co", "mine"): 0.529, ("REE", "mine"): 0.513,
                   ("Graphite", "mine"): 0.447, ("Ni", "mine"): 0.349, ("Li", "mine"): 0.338, ("Sb", "mine"): 0.354,
                   ("Mn", "mine"): 0.218, ("Cu", "mine"): 0.135, ("Cu", "refinery"): 0.256}


@pytest.mark.parametrize(("key", "expected"), list(NOTES_HHI_2022E.items()))
def test_hhi_over_named_countries_mcs2023(key: tuple[str, str], expected: float) -> None:
    from critmin.supply.production import stage_production

    sp = stage_production(key[0], key[1], 2022, edition="MCS2023")
    named = sp.rows[sp.rows.row_kind == "country"].groupby("iso3").quantity.sum()
    assert round(float(((named / named.sum()) ** 2).sum()), 3) == expected


def test_byproducts_and_secondary_supply() -> None:
    from critmin.supply.events import byproducts, export_controls, secondary_supply_us

    assert set(byproducts("germanium").host) == {"Zn", "Coal"}
    assert set(byproducts("cobalt").host) == {"Cu", "Ni"}
    sec = secondary_supply_us().set_index("critical_mineral")
    assert sec.loc["Antimony", "us_secondary_prod"] == "4000"  # MCS 2024 Table 5
    ev = export_controls("rare earths")
    assert list(ev.effective) == sorted(ev.effective) and "2025-04-04" in set(ev.effective)
