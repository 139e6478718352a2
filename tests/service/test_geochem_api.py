"""The geochemistry API (``/api/geochem``) on both store backends: upload, metrics, patterns, QA/QC, map, plots.

Reference data: Geoscience Australia's Geochemistry QAQC example ``Dataset.xlsx`` (doi:10.26186/147731; copy in
../shared/data/geochem/ga-qaqc: 1,576 rows, SampleNo/SampleID/Time + 43 elements in ppm, "<DL" strings, CRMs
Till-1 ×182, WG-1 ×147, Till-2 ×147). The two-sample CSV is the one of the project's contract check
(``shared/checks/contracts``, ``check_geochem_characterise_shape``). Expected metrics are those of
:func:`critmin.geochem.characterise` on the same file: the API must return exactly the library's numbers.
"""

from __future__ import annotations

import csv
import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from critmin.config import get_settings
from critmin.geochem.assays import read_assays
from critmin.geochem.characterise import characterise
from critmin.geochem.normalise import normalise
from critmin.geochem.references import get_reference
from critmin.service.app import create_app

GA_XLSX = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geochem" / "ga-qaqc" / "Dataset.xlsx"
API = "/api/geochem"
REE_COLS = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y"]
ROWS = [[120, 250, 28, 105, 18, 3.2, 14, 2.0, 11, 2.1, 6.0, 0.85, 5.5, 0.8, 55],
        [1500, 2900, 300, 1000, 120, 30, 80, 9, 40, 7, 18, 2.2, 12, 1.7, 180]]
METRICS = ["treo_ppm", "ndpr_pct", "eu_anomaly", "ce_anomaly", "lambda0", "lambda1", "lambda2", "lambda3"]


def _contract_csv(extra: dict[str, list[object]] | None = None) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    extra = extra or {}
    w.writerow(["sample_id", *extra, *[f"{e}_ppm" for e in REE_COLS]])
    for i, r in enumerate(ROWS):
        w.writerow([f"S{i}", *[v[i] for v in extra.values()], *r])
    return buf.getvalue()


@pytest.fixture
def gclient(seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client whose artefacts go to a temporary data directory."""
    monkeypatch.setenv("CRITMIN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    with TestClient(create_app(seeded)) as c:
        yield c
    get_settings.cache_clear()


@pytest.fixture
def ga_xlsx() -> Path:
    if not GA_XLSX.exists():
        pytest.skip(f"shared test data not found at {GA_XLSX}")
    return GA_XLSX


def _upload(c: TestClient, filename: str, content: bytes | str, **form: str):
    data = content.encode() if isinstance(content, str) else content
    return c.post(f"{API}/datasets", files={"file": (filename, data)}, data=form)


def _artefacts(tmp_path: Path) -> list[Path]:
    root = tmp_path / "data" / "artefacts" / "geochem"
    return sorted(root.rglob("*")) if root.exists() else []


def test_references_lists_named_normalisers(gclient: TestClient) -> None:
    d = gclient.get(f"{API}/references").json()
    names = [r["name"] for r in d["items"]]
    assert d["default"] == "chondrite-palme-oneill-2014" == names[0]
    for n in ("chondrite-mcdonough-sun-1995", "chondrite-sun-mcdonough-1989", "chondrite-oneill-2016",
              "primitive-mantle-mcdonough-sun-1995", "ucc-rudnick-gao-2003", "ucc-taylor-mclennan-1985",
              "paas-taylor-mclennan-1985"):
        assert n in names
    oneill = next(r for r in d["items"] if r["name"] == "chondrite-oneill-2016")
    assert oneill["doi"] == "10.1093/petrology/egw047" and "O'Neill" in oneill["citation"]


def test_contract_csv_upload_and_metrics(gclient: TestClient, tmp_path: Path) -> None:
    c = gclient
    text = _contract_csv()
    r = _upload(c, "ree.csv", text, name="Contract samples")
    assert r.status_code == 201, r.text
    s = r.json()
    assert r.headers["location"] == s["url"] == f"{API}/datasets/{s['id']}"
    assert s["name"] == "Contract samples" and s["filename"] == "ree.csv" and s["n_samples"] == 2
    assert s["visibility"] == "public" and s["organisation"] == get_settings().organisation
    assert s["units"] == {f"{e}_ppm": "ppm" for e in REE_COLS}
    assert s["analytes"]["La_ppm"] == "La" and s["id_columns"] == ["sample_id"] and s["label_column"] == "sample_id"
    assert s["ree"] == [e for e in REE_COLS if e != "Y"] + ["Y"]
    assert s["has_coordinates"] is False and len(s["content_sha256"]) == 64
    assert c.get(s["url"]).json() == s
    listing = c.get(f"{API}/datasets").json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == s["id"]
    # metrics = characterise() of the same file
    src = tmp_path / "ree.csv"
    src.write_text(text, encoding="utf-8")
    expected = characterise(read_assays(src))
    m = c.get(f"{s['url']}/metrics").json()
    assert m["normaliser"] == "chondrite-palme-oneill-2014" and m["total"] == 2
    assert m["columns"][:3] == ["row", "label", "sample_id"]
    assert [row["label"] for row in m["rows"]] == ["S0", "S1"]
    for col in METRICS:
        assert col in m["numeric_columns"]
        np.testing.assert_allclose([row[col] for row in m["rows"]], expected[col].to_numpy(dtype=float),
                                   rtol=1e-12)
    assert m["metadata"]["normaliser"] == "chondrite-palme-oneill-2014"
    assert m["metadata"]["lambda_reference"] == "chondrite-oneill-2016"
    # hand check of S0's TREO: sum of element ppm × oxide factor (industry set; computed from the library's
    # pinned masses), e.g. La2O3/2La = 1.1728 → at least 120 × 1.17 from La alone
    assert 1.15 * sum(ROWS[0]) < m["rows"][0]["treo_ppm"] < 1.25 * sum(ROWS[0])
    # another normaliser changes the anomalies but not TREO; the second call is served from the cache
    for _ in range(2):
        u = c.get(f"{s['url']}/metrics", params={"normalise": "ucc-rudnick-gao-2003"}).json()
        assert u["normaliser"] == "ucc-rudnick-gao-2003"
        exp_u = characterise(read_assays(src), normalise_to="ucc-rudnick-gao-2003")
        np.testing.assert_allclose([row["eu_anomaly"] for row in u["rows"]], exp_u["eu_anomaly"], rtol=1e-12)
        assert [row["treo_ppm"] for row in u["rows"]] == [row["treo_ppm"] for row in m["rows"]]
    assert any(p.name.startswith("metrics-ucc-rudnick-gao-2003") for p in _artefacts(tmp_path))
    # CSV
    r = c.get(f"{s['url']}/metrics", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    got = pd.read_csv(io.StringIO(r.text))
    assert list(got["sample_id"]) == ["S0", "S1"]
    np.testing.assert_allclose(got["lambda1"], expected["lambda1"], rtol=1e-12)
    # paging
    p = c.get(f"{s['url']}/metrics", params={"limit": 1, "offset": 1}).json()
    assert p["total"] == 2 and [row["row"] for row in p["rows"]] == [1]
    # unknown normaliser → 400
    r = c.get(f"{s['url']}/metrics", params={"normalise": "chondrite-nobody-2099"})
    assert r.status_code == 400 and "chondrite-palme-oneill-2014" in r.json()["detail"]


def test_normalised_patterns_and_ree_svg(gclient: TestClient) -> None:
    c = gclient
    s = _upload(c, "ree.csv", _contract_csv()).json()
    n = c.get(f"{s['url']}/normalised", params={"samples": "1"}).json()
    assert n["elements"] == [e for e in REE_COLS if e != "Y"] + ["Y"]
    assert [x["row"] for x in n["samples"]] == [1] and n["samples"][0]["label"] == "S1"
    ref = get_reference("chondrite-palme-oneill-2014")
    assert n["samples"][0]["values"]["La"] == pytest.approx(1500 / ref["La"], rel=1e-12)
    assert n["samples"][0]["values"]["Y"] == pytest.approx(180 / ref["Y"], rel=1e-12)
    full = c.get(f"{s['url']}/normalised", params={"normalise": "chondrite-oneill-2016"}).json()
    assert len(full["samples"]) == 2 and full["doi"] == "10.1093/petrology/egw047"
    assert "Y" not in full["elements"]  # O'Neill (2016) gives no Y
    r = c.get(f"{s['url']}/normalised", params={"samples": "5"})
    assert r.status_code == 400 and "row 5" in r.json()["detail"]
    svg = c.get(f"{s['url']}/plots/ree.svg", params={"samples": "0,1"})
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.text)
    assert root.tag.endswith("svg")
    gids = {e.get("id") for e in root.iter()}
    assert {"ree-sample-0", "ree-sample-1"} <= gids and "ree-sample-2" not in gids
    assert "S1" in svg.text


def test_geojson_samples_with_coordinates(gclient: TestClient) -> None:
    c = gclient
    text = _contract_csv({"Longitude": [121.5, 400], "Latitude": [-28.25, -30.0]})
    s = _upload(c, "ree_xy.csv", text).json()
    assert s["has_coordinates"] is True and (s["lon_column"], s["lat_column"]) == ("Longitude", "Latitude")
    g = c.get(f"{s['url']}/samples.geojson", params={"metric": "treo_ppm"})
    assert g.status_code == 200 and g.headers["content-type"].startswith("application/geo+json")
    d = g.json()
    assert d["type"] == "FeatureCollection" and d["numberMatched"] == 1 and d["excluded"] == 1  # lon 400 dropped
    f = d["features"][0]
    assert f["geometry"] == {"type": "Point", "coordinates": [121.5, -28.25]}
    m = c.get(f"{s['url']}/metrics").json()
    assert f["properties"]["value"] == m["rows"][0]["treo_ppm"] and f["properties"]["label"] == "S0"
    assert f["properties"]["flag"] == m["rows"][0]["treo_flag"]
    el = c.get(f"{s['url']}/samples.geojson", params={"metric": "La"}).json()
    assert el["features"][0]["properties"]["value"] == 120.0 and el["features"][0]["properties"]["flag"] == ""
    assert c.get(f"{s['url']}/samples.geojson", params={"metric": "nonsense"}).status_code == 400
    plain = _upload(c, "ree.csv", _contract_csv()).json()
    assert c.get(f"{plain['url']}/samples.geojson").status_code == 404


def test_ga_dataset_xlsx(gclient: TestClient, ga_xlsx: Path) -> None:
    c = gclient
    r = _upload(c, "Dataset.xlsx", ga_xlsx.read_bytes(), units="ppm", name="GA QAQC")
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["n_samples"] == 1576 and len(s["analytes"]) == 43
    assert s["id_columns"] == ["Time", "SampleNo", "SampleID"] and s["label_column"] == "SampleNo"
    assert set(s["units"].values()) == {"ppm"} and "Tm" not in s["elements"]
    # SOURCES.md: Lu has 1,574 "<" strings
    assert s["censoring"]["Lu"]["<"] == 1574
    table = read_assays(ga_xlsx, units="ppm")
    expected = characterise(table)
    m = c.get(f"{s['url']}/metrics").json()
    assert m["total"] == 1576 and m["rows"][0]["SampleNo"] == "WG-1"
    for col in [*METRICS, "la_yb_n", "outlook_coefficient"]:
        got = np.array([np.nan if row[col] is None else row[col] for row in m["rows"]], dtype=float)
        np.testing.assert_allclose(got, expected[col].to_numpy(dtype=float), rtol=1e-12, equal_nan=True)
    for col in ("treo_flag", "lambda_flag"):
        assert [row[col] for row in m["rows"]] == expected[col].astype(str).tolist()
    # QA/QC summary equals the library's report on the file
    from critmin.geochem.qaqc import qaqc_report

    lib = qaqc_report(table).to_dict()
    q = c.get(f"{s['url']}/qaqc").json()
    assert q["batches"] == lib["batches"] and q["crm"] == lib["crm"] and q["duplicates"] == lib["duplicates"]
    assert q["counts"]["crm_points"] == len(lib["crm_points"]) > 0 and "crm_points" not in q
    assert {str(row["material"]).upper() for row in q["crm"]} >= {"TILL-1", "WG-1", "TILL-2"}
    q2 = c.get(f"{s['url']}/qaqc", params={"include": "crm_points"}).json()
    assert len(q2["crm_points"]) == q["counts"]["crm_points"]
    assert c.get(f"{s['url']}/qaqc", params={"include": "everything"}).status_code == 400
    # certified values without a certificate SD: accuracy against ±tolerance_pct; only real biases fail
    # (default 10 %: Ni, Eu, U of TILL-1 and Ni, Sb, Eu of TILL-2); in-house standards are "no certificate"
    assert q["batches"][0]["crm_fail"] == 6 and q["batches"][0]["crm_no_certificate"] > 0
    assert {r["status"] for r in q["crm"] if r["material"] == "WG-1"} <= {"no certificate", "no data"}
    q20 = c.get(f"{s['url']}/qaqc", params={"tolerance_pct": 20}).json()
    assert [(r["material"], r["element"]) for r in q20["crm"] if r["status"] == "fail"] == [("TILL-2", "Eu")]
    assert c.get(f"{s['url']}/qaqc", params={"tolerance_pct": 0}).status_code in (400, 422)
    # many samples → envelope diagram
    svg = c.get(f"{s['url']}/plots/ree.svg").text
    assert 'id="ree-median"' in svg


def test_bad_files_are_refused_and_nothing_is_stored(gclient: TestClient, tmp_path: Path) -> None:
    c = gclient
    good = _contract_csv().splitlines()
    bad_text = "\n".join([good[0], good[1], good[2].replace(",1500,", ",lots,")]) + "\n"
    r = _upload(c, "bad.csv", bad_text)
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert "bad.csv" in detail and "row 2" in detail and "'La_ppm'" in detail and "lots" in detail
    # units cannot be determined: the columns are listed
    r = _upload(c, "nounits.csv", "sample_id,La,Ce\nA,1,2\n")
    assert r.status_code == 400 and "['La', 'Ce']" in r.json()["detail"] and "nounits.csv" in r.json()["detail"]
    # duplicated columns
    r = _upload(c, "dup.csv", "sample_id,La_ppm,La_ppm\nA,1,2\n")
    assert r.status_code == 400 and "duplicated" in r.json()["detail"]
    assert _upload(c, "x.pdf", "%PDF").status_code == 400
    assert _upload(c, "empty.csv", "").status_code == 400
    assert _upload(c, "ree.csv", _contract_csv(), units="{not json").status_code == 400
    assert _upload(c, "ree.csv", _contract_csv(), visibility="secret").status_code == 400
    assert c.get(f"{API}/datasets").json()["total"] == 0
    assert _artefacts(tmp_path) == []


def test_unknown_and_private_datasets(gclient: TestClient) -> None:
    c = gclient
    assert c.get(f"{API}/datasets/999").status_code == 404
    assert c.get(f"{API}/datasets/999/metrics").status_code == 404
    assert c.get(f"{API}/datasets/999/plots/ree.svg").status_code == 404
    r = _upload(c, "secret.csv", _contract_csv(), visibility="private")
    assert r.status_code == 201 and r.json()["visibility"] == "private"
    pid = r.json()["id"]
    pub = _upload(c, "open.csv", _contract_csv(), visibility="public").json()
    listing = c.get(f"{API}/datasets").json()
    assert listing["total"] == 1 and [d["id"] for d in listing["items"]] == [pub["id"]]
    for path in ("", "/metrics", "/normalised", "/qaqc", "/plots/ree.svg"):
        assert c.get(f"{API}/datasets/{pid}{path}").status_code == 404, path


def test_units_as_json_object(gclient: TestClient) -> None:
    text = "sample_id,La,CeO2\nA,100,0.05\n"
    r = _upload(gclient, "mixed.csv", text, units='{"La": "ppm", "CeO2": "pct"}')
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["units"] == {"La": "ppm", "CeO2": "pct"} and s["analytes"]["CeO2"] == "CeO2"
    n = gclient.get(f"{s['url']}/normalised").json()
    # 0.05 wt% CeO2 = 500 ppm CeO2 → Ce ppm with the pinned-mass factor
    ce = n["samples"][0]["values"]["Ce"] * get_reference()["Ce"]
    assert 400 < ce < 410 and math.isfinite(ce)
    expected = normalise(pd.DataFrame({"Ce": [ce]}))
    assert n["samples"][0]["values"]["Ce"] == pytest.approx(float(expected["Ce"].iloc[0]))
