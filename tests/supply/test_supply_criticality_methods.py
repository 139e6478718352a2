"""EU, USGS 2022 and India criticality methods: formulas checked by hand, thresholds, common table, bad input.

No published SR/EI values could be transcribed for Ga, Ge, graphite, REE or Li (critmin notes supply.md §1.3,
§1.4, §6: the EU 2023 results table, OFR 2021-1045 Table 1 and India's stage-3 values were not retrieved), so the
methods are checked against hand computations of their published formulas (JRC 2017 guidelines, doi:10.2760/73303;
Nassar & Fortier 2021, doi:10.3133/ofr20211045) and the published thresholds (EU: SR ≥ 1.0, EI ≥ 2.8;
USGS: recency-weighted SR ≥ 0.40).
"""

from __future__ import annotations

import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.supply.concentration import concentration
from critmin.supply.criticality import eu, india, usgs2022
from critmin.supply.criticality.base import RESULT_COLUMNS, critical_lists, get_method
from critmin.supply.governance import governance_scores


def test_eu_formulas_by_hand() -> None:
    # two producers: shares 0.8 / 0.2, WGI (0-10) 6 / 2, trade factor 1.1 on the first
    h = eu.hhi_wgi_t({"A": 0.8, "B": 0.2}, {"A": 6.0, "B": 2.0}, {"A": 1.1})
    assert h == pytest.approx(0.64 * 6 * 1.1 + 0.04 * 2)
    sr = eu.supply_risk(4.0, 2.0, import_reliance=0.6, eol_rir=0.1, si_sr=0.9)
    assert sr == pytest.approx((4.0 * 0.3 + 2.0 * 0.7) * 0.9 * 0.9)
    ei = eu.economic_importance([0.5, 0.5], [100.0, 50.0], max_gva=200.0, si_ei=0.8)
    assert ei == pytest.approx((50 + 25) / 200 * 10 * 0.8)


def _eu_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    inputs = pd.DataFrame({"commodity": ["gallium", "graphite"], "import_reliance": [0.98, 1.0],
                           "eol_rir": [0.0, 0.03], "si_sr": [0.95, 0.9], "si_ei": [0.9, 0.95],
                           "other_lists": [5, 5], "sector_need": [1, 1]})
    end_uses = pd.DataFrame({"commodity": ["Ga", "Ga", "Graphite"], "sector": ["C26", "C27", "C27"],
                             "share": [0.7, 0.3, 1.0], "gva": [60.0, 40.0, 40.0]})
    return inputs, end_uses


def test_eu_run_matches_hand_computation_and_thresholds() -> None:
    inputs, end_uses = _eu_inputs()
    res = eu.run(inputs=inputs, end_uses=end_uses, year=2023, max_gva=100.0)
    assert tuple(res.table.columns) == RESULT_COLUMNS
    ga = res.table.set_index("commodity").loc["Ga"]
    c = concentration("Ga", "refinery", 2023)
    w, _ = governance_scores(list(c.iso3.values()), 2023, scale="scale_0_10")
    h = sum(c.shares[n] ** 2 * w[i] for n, i in c.iso3.items())
    sr = h * 0.98 / 2 + h * (1 - 0.98 / 2)
    assert ga.components["sr_unrounded"] == pytest.approx(sr * 1.0 * 0.95)
    assert ga.supply_risk == round(sr * 0.95, 1)
    assert ga.importance == round((0.7 * 60 + 0.3 * 40) / 100 * 10 * 0.9, 1)
    assert ga.critical == (ga.supply_risk >= 1.0 and ga.importance >= 2.8)
    assert ga.threshold_supply_risk == 1.0 and ga.threshold_importance == 2.8
    assert "eu_2023" in ga.lists
    assert any("political stability only" in n for n in res.notes)


def test_eu_missing_inputs_are_named() -> None:
    inputs, end_uses = _eu_inputs()
    with pytest.raises(InputError, match="eol_rir"):
        eu.run(inputs=inputs.drop(columns="eol_rir"), end_uses=end_uses, year=2023)
    bad = inputs.copy()
    bad.loc[1, "import_reliance"] = 1.5
    with pytest.raises(InputError) as err:
        eu.run(inputs=bad, end_uses=end_uses, year=2023)
    assert err.value.row == 2 and err.value.column == "import_reliance"
    with pytest.raises(InputError, match="sum to"):
        eu.economic_importance([0.5, 0.2], [1, 1], 1, 1)


def test_usgs2022_dp_te_ev_and_recency_weighting() -> None:
    inputs = pd.DataFrame({"commodity": ["Ga"], "ev": [0.8]})
    res = usgs2022.run(inputs=inputs, years=[2021, 2022, 2023])
    rows = res.table[res.table.year != "2021-2023 RWM"]
    for r in rows.itertuples():
        c = concentration("Ga", "refinery", int(r.year))
        assert r.components["dp"] == pytest.approx(c.hhi_wgi / 10_000)
        assert r.components["te"] == 1.0  # US NIR for gallium is 100 % (MCS salient tables, 2021-2023)
        assert r.supply_risk == pytest.approx(r.components["dp"] * 1.0 * 0.8)
    rwm = res.table[res.table.year == "2021-2023 RWM"].iloc[0]
    assert rwm.supply_risk == pytest.approx(sum(w * v for w, v in zip([1, 2, 3], rows.supply_risk, strict=True)) / 6)
    assert rwm.critical == (rwm.supply_risk >= 0.40)
    assert usgs2022.recency_weighted_mean([1, 2], [1, 1]) == 1.5
    with pytest.raises(InputError):
        usgs2022.recency_weighted_mean([1, 2], [1])


def test_usgs2022_nir_bounds_and_missing() -> None:
    te, note = usgs2022.shipped_nir("REE", 2023)
    assert te == 0.95 and ">95" in note  # MCS 2024 Fig. 2: rare earths ">95"
    with pytest.raises(InputError, match="nir_pct"):
        usgs2022.shipped_nir("Ga", 2010)
    with pytest.raises(InputError, match="ev"):
        usgs2022.run(inputs=pd.DataFrame({"commodity": ["Ga"]}), years=[2023])


def test_india_needs_thresholds_and_stages() -> None:
    inputs, end_uses = _eu_inputs()
    with pytest.raises(InputError, match="threshold"):
        india.run(inputs=inputs, end_uses=end_uses, year=2023)
    res = india.run(inputs=inputs, end_uses=end_uses, year=2023, threshold_sr=0.5, threshold_ei=1.0)
    ga = res.table.set_index("commodity").loc["Ga"]
    assert ga.components["on_india_2023_list"] and ga.components["stage1_screened"]
    assert ga.critical == (ga.supply_risk >= 0.5 and ga.importance >= 1.0)


def test_lists_have_published_lengths() -> None:
    lists = critical_lists()
    assert {k: len(v) for k, v in lists.items()} == {"india_2023": 30, "us_2022": 50, "us_2025": 60, "eu_2023": 34}
    assert "arsenic" in lists["us_2025"] and "tellurium" in lists["us_2025"]


def test_method_registry() -> None:
    assert get_method("eu") is eu.run
    with pytest.raises(InputError, match="unknown criticality method"):
        get_method("yale")
