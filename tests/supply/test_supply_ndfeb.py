"""NdFeB chain: mass balance at every stage, stoichiometry, intensities (critmin notes supply.md §3), bottleneck and
new capacity."""

from __future__ import annotations

import numpy as np
import pytest

from critmin.errors import InputError
from critmin.supply import ndfeb


def test_mass_balance_every_process() -> None:
    mfa = ndfeb.build({"ev_motors": 1200.0, "wind_turbines": 800.0, "electronics": 500.0})
    mfa.check_mass_balance()  # flodym: inflows − outflows − stock change = 0 per process and element
    flows = {k: f.values for k, f in mfa.flows.items()}
    for proc in ndfeb.PROCESSES[1:]:
        inflow = sum(v for k, v in flows.items() if k.endswith(f"=> {proc}"))
        outflow = sum(v for k, v in flows.items() if k.startswith(f"{proc} =>"))
        np.testing.assert_allclose(inflow, outflow, rtol=0, atol=1e-9)
    assert min(float(f.min()) for f in flows.values()) >= 0


def test_oxide_factors_from_atomic_masses() -> None:
    """kg oxide per kg metal as in critmin notes §3: Nd2O3 1.166, Pr6O11 1.208, Dy2O3 1.148, Tb4O7 1.176."""
    assert {e: round(ndfeb.oxide_factor(e), 3) for e in ndfeb.RARE_EARTHS} == {
        "Nd": 1.166, "Pr": 1.208, "Dy": 1.148, "Tb": 1.176}


def test_nd2fe14b_stoichiometry() -> None:
    """Notes §3: stoichiometric Nd2Fe14B = 26.68 % Nd, 72.32 % Fe, 1.00 % B."""
    assert {k: round(v, 2) for k, v in ndfeb.nd2fe14b_wt_pct().items()} == {"Nd": 26.68, "Fe": 72.32, "B": 1.00}


def test_worked_default_reo_per_kg_magnet() -> None:
    """Notes §3 worked default: 1/0.75 kg alloy at 31 % TRE → 0.41 kg RE metal → ×1.17 / 0.80 ≈ 0.60 kg REO."""
    comp = {"ev_motors": {"Nd": 23.25, "Pr": 7.75, "Dy": 0.0, "Tb": 0.0, "B": 1.0, "Co": 0.0}}
    r = ndfeb.run({"ev_motors": 1.0}, ndfeb.with_params(composition_wt_pct=comp))
    assert r.stage_totals_t["alloy"] == pytest.approx(1 / 0.75)
    assert r.stage_totals_t["metal"] == pytest.approx(0.31 / 0.75)
    assert r.reo_per_t_magnet == pytest.approx(0.60, abs=0.01)
    assert r.mass_balance_max_error < 1e-9


def test_bottleneck_and_new_capacity() -> None:
    r = ndfeb.run(new_capacity=[{"stage": "separation", "country": "Australia", "capacity_t": 20_000},
                                {"stage": "metal", "country": "Japan", "capacity_t": 100}])
    assert r.bottleneck == "separation"  # ≈90 % China (IEA GCMO 2024 [S]) vs magnets 87 %, mine 68 %
    sep = r.capacity_effect[0]
    assert sep["china_share_before"] == pytest.approx(0.90)
    assert sep["china_share_after"] == pytest.approx(0.90 * 353_320 / (353_320 + 20_000))
    assert sep["hhi_after"] < sep["hhi_before"]
    assert "cannot be computed" in r.capacity_effect[1]["note"]
    assert r.stage_shares["metal"] is None


@pytest.mark.parametrize(("kwargs", "demand", "match"), [
    ({"fabrication_yield": 0.0}, None, "fabrication_yield"),
    ({"reduction_yield": 1.2}, None, "reduction_yield"),
    ({}, {"ev_motors": -1.0}, "negative"),
    ({}, {"toasters": 1.0}, "unknown end use"),
    ({"composition_wt_pct": {"ev_motors": {"Nd": 99.0, "B": 2.0}}}, None, "Fe balance"),
])
def test_bad_parameters(kwargs, demand, match) -> None:
    with pytest.raises(InputError, match=match):
        ndfeb.run(demand, ndfeb.with_params(**kwargs))


def test_bad_capacity() -> None:
    with pytest.raises(InputError, match="stage"):
        ndfeb.run(new_capacity=[{"stage": "smelter", "capacity_t": 1}])
    with pytest.raises(InputError, match="capacity_t"):
        ndfeb.run(new_capacity=[{"stage": "mine"}])
