"""Sensitivities and the Monte Carlo: consistency with the deterministic model, seeds, correlation checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from critmin.economics.evaluate import evaluate
from critmin.economics.project import load_project, parse_project
from critmin.economics.risk import monte_carlo, sensitivities
from critmin.errors import InputError
from tests.economics.conftest import EXAMPLE


def test_tornado_and_spider_consistent_with_evaluate() -> None:
    p = load_project(EXAMPLE)
    s = sensitivities(p, swing=0.2)
    assert s.base_npv == pytest.approx(evaluate(p).post_tax.npv)
    swings = [r["swing"] for r in s.tornado]
    assert swings == sorted(swings, reverse=True)
    assert {r["driver"] for r in s.tornado} == {"price", "opex", "capex", "grade_recovery", "discount_rate"}
    mid = s.steps.index(0.0)
    for d, curve in s.spider.items():
        assert curve[mid] == pytest.approx(s.base_npv), d
    price = next(r for r in s.tornado if r["driver"] == "price")
    assert price["npv_low"] < s.base_npv < price["npv_high"]
    capex = next(r for r in s.tornado if r["driver"] == "capex")
    assert capex["npv_low"] > capex["npv_high"]  # lower capex -> higher NPV


def test_sensitivity_bad_range() -> None:
    with pytest.raises(InputError, match="range"):
        sensitivities(load_project(EXAMPLE), swing=1.5)


def test_monte_carlo_seed_reproducible_and_chunk_independent() -> None:
    p = load_project(EXAMPLE)
    a = monte_carlo(p, draws=5000, seed=42)
    b = monte_carlo(p, draws=5000, seed=42, chunk=777)
    assert np.array_equal(a.npv, b.npv)
    assert a.summary == b.summary
    c = monte_carlo(p, draws=5000, seed=43)
    assert not np.array_equal(a.npv, c.npv)
    assert a.provenance.seed == 42


def test_monte_carlo_summary_ordering_and_distributions() -> None:
    p = load_project(EXAMPLE)
    r = monte_carlo(p, draws=20_000, seed=1)
    s = r.summary
    assert s["p90"] < s["p50"] < s["p10"]
    assert 0 <= s["prob_negative"] <= 1
    # documented input distributions: lognormal price with median 1; triangular capex in [0.9, 1.4]
    assert np.median(r.inputs["price"]) == pytest.approx(1.0, abs=0.02)
    assert r.inputs["capex"].min() >= 0.9 and r.inputs["capex"].max() <= 1.4
    assert r.inputs["capex"].mean() == pytest.approx((0.9 + 1.0 + 1.4) / 3, abs=0.01)
    delays = np.bincount(r.inputs["delay_years"].astype(int), minlength=3) / 20_000
    np.testing.assert_allclose(delays, [0.6, 0.25, 0.15], atol=0.015)
    # the default copula correlates price and opex positively (rank correlation ~ 0.3)
    from scipy.stats import spearmanr

    rho = spearmanr(r.inputs["price"], r.inputs["opex"]).statistic
    assert 0.2 < rho < 0.4


def test_monte_carlo_degenerate_matches_deterministic(base: dict[str, Any]) -> None:
    base["risk"] = {"price_sigma": 0.0, "opex_range": [1.0, 1.0, 1.0 + 1e-12], "capex_range": [1.0, 1.0, 1.0 + 1e-12],
                    "output_range": [1.0, 1.0, 1.0 + 1e-12], "delay_probabilities": [1.0]}
    p = parse_project(base)
    r = monte_carlo(p, draws=10, seed=0)
    np.testing.assert_allclose(r.npv, evaluate(p).post_tax.npv, rtol=1e-9)


def test_monte_carlo_delay_discounts_operations(base: dict[str, Any]) -> None:
    base["risk"] = {"price_sigma": 0.0, "opex_range": [1.0, 1.0, 1.0 + 1e-12], "capex_range": [1.0, 1.0, 1.0 + 1e-12],
                    "output_range": [1.0, 1.0, 1.0 + 1e-12], "delay_probabilities": [0.0, 1.0]}
    p = parse_project(base)
    r = monte_carlo(p, draws=4, seed=0)
    ops = sum(600 / 1.1 ** t for t in (2, 3, 4))
    np.testing.assert_allclose(r.npv, -1000 / 1.1 + ops / 1.1)


def test_bad_correlation_matrix(base: dict[str, Any]) -> None:
    base["risk"] = {"correlation": [[1, 0.99, 0.99, 0, 0], [0.99, 1, -0.99, 0, 0], [0.99, -0.99, 1, 0, 0],
                                    [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]}
    p = parse_project(base)
    with pytest.raises(InputError, match="positive definite"):
        monte_carlo(p, draws=10, seed=0)


def test_bad_risk_inputs(base: dict[str, Any]) -> None:
    base["risk"] = {"capex_range": [1.4, 1.0, 0.9]}
    with pytest.raises(InputError, match=r"risk\.capex_range"):
        parse_project(base)
    base["risk"] = {"delay_probabilities": [0.5, 0.2]}
    with pytest.raises(InputError, match=r"risk\.delay_probabilities"):
        parse_project(base)


def test_mean_reverting_price_paths(base: dict[str, Any]) -> None:
    from critmin.economics.risk import _price_paths

    # stationary AR(1): every year's log multiplier has sd = price_sigma and lag-1 correlation exp(-kappa)
    rng = np.random.default_rng(0)
    n, life = 200_000, 6
    paths = _price_paths(rng.standard_normal(n), rng.standard_normal((n, life - 1)), 0.3, 0.5, 2, life)
    logs = np.log(paths[:, 2:2 + life])
    np.testing.assert_allclose(logs.std(axis=0), 0.3, rtol=0.01)
    assert np.corrcoef(logs[:, 2], logs[:, 3])[0, 1] == pytest.approx(np.exp(-0.5), abs=0.01)
    assert (paths[:, :2] == 1).all() and (paths[:, -1] == 1).all()
    # in the Monte Carlo: seeded, reproducible, and reverting paths spread NPV less than one multiplier per draw
    base["production"]["life_years"] = 20
    base["risk"] = {"price_model": "mean_reverting", "price_reversion": 0.5}
    p = parse_project(base)
    a, b = monte_carlo(p, draws=4000, seed=9), monte_carlo(p, draws=4000, seed=9)
    assert np.array_equal(a.npv, b.npv)
    base["risk"] = {"price_model": "multiplier"}
    m = monte_carlo(parse_project(base), draws=4000, seed=9)
    assert a.summary["sd"] < m.summary["sd"]
    base["risk"] = {"price_model": "gbm"}
    with pytest.raises(InputError, match=r"risk\.price_model"):
        parse_project(base)
