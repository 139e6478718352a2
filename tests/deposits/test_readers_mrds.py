"""Tests of the MRDS reader on handwritten rows and on a generated file (benchmarks/generate_mrds.py).

No real MRDS file is shipped; the handwritten Chavara row follows MRDS dep_id 10085028 (Chavara,
Kerala, India, heavy-mineral sands; ../shared/notes/deposits.md §1.1).
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from critmin.deposits.readers import read
from critmin.deposits.readers.mrds import MRDS_COLUMNS, SCORE_ACCURACY_M, read_mrds
from critmin.errors import InputError
from critmin.provenance import sha256_file

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".." / "shared" / "data"


def _write(path: Path, rows: list[dict[str, str]], *, score: bool = True, drop: tuple[str, ...] = ()) -> Path:
    cols = [c for c in MRDS_COLUMNS if c not in drop] + (["score"] if score else [])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})
    return path


CHAVARA = {
    "dep_id": "10085028", "url": "https://mrdata.usgs.gov/mrds/show-mrds.php?dep_id=10085028",
    "site_name": "Chavara", "latitude": "9.0167", "longitude": "76.5333", "region": "AS", "country": "India",
    "state": "Kerala", "com_type": "M", "commod1": "Titanium, Zirconium, Rare Earths",
    "commod2": "Thorium", "commod3": "Garnet", "oper_type": "Surface", "dev_stat": "Producer",
    "ore": "Ilmenite, Rutile, Zircon, Monazite, Sillimanite", "model": "Shoreline placer Ti (Model 39c)",
    "names": "Chavara beach sands; Chavara-Neendakara", "score": "B",
}
PASS = {
    "dep_id": "10010001", "site_name": "Mountain Pass", "latitude": "35.4788", "longitude": "-115.5322",
    "country": "United States", "state": "California", "commod1": "Rare Earths",
    "commod2": "Barium-Barite, Strontium", "commod3": "Stone, Crushed/Broken", "dev_stat": "Producer",
    "model": "Carbonatite (Model 10)", "score": "A",
}


def test_chavara_row(tmp_path: Path) -> None:
    f = _write(tmp_path / "mrds.csv", [CHAVARA, PASS])
    res = read_mrds([f])
    assert list(res.datasets) == ["mrds"]
    assert res.datasets["mrds"].content_sha256 == sha256_file(f)
    s = res.sites[0]
    assert (s.source, s.record_id, s.name) == ("mrds", "10085028", "Chavara")
    assert (s.lat, s.lon, s.country, s.state) == (9.0167, 76.5333, "India", "Kerala")
    assert s.aliases == ["Chavara beach sands", "Chavara-Neendakara"]
    assert [(c.symbol, c.role) for c in s.commodities] == [
        ("Ti", "main"), ("Zr", "main"), ("REE", "main"), ("Th", "byproduct"), ("Garnet", "unknown")]
    assert s.status == "producer"
    assert s.deposit_types[0].name == "Heavy mineral sands"
    assert s.deposit_types[0].cox_singer_code == "39c"
    assert s.location_quality == "B" and s.location_accuracy_m == SCORE_ACCURACY_M["B"]
    assert s.attributes["ore"].startswith("Ilmenite") and s.attributes["oper_type"] == "Surface"
    assert s.origin is not None and s.origin.row == 1 and s.origin.file == str(f)
    mp = res.sites[1]
    assert [c.symbol for c in mp.commodities] == ["REE", "Ba", "Sr", "Dimension stone"]
    assert mp.commodities[-1].observed == "Stone, Crushed/Broken"
    assert mp.deposit_types[0].name == "Carbonatite REE"


def test_registry_dispatch_and_source(tmp_path: Path) -> None:
    f = _write(tmp_path / "m.csv", [CHAVARA], score=False)
    res = read([f], "mrds", source="usgs-mrds-2011")
    assert res.sites[0].source == "usgs-mrds-2011" and res.sites[0].location_quality is None


def test_missing_columns_are_all_listed(tmp_path: Path) -> None:
    f = _write(tmp_path / "m.csv", [CHAVARA], drop=("commod2", "dev_stat"))
    with pytest.raises(InputError) as e:
        read_mrds([f])
    assert "commod2" in str(e.value) and "dev_stat" in str(e.value)


@pytest.mark.parametrize(("value", "column"), [("north", "latitude"), ("95.0", "latitude"), ("-181", "longitude")])
def test_bad_coordinate_names_file_row_column(tmp_path: Path, value: str, column: str) -> None:
    bad = dict(PASS, dep_id="2", **{column: value})
    f = _write(tmp_path / "m.csv", [CHAVARA, bad])
    with pytest.raises(InputError) as e:
        read_mrds([f])
    assert (e.value.file, e.value.row, e.value.column) == (str(f), 2, column)


def test_duplicate_dep_id(tmp_path: Path) -> None:
    f = _write(tmp_path / "m.csv", [CHAVARA, CHAVARA])
    with pytest.raises(InputError) as e:
        read_mrds([f])
    assert e.value.row == 2 and e.value.column == "dep_id"


def test_generated_file(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_mrds", REPO / "benchmarks" / "generate_mrds.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path / "gen.csv"
    gen.generate(2500, out, seed=0)
    calls: list[int] = []
    res = read_mrds([out], progress=lambda done, total, msg="": calls.append(done))
    assert len(res.sites) == 2500
    assert calls[:2] == [1000, 2000]
    assert all(s.lat is not None and -90 <= s.lat <= 90 for s in res.sites)
    statuses = {s.status for s in res.sites}
    assert {"occurrence", "past_producer", "prospect", "producer"} <= statuses
    assert sum(s.location_quality == "D" for s in res.sites) > 1000  # D dominates (MinMod site_rank)
    assert all(c.symbol for s in res.sites for c in s.commodities)
    # deterministic for a seed
    out2 = tmp_path / "gen2.csv"
    gen.generate(2500, out2, seed=0)
    assert sha256_file(out) == sha256_file(out2)
