"""The assessment API (``/api/assessment``) on both store backends: jobs, progress, results, errors.

Reference inputs: MapMark4's example GT table ``ExampleGatm_synthetic_CuAu_71_deposits.csv`` and estimates
``ExampleDepEst1`` (Ellefsen 2017, USGS TM 7-C14, doi:10.3133/tm7C14; copies in ../shared/data/assessment/mapmark4):
the negative-binomial fit to ExampleDepEst1 has mean 10.6613, variance 43.0923, mode 7, support 0–42 (issue 4).
Mark3 (1, 2, 4) → 0.067, 0.233, 0.300, 0.200, 0.200 (issue 4 golden values).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from critmin.assessment.estimates import read_estimates
from critmin.assessment.gt_data import read_gt
from critmin.assessment.gt_model import GTModel
from critmin.assessment.pmf import fit_negative_binomial
from critmin.assessment.simulate import simulate
from critmin.assessment.statistics import statistics
from critmin.config import get_settings
from critmin.service.app import create_app

MM4 = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
GT_CSV = MM4 / "ExampleGatm_synthetic_CuAu_71_deposits.csv"
EST1 = MM4 / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"
TRACT = {"type": "Polygon", "coordinates": [[[74.0, 21.0], [75.0, 21.0], [75.0, 22.0], [74.0, 22.0], [74.0, 21.0]]]}
API = "/api/assessment"


@pytest.fixture
def mm4() -> Path:
    if not GT_CSV.exists() or not EST1.exists():
        pytest.skip(f"shared test data not found at {MM4}")
    return MM4


@pytest.fixture
def aclient(seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client whose artefacts go to a temporary data directory."""
    monkeypatch.setenv("CRITMIN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    with TestClient(create_app(seeded)) as c:
        yield c
    get_settings.cache_clear()


def _wait(c: TestClient, rid: int) -> dict:
    """Poll the run until it is done or failed (bounded number of polls, no timing assertion)."""
    seen = []
    for _ in range(3000):
        d = c.get(f"{API}/runs/{rid}").json()
        seen.append(d["progress"])
        if d["status"] in ("done", "failed"):
            d["_seen_progress"] = seen
            return d
        time.sleep(0.05)
    raise AssertionError(f"run {rid} did not finish: {d}")


def _body(**kw) -> dict:
    body = {"name": "Tract A", "tract": TRACT, "gt": {"csv": GT_CSV.read_text(encoding="utf-8")},
            "pmf": {"mark3": [1, 2, 4]}, "trials": 10000, "seed": 2024}
    body.update(kw)
    return body


def test_run_job_end_to_end(aclient: TestClient, mm4: Path, tmp_path: Path) -> None:
    c = aclient
    r = c.post(f"{API}/runs", json=_body(pmf={"estimates_csv": EST1.read_text(encoding="utf-8")}, trials=15000,
                                          seed=99))
    assert r.status_code == 202, r.text
    acc = r.json()
    assert acc["status"] == "queued" and acc["url"] == f"{API}/runs/{acc['id']}"
    rid = acc["id"]
    # inputs are available at once
    pmf = c.get(f"{API}/runs/{rid}/pmf").json()
    assert pmf["method"] == "negative-binomial"
    assert pmf["mean"] == pytest.approx(10.6613, abs=1e-4) and pmf["variance"] == pytest.approx(43.0923, abs=1e-4)
    assert pmf["mode"] == 7 and pmf["n"][0] == 0 and pmf["n"][-1] == 42
    assert pmf["exceedance"][0] == pytest.approx(1.0) and len(pmf["probability"]) == 43
    gt = c.get(f"{API}/runs/{rid}/gt").json()
    assert len(gt["deposits"]) == 71 and gt["elements"] == ["Cu", "Au"]
    d = _wait(c, rid)
    assert d["status"] == "done", d["message"]
    assert d["progress"] == 1.0 and d["message"].startswith("done: 15,000 trials")
    assert d["_seen_progress"] == sorted(d["_seen_progress"])
    # the statistics are exactly the library's for the same inputs and seed
    lib = simulate(fit_negative_binomial(read_estimates(EST1)), GTModel.fit(read_gt(GT_CSV)), trials=15000, seed=99)
    expected = statistics(lib.totals, ["ore", "Cu", "Au"])
    _same(d["result"]["statistics"], expected)
    assert d["result"]["moment_check"]["passed"] is True
    assert d["result"]["quantities"] == ["ore", "Cu", "Au"]
    assert d["result"]["n_deposits_simulated"] == int(lib.totals["n_deposits"].sum())
    assert d["provenance"]["seed"] == 99 and d["provenance"]["operation"] == "assessment.simulate"
    assert d["provenance"]["parameters"]["trials"] == 15000 and len(d["provenance"]["inputs_sha256"]) == 64
    assert d["parameters"] == {"tonnage_pdf": "normal", "grade_pdf": "normal", "truncate": False, "joint": False,
                               "trials": 15000, "seed": 99}
    assert d["tract"]["type"] == "Polygon" and 11_400 < d["tract_area_km2"] < 11_700
    assert d["inputs"]["pmf"]["kind"] == "estimates_csv"
    # totals as CSV: one row per trial, equal to the library's
    t = c.get(f"{API}/runs/{rid}/totals.csv")
    assert t.status_code == 200 and t.headers["content-type"].startswith("text/csv")
    totals = pd.read_csv(io.StringIO(t.text))
    assert list(totals.columns) == ["trial", "n_deposits", "ore", "Cu", "Au"] and len(totals) == 15000
    np.testing.assert_allclose(totals["Cu"].to_numpy(), lib.totals["Cu"].to_numpy(), rtol=1e-15)
    # CCDF: ≤ 500 points, P(T ≥ x) from 1 down to 1/trials, agreeing with the totals
    cc = c.get(f"{API}/runs/{rid}/ccdf").json()
    assert cc["trials"] == 15000 and set(cc["quantities"]) == {"ore", "Cu", "Au"}
    ore = cc["quantities"]["ore"]
    assert len(ore["x"]) <= 500 and ore["p_exceed"][0] == 1.0 and ore["p_exceed"][-1] == pytest.approx(1 / 15000)
    assert ore["p_zero"] == pytest.approx(expected["ore"]["p_zero"])
    x_mid = ore["x"][len(ore["x"]) // 2]
    assert ore["p_exceed"][len(ore["x"]) // 2] == pytest.approx(np.mean(lib.totals["ore"].to_numpy() >= x_mid))
    # artefacts under <data_dir>/artefacts/assessment/<id>
    assert (tmp_path / "data" / "artefacts" / "assessment" / str(rid) / "totals.parquet").exists()
    # listed
    page = c.get(f"{API}/runs").json()
    assert page["total"] == 1 and page["items"][0]["id"] == rid and page["items"][0]["status"] == "done"
    assert "result" not in page["items"][0]


def _same(got: dict, expected: dict) -> bool:
    assert got.keys() == expected.keys()
    for q in expected:
        for k, v in expected[q].items():
            assert got[q][k] == v, (q, k)
    return True


def test_gt_from_kb_run_and_kde_options(aclient: TestClient, mm4: Path) -> None:
    """Rows input with KDE grades, truncation and the joint model; results again equal the library's."""
    data = read_gt(GT_CSV)
    rows = [{"id": i, "name": n, "ore_t": float(o), "grades_pct": {"Cu": float(cu), "Au": float(au)}}
            for i, n, o, cu, au in zip(data.ids, data.names, data.ore_t, data.grades_pct["Cu"], data.grades_pct["Au"],
                                       strict=True)]
    body = _body(gt={"rows": rows}, grade_pdf="kde", truncate=True, joint=True, trials=5000, seed=5,
                 visibility="public", tract=None)
    r = aclient.post(f"{API}/runs", json=body)
    assert r.status_code == 202, r.text
    d = _wait(aclient, r.json()["id"])
    assert d["status"] == "done", d["message"]
    from critmin.assessment.pmf import mark3_pmf
    from critmin.store.assessment_inputs import gt_from_rows

    model = GTModel.fit(gt_from_rows(rows), grade_pdf="kde", truncate=True, joint=True)
    lib = simulate(mark3_pmf([1, 2, 4]), model, trials=5000, seed=5)
    _same(d["result"]["statistics"], statistics(lib.totals, ["ore", "Cu", "Au"]))
    assert d["tract"] is None and d["result"]["options"]["joint"] is True


@pytest.mark.parametrize(("patch", "needle"), [
    ({"pmf": {"estimates": [{"name": "a", "weight": 1, "n90": 9, "n50": 5, "n10": 20}]}}, "row 1"),
    ({"pmf": {"mark3": [1, 2, 4], "poisson_mean": 2}}, "exactly one of"),
    ({"gt": {"rows": [{"ore_t": 1e6, "grades_pct": {"Cu": 120}}] * 3}}, "grades_pct.Cu"),
    ({"gt": {}}, "exactly one of rows, csv, from_kb"),
    ({"trials": 2_000_000}, "trials"),
    ({"seed": -1}, "seed"),
    ({"tract": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}, "Polygon or MultiPolygon"),
    ({"tonnage_pdf": "gamma"}, "tonnage_pdf"),
    ({"name": ""}, "name"),
    ({"gt": {"from_kb": {"commodity": "Cu"}}}, "none has an ore tonnage"),
])
def test_invalid_input_is_400_naming_the_problem(aclient: TestClient, mm4: Path, patch: dict, needle: str) -> None:
    r = aclient.post(f"{API}/runs", json=_body(**patch))
    assert r.status_code == 400, r.text
    assert needle in r.json()["detail"], r.json()["detail"]
    assert aclient.get(f"{API}/runs").json()["total"] == 0  # nothing stored


def test_unknown_run_is_404(aclient: TestClient) -> None:
    for path in ("", "/pmf", "/gt", "/ccdf", "/totals.csv"):
        r = aclient.get(f"{API}/runs/424242{path}")
        assert r.status_code == 404, (path, r.text)
        assert "424242" in r.json()["detail"]


def test_failing_run_ends_failed_without_results(aclient: TestClient, mm4: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import critmin.store.assessment_runs as runs_mod

    def broken(*args, progress, **kw):
        progress(0.3, "simulating: 3,000 of 10,000 trials")
        raise ValueError("disk on fire")

    monkeypatch.setattr(runs_mod, "run_simulation", broken)
    r = aclient.post(f"{API}/runs", json=_body())
    rid = r.json()["id"]
    d = _wait(aclient, rid)
    assert d["status"] == "failed"
    assert d["message"] == "internal error: ValueError: disk on fire"
    assert d["result"] is None and d["provenance"] is None and d["finished_at"] is not None
    for path in ("/ccdf", "/totals.csv"):
        res = aclient.get(f"{API}/runs/{rid}{path}")
        assert res.status_code == 409 and "failed: internal error" in res.json()["detail"]
    assert not (tmp_path / "data" / "artefacts" / "assessment" / str(rid)).exists()
    assert aclient.get(f"{API}/runs/{rid}/pmf").status_code == 200  # the inputs stay inspectable


def test_gt_preview_and_gt_from_kb(aclient: TestClient, mm4: Path) -> None:
    r = aclient.post(f"{API}/gt-preview", json={"gt": {"csv": GT_CSV.read_text(encoding="utf-8")}})
    assert r.status_code == 200, r.text
    doc = r.json()
    lib = read_gt(GT_CSV)
    assert doc["summary"]["n_deposits"] == 71
    assert doc["summary"]["median_ore_t"] == pytest.approx(float(np.median(lib.ore_t)))
    assert doc["model"]["elements"] == ["Cu", "Au"] and "tonnage" in doc["diagnostics"]
    assert len(doc["deposits"]) == 71
    bad = aclient.post(f"{API}/gt-preview", json={"gt": {"rows": [{"ore_t": 0, "grades_pct": {"Cu": 1}}]}})
    assert bad.status_code == 400 and "ore_t" in bad.json()["detail"]
    # the seeded world (tests/store/factories.py) has three REE sites with an inventory (1.5 Mt at 2.5 %)
    kb = aclient.get(f"{API}/gt-from-kb", params={"commodity": "REE"})
    assert kb.status_code == 200, kb.text
    k = kb.json()
    assert sorted(x["name"] for x in k["deposits"]) == ["Amba Dongar", "Mountain Pass", "Songwe Hill"]
    assert all(x["ore_t"] == 1.5e6 and x["grades_pct"]["REE"] == 2.5 for x in k["deposits"])
    assert [x["name"] for x in k["dropped"]] == ["Chavara"]  # REE site whose inventory is for Ti
    assert any("MapMark4 requires" in w for w in k["warnings"])
    two = aclient.get(f"{API}/gt-from-kb", params={"commodity": "REE", "country": "USA,MWI"})
    assert two.status_code == 400 and "too few deposits" in two.json()["detail"]  # 2 grades < 3 needed
    miss = aclient.get(f"{API}/gt-from-kb", params={"commodity": "Cu"})
    assert miss.status_code == 400 and "none has an ore tonnage" in miss.json()["detail"]
    assert aclient.get(f"{API}/gt-from-kb").status_code == 400  # commodity is required
