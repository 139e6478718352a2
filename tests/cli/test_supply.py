"""``critmin supply``: commodities, concentration (the issue's JSON keys), criticality, scenario, ndfeb, diversify.

Data: the shipped MCS 2023/2024 tables (USGS, doi:10.5066/P9WCYUI6, doi:10.5066/P144BA54); the GeoPolRisk
reference case (geopolrisk-py "Testing case - tool.xlsx", USA 2022; tests/supply/data/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.cli.conftest import Invoke, as_json

SUPPLY_DATA = Path(__file__).resolve().parents[1] / "supply" / "data"


def test_commodities(cli: Invoke) -> None:
    out = as_json(cli("supply", "commodities", "--json"))
    ree = next(c for c in out if c["symbol"] == "REE")
    assert "rare earths" in ree["aliases"]
    assert {s["stage"] for s in ree["stages"]} == {"mine", "separation", "magnet"}
    assert len(out) == 11
    assert "Rare earths" in cli("supply", "commodities").stdout


@pytest.mark.parametrize("name", ["rare earths", "REE", "ree"])
def test_concentration_contract(cli: Invoke, name: str) -> None:
    d = as_json(cli("supply", "concentration", "--commodity", name, "--stage", "mine", "--year", "2023", "--json"))
    for k in ("shares", "hhi", "hhi_wgi", "top3_share", "year", "source", "provenance"):
        assert k in d
    assert 0.675 <= d["shares"]["China"] <= 0.69 and 1 < d["hhi"] <= 10_000
    assert d["year"] == 2023 and "MCS2024" in d["source"]


def test_concentration_gallium_refinery_text(cli: Invoke) -> None:
    res = cli("supply", "concentration", "--commodity", "gallium", "--stage", "refinery", "--year", "2023")
    assert "China" in res.stdout and "HHI" in res.stdout


def test_concentration_errors(cli: Invoke) -> None:
    res = cli("supply", "concentration", "--commodity", "REE", "--stage", "mine", "--year", "1999", ok=False)
    assert res.exit_code == 1 and "years available" in res.stderr
    res = cli("supply", "concentration", "--commodity", "kryptonite", "--year", "2023", ok=False)
    assert res.exit_code == 1 and "unknown commodity" in res.stderr


def test_profile(cli: Invoke) -> None:
    d = as_json(cli("supply", "profile", "--commodity", "REE", "--year", "2023", "--json"))
    assert d["worst_stage"] == "separation"


def test_criticality_geopolrisk_reference_case(cli: Invoke, tmp_path: Path) -> None:
    imports = pd.read_csv(SUPPLY_DATA / "geopolrisk_usa2022_imports.csv").rename(
        columns={"exporter_m49": "exporter", "wgi_pv_normalised": "governance"})
    p = tmp_path / "imports.csv"
    imports.to_csv(p, index=False)
    prod = pd.read_csv(SUPPLY_DATA / "geopolrisk_usa2022_production.csv")
    # domestic production as in the workbook; global production from the shipped MCS (not WMD): only the
    # import-risk part must match the workbook exactly here
    d = as_json(cli("supply", "criticality", "--method", "geopolrisk", "--imports", p, "--year", "2022",
                    "--domestic-production", "Ni=17500", "--domestic-production", "Mn=0",
                    "--domestic-production", "graphite=0", "--importer", "USA", "--json"))
    rows = {r["commodity"]: r for r in d["results"]}
    assert rows["Graphite"]["components"]["import_risk"] == pytest.approx(0.584227, abs=1e-6)
    assert rows["Mn"]["components"]["import_risk"] == pytest.approx(0.545189, abs=1e-6)
    assert len(prod) > 0 and d["method"] == "geopolrisk"


def test_criticality_usgs_and_missing_inputs(cli: Invoke, tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text("commodity,ev\ngallium,0.8\n", encoding="utf-8")
    d = as_json(cli("supply", "criticality", "--method", "usgs2022", "--inputs", p, "--json"))
    assert d["results"][-1]["threshold_supply_risk"] == 0.4
    res = cli("supply", "criticality", "--method", "eu", "--inputs", p, ok=False)
    assert res.exit_code == 1 and "--end-uses" in res.stderr
    res = cli("supply", "criticality", "--method", "yale", ok=False)
    assert res.exit_code == 2


def test_lists_and_events(cli: Invoke) -> None:
    lists = as_json(cli("supply", "lists", "--json"))
    assert len(lists["us_2025"]) == 60
    ev = as_json(cli("supply", "events", "--commodity", "germanium", "--json"))
    assert ev[0]["effective"] == "2023-08-01"


def test_scenario_and_ndfeb_and_diversify(cli: Invoke, tmp_path: Path) -> None:
    s = tmp_path / "s.toml"
    s.write_text('[scenario]\ncommodity = "Ga"\nstage = "refinery"\nyear = 2023\nstart = "2023-08-01"\n'
                 '[restriction]\ncountries = ["CHN"]\nfraction = 1.0\n'
                 '[market]\nsupply_elasticity = 0.2\ndemand_elasticity = -0.4\nelasticity_source = "test values"\n'
                 'spare_capacity = 0.1\n', encoding="utf-8")
    d = as_json(cli("supply", "scenario", s, "--json"))
    assert d["lost_share"] == pytest.approx(600_000 / 610_000)
    assert "price change" in cli("supply", "scenario", s).stdout
    n = as_json(cli("supply", "ndfeb", "--demand", "ev_motors=500", "--new-capacity", "magnet:Japan=100", "--json"))
    assert n["bottleneck"] == "separation" and n["mass_balance_max_error"] < 1e-9
    assert "bottleneck" in cli("supply", "ndfeb").stdout
    sched = tmp_path / "sched.csv"
    sched.write_text("commodity,stage,country,year,quantity,unit,basis,offtake_partner,offtake_fraction\n"
                     "lithium,mine,AUS,2027,10000,t,LCE,IND,0.5\n", encoding="utf-8")
    d = as_json(cli("supply", "diversify", sched, "--partner-demand", "Li=5000", "--json"))
    assert d["results"][0]["partner"] == "IND"
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nstage = "mine"\n[restriction]\n[market]\n', encoding="utf-8")
    res = cli("supply", "scenario", bad, ok=False)
    assert res.exit_code == 1 and "scenario.commodity" in res.stderr


def test_byproducts(cli: Invoke) -> None:
    d = as_json(cli("supply", "byproducts", "--commodity", "Ga", "--json"))
    assert d["byproducts"][0]["host"] == "Al"
    assert "Al" in cli("supply", "byproducts").stdout


def test_criticality_eu_options(cli: Invoke, tmp_path: Path) -> None:
    inputs = tmp_path / "in.csv"
    inputs.write_text("commodity,import_reliance,eol_rir,si_sr,si_ei\ngallium,0.98,0.0,0.95,0.9\n", encoding="utf-8")
    uses = tmp_path / "uses.csv"
    uses.write_text("commodity,sector,share,gva\ngallium,C26,1.0,60\n", encoding="utf-8")
    base = as_json(cli("supply", "criticality", "--method", "eu", "--inputs", inputs, "--end-uses", uses,
                       "--max-sector-gva", "120", "--json"))["results"][0]
    assert base["importance"] == round(60 / 120 * 10 * 0.9, 1)
    raised = as_json(cli("supply", "criticality", "--method", "eu", "--inputs", inputs, "--end-uses", uses,
                         "--trade-factor", "CHN=1.5", "--json"))["results"][0]
    assert raised["components"]["hhi_wgi_t_gs"] > base["components"]["hhi_wgi_t_gs"]
