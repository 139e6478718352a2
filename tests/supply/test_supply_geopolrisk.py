"""GeoPolRisk reproduces its published reference case (USA 2022: nickel, manganese, graphite) from country-level
inputs.

Oracle: geopolrisk-py's workbook ``tests/data/Testing case - tool.xlsx``, sheet "GeoPolRisk" (Koyamparambath et al.
2024, doi:10.21105/joss.09600); inputs from its sheets Nickel/Manganese/Graphite (BMF World Mining Data 2022) and
"Trade Data" (CEPII BACI US imports, WGI political stability normalised). See ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.supply.criticality import geopolrisk

DATA = Path(__file__).resolve().parent / "data"
CASES = [("Nickel", "Ni", 17_500.0), ("Manganese", "Mn", 0.0), ("Graphite", "Graphite", 0.0)]
FIELDS = {"hhi": "HHI", "numerator": "Numerator", "total_trade": "Total Trade", "import_risk": "Import Risk (WTA)",
          "score": "GeoPolRisk Score", "price": "Price", "midpoint": "Midpoint", "cf": "CF",
          "domestic_production": "Domestic Production"}


@pytest.fixture(scope="module")
def case() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (pd.read_csv(DATA / "geopolrisk_usa2022_production.csv"),
            pd.read_csv(DATA / "geopolrisk_usa2022_imports.csv").rename(columns={"wgi_pv_normalised": "governance"}),
            pd.read_csv(DATA / "geopolrisk_usa2022_expected.csv"))


@pytest.mark.parametrize(("name", "symbol", "domestic"), CASES)
def test_reference_case_usa_2022(case, name: str, symbol: str, domestic: float) -> None:
    prod, imports, expected = case
    r = geopolrisk.score(prod[prod.commodity == name].production_t_2022, domestic,
                         imports[imports.commodity == name])
    row = expected[expected["Raw Material"] == name].iloc[0]
    for ours, theirs in FIELDS.items():
        assert getattr(r, ours) == pytest.approx(float(row[theirs]), rel=1e-9), ours


def test_run_table_and_cli_inputs(case, tmp_path: Path) -> None:
    prod, imports, _ = case
    p = tmp_path / "imports.csv"
    imports.rename(columns={"exporter_m49": "exporter"}).to_csv(p, index=False)
    read = geopolrisk.read_imports(p, 2022)
    assert set(read.iso3) >= {"CHN", "GAB", "ZAF", "MEX"}
    production = {sym: dict(zip(prod[prod.commodity == n].iso3, prod[prod.commodity == n].production_t_2022,
                                strict=True)) for n, sym, _ in CASES}
    res = geopolrisk.run(imports=read, domestic_production={s: d for _, s, d in CASES}, year=2022,
                         production=production, importer="USA")
    t = res.table.set_index("commodity")
    assert t.loc["Graphite", "score"] == pytest.approx(1.495658141840786, rel=1e-9)
    assert t.loc["Mn", "supply_risk"] == pytest.approx(0.11095590775245055, rel=1e-9)
    assert "us_2022" in t.loc["Ni", "lists"]


def test_shipped_governance_for_missing_column(case, tmp_path: Path) -> None:
    """Without a governance column the shipped WGI (2022) is used: China (156) → (2.5 + 0.441074) / 5."""
    _, imports, _ = case
    p = tmp_path / "imports.csv"
    imports.drop(columns="governance").rename(columns={"exporter_m49": "exporter"}).to_csv(p, index=False)
    read = geopolrisk.read_imports(p, 2022)
    china = read[read.iso3 == "CHN"].governance.iloc[0]
    assert china == pytest.approx((2.5 + 0.441074) / 5, abs=1e-6)
    # the workbook's own normalised value for China
    assert china == pytest.approx(imports[imports.exporter_m49 == 156].governance.iloc[0], abs=1e-6)


def test_bad_inputs(tmp_path: Path) -> None:
    p = tmp_path / "imports.csv"
    p.write_text("commodity,exporter,quantity_t\nNi,CHN,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="value_kusd"):
        geopolrisk.read_imports(p, 2022)
    p.write_text("commodity,exporter,quantity_t,value_kusd\nNi,XYZ,1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="neither an ISO3"):
        geopolrisk.read_imports(p, 2022)
    with pytest.raises(InputError, match="negative"):
        geopolrisk.hhi_fraction({"a": -1.0, "b": 2.0})
    p.write_text("commodity,exporter,quantity_t,value_kusd\nNi,CHN,1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="domestic production"):
        geopolrisk.run(imports=geopolrisk.read_imports(p, 2022), domestic_production={}, year=2022)


def test_vectorised_scores_equal_single(case) -> None:
    """score_many on the three reference-case importers' rows gives the single-importer results."""
    prod, imports, expected = case
    g = imports[imports.commodity == "Manganese"]
    p = prod[prod.commodity == "Manganese"].production_t_2022.to_numpy()
    q = g.quantity_t.to_numpy()[None, :].repeat(2, axis=0)
    v = g.value_kusd.to_numpy()[None, :].repeat(2, axis=0)
    out = geopolrisk.score_many(p, np.array([0.0, 1000.0]), q, v, g.governance.to_numpy())
    row = expected[expected["Raw Material"] == "Manganese"].iloc[0]
    assert out["cf"][0] == pytest.approx(float(row["CF"]), rel=1e-9)
    single = geopolrisk.score(p, 1000.0, g)
    assert out["score"][1] == pytest.approx(single.score, rel=1e-12)
