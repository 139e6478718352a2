"""Export-restriction scenarios: market clearing checked analytically, Monte Carlo reproducibility, bad input.

The elasticities in these tests are test values, not published estimates: critmin ships none (each scenario file
must cite its own), so only the mechanics are tested here.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from critmin.errors import InputError
from critmin.supply.price_response import clear_market
from critmin.supply.scenarios import load_scenario, run_scenario

SCENARIO = """
[scenario]
name = "test"
commodity = "gallium"
stage = "refinery"
year = 2023
start = "2023-08-01"
duration_days = 365
[restriction]
countries = ["CHN"]
fraction = 0.5
[market]
supply_elasticity = 0.3
demand_elasticity = -0.3
elasticity_source = "test values"
spare_capacity = 0.0
[partner]
country = "USA"
demand_t = 20
import_shares = {CHN = 0.25, JPN = 0.5}
stockpile_t = 1
[monte_carlo]
draws = 2000
seed = 7
supply_elasticity = {dist = "uniform", low = 0.1, high = 0.5}
demand_elasticity = {dist = "triangular", low = -0.6, mode = -0.3, high = -0.1}
[[downstream]]
stage = "wafers"
input_share = 0.5
"""


def _file(tmp_path: Path, text: str = SCENARIO) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_inelastic_supply_has_closed_form() -> None:
    """With ε_s = 0 (no response) the price solves Q₀·e^{ε_d p} = Q₀ − x·S_r."""
    dp, q, unb = clear_market(60.0, 40.0, 0.5, 0.0, -0.5)
    assert q[0] == pytest.approx(70.0, rel=1e-9)
    assert dp[0] == pytest.approx(math.exp(math.log(0.7) / -0.5) - 1, rel=1e-9)
    assert not unb[0]


def test_spare_capacity_caps_the_response() -> None:
    """Ample spare capacity and elastic supply: the others make up most of the loss; with a cap of 5 they cannot."""
    _, q_cap, _ = clear_market(60.0, 40.0, 0.5, 5.0, -0.5, spare_t=5.0)
    assert q_cap[0] <= 75.0 + 1e-9 and q_cap[0] > 70.0
    _, q_free, _ = clear_market(60.0, 40.0, 0.5, 5.0, -0.5, spare_t=1e9)
    assert q_free[0] > q_cap[0]


def test_no_disruption_no_price_change() -> None:
    dp, q, _ = clear_market(60.0, 40.0, 0.0, 0.3, -0.3)
    assert dp[0] == pytest.approx(0.0, abs=1e-12) and q[0] == pytest.approx(100.0)


def test_scenario_outputs(tmp_path: Path) -> None:
    r = run_scenario(load_scenario(_file(tmp_path)))
    assert r.restricted_share == pytest.approx(600_000 / 610_000)  # MCS 2024 gallium, 2023e (kg)
    assert r.lost_share == pytest.approx(0.5 * 600_000 / 610_000)
    p = r.partner
    assert p is not None
    assert p["direct_shortfall_t_per_year"] == pytest.approx(20 * 0.25 * 0.5)
    assert p["stockpile_days_of_cover"] == pytest.approx(1 / (2.5 / 365))
    assert p["stockpile_exhausted_on"] == "2023-12-25"  # 2023-08-01 + 146 days
    assert r.downstream[0]["output_loss_fraction"] == pytest.approx(-r.quantity_change * 0.5)
    assert r.elasticity_source == "test values"
    assert r.price_change > 0 and r.monte_carlo is not None
    assert r.record.seed == 7


def test_monte_carlo_is_bit_identical(tmp_path: Path) -> None:
    a = run_scenario(load_scenario(_file(tmp_path))).monte_carlo
    b = run_scenario(load_scenario(_file(tmp_path))).monte_carlo
    assert a == b
    other = run_scenario(load_scenario(_file(tmp_path, SCENARIO.replace("seed = 7", "seed = 8")))).monte_carlo
    assert other != a


def test_vectorised_equals_scalar() -> None:
    es = np.array([0.1, 0.3, 0.5])
    ed = np.array([-0.2, -0.3, -0.6])
    dp, _, _ = clear_market(600.0, 10.0, 0.5, es, ed, spare_t=2.0)
    for i in range(3):
        assert dp[i] == clear_market(600.0, 10.0, 0.5, es[i], ed[i], spare_t=2.0)[0][0]


@pytest.mark.parametrize(("old", "new", "column"), [
    ('elasticity_source = "test values"', 'elasticity_source = ""', "market.elasticity_source"),
    ('countries = ["CHN"]', 'countries = ["FRA"]', "restriction.countries"),
    ("fraction = 0.5", "fraction = 1.5", "restriction.fraction"),
    ("demand_elasticity = -0.3\n", "demand_elasticity = 0.3\n", "market.demand_elasticity"),
    ('start = "2023-08-01"', 'start = "August"', "scenario.start"),
    ('{dist = "uniform", low = 0.1, high = 0.5}', '{dist = "beta"}', "monte_carlo.supply_elasticity"),
])
def test_bad_scenarios_name_the_key(tmp_path: Path, old: str, new: str, column: str) -> None:
    with pytest.raises(InputError) as err:
        run_scenario(load_scenario(_file(tmp_path, SCENARIO.replace(old, new, 1))))
    assert err.value.column == column


def test_not_toml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="TOML"):
        load_scenario(_file(tmp_path, "[scenario\n"))
