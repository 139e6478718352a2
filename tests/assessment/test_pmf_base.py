"""DepositPmf, Poisson and custom pmfs, and reading pmf CSV files.

Reference values: MapMark4 commit bfece22 tests (Ellefsen 2017, USGS TM 7-C14): Poisson(5) truncated → support
0–15, P(0) = 0.00674, P(15) = 0.000157. MapWizard aggregation sample (`Conduit1_03_PMF_Probs1.csv`, a
MapMark4GUI pmf file): N = 0–18, mean 5.6895 (../shared/data/SOURCES.md).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from critmin.assessment.pmf import DepositPmf, custom_pmf, poisson_pmf, read_pmf_csv
from critmin.errors import InputError

AGG = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapwizard" / "aggregate-results"


def test_poisson_truncation_matches_old_mapmark4() -> None:
    pmf = poisson_pmf(5)
    assert (pmf.n_min, pmf.n_max) == (0, 15)
    assert pmf.probabilities[0] == pytest.approx(0.00674, abs=5e-6)
    assert pmf.probabilities[-1] == pytest.approx(0.000157, abs=5e-7)
    assert pmf.mean == pytest.approx(5, abs=0.01)
    big = poisson_pmf(100)
    assert big.n_min > 50 and big.n_max < 150


def test_custom_pmf_fills_gaps_and_validates() -> None:
    pmf = custom_pmf([5, 2], [0.7, 0.3])
    assert (pmf.n_min, pmf.n_max) == (2, 5)
    np.testing.assert_allclose(pmf.probabilities, [0.3, 0, 0, 0.7])
    assert pmf.mode == 5 and pmf.entropy == pytest.approx(-(0.3 * np.log(0.3) + 0.7 * np.log(0.7)))
    rel = custom_pmf([1, 4, 10], [1, 4, 1], normalize=True)
    assert rel.probabilities.sum() == pytest.approx(1.0) and rel.probabilities[3] == pytest.approx(4 / 6)
    with pytest.raises(InputError, match=r"sum to 0\.9"):
        custom_pmf([0, 1], [0.5, 0.4])
    with pytest.raises(InputError, match=r"row 2.*whole number"):
        custom_pmf([0, 1.5], [0.5, 0.5])
    with pytest.raises(InputError, match=r"row 2.*listed twice"):
        custom_pmf([3, 3], [0.5, 0.5])
    with pytest.raises(InputError, match=r"row 1.*≥ 0"):
        custom_pmf([0, 1], [-0.5, 1.5])
    with pytest.raises(InputError, match=r"2 numbers of deposits but 3"):
        custom_pmf([0, 1], [0.2, 0.3, 0.5])


def test_deposit_pmf_statistics_and_sampling() -> None:
    pmf = DepositPmf(n_min=3, probabilities=np.array([0.25, 0.5, 0.25]), method="custom")
    assert pmf.support.tolist() == [3, 4, 5]
    assert pmf.mean == pytest.approx(4.0) and pmf.variance == pytest.approx(0.5) and pmf.mode == 4
    np.testing.assert_allclose(pmf.exceedance(), [1.0, 0.75, 0.25])
    draws = pmf.sample(np.random.default_rng(1), 100_000)
    assert draws.min() == 3 and draws.max() == 5 and abs(draws.mean() - 4.0) < 0.01
    with pytest.raises(dataclasses.FrozenInstanceError):
        pmf.n_min = 0  # type: ignore[misc]
    assert not pmf.probabilities.flags.writeable
    with pytest.raises(InputError, match=r"sum to"):
        DepositPmf(n_min=0, probabilities=np.array([0.5, 0.6]), method="x")
    with pytest.raises(InputError, match=r"N = 1 is negative"):
        DepositPmf(n_min=0, probabilities=np.array([1.1, -0.1]), method="x")
    json.dumps(pmf.to_dict())


def test_read_mapmark4gui_pmf_file() -> None:
    f = AGG / "SampleFiles" / "Conduit1_03_PMF_Probs1.csv"
    if not f.exists():
        pytest.skip("shared data not found")
    pmf = read_pmf_csv(f)
    assert (pmf.n_min, pmf.n_max) == (0, 18)
    assert pmf.mean == pytest.approx(5.6895, abs=5e-5)
    assert pmf.probabilities[0] == pytest.approx(0.0102861623477704, rel=1e-12)
    assert pmf.parameters["source"] == str(f)


def test_read_two_column_pmf(tmp_path: Path) -> None:
    f = tmp_path / "pmf.csv"
    f.write_text("N,probability\n0,0.3\n1,0.4\n2,0.225\n3,0.045\n4,0.03\n")
    pmf = read_pmf_csv(f)
    assert pmf.mean == pytest.approx(1.105)
    g = tmp_path / "noheader.csv"
    g.write_text("2,0.5\n3,0.5\n")
    assert read_pmf_csv(g).n_min == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("N,probability\n0,0.5\n1,x\n")
    with pytest.raises(InputError, match=r"row 2.*must be a number"):
        read_pmf_csv(bad)
    short = tmp_path / "short.csv"
    short.write_text("N,probability\n0,0.5\n1,0.4\n")
    with pytest.raises(InputError, match=r"sum to 0\.9"):
        read_pmf_csv(short)
    assert read_pmf_csv(short, normalize=True).probabilities[0] == pytest.approx(5 / 9)
