"""Each step is a call into its domain: the workflow's numbers equal the domain functions called directly, and the
supply base reproduces the published concentration (MCS 2024 rare-earth mine production, HHI 4,909)."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

from critmin.assessment.deposit_density import estimate_deposit_count
from critmin.assessment.economic_filter import EconomicParameters, economic_filter
from critmin.assessment.gt_data import read_cited_gt
from critmin.assessment.run import run_assessment
from critmin.economics.evaluate import evaluate
from critmin.economics.project import parse_project
from critmin.jsonsafe import json_safe
from critmin.supply.diversification import add_supply
from critmin.supply.supply_impact import concentration_after, disruption_shortfall, import_reliance, stage_base
from critmin.workflows import run_workflow
from critmin.workflows.runner import step_seed
from tests.workflows.conftest import small


@pytest.fixture(scope="module")
def run(example, demo_sites):  # type: ignore[no-untyped-def]
    spec = small(example)
    return spec, run_workflow(spec, sites=demo_sites)


def test_tract_counts_the_demo_carbonatites_inside(run) -> None:  # type: ignore[no-untyped-def]
    _, res = run
    t = res.steps["tract"].data
    assert sorted(d["name"] for d in t["deposits"]) == ["Amba Dongar carbonatite", "Siriwasan carbonatite"]
    assert 4000 < t["area_km2"] < 4200


def test_resource_step_is_the_assessment_domain(run) -> None:  # type: ignore[no-untyped-def]
    spec, res = run
    r = res.steps["resource"].data
    gt = read_cited_gt(spec.input_files["resource.gt"], "TREO")
    est = estimate_deposit_count("general", res.steps["tract"].data["area_km2"],
                                 median_tonnage_mt=float(np.median(gt.ore_t)) / 1e6, known_deposits=2)
    pmf = est.to_pmf()
    assert r["pmf"]["probabilities"] == pytest.approx(pmf.probabilities.tolist(), abs=0)
    direct = run_assessment(pmf, gt, trials=2000, seed=step_seed(spec.seed, "resource"), per_deposit=True)
    assert r["statistics"]["TREO"] == json_safe(direct.statistics["TREO"])
    assert r["contained_t"]["mean"] == pytest.approx(direct.result.totals["TREO"].mean(), rel=1e-15)
    assert r["gt"]["n_deposits"] == 21


def test_economic_step_is_the_raef_filter(run) -> None:  # type: ignore[no-untyped-def]
    spec, res = run
    a = res.steps["resource"].arrays
    deps = pd.DataFrame({"trial": a["dep_trial"], "ore": a["dep_ore_t"], "TREO_pct": a["dep_grade_pct"]})
    params = EconomicParameters(prices_usd_per_t={"TREO": 10000.0}, mill_recoveries={"TREO": 0.65},
                                tract_area_km2=res.steps["tract"].data["area_km2"])
    direct = economic_filter(deps, params, seed=step_seed(spec.seed, "economic_filter"),
                             trials=a["totals_trial"].tolist())
    e = res.steps["economic_filter"]
    np.testing.assert_array_equal(e.arrays["trial_recovered_t"], direct.totals["TREO_recovered"].to_numpy())
    assert e.data["p_any_economic"] == pytest.approx(float((direct.totals["n_economic"] > 0).mean()), abs=0)


def test_project_step_scales_the_template_and_is_the_economics_domain(run) -> None:  # type: ignore[no-untyped-def]
    spec, res = run
    rep = res.steps["economic_filter"].data["representative"]
    p = res.steps["project"].data
    life = 0.2 * rep["ore_t"] ** 0.25  # Taylor (1986)
    taylor_out = rep["ore_t"] / life * rep["grade_pct"] / 100 * 0.60
    assert taylor_out > 15000  # the example's market cap binds
    assert p["annual_output"] == 15000
    assert p["life_years"] == min(50, round(taylor_out * life / 15000))
    template = tomllib.loads(spec.input_files["project.template"].read_text(encoding="utf-8"))
    assert p["scaling"]["capex"] == pytest.approx(1e9 * (15000 / 10000) ** 0.6, rel=1e-12)  # six-tenths rule
    template["production"].update(annual_output=15000, life_years=p["life_years"])
    template["costs"].update(capex=p["scaling"]["capex"],
                             sustaining_capex_per_year=20e6 * (15000 / 10000) ** 0.6)
    direct = evaluate(parse_project(template))
    assert p["evaluation"]["npv"] == pytest.approx(direct.post_tax.npv, rel=1e-12)


def test_supply_base_reproduces_the_published_concentration(run) -> None:  # type: ignore[no-untyped-def]
    _, res = run
    mine = res.steps["supply"].data["stages"]["mine"]
    assert mine["base"]["base_year"] == 2023
    assert mine["before"]["hhi"] == pytest.approx(4909, abs=1)  # MCS 2024 REE mine production, China 69 %
    sep = res.steps["supply"].data["stages"]["separation"]
    assert sep["before"]["hhi"] == pytest.approx(8100, abs=1e-6)  # IEA 2024: China 90 %, rest unattributed


def test_concentration_after_equals_add_supply() -> None:
    sched = pd.DataFrame({"commodity": ["rare earths"], "stage": ["mine"], "country": ["IND"], "year": [2027],
                          "quantity": [15000.0], "unit": ["t"], "basis": ["TREO"], "offtake_partner": [""],
                          "offtake_fraction": [1.0]})
    via_schedule = add_supply(sched).table.iloc[0]
    base = stage_base("REE", "mine", 2027, extra_countries=("IND",))
    c = concentration_after(base, "IND", np.array([15000.0]))
    assert c["hhi"][0] == pytest.approx(via_schedule["hhi_after"], rel=1e-12)
    assert c["hhi_wgi"][0] == pytest.approx(via_schedule["hhi_wgi_after"], rel=1e-12)
    assert c["project_share"][0] == pytest.approx(via_schedule["project_share"], rel=1e-12)


def test_import_reliance_and_shortfall_by_hand() -> None:
    # NIR = (demand − domestic − new supply) / demand, floored at 0 (USGS MCS definition with stated demand)
    assert import_reliance(6000, 2900, np.array([0.0, 1000.0, 5000.0])).tolist() == pytest.approx(
        [3100 / 6000, 2100 / 6000, 0.0])
    assert disruption_shortfall(6000, 2900, 1000.0, 0.9, 1.0) == pytest.approx(2100 * 0.9)


def test_supply_bands_are_ordered_and_start_after_construction(run) -> None:  # type: ignore[no-untyped-def]
    _, res = run
    s = res.steps["supply"].data
    band = s["stages"]["separation"]["after"]["hhi"]
    assert all(a <= b <= c for a, b, c in zip(band["q10"], band["q50"], band["q90"], strict=True))
    assert s["prob_producing"][:3] == [0.0, 0.0, 0.0]  # three construction years
    assert 0 < max(s["prob_producing"]) <= s["prob_built"] <= 1


def test_partner_geopolrisk_equals_the_geopolrisk_module() -> None:
    """With nothing added, the workflow's partner GeoPolRisk is :func:`critmin.supply.criticality.geopolrisk.score`
    on the same country-level inputs (that module reproduces geopolrisk-py's USA 2022 reference case)."""
    from critmin.supply.criticality.geopolrisk import score
    from critmin.supply.supply_impact import StageBase, partner_geopolrisk

    base = StageBase("REE", "mine", 2023, "t", "test", {"CHN": 240000.0, "USA": 43000.0, "AUS": 18000.0,
                                                       "IND": 2900.0}, 0.0,
                     {"CHN": 0.62, "USA": 0.45, "AUS": 0.28, "IND": 0.61})
    shares = {"CHN": 0.7, "AUS": 0.2, "USA": 0.1}
    got = partner_geopolrisk(base, "IND", 0.0, partner="IND", demand_t=6000, domestic_t=2900, offtake_t=0.0,
                             import_shares=shares)
    imports = pd.DataFrame({"quantity_t": [3100 * v for v in shares.values()], "value_kusd": [1.0, 1.0, 1.0],
                            "governance": [base.governance[c] for c in shares]})
    want = score(base.quantities, 2900, imports)
    assert got["geopolrisk"] == pytest.approx(want.score, rel=1e-12)
    assert got["import_risk"] == pytest.approx(want.import_risk, rel=1e-12)
    # the project's output in the partner country is domestic: imports and the import risk fall
    after = partner_geopolrisk(base, "IND", np.array([1000.0]), partner="IND", demand_t=6000, domestic_t=2900,
                               offtake_t=np.array([1000.0]), import_shares=shares)
    assert after["import_risk"][0] == pytest.approx(2100 * 0.62 * 0 + (2100 * (0.7 * 0.62 + 0.2 * 0.28 + 0.1 * 0.45))
                                                    / 6000, rel=1e-12)
    # an offtake from a project abroad is an import from that country, displacing the others pro rata
    abroad = partner_geopolrisk(base, "AUS", np.array([1000.0]), partner="IND", demand_t=6000, domestic_t=2900,
                                offtake_t=np.array([1000.0]), import_shares=shares)
    mix = 0.7 * 0.62 + 0.2 * 0.28 + 0.1 * 0.45
    assert abroad["import_risk"][0] == pytest.approx((1000 * 0.28 + 2100 * mix) / 6000, rel=1e-12)


def test_the_example_reports_the_partner_geopolrisk(run) -> None:  # type: ignore[no-untyped-def]
    _, res = run
    gp = res.steps["supply"].data["stages"]["separation"]["geopolrisk"]
    assert gp["before"]["geopolrisk"] == pytest.approx(gp["before"]["hhi"] * gp["before"]["import_risk"])
    assert gp["before"]["hhi"] == pytest.approx(0.81)
    assert all(a <= b for a, b in zip(gp["after"]["geopolrisk"]["q50"], [gp["before"]["geopolrisk"]] * 99,
                                      strict=False))
