"""Assessment runs in the store (SQLite and PostGIS): inputs, execution, results, visibility, failure, GT from KB.

Reference inputs: MapMark4's example GT table ``ExampleGatm_synthetic_CuAu_71_deposits.csv`` and estimates
``ExampleDepEst1`` (Ellefsen 2017, USGS TM 7-C14, doi:10.3133/tm7C14; copies in ../shared/data/assessment/mapmark4).
Mark3 (1, 2, 4) → 0.067, 0.233, 0.300, 0.200, 0.200 (Root et al. 1992, as quoted in issue 4).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import update

from critmin.assessment.gt_data import read_gt
from critmin.assessment.pmf import mark3_pmf
from critmin.assessment.simulate import simulate
from critmin.assessment.statistics import statistics
from critmin.deposits.schema import InventoryRecord
from critmin.errors import InputError, NotFoundError
from critmin.store.assessment_gt import gt_from_store, gt_query_store
from critmin.store.assessment_inputs import gt_from_rows, gt_input, parse_tract, pmf_input
from critmin.store.assessment_runs import (
    ccdf,
    create_run,
    execute_run,
    get_run,
    list_runs,
    read_ccdf,
    read_totals,
    run_detail,
    run_simulation,
)
from critmin.store.sites import import_sites
from critmin.store.tables import AssessmentRun, Site
from tests.store.factories import result, site

MM4 = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
GT_CSV = MM4 / "ExampleGatm_synthetic_CuAu_71_deposits.csv"
EST1 = MM4 / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"
TRACT = {"type": "Polygon", "coordinates": [[[74.0, 21.0], [75.0, 21.0], [75.0, 22.0], [74.0, 22.0], [74.0, 21.0]]]}


@pytest.fixture
def gt_text() -> str:
    if not GT_CSV.exists():
        pytest.skip(f"shared test data not found at {GT_CSV}")
    return GT_CSV.read_text(encoding="utf-8")


def _new_run(db, gt_text: str, *, seed: int = 7, trials: int = 12000, org: str = "gsi", visibility: str = "public",
             pmf_spec: dict | None = None) -> tuple[int, object, object]:
    gt = gt_input({"csv": gt_text})
    pmf = pmf_input(pmf_spec or {"mark3": [1, 2, 4]})
    with db.transaction() as s:
        run = create_run(s, name="Tract A", organisation=org, gt=gt, pmf=pmf, tract=parse_tract(TRACT),
                         visibility=visibility, trials=trials, seed=seed)
        rid = run.id
    return rid, gt, pmf


# ----------------------------------------------------------------------------------------------- inputs


def test_inputs_from_json_match_the_library(gt_text: str) -> None:
    gt = gt_input({"csv": gt_text})
    lib = read_gt(GT_CSV)
    assert gt.data.n == lib.n == 71
    assert gt.data.elements == ["Cu", "Au"]
    np.testing.assert_array_equal(gt.data.ore_t, lib.ore_t)
    assert gt.data.sha256 == lib.sha256  # same bytes → same content hash
    rows = gt_from_rows([{"id": d["id"], "name": d["name"], "ore_t": d["ore_t"], "grades_pct": d["grades_pct"]}
                         for d in gt.to_dict()["deposits"]])
    np.testing.assert_array_equal(rows.ore_t, lib.ore_t)
    np.testing.assert_array_equal(rows.grades_pct.to_numpy(), lib.grades_pct.to_numpy())
    p = pmf_input({"mark3": [1, 2, 4]}).pmf
    np.testing.assert_allclose(p.probabilities, [0.0667, 0.2333, 0.3, 0.2, 0.2], atol=5e-4)
    if EST1.exists():
        nb = pmf_input({"estimates_csv": EST1.read_text(encoding="utf-8")}).pmf
        assert nb.mean == pytest.approx(10.6613, abs=1e-4)  # issue 4 golden value (MapMark4)
        rows_est = pd.read_csv(EST1)
        nb2 = pmf_input({"estimates": [{"name": r.Name, "weight": r.Weight, "n90": r.N90, "n50": r.N50,
                                        "n10": r.N10} for r in rows_est.itertuples()]}).pmf
        np.testing.assert_array_equal(nb2.probabilities, nb.probabilities)


@pytest.mark.parametrize(("spec", "where", "needle"), [
    ({"rows": [{"ore_t": 1e6, "grades_pct": {"Cu": 0.5}}, {"ore_t": float("nan"), "grades_pct": {"Cu": 1}}]},
     "row 2", "ore_t"),
    ({"rows": [{"ore_t": 1e6, "grades_pct": {"Cu": 150}}] * 3}, "row 1", "grades_pct.Cu"),
    ({"rows": [{"ore_t": 1e6, "grades_pct": {"Cu": "x"}}]}, "row 1", "not a number"),
    ({}, "gt", "exactly one of rows, csv, from_kb"),
    ({"rows": [], "csv": "a"}, "gt", "found: rows, csv"),
    ({"csv": "ID,Name,Ore,Cu\n1,a,,0.5\n"}, "gt.csv, row 1", "tonnage is missing"),
])
def test_bad_gt_inputs_name_the_problem(spec: dict, where: str, needle: str) -> None:
    with pytest.raises(InputError) as ei:
        gt_input(spec)
    assert where in str(ei.value) and needle in str(ei.value), str(ei.value)


@pytest.mark.parametrize(("spec", "needle"), [
    ({"estimates": [{"name": "a", "weight": 1, "n90": 9, "n50": 5, "n10": 20}]}, "N90 > N50"),
    ({"estimates": [{"name": "a", "weight": 0, "n90": 1, "n50": 5, "n10": 20}]}, "weight"),
    ({"mark3": [1, 2]}, "3, 5, 7 or 9"),
    ({"mark3": [1.5, 2, 4]}, "whole number"),
    ({"custom": {"n": [0, 1], "probability": [0.5, 0.6]}}, "sum to"),
    ({"mark3": [1, 2, 4], "poisson_mean": 3}, "exactly one"),
])
def test_bad_pmf_inputs_name_the_problem(spec: dict, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        pmf_input(spec)


def test_tract_validation_and_area() -> None:
    t = parse_tract(TRACT)
    assert t is not None
    # 1° × 1° cell at 21–22° N on WGS 84: 111.32 km × ~103.6 km ≈ 11,54x km² (geodesic)
    assert 11_400 < t.area_km2 < 11_700
    assert parse_tract({"type": "Feature", "geometry": TRACT, "properties": {}}).area_km2 == t.area_km2
    with pytest.raises(InputError, match="Polygon or MultiPolygon"):
        parse_tract({"type": "Point", "coordinates": [1, 2]})
    with pytest.raises(InputError, match="invalid"):
        parse_tract({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})
    with pytest.raises(InputError, match="outside"):
        parse_tract({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [0, 1], [0, 0]]]})


def test_ccdf_is_the_empirical_exceedance() -> None:
    x = np.array([0.0, 0.0, 1.0, 2.0, 2.0, 5.0])
    c = ccdf(x)
    assert c["x"] == [0.0, 1.0, 2.0, 5.0]
    assert c["p_exceed"] == pytest.approx([1.0, 4 / 6, 3 / 6, 1 / 6])
    assert c["p_zero"] == pytest.approx(2 / 6)
    big = ccdf(np.random.default_rng(1).lognormal(size=100_000))
    assert len(big["x"]) <= 500 and big["p_exceed"][0] == 1.0 and big["p_exceed"][-1] == pytest.approx(1e-5)
    assert np.all(np.diff(big["x"]) > 0) and np.all(np.diff(big["p_exceed"]) < 0)


# ----------------------------------------------------------------------------------------------- runs


def test_run_executes_and_matches_the_library(db, gt_text: str, tmp_path: Path) -> None:
    rid, gt, pmf = _new_run(db, gt_text, seed=11, trials=12000)
    with db.session() as s:
        assert get_run(s, rid).status == "queued"
    execute_run(db, rid, pmf=pmf.pmf, data=gt.data, artefact_root=tmp_path / "art", workers=2)
    with db.session() as s:
        run = get_run(s, rid)
        assert run.status == "done" and run.progress == 1.0 and run.message.startswith("done")
        detail = run_detail(run)
        totals = read_totals(run)
        curves = read_ccdf(run)
    from critmin.assessment.gt_model import GTModel

    lib = simulate(mark3_pmf([1, 2, 4]), GTModel.fit(read_gt(GT_CSV)), trials=12000, seed=11)
    pd.testing.assert_frame_equal(totals, lib.totals)  # bit-identical for the same seed
    assert detail["result"]["statistics"] == statistics(lib.totals, ["ore", "Cu", "Au"])
    assert detail["result"]["moment_check"]["passed"] is True
    assert detail["provenance"]["seed"] == 11 and detail["provenance"]["operation"] == "assessment.simulate"
    assert detail["inputs"]["gt"]["sha256"] == read_gt(GT_CSV).sha256
    assert detail["tract"]["type"] == "Polygon" and detail["tract_area_km2"] > 11_000
    assert sorted(p.name for p in (tmp_path / "art" / str(rid)).iterdir()) == ["ccdf.json", "gt.csv", "pmf.csv",
                                                                             "totals.parquet"]
    ore = np.sort(lib.totals["ore"].to_numpy())
    assert curves["quantities"]["ore"]["p_zero"] == pytest.approx(np.mean(ore == 0))
    assert curves["quantities"]["ore"]["x"][-1] == ore[-1]


def test_failed_run_keeps_no_partial_results(db, gt_text: str, tmp_path: Path) -> None:
    rid, gt, pmf = _new_run(db, gt_text)
    seen: list[float] = []

    def exploding(*args, progress, **kw):
        progress(0.4, "simulating: 4,000 of 10,000 trials")
        with db.session() as s:
            seen.append(get_run(s, rid).progress)
        (tmp_path / "art" / f"{rid}").mkdir(parents=True)  # a stale directory must go too
        raise InputError("grade model exploded on purpose")

    execute_run(db, rid, pmf=pmf.pmf, data=gt.data, artefact_root=tmp_path / "art", simulation=exploding)
    assert seen == [0.4]  # progress reached the store while running
    with db.session() as s:
        run = get_run(s, rid)
        assert run.status == "failed" and "exploded on purpose" in run.message
        assert run.result is None and run.provenance is None and run.artefact_dir is None
        assert run.finished_at is not None
        with pytest.raises(InputError, match="failed"):
            read_totals(run)
    assert list((tmp_path / "art").iterdir()) == []


def test_visibility_follows_the_dataset_rule(db, gt_text: str) -> None:
    public, _, _ = _new_run(db, gt_text, org="gsi", visibility="public")
    partners, _, _ = _new_run(db, gt_text, org="gsi", visibility="partners")
    private, _, _ = _new_run(db, gt_text, org="gsi", visibility="private")
    with db.session() as s:
        def ids(viewer: str | None) -> list[int]:
            return [r.id for r in list_runs(s, viewer=viewer)[1]]

        assert ids(None) == [public]
        assert ids("usgs") == [partners, public]
        assert ids("gsi") == [private, partners, public]
        assert ids("*") == [private, partners, public]
        assert list_runs(s, viewer="*", limit=1, offset=1)[0] == 3
        with pytest.raises(NotFoundError):
            get_run(s, private, viewer="usgs")
        with pytest.raises(NotFoundError):
            get_run(s, 9999)


def test_run_simulation_reports_progress(gt_text: str) -> None:
    gt = gt_input({"csv": gt_text}).data
    calls: list[tuple[float, str]] = []
    out = run_simulation(mark3_pmf([1, 2, 4]), gt, trials=6000, seed=3, progress=lambda f, m: calls.append((f, m)))
    fr = [f for f, _ in calls]
    assert fr == sorted(fr) and fr[0] > 0 and fr[-1] < 1
    assert any(m == "simulating: 6,000 of 6,000 trials" for _, m in calls)
    assert out.result["trials"] == 6000 and out.result["quantities"] == ["ore", "Cu", "Au"]


# ----------------------------------------------------------------------------------------------- GT from KB


def _kb_site(rid: str, name: str, ore_t: float | None, grades: dict[str, float], lon: float = 80.0, row: int = 1,
             category: str = "indicated"):
    s = site("kb", rid, name, lon, 20.0, list(grades) or ["Cu"], row=row, dtype="porphyry copper")
    s.inventory = [InventoryRecord(commodity=c, category=category, ore_t=ore_t, grade_pct=g) for c, g in grades.items()]
    return s


def test_gt_from_store_one_row_per_deposit(db) -> None:
    sites = [
        _kb_site("A", "Alpha", 2.0e7, {"Cu": 0.5, "Au": 0.0001}, row=1),
        _kb_site("B", "Beta", 5.0e8, {"Cu": 0.4}, row=2),
        _kb_site("C", "Gamma", 1.0e6, {"Cu": 1.2, "Au": 0.0003}, row=3),
        _kb_site("D", "Delta", None, {"Cu": 0.9}, row=4),  # no tonnage → dropped
        _kb_site("E", "Epsilon", 3.0e7, {"Cu": 0.6, "Au": 0.0002}, row=5),
        _kb_site("F", "Epsilon (other record)", 3.0e7, {"Cu": 0.6}, row=6),  # linked to E below
        _kb_site("G", "Production only", 9.0e7, {"Cu": 0.7}, row=7, category="cumulative_extracted"),
    ]
    # B also has a smaller, higher-grade reserve: the larger tonnage wins
    sites[1].inventory.append(InventoryRecord(commodity="Cu", category="probable", ore_t=1.0e8, grade_pct=0.9))
    with db.transaction() as s:
        import_sites(s, result("kb", sites), organisation="gsi")
    with db.transaction() as s:
        e_id = s.query(Site.id).filter(Site.record_id == "E").scalar()
        s.execute(update(Site).where(Site.record_id.in_(["E", "F"])).values(canonical_id=e_id))
    with db.session() as s:
        res = gt_query_store(s, commodity=["Cu", "Au"], deposit_type=["porphyry copper"])
    d = res.data
    assert res.n_sites == 7
    assert sorted(d.names) == ["Alpha", "Beta", "Epsilon", "Gamma"]
    by = dict(zip(d.names, d.ore_t, strict=True))
    assert by["Beta"] == 5.0e8
    assert d.grades_pct.loc[list(d.names).index("Beta"), "Cu"] == 0.4
    assert np.isnan(d.grades_pct.loc[list(d.names).index("Beta"), "Au"])  # by-product not reported
    assert {x["name"]: x["reason"] for x in res.dropped} == {"Delta": "no ore tonnage",
                                                             "Production only": "no ore tonnage"}
    assert any("MapMark4 requires" in w for w in d.warnings)
    plain = gt_from_store(db, commodity=["Cu", "Au"], deposit_type="porphyry copper")
    np.testing.assert_array_equal(plain.ore_t, d.ore_t)
    assert any("2 of 7 matching site(s) dropped" in w for w in plain.warnings)
    with db.session() as s:
        with pytest.raises(InputError, match="none has an ore tonnage"):
            gt_query_store(s, commodity=["Li"])
        au_only = gt_query_store(s, commodity=["Au"])
        assert au_only.data.n == 3 and au_only.data.elements == ["Au"]


def test_gt_input_from_kb_is_recorded(db) -> None:
    sites = [_kb_site(str(i), f"S{i}", 1e6 * (i + 1), {"Cu": 0.3 + 0.1 * i}, row=i + 1) for i in range(5)]
    sites[0] = _kb_site("0", "S0", 1e6, {"Cu": 0.3, "Au": 0.0002}, row=1)
    with db.transaction() as s:
        import_sites(s, result("kb", sites), organisation="gsi")
    with db.session() as s:
        gt = gt_input({"from_kb": {"commodity": "Cu"}}, session=s, viewer=None)
    doc = gt.to_dict()
    assert doc["kind"] == "from_kb" and doc["query"]["commodity"] == ["Cu"]
    assert len(doc["deposits"]) == 5 and doc["summary"]["n_deposits"] == 5
    assert gt.data.elements == ["Cu"]  # Au reported by one deposit only: left out, with a warning
    with db.session() as s:
        both = gt_input({"from_kb": {"commodity": ["Cu", "Au"]}}, session=s, viewer=None)
        assert both.data.elements == ["Cu"]
        assert any("Au: only 1 deposit(s) report a grade" in w for w in both.data.warnings)
        with pytest.raises(InputError, match="too few deposits"):
            gt_input({"from_kb": {"commodity": "Au"}}, session=s, viewer=None)
        with pytest.raises(InputError, match="needs the knowledge base"):
            gt_input({"from_kb": {"commodity": "Au"}})


def test_assessment_run_table_is_migrated(db) -> None:
    from sqlalchemy import inspect

    cols = {c["name"] for c in inspect(db.engine).get_columns("assessment_run")}
    assert {"geom", "tract_wkt", "inputs", "parameters", "seed", "status", "progress", "result", "provenance",
            "artefact_dir", "created_at", "finished_at"} <= cols
    assert int(db.current_revision() or 0) >= 2  # later migrations follow 0002
    assert AssessmentRun.__tablename__ == "assessment_run"
