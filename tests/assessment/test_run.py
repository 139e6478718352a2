"""run_assessment: the composition shared by ``critmin assess simulate`` and ``critmin assess report``.

Inputs: MapMark4's ExampleGatm synthetic Cu–Au GT table and ExampleDepEst1 estimates (Ellefsen 2017, USGS TM 7-C14;
../shared/data/assessment/mapmark4); the negative-binomial pmf of ExampleDepEst1 has mean 10.6613 (TM 7-C14).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from critmin.assessment import EconomicParameters, GTModel, fit_negative_binomial, read_estimates, read_gt
from critmin.assessment.run import run_assessment
from critmin.assessment.simulate import simulate

MM = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
EST1 = MM / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"
GT71 = MM / "ExampleGatm_synthetic_CuAu_71_deposits.csv"


def test_run_is_the_same_as_composing_the_library_by_hand() -> None:
    pmf = fit_negative_binomial(read_estimates(EST1))
    gt = read_gt(GT71)
    run = run_assessment(pmf, gt, trials=1500, seed=42, tonnage_pdf="kde", tract="Southern carbonate")
    by_hand = simulate(pmf, GTModel.fit(gt, tonnage_pdf="kde"), trials=1500, seed=42)
    pd.testing.assert_frame_equal(run.result.totals, by_hand.totals)
    assert run.statistics == by_hand.statistics()
    assert run.pmf.mean == pytest.approx(10.6613, abs=5e-5)             # TM 7-C14
    assert run.moment_check["passed"] and run.economic is None and run.result.deposits is None
    d = run.to_dict()
    assert {"trials", "seed", "statistics", "moment_check", "pmf", "gt_model", "options", "provenance",
            "run_provenance", "tract"} <= set(d)
    assert d["options"] == {"tonnage_pdf": "kde", "grade_pdf": "normal", "truncate": False, "joint": False}


def test_inputs_hash_is_reproducible_and_names_the_inputs() -> None:
    gt = read_gt(GT71)
    a = run_assessment(fit_negative_binomial(read_estimates(EST1)), gt, trials=200, seed=1)
    time.sleep(1.1)  # a later run: time stamps differ, the inputs hash must not
    b = run_assessment(fit_negative_binomial(read_estimates(EST1)), gt, trials=200, seed=1)
    c = run_assessment(fit_negative_binomial(read_estimates(EST1)), gt, trials=200, seed=1, truncate=True)
    assert a.provenance.inputs_sha256 == b.provenance.inputs_sha256
    assert a.provenance.inputs_sha256 != c.provenance.inputs_sha256
    assert a.provenance.seed == 1 and a.provenance.parents[0] == a.result.provenance.inputs_sha256


def test_economic_filter_runs_on_the_simulated_deposits() -> None:
    pmf = fit_negative_binomial(read_estimates(EST1))
    run = run_assessment(pmf, read_gt(GT71), trials=400, seed=3, economic=EconomicParameters())
    assert run.economic is not None and run.result.deposits is not None
    assert len(run.economic.totals) == 400                              # every trial, also those without deposits
    assert len(run.economic.deposits) == int(run.result.totals["n_deposits"].sum())
    pd.testing.assert_series_equal(run.economic.totals["Cu"], run.result.totals["Cu"], check_names=False,
                                   rtol=1e-9)
    assert "economic" in run.to_dict() and len(run.provenance.parents) == 2
