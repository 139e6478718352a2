"""Mark3 deposit-number pmf (port of MARK3B's DISTRIB3/5/9 via MapMark4's Mark3Pmfs.f90).

Reference values: Root, Menzie & Scott (1992), Nonrenewable Resources 1(2):125–138, Tables 3–4 (pmfs A and B,
as tested in MapMark4's tests/testthat/testNDepositsPmf.R); the five-level (0, 1, 2, 3, 4) pmf and its
statistics from the MapMark4GUI porphyry sample run (MapWizard MapMark4Results *_03_PMF_Probs.csv,
*_Summary.txt: mean 1.105, variance 0.963975, entropy 1.30808).
"""

from __future__ import annotations

import numpy as np
import pytest

from critmin.assessment.pmf import DepositPmf, mark3_pmf
from critmin.errors import InputError


def test_root_menzie_scott_1992_pmf_a() -> None:
    pmf = mark3_pmf([1, 2, 4])
    assert (pmf.n_min, pmf.n_max) == (0, 4)
    np.testing.assert_allclose(pmf.probabilities, [0.067, 0.233, 0.300, 0.200, 0.200], atol=6e-4)
    # exact values of the algorithm: 0.1/3 spread below N90, 0.4 at gap 1, 0.4 over gap 2, 0.1 at N10
    np.testing.assert_allclose(pmf.probabilities, [0.2 / 3, 0.7 / 3, 0.3, 0.2, 0.2], rtol=0, atol=1e-15)


def test_root_menzie_scott_1992_pmf_b_with_n90_zero() -> None:
    pmf = mark3_pmf([0, 2, 2])
    np.testing.assert_allclose(pmf.probabilities, [0.2, 0.2, 0.6], atol=1e-15)
    # the Fortran's N90 = 0 quirk: P(N >= 1) is 0.8, not 0.9
    assert pmf.exceedance()[1] == pytest.approx(0.8)


def test_five_level_mapmark4gui_sample_run() -> None:
    pmf = mark3_pmf([0, 1, 2, 3, 4])
    np.testing.assert_allclose(pmf.probabilities, [0.3, 0.4, 0.225, 0.045, 0.03], rtol=0, atol=1e-12)
    assert pmf.mean == pytest.approx(1.105, abs=1e-12)
    assert pmf.variance == pytest.approx(0.963975, abs=1e-12)
    assert pmf.entropy == pytest.approx(1.30808, abs=5e-6)
    assert pmf.mode == 1
    assert pmf.parameters["N01"] == 4 and pmf.method == "mark3"


def test_fortran_single_precision_literals() -> None:
    single = mark3_pmf([0, 1, 2, 3, 4], precision="fortran-single").probabilities
    double = mark3_pmf([0, 1, 2, 3, 4]).probabilities
    # DISTP = [0.90, 0.50, …] are default REAL literals: 1 - 0.9f = 0.10000002384…
    f32 = [float(np.float32(q)) for q in (0.9, 0.5)]
    assert single[0] == (1.0 - f32[0]) + (f32[0] - f32[1]) / 2.0
    assert 0 < np.max(np.abs(single - double)) < 5e-8


@pytest.mark.parametrize(
    "levels",
    [[1, 3, 6], [2, 5, 9, 12, 20], [0, 4, 10, 12, 15, 18, 25], [3, 3, 3, 4, 4, 6, 8, 8, 30], [5, 5, 5]],
)
def test_exceedance_hits_the_elicited_levels(levels: list[int]) -> None:
    """Mass below each threshold is what the thresholds say (up to the spread at the two ends)."""
    pmf = mark3_pmf(levels)
    assert pmf.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    assert pmf.n_max == levels[-1]
    q = [0.9, 0.5, 0.1, 0.05, 0.01, 0.005, 0.001, 0.0005, 0.0001][len(levels) - 1]
    assert pmf.probabilities[-1] >= q - 1e-15
    assert np.all(pmf.probabilities > 0)


def test_seven_and_nine_levels_reference_sums() -> None:
    # nine levels 0..8: 0.1 at 0, then halves of 0.4, 0.4, 0.05, 0.04, 0.005, 0.004, 0.0005, 0.0004, +0.0001
    p = mark3_pmf(list(range(9))).probabilities
    expected = [0.1 + 0.2, 0.2 + 0.2, 0.2 + 0.025, 0.025 + 0.02, 0.02 + 0.0025, 0.0025 + 0.002, 0.002 + 0.00025,
                0.00025 + 0.0002, 0.0002 + 0.0001]
    np.testing.assert_allclose(p, expected, atol=1e-15)


def test_sample_is_seeded_and_matches_pmf() -> None:
    pmf = mark3_pmf([1, 2, 4])
    a = pmf.sample(np.random.default_rng(7), 200_000)
    b = pmf.sample(np.random.default_rng(7), 200_000)
    assert np.array_equal(a, b) and a.dtype == np.int64
    freq = np.bincount(a, minlength=5) / a.size
    se = np.sqrt(pmf.probabilities * (1 - pmf.probabilities) / a.size)
    assert np.all(np.abs(freq - pmf.probabilities) < 5 * se)


@pytest.mark.parametrize(
    ("levels", "match"),
    [
        ([1, 2], "3, 5, 7 or 9"),
        ([1, 2, 3, 4], "3, 5, 7 or 9"),
        ([3, 2, 5], "N90 = 3 > N50 = 2"),
        ([1, 2, 4, 3, 5], "N10 = 4 > N05 = 3"),
        ([1, 2.5, 4], "whole number"),
        ([-1, 2, 4], "≥ 0"),
        ([1, float("nan"), 4], "not finite"),
    ],
)
def test_bad_levels(levels: list[float], match: str) -> None:
    with pytest.raises(InputError, match=match):
        mark3_pmf(levels)


def test_summary_and_dict_are_json_safe() -> None:
    import json

    pmf = mark3_pmf([1, 2, 4])
    d = json.loads(json.dumps(pmf.to_dict()))
    assert d["min"] == 0 and d["max"] == 4 and len(d["probabilities"]) == 5
    assert d["provenance"]["operation"] == "assessment.pmf.mark3"
    assert set(pmf.summary()) == {"mean", "variance", "sd", "mode", "min", "max", "entropy", "probabilities"}
    frame = pmf.to_frame()
    assert list(frame.columns) == ["n_deposits", "probability"] and frame["n_deposits"].tolist() == [0, 1, 2, 3, 4]
    assert isinstance(pmf, DepositPmf)
