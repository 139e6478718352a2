"""MapMark4's negative-binomial fit to weighted expert estimates, and R's Nelder–Mead.

Reference values: Ellefsen (2017), USGS TM 7-C14 (MapMark4 user's guide, doi:10.3133/tm7C14), ExampleDepEst1:
mean 10.6613, variance 43.0923, sd 6.56447, mode 7, support 0–42, entropy 3.19684, P(0) = 0.00787,
P(1) = 0.0204. ExampleDepEst2–4: MapMark4 run on R 4.2.2 (../shared/notes/assessment.md §2 V2): mean 111.6439,
variance 3961.03, support 1–413; mean 6.359444, variance 6.285392, support 0–15; mean 1.10893, variance
1.113686, support 0–6. Old MapMark4 (commit bfece22) tests: NB(mean 5, sd 4) → 0–31, P(0) = 0.0711,
P(31) = 4.63e-5.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.stats import nbinom

from critmin.assessment.estimates import DepositEstimates, read_estimates
from critmin.assessment.pmf import (
    UnderdispersedError,
    fit_negative_binomial,
    negative_binomial_pmf,
    r_nelder_mead,
)
from critmin.assessment.pmf.negative_binomial import _cost, qnbinom_upper

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
EST = {k: DATA / f for k, f in {
    1: "ExampleDepEst1_southern_carbonate_ecaille_tract.csv",
    2: "ExampleDepEst2_central_carbonate_ecaille_tract.csv",
    3: "ExampleDepEst3_northern_carbonate_ecaille_tract.csv",
    4: "ExampleDepEst4_ore_shale_tract.csv",
}.items()}


@pytest.fixture(scope="module")
def fits() -> dict[int, object]:
    if not DATA.exists():
        pytest.skip("shared data not found")
    out = {}
    for k, p in EST.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out[k] = fit_negative_binomial(read_estimates(p))
        # only DepEst4 (weighted N90–N10 = 2.7 < Poisson(2.1)'s 4) is flagged as narrower than a Poisson
        assert bool(caught) == (k == 4), (k, [str(w.message) for w in caught])
    return out


def test_user_guide_example_depest1(fits: dict) -> None:
    pmf = fits[1]
    assert pmf.mean == pytest.approx(10.6613, abs=5e-5)
    assert pmf.variance == pytest.approx(43.0923, abs=5e-4)
    assert pmf.sd == pytest.approx(6.56447, abs=5e-6)
    assert pmf.mode == 7
    assert (pmf.n_min, pmf.n_max) == (0, 42)
    assert pmf.entropy == pytest.approx(3.19684, abs=5e-6)
    assert pmf.probabilities[0] == pytest.approx(0.00787, abs=5e-6)
    assert pmf.probabilities[1] == pytest.approx(0.0204, abs=5e-5)
    # grid optimum the notes record (p = 0.242173, size = 3.41647, cost 106.07); the polish does not move it
    assert pmf.parameters["prob"] == pytest.approx(0.242173, abs=5e-7)
    assert pmf.parameters["size"] == pytest.approx(3.41647, abs=5e-6)
    assert pmf.parameters["cost"] == pytest.approx(106.07, abs=1e-9)
    assert pmf.parameters["convergence"] == 0


def test_depest2_needs_r_style_nelder_mead(fits: dict) -> None:
    pmf = fits[2]
    assert pmf.mean == pytest.approx(111.6439, abs=5e-5)
    assert pmf.variance == pytest.approx(3961.03, abs=5e-3)
    assert (pmf.n_min, pmf.n_max) == (1, 413)
    grid = pmf.parameters["grid"]
    assert pmf.parameters["cost"] < grid["cost"]  # the polish moved: grid-only mean is 109.5874
    grid_mean = grid["size"] * (1 - grid["prob"]) / grid["prob"]
    assert grid_mean == pytest.approx(109.5874, abs=5e-4) or pmf.parameters["nb_mean"] != grid_mean


def test_depest2_scipy_simplex_would_differ() -> None:
    """SciPy's default Nelder–Mead simplex lands elsewhere on the piecewise-constant cost (mean ≈ 112.29)."""
    est = read_estimates(EST[2])
    pmf = fit_negative_binomial(est)
    g = pmf.parameters["grid"]
    w = np.asarray(est.weights, float)
    t = np.stack([est.n90, est.n50, est.n10], 1).astype(float)
    res = minimize(lambda x: float(np.nan_to_num(_cost(x[:1], x[1:], t, w)[0], nan=1e35)),
                   [g["prob"], g["size"]], method="Nelder-Mead")
    scipy_mean = res.x[1] * (1 - res.x[0]) / res.x[0]
    assert abs(scipy_mean - pmf.parameters["nb_mean"]) > 0.1


def test_depest3_and_depest4(fits: dict) -> None:
    p3, p4 = fits[3], fits[4]
    assert p3.mean == pytest.approx(6.359444, abs=5e-7)
    assert p3.variance == pytest.approx(6.285392, abs=5e-6)
    assert (p3.n_min, p3.n_max) == (0, 15)
    assert p4.mean == pytest.approx(1.10893, abs=5e-6)
    assert p4.variance == pytest.approx(1.113686, abs=5e-6)
    assert (p4.n_min, p4.n_max) == (0, 6)
    assert "narrower than a Poisson" in p4.parameters["dispersion_note"]
    assert p3.parameters["dispersion_note"] is None


def test_truncation_rule(fits: dict) -> None:
    """Upper point = qnbinom(0.999); lower values with P < P(upper) dropped; renormalised."""
    pmf = fits[2]
    prob, size = pmf.parameters["prob"], pmf.parameters["size"]
    upper = int(nbinom.ppf(0.999, size, prob))
    assert pmf.n_max == upper
    raw = nbinom.pmf(np.arange(upper + 1), size, prob)
    kept = raw[raw >= raw[-1]]
    np.testing.assert_allclose(pmf.probabilities, kept / kept.sum(), rtol=1e-12)
    assert raw[0] < raw[-1]  # P(0) is below the cut, so the support starts at 1


def test_summary_probabilities_list_from_min(fits: dict) -> None:
    s = fits[1].summary()
    assert s["min"] == 0 and s["max"] == 42 and len(s["probabilities"]) == 43
    assert math.isclose(sum(s["probabilities"]), 1.0, abs_tol=1e-12)
    d = fits[1].to_dict()
    assert d["method"] == "negative-binomial" and d["parameters"]["estimates"]["rows"][0][0] == "person1"
    assert d["provenance"]["inputs_sha256"] == read_estimates(EST[1]).sha256


def test_grid_only_fit_and_off_by_one_index() -> None:
    pmf = fit_negative_binomial(read_estimates(EST[1]), optimize=False)
    assert pmf.parameters["nelder_mead"] is None
    assert 1 <= pmf.parameters["grid"]["mean_index"] <= 40 and 1 <= pmf.parameters["grid"]["variance_index"] <= 40
    # DepEst4's optimum is in the first row and column: mean index 1, variance index 1 (column-major first)
    with pytest.warns(RuntimeWarning, match=r"narrower than a Poisson"):
        p4 = fit_negative_binomial(read_estimates(EST[4]), optimize=False)
    assert (p4.parameters["grid"]["mean_index"], p4.parameters["grid"]["variance_index"]) == (1, 1)


def test_qnbinom_upper_definition() -> None:
    rng = np.random.default_rng(3)
    prob = rng.uniform(0.01, 0.99, 2000)
    size = np.exp(rng.uniform(-2, 6, 2000))
    for p in (0.9, 0.5, 0.1):
        q = qnbinom_upper(p, size, prob)
        assert np.all(nbinom.sf(q, size, prob) <= p + 1e-15)
        assert np.all((q == 0) | (nbinom.sf(q - 1, size, prob) > p - 1e-15))
    assert np.isnan(qnbinom_upper(0.5, np.array([3.0]), np.array([1.5]))[0])  # invalid prob → NaN, as R
    assert qnbinom_upper(0.5, np.array([3.0]), np.array([1.0]))[0] == 0


def test_r_nelder_mead_on_rosenbrock() -> None:
    """R: optim(c(-1.2, 1), fr) gives par 1.000260 1.000506, value 8.825241e-08, counts 195 (R documentation)."""
    def fr(x: np.ndarray) -> float:
        return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2

    res = r_nelder_mead(fr, np.array([-1.2, 1.0]))
    assert res.convergence == 0
    assert res.fncount == 195
    np.testing.assert_allclose(res.x, [1.000260, 1.000506], atol=5e-7)
    assert res.fun == pytest.approx(8.825241e-08, rel=1e-6)


def test_underdispersed_estimates_are_refused() -> None:
    est = DepositEstimates.from_rows([("a", 1, 100, 104, 108), ("b", 1, 98, 103, 107), ("c", 0.01, 10, 30, 60)])
    with pytest.raises(UnderdispersedError, match=r"under-dispersed.*Mark3") as info:
        fit_negative_binomial(est)
    assert "rows 1, 2 are narrower" in str(info.value)


def test_narrow_but_representable_estimates_warn() -> None:
    est = DepositEstimates.from_rows([("a", 1, 100, 105, 110), ("b", 1, 98, 104, 109)])
    with pytest.warns(RuntimeWarning, match=r"narrower than a Poisson.*Mark3"):
        pmf = fit_negative_binomial(est)
    assert pmf.parameters["prob"] > 0.99


def test_negative_binomial_from_moments_old_mapmark4() -> None:
    pmf = negative_binomial_pmf(5, 4)
    assert (pmf.n_min, pmf.n_max) == (0, 31)
    assert pmf.probabilities[0] == pytest.approx(7.11e-2, abs=1e-4)
    assert pmf.probabilities[-1] == pytest.approx(4.63e-5, abs=1e-7)
    with pytest.raises(UnderdispersedError):
        negative_binomial_pmf(5, 2)
