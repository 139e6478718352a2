"""Deposit-density estimates of the number of deposits (Singer & Menzie 2010; Mosier, Singer & Berger 2007).

The coefficients in critmin's reference table `deposit_density_models` are checked against the control tracts
they were fitted on (MapWizard `Indata*.csv`, ../shared/data/assessment/mapwizard/deposit-density): ordinary least
squares of log10(N) on log10(area) reproduces the published a and b (porphyry Cu a = −1.041858, b = 0.430677,
N = 33; podiform Cr a = 0.215, b = 0.47, N = 28; VMS a = −0.585, b = 0.385, N = 38). The general model's third
predictor (median tonnage of each deposit type) is not in the control-tract file, so only its area statistics
(N = 109, mean log10 area 3.173, sd 1.188) are checked.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from critmin.assessment.deposit_density import (
    density_model,
    estimate_deposit_count,
    fit_density_regression,
    read_control_tracts,
)
from critmin.errors import InputError
from critmin.reference import sources

DD = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapwizard" / "deposit-density"


@pytest.mark.parametrize(
    ("model", "file", "a_tol", "b_tol", "syx_tol"),
    [
        ("porphyry_cu", "IndataPorCu.csv", 2e-4, 5e-5, 2e-3),
        ("podiform_cr", "IndataPodiformCr.csv", 1e-3, 5e-4, 8e-3),
        ("vms", "IndataVMS.csv", 1e-3, 6e-4, 5e-4),
    ],
)
def test_published_coefficients_refit_from_control_tracts(model: str, file: str, a_tol: float, b_tol: float,
                                                          syx_tol: float) -> None:
    if not DD.exists():
        pytest.skip("shared data not found")
    tracts = read_control_tracts(DD / file)
    fit = fit_density_regression(tracts["area_km2"], tracts["n_deposits"])
    m = density_model(model)  # type: ignore[arg-type]
    assert fit["n"] == m.n_tracts
    assert fit["a"] == pytest.approx(m.a, abs=a_tol)
    assert fit["b"] == pytest.approx(m.b, abs=b_tol)
    assert fit["syx"] == pytest.approx(m.syx, abs=syx_tol)
    assert fit["mean_log_area"] == pytest.approx(m.mean_log_area, abs=2e-3)
    assert fit["var_log_area"] == pytest.approx(m.var_log_area, abs=1e-3)


def test_general_model_area_statistics() -> None:
    if not DD.exists():
        pytest.skip("shared data not found")
    tracts = read_control_tracts(DD / "IndataGeneral.csv")
    assert len(tracts) == 109 and tracts["deposit_type"].nunique() == 10
    fit = fit_density_regression(tracts["area_km2"], tracts["n_deposits"])
    m = density_model("general")
    assert fit["mean_log_area"] == pytest.approx(m.mean_log_area, abs=5e-3)
    assert math.sqrt(fit["var_log_area"]) == pytest.approx(math.sqrt(m.var_log_area), abs=5e-3)


def test_porphyry_cu_prediction_and_known_deposits() -> None:
    m = density_model("porphyry_cu")
    est = estimate_deposit_count("porphyry_cu", 50_000)
    log_n50 = -1.041858 + 0.430677 * math.log10(50_000)
    assert est.total_n50 == pytest.approx(10**log_n50)
    s = m.syx * math.sqrt(1 + 1 / 33 + (math.log10(50_000) - m.mean_log_area) ** 2 / (32 * m.var_log_area))
    assert est.s_pred == pytest.approx(s)
    assert est.total_n10 == pytest.approx(10 ** (log_n50 + 1.309 * s))
    assert est.total_n90 == pytest.approx(10 ** (log_n50 - 1.309 * s))
    assert est.total_expected == pytest.approx(10 ** (log_n50 + math.log(10) * s * s / 2))
    known = estimate_deposit_count("porphyry_cu", 50_000, known_deposits=3)
    assert known.undiscovered_expected == pytest.approx(est.total_expected - 3)
    assert known.undiscovered_n50 < est.total_n50 and known.s_pred == est.s_pred
    levels = known.mark3_levels()
    assert levels[0] <= levels[1] <= levels[2]
    assert known.to_pmf().n_max == levels[2]
    d = known.to_dict()
    assert "Singer" in d["reference"] and d["citation"] == "singer_menzie_2010"


def test_general_model_needs_tonnage() -> None:
    est = estimate_deposit_count("general", 1000, median_tonnage_mt=1.5)
    assert est.log10_n50_total == pytest.approx(-0.77 + 0.491 * 3 - 0.227 * math.log10(1.5))
    assert est.approximation is not None
    with pytest.raises(InputError, match="median tonnage"):
        estimate_deposit_count("general", 1000)
    with pytest.raises(InputError, match="area only"):
        estimate_deposit_count("vms", 1000, median_tonnage_mt=2)


def test_bad_inputs() -> None:
    with pytest.raises(InputError, match="positive number of km²"):
        estimate_deposit_count("vms", 0)
    with pytest.raises(InputError, match="not fewer than"):
        estimate_deposit_count("vms", 100, known_deposits=50)
    with pytest.raises(InputError, match="whole number"):
        estimate_deposit_count("vms", 100, known_deposits=1.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unknown deposit-density model"):
        density_model("skarn")  # type: ignore[arg-type]


def test_reference_table_is_listed_with_citations() -> None:
    entry = sources()["deposit_density_models"]
    assert "Singer, D.A., and Menzie" in entry["source"] and "2007-5082" in entry["source"]
