"""Tract aggregation: independent (random pairing) and Iman–Conover rank correlation.

Data: the USGS Assessment Tract Aggregation test set in MapWizard (../shared/data/assessment/mapwizard/
aggregate-results: seven identical tract pmfs ``Conduit1_03_PMF_Probs1..7.csv`` and ``CorrelationTab.csv``, an
all-0.75 lower-triangular matrix). Method: Iman & Conover 1982, doi:10.1080/03610918208812265; USGS ATA,
Shapiro & Robinson, TM 7-C21.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.assessment.aggregate import (
    aggregate_pmfs,
    aggregate_totals,
    read_correlation_matrix,
    score_correlation,
)
from critmin.assessment.pmf import read_pmf_csv
from critmin.errors import InputError

AGG = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapwizard" / "aggregate-results"
SINGLE_MEAN = 5.6895  # mean of each Conduit1 pmf (sum n·p over the file's 19 rows)


@pytest.fixture(scope="module")
def pmfs() -> dict:
    return {f"T{i}": read_pmf_csv(AGG / "SampleFiles" / f"Conduit1_03_PMF_Probs{i}.csv") for i in range(1, 8)}


def test_the_sample_pmfs_have_the_documented_mean(pmfs: dict) -> None:
    for p in pmfs.values():
        assert p.mean == pytest.approx(SINGLE_MEAN, abs=5e-5)


def test_independent_aggregation_mean_is_n_times_the_single_mean(pmfs: dict) -> None:
    trials = 40_000
    res = aggregate_pmfs(pmfs, trials=trials, seed=11)
    total = res.totals["n_deposits"].to_numpy()
    var1 = next(iter(pmfs.values())).variance
    se = math.sqrt(7 * var1 / trials)
    assert abs(total.mean() - 7 * SINGLE_MEAN) < 4 * se, (total.mean(), 7 * SINGLE_MEAN, se)
    # independence: variance adds (relative s.e. of a sample variance ≈ √(2/n) for near-normal sums)
    assert total.var(ddof=1) == pytest.approx(7 * var1, rel=5 * math.sqrt(2 / trials))
    off = res.achieved_rank_correlation[~np.eye(7, dtype=bool)]
    assert np.abs(off).max() < 0.03
    assert res.method == "independent" and res.tracts == [f"T{i}" for i in range(1, 8)]


def test_correlation_one_gives_the_comonotone_sum() -> None:
    rng = np.random.default_rng(5)
    frames = {
        "A": pd.DataFrame({"ore": rng.lognormal(18, 1, 5000), "Cu": rng.lognormal(10, 1, 5000)}),
        "B": pd.DataFrame({"ore": rng.lognormal(17, 2, 5000), "Cu": rng.lognormal(9, 1, 5000)}),
        "C": pd.DataFrame({"ore": rng.gamma(2.0, 1e7, 5000), "Cu": rng.gamma(2.0, 1e4, 5000)}),
    }
    res = aggregate_totals(frames, seed=3, correlation=np.ones((3, 3)))
    expected = sum(np.sort(f["ore"].to_numpy()) for f in frames.values())
    np.testing.assert_allclose(np.sort(res.totals["ore"].to_numpy()), expected, rtol=1e-12)
    np.testing.assert_allclose(res.achieved_rank_correlation, np.ones((3, 3)), atol=1e-12)
    # whole trials move: each tract's (ore, Cu) pairs survive, so Cu totals are the sum of the paired Cu values
    assert res.totals["Cu"].sum() == pytest.approx(sum(f["Cu"].sum() for f in frames.values()), rel=1e-12)


def test_correlation_one_on_the_pmfs_is_comonotone(pmfs: dict) -> None:
    res = aggregate_pmfs(pmfs, trials=10_000, seed=2, correlation=np.ones((7, 7)))
    rng = np.random.default_rng(2)
    draws = [p.sample(rng, 10_000) for p in pmfs.values()]  # the same stream aggregate_pmfs draws from
    np.testing.assert_array_equal(np.sort(res.totals["n_deposits"].to_numpy()), sum(np.sort(d) for d in draws))


def test_the_atatest_matrix_gives_rank_correlations_near_075(pmfs: dict) -> None:
    names, m = read_correlation_matrix(AGG / "CorrelationTab.csv")
    assert names == [f"T{i}" for i in range(1, 8)]
    assert np.allclose(m[~np.eye(7, dtype=bool)], 0.75) and np.allclose(m, m.T)
    res = aggregate_pmfs({n: pmfs[n] for n in names}, trials=20_000, seed=4, correlation=m)
    off = res.achieved_rank_correlation[~np.eye(7, dtype=bool)]
    # the pmfs are discrete (ties lower Spearman's rho a little): within 0.02 of the target
    assert np.all(np.abs(off - 0.75) < 0.02), off
    # positive correlation keeps the mean and widens the spread
    indep = aggregate_pmfs({n: pmfs[n] for n in names}, trials=20_000, seed=4)
    assert res.totals["n_deposits"].mean() == pytest.approx(7 * SINGLE_MEAN, rel=0.01)
    assert res.totals["n_deposits"].std() > 2 * indep.totals["n_deposits"].std()


def test_continuous_totals_reach_the_target_rank_correlation() -> None:
    rng = np.random.default_rng(9)
    frames = {t: pd.DataFrame({"ore": rng.lognormal(0, 1, 20_000)}) for t in "ABCD"}
    c = np.array([[1, 0.3, -0.2, 0.5], [0.3, 1, 0.1, 0.4], [-0.2, 0.1, 1, 0.0], [0.5, 0.4, 0.0, 1]])
    res = aggregate_totals(frames, seed=1, correlation=c)
    np.testing.assert_allclose(res.achieved_rank_correlation, c, atol=0.02)
    assert score_correlation(np.array([[1.0, 1.0], [1.0, 1.0]]))[0, 1] == pytest.approx(1.0)


def test_seeded_and_reproducible(pmfs: dict) -> None:
    a = aggregate_pmfs(pmfs, trials=5000, seed=8, correlation=np.full((7, 7), 0.5) + 0.5 * np.eye(7))
    b = aggregate_pmfs(pmfs, trials=5000, seed=8, correlation=np.full((7, 7), 0.5) + 0.5 * np.eye(7))
    pd.testing.assert_frame_equal(a.totals, b.totals)
    d = a.to_dict()
    assert d["statistics"]["n_deposits"]["exceedance"]["P90"] == d["statistics"]["n_deposits"]["quantiles"]["0.1"]
    assert d["provenance"]["seed"] == 8


def test_bad_input(tmp_path: Path) -> None:
    f = {"A": pd.DataFrame({"ore": [1.0, 2.0, 3.0]}), "B": pd.DataFrame({"ore": [1.0, 2.0]})}
    with pytest.raises(InputError, match="different numbers of trials"):
        aggregate_totals(f, seed=0)
    assert len(aggregate_totals(f, seed=0, trials=10).totals) == 10
    g = {"A": pd.DataFrame({"ore": [1.0, 2.0]}), "B": pd.DataFrame({"ore": [1.0, 2.0]})}
    with pytest.raises(InputError, match="outside"):
        aggregate_totals(g, seed=0, correlation=np.array([[1, 1.5], [1.5, 1]]))
    bad = tmp_path / "corr.csv"
    bad.write_text("x,A,B\nA,1,\nB,zero,1\n")
    with pytest.raises(InputError, match=r"corr.csv, row 2, column 'A'"):
        read_correlation_matrix(bad)
    with pytest.raises(InputError, match="not in the matrix"):
        read_correlation_matrix(AGG / "CorrelationTab.csv", tracts=["T1", "T9"])
