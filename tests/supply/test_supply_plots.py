"""Supply figures carry the numbers of the results they draw (MCS 2024 REE mine shares; a test scenario)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.plot import supply as ps
from critmin.supply.concentration import concentration, concentration_series


def _gid(fig, gid):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]


def test_shares_and_series() -> None:
    c = concentration("REE", "mine", 2023)
    fig = ps.plot_shares(c)
    widths = sorted(p.get_width() for p in _gid(fig, "shares"))
    assert widths[-1] == pytest.approx(100 * c.shares["China"])
    s = concentration_series("REE", "mine")
    fig = ps.plot_concentration_series(s)
    np.testing.assert_allclose(_gid(fig, "hhi")[0].get_ydata(), s["hhi"])


def test_matrix_and_histogram(tmp_path: Path) -> None:
    t = pd.DataFrame({"commodity": ["Ga", "Li"], "supply_risk": [1.5, 0.6], "importance": [3.4, 5.0],
                      "critical": [True, False]})
    fig = ps.plot_criticality_matrix(t)
    assert _gid(fig, "critical")[0].get_offsets().tolist() == [[3.4, 1.5]]
    from critmin.supply.scenarios import run_scenario

    doc = {"scenario": {"commodity": "Ga", "stage": "refinery", "year": 2023, "start": "2023-08-01"},
           "restriction": {"countries": ["CHN"], "fraction": 0.5},
           "market": {"supply_elasticity": 0.3, "demand_elasticity": -0.3, "elasticity_source": "test values"},
           "monte_carlo": {"draws": 300, "seed": 1, "supply_elasticity": {"dist": "uniform", "low": 0.1, "high": 0.5},
                           "demand_elasticity": {"dist": "uniform", "low": -0.5, "high": -0.1}}}
    r = run_scenario(doc)
    fig = ps.plot_scenario_distribution(r)
    assert _gid(fig, "p50")[0].get_xdata()[0] == pytest.approx(100 * r.monte_carlo["price_change_percentiles"]["p50"])
    fig.savefig(tmp_path / "mc.png")
