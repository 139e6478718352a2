"""MapMark4GUI files: the shipped porphyry-Cu `_05_SIM_EF.csv` (gtkfi/MapWizard, MapMark4GUI run: 20,000 trials,
Mark3 pmf (0,1,2,3,4) → P = 0.3, 0.4, 0.225, 0.045, 0.03, 28,172 rows), `_03_PMF_Probs.csv` sample files (mean
5.6895 per ../shared/data/SOURCES.md) and round trips of the three layouts.

MapMark4GUI's statistics (TotTonOutGT in MapWizard's MapMark4 wrapper): totals per trial = sums of the
`_MetricTons` columns, NA → 0, R `quantile` type 7 at 0.01…0.99 labelled P99…P1, sd with n − 1, P(0) from ore,
P(≥ mean). The test recomputes them independently with pandas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.assessment import mapmark4_files as mf
from critmin.assessment.gt_data import read_gt
from critmin.assessment.gt_model import GTModel
from critmin.assessment.pmf import mark3_pmf
from critmin.assessment.simulate import simulate
from critmin.assessment.statistics import statistics
from critmin.errors import InputError

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment"
SIM_EF = DATA / "mapmark4gui-porphyry-run" / "porphyry_cu_05_SIM_EF.csv"
PMF_FILE = DATA / "mapwizard" / "aggregate-results" / "SampleFiles" / "Conduit1_03_PMF_Probs1.csv"
GT71 = DATA / "mapmark4" / "ExampleGatm_synthetic_CuAu_71_deposits.csv"


@pytest.fixture(scope="module")
def totals():
    return mf.read_sim_ef(SIM_EF)


def test_read_sim_ef_totals(totals):
    assert list(totals.columns) == ["trial", "n_deposits", "ore", "Cu", "Mo", "Au", "Ag"]
    assert len(totals) == 20_000 and totals["trial"].tolist()[:3] == [1, 2, 3]
    assert totals["n_deposits"].sum() == 28_172 - 5_964  # rows minus empty-trial rows
    freq = np.bincount(totals["n_deposits"], minlength=5) / 20_000
    assert np.allclose(freq, [0.3, 0.4, 0.225, 0.045, 0.03], atol=0.01)  # the run's Mark3 pmf


def test_sim_ef_statistics_as_mapmark4gui(totals):
    s = statistics(totals, ["ore", "Cu", "Mo", "Au", "Ag"])
    raw = pd.read_csv(SIM_EF)
    by = raw.groupby("Simulation.Index")
    ref = {"ore": by["Ore_mT"].sum()}
    for el in ("Cu", "Mo", "Au", "Ag"):
        ref[el] = by[f"{el} _MetricTons"].sum()
    for q, series in ref.items():
        v = series.fillna(0.0)
        assert s[q]["mean"] == pytest.approx(v.mean(), rel=1e-12)
        assert s[q]["sd"] == pytest.approx(v.std(), rel=1e-12)
        assert s[q]["median"] == pytest.approx(v.median(), rel=1e-12)
        for lvl, name in ((0.01, "P99"), (0.1, "P90"), (0.5, "P50"), (0.9, "P10"), (0.99, "P1")):
            assert s[q]["exceedance"][name] == pytest.approx(v.quantile(lvl), rel=1e-12)
        assert s[q]["p_zero"] == pytest.approx((v == 0).mean())
        assert s[q]["p_ge_mean"] == pytest.approx((v >= v.mean()).mean())
    assert s["ore"]["p_zero"] == 0.2982  # 5,964 of 20,000 trials without a deposit
    assert s["Cu"]["exceedance"]["P90"] == 0.0  # P(0) ≈ 0.3 > 0.1
    assert s["Cu"]["mean"] == pytest.approx(7.6092e6, rel=1e-4)


def test_contained_stats_roundtrip(tmp_path, totals):
    s = statistics(totals, ["ore", "Cu", "Mo", "Au", "Ag"])
    p = mf.write_contained_stats(s, tmp_path / "run_08_SIM_Contained_Stats.csv")
    head = p.read_text().splitlines()[0]
    assert head == ('"","Means","Max","Min","Median","STD","P99","P90","P80","P70","P60","P50","P40","P30",'
                    '"P20","P10","P1","Prob of Zero","Prob >= Mean"')
    back = mf.read_contained_stats(p)
    assert list(back.index) == ["ore", "Cu", "Mo", "Au", "Ag"]
    assert back.loc["Cu", "Means"] == pytest.approx(s["Cu"]["mean"], rel=1e-14)
    assert back.loc["Au", "P10"] == pytest.approx(s["Au"]["exceedance"]["P10"], rel=1e-14)
    assert back.loc["ore", "Prob of Zero"] == 0.2982


def test_pmf_probs_read_and_write(tmp_path):
    pmf = mf.read_pmf_probs(PMF_FILE)
    assert pmf.n_min == 0 and pmf.n_max == 18 and pmf.mean == pytest.approx(5.6895, abs=5e-4)
    m3 = mark3_pmf([0, 1, 2, 3, 4])
    p = mf.write_pmf_probs(m3, tmp_path / "run_03_PMF_Probs.csv")
    lines = p.read_text().splitlines()
    assert lines[0] == '"","NDeposits","RelProbs"' and lines[1] == '"1",0,0.3'
    back = mf.read_pmf_probs(p)
    assert np.allclose(back.probabilities, [0.3, 0.4, 0.225, 0.045, 0.03])


def test_sim_ef_write_roundtrip(tmp_path):
    model = GTModel.fit(read_gt(GT71))
    res = simulate(mark3_pmf([0, 1, 2, 3, 4]), model, trials=3_000, seed=4, per_deposit=True)
    p = mf.write_sim_ef(res, tmp_path / "run_05_SIM_EF.csv")
    head = p.read_text().splitlines()[0]
    assert head == (",Simulation.Index,Number.of.Deposits,Sim.Deposit.Index,Ore_mT,Cu _pct,Au _pct,gangue,"
                    "Cu _MetricTons,Au _MetricTons")
    back = mf.read_sim_ef(p)
    assert back["n_deposits"].equals(res.totals["n_deposits"])
    assert np.allclose(back[["ore", "Cu", "Au"]], res.totals[["ore", "Cu", "Au"]], rtol=1e-13)
    dep = mf.read_sim_ef_deposits(p)
    assert len(dep) == len(res.deposits) and np.allclose(dep["Cu_pct"], res.deposits["Cu_pct"], rtol=1e-13)
    with pytest.raises(InputError):
        mf.write_sim_ef(simulate(mark3_pmf([0, 1, 2]), model, trials=10, seed=1), tmp_path / "x.csv")


def test_bad_sim_ef_names_row(tmp_path):
    p = tmp_path / "bad_05_SIM_EF.csv"
    p.write_text(",Simulation.Index,Number.of.Deposits,Sim.Deposit.Index,Ore_mT,Cu _pct,gangue,Cu _MetricTons\n"
                 "1,1,2,1,100,1,99,1\n2,2,0,NA,NA,NA,NA,NA\n")
    with pytest.raises(InputError) as e:
        mf.read_sim_ef(p)
    assert e.value.row == 1
