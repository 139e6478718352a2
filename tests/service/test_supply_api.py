"""The supply API (``/api/supply``): the same numbers as the library, problem responses for bad input.

The endpoints do not touch the store, so one SQLite-backed application is enough. Data: the shipped MCS 2023/2024
tables (USGS); the GeoPolRisk reference case (tests/supply/data/README.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from critmin.service.app import create_app
from critmin.supply.concentration import concentration

API = "/api/supply"
DATA = Path(__file__).resolve().parents[1] / "supply" / "data"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from critmin.store.db import open_database

    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('supply') / 'c.db'}")
    db.upgrade()
    with TestClient(create_app(db)) as c:
        yield c
    db.dispose()


def test_commodities_and_concentration(api: TestClient) -> None:
    assert len(api.get(f"{API}/commodities").json()) == 11
    d = api.get(f"{API}/concentration", params={"commodity": "REE", "stage": "mine", "year": 2023}).json()
    lib = concentration("REE", "mine", 2023)
    assert d["shares"] == pytest.approx(lib.shares) and d["hhi"] == pytest.approx(lib.hhi)
    assert d["iso3"]["China"] == "CHN" and d["provenance"]["operation"] == "supply.concentration"


def test_series_profile_lists_events(api: TestClient) -> None:
    s = api.get(f"{API}/series", params={"commodity": "graphite", "stage": "mine"}).json()
    assert [r["year"] for r in s] == [2021, 2022, 2023]
    assert api.get(f"{API}/profile", params={"commodity": "REE"}).json()["worst_stage"] == "separation"
    assert len(api.get(f"{API}/lists").json()["eu_2023"]) == 34
    assert api.get(f"{API}/events", params={"commodity": "Sb"}).json()[0]["effective"] == "2024-09-15"


def test_bad_input_is_400(api: TestClient) -> None:
    r = api.get(f"{API}/concentration", params={"commodity": "REE", "stage": "mine", "year": 1990})
    assert r.status_code == 400 and "years available" in r.json()["detail"]
    r = api.post(f"{API}/scenario", json={"toml": "[scenario"})
    assert r.status_code == 400
    r = api.post(f"{API}/criticality", json={"method": "eu"})
    assert r.status_code == 400 and "inputs_csv" in r.json()["detail"]
    r = api.post(f"{API}/diversify", json={"schedule": [{"commodity": "Li"}]})
    assert r.status_code == 400 and "stage" in r.json()["detail"]


def test_geopolrisk_post_reproduces_reference(api: TestClient) -> None:
    imports = pd.read_csv(DATA / "geopolrisk_usa2022_imports.csv").rename(
        columns={"exporter_m49": "exporter", "wgi_pv_normalised": "governance"})
    r = api.post(f"{API}/criticality", json={
        "method": "geopolrisk", "imports_csv": imports.to_csv(index=False), "year": 2022, "importer": "USA",
        "domestic_production": {"Ni": 17500, "Mn": 0, "Graphite": 0}})
    assert r.status_code == 200, r.text
    rows = {x["commodity"]: x for x in r.json()["results"]}
    assert rows["Ni"]["components"]["import_risk"] == pytest.approx(0.0012076833631026191, rel=1e-9)


def test_scenario_ndfeb_diversify(api: TestClient) -> None:
    toml = ('[scenario]\ncommodity = "graphite"\nstage = "mine"\nyear = 2023\nstart = "2023-12-01"\n'
            '[restriction]\ncountries = ["CHN"]\nfraction = 0.3\n[market]\nsupply_elasticity = 0.2\n'
            'demand_elasticity = -0.3\nelasticity_source = "test values"\n'
            '[monte_carlo]\ndraws = 500\nseed = 3\nsupply_elasticity = {dist = "uniform", low = 0.1, high = 0.3}\n'
            'demand_elasticity = {dist = "uniform", low = -0.5, high = -0.1}\n')
    a = api.post(f"{API}/scenario", json={"toml": toml}).json()
    b = api.post(f"{API}/scenario", json={"toml": toml}).json()
    assert a["monte_carlo"] == b["monte_carlo"] and a["price_change"] > 0
    big = toml.replace("draws = 500", "draws = 1000000")
    assert api.post(f"{API}/scenario", json={"toml": big}).status_code == 400
    n = api.get(f"{API}/ndfeb", params={"ev_motors": 100, "capacity_stage": "separation",
                                          "capacity_country": "Australia", "capacity_t": 10000}).json()
    assert "magnet => ev_motors" in n["flows"] and n["capacity_effect"][0]["china_share_after"] < 0.9
    d = api.post(f"{API}/diversify", json={"schedule": [
        {"commodity": "graphite", "stage": "mine", "country": "MOZ", "year": 2026, "quantity": 100000, "unit": "t",
         "basis": "graphite", "offtake_partner": "IND", "offtake_fraction": 0.5}],
        "partner_demand_t": {"Graphite": 200000}}).json()
    assert d["results"][0]["partner_secured_share"] == pytest.approx(0.25)
