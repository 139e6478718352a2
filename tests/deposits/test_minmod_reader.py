"""MinMod reader against the real MinMod site files in ../shared/data/deposits/minmod (MIT, USGS-derived)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from critmin.deposits.readers.minmod import read_minmod
from critmin.errors import InputError

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "deposits"
UMN = DATA / "minmod" / "mineral-sites" / "umn"
LABEL_SITES = DATA / "minmod-labels" / "label-sites"

pytestmark = pytest.mark.skipif(not UMN.is_dir(), reason="shared MinMod test data not present")


@pytest.fixture(scope="module")
def umn():
    return read_minmod(sorted(UMN.glob("*/*.json")))


def test_counts_per_source(umn):
    # SOURCES.md: mrdata_ree 799 sites (221 without location), carbonatite 60, Earth MRI 684,
    # USMIN deposit 445, PP1802 410, VMS 1,090, MRDS California critical subset 524.
    per = Counter(s.source for s in umn.sites)
    assert per["https://mrdata.usgs.gov/ree"] == 799
    assert per["https://mrdata.usgs.gov/carbonatite"] == 60
    assert per["https://doi.org/10.5066/P9K1HBNT"] == 684
    assert per["https://mrdata.usgs.gov/deposit"] == 445
    assert per["https://mrdata.usgs.gov/pp1802"] == 410
    assert per["https://mrdata.usgs.gov/vms"] == 1090
    assert per["https://doi.org/10.5066/P9HTERGK"] == 524
    no_loc = Counter(s.source for s in umn.sites if s.lon is None)
    assert no_loc["https://mrdata.usgs.gov/ree"] == 221
    assert set(umn.datasets) == set(per)
    assert umn.datasets["https://mrdata.usgs.gov/ree"].format == "minmod"


def test_mountain_pass_in_mrds_california(umn):
    mp = {s.record_id: s for s in umn.sites
          if s.source == "https://doi.org/10.5066/P9HTERGK" and s.record_id in ("42704", "30115")}
    assert set(mp) == {"42704", "30115"}
    for s in mp.values():
        assert "Mountain Pass" in s.name
        assert s.lon == pytest.approx(-115.53, abs=0.01) and s.lat == pytest.approx(35.48, abs=0.01)
        assert s.state == "California" and s.country == "United States"
        assert {"La", "Ce"} <= set(s.commodity_symbols)
        assert s.origin is not None and s.origin.file.endswith("b000.json")


def test_vms_inventory_normalised(umn):
    # VMS records carry ore in "million tonnes" and grades in Wt-Pct / G/T.
    inv = [i for s in umn.sites if s.source == "https://mrdata.usgs.gov/vms" for i in s.inventory]
    assert len(inv) > 800
    zn = next(i for i in inv if i.ore_unit == "million tonnes" and i.grade_unit == "Wt-Pct")
    assert zn.ore_t == pytest.approx(zn.ore_value * 1e6)
    assert zn.grade_pct == pytest.approx(zn.grade_value)
    assert zn.contained_t == pytest.approx(zn.ore_t * zn.grade_pct / 100)
    au = next(i for i in inv if i.grade_unit == "G/T")
    assert au.grade_pct == pytest.approx(au.grade_value * 1e-4)


def test_usmin_state_from_normalized_uri_only(umn):
    # mrdata_deposit gives country/state only as MinMod Q-ids (no observed_name)
    dep = [s for s in umn.sites if s.source == "https://mrdata.usgs.gov/deposit" and s.record_id == "AZ00024"]
    assert dep and dep[0].state == "Arizona" and dep[0].country == "United States"


def test_team_copies_merge_into_one_record():
    res = read_minmod(sorted(LABEL_SITES.glob("*.json")))
    keys = Counter((s.source, s.record_id) for s in res.sites)
    assert max(keys.values()) == 1
    assert len(res.sites) == 117  # README: 117 distinct (source, record) keys of 154 objects
    # Graphite Creek ARDF TE105: the sri copy has no name/location, the umn copy does
    te = next(s for s in res.sites if s.record_id == "TE105")
    assert te.name == "Graphite Creek"
    # the umn copy gives "POINT (-165.535 65.04)" in NAD27 (Q702): transformed to WGS 84 (~150 m shift)
    assert te.crs == "EPSG:4267"
    assert te.lon == pytest.approx(-165.535, abs=0.01) and te.lon != pytest.approx(-165.535, abs=1e-4)
    assert len(te.attributes["created_by"]) == 2
    assert any(d.name == "Metamorphic graphite" for d in te.deposit_types)  # from the sri copy
    # Costerfield (CDR report): inferlink + glederer (expert) + sri copies
    cf = next(s for s in res.sites if s.record_id.startswith("0216896a9dcb"))
    assert cf.attributes["created_by"][0].endswith("/users/u/glederer")  # the expert copy ranks first
    assert cf.state == "Victoria" and set(cf.commodity_symbols) == {"Au", "Sb"}


def test_rounded_coordinates_imply_accuracy():
    res = read_minmod(sorted(LABEL_SITES.glob("*.json")))
    by = {s.record_id[:12]: s for s in res.sites}
    assert by["02d2c7f081f2"].location_accuracy_m > 50_000  # "POINT(145.0 -36.0)": whole degrees
    assert by["0216896a9dcb"].location_accuracy_m < 10


def test_malformed_json_names_file(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('[{"source_id": "x", "record_id": "1"},', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json"):
        read_minmod([p])


def test_missing_record_id_names_record(tmp_path):
    p = tmp_path / "sites.json"
    p.write_text(json.dumps([{"source_id": "https://x", "record_id": "1"}, {"source_id": "https://x"}]),
                 encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_minmod([p])
    assert ei.value.row == 2 and ei.value.column == "record_id" and "sites.json" in str(ei.value)
