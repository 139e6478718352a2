"""Tests of the critmin native layout reader (handwritten rows; the bundled demo file if present)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from critmin.deposits.readers import read
from critmin.deposits.readers.native import NATIVE_COLUMNS, read_native
from critmin.errors import InputError

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src" / "critmin" / "deposits" / "demo" / "demo_sites.csv"

MOUNT_WELD = {
    "record_id": "au-mount-weld", "name": "Mount Weld", "aliases": "Mt Weld|Mount Weld CLD",
    "lat": "-28.8617", "lon": "122.5469", "location_accuracy_m": "1000", "country": "AUS",
    "state": "Western Australia", "status": "producer", "commodities_main": "REE",
    "commodities_byproduct": "Nb;Ta;P", "deposit_type": "Carbonatite laterite REE",
    "inventory_category": "Measured + Indicated", "classification": "JORC", "inventory_date": "2023",
    "ore_mt": "55.4", "grades": "TREO:4.1%;Nb2O5:0.5%", "contained": "TREO:2.27Mt",
    "citation": "Lynas Rare Earths, 2023, Annual report", "notes": "",
}
SALAL = {
    "record_id": "in-salal-haimana", "name": "Salal-Haimana", "aliases": "सलाल-हैमना|Salal",
    "lat": "33.15", "lon": "74.80", "country": "IND", "state": "Jammu and Kashmir",
    "status": "deposit", "commodities_main": "lithium", "inventory_category": "333",
    "classification": "UNFC", "ore_mt": "5.9", "grades": "Li2O:0.8%",
    "citation": "Ministry of Mines, 2023", "notes": "",
}


def _write(path: Path, rows: list[dict[str, str]], cols: tuple[str, ...] = NATIVE_COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})
    return path


def test_rows(tmp_path: Path) -> None:
    f = _write(tmp_path / "sites.csv", [MOUNT_WELD, SALAL])
    res = read([f], "critmin")
    assert list(res.datasets) == ["critmin-demo"]
    mw, salal = res.sites
    assert mw.aliases == ["Mt Weld", "Mount Weld CLD"]
    assert [(c.symbol, c.role) for c in mw.commodities] == [
        ("REE", "main"), ("Nb", "byproduct"), ("Ta", "byproduct"), ("P", "byproduct")]
    assert mw.deposit_types[0].group == "Laterite" and mw.deposit_types[0].environment == "Supergene"
    inv = {i.commodity: i for i in mw.inventory}
    assert inv["REE"].ore_t == pytest.approx(55.4e6) and inv["REE"].grade_pct == pytest.approx(4.1)
    assert inv["REE"].contained_t == pytest.approx(2.27e6) and inv["REE"].material_form == "TREO"
    assert inv["Nb"].grade_pct == pytest.approx(0.5) and inv["REE"].category == "measured+indicated"
    assert inv["REE"].classification_method == "JORC" and mw.references == ["Lynas Rare Earths, 2023, Annual report"]
    assert salal.aliases == ["सलाल-हैमना", "Salal"]
    li = salal.inventory[0]
    assert (li.commodity, li.category, li.unfc_code, li.classification_method) == ("Li", "inferred", "333", "UNFC")


def test_bad_grade_names_row_and_column(tmp_path: Path) -> None:
    f = _write(tmp_path / "s.csv", [MOUNT_WELD, dict(SALAL, grades="Li2O 0.8%")])
    with pytest.raises(InputError) as e:
        read_native([f])
    assert (e.value.row, e.value.column) == (2, "grades")


def test_missing_column(tmp_path: Path) -> None:
    f = _write(tmp_path / "s.csv", [MOUNT_WELD], cols=NATIVE_COLUMNS[:-1])
    with pytest.raises(InputError, match="notes"):
        read_native([f])


@pytest.mark.skipif(not DEMO.exists(), reason="bundled demo file not written yet")
def test_bundled_demo_reads() -> None:
    res = read_native([DEMO])
    assert len(res.sites) >= 100
    chavara = next(s for s in res.sites if s.record_id == "in-chavara")
    assert {"Ti", "Zr", "REE"} <= set(chavara.commodity_symbols)
    assert chavara.deposit_types[0].cox_singer_code == "39c"
