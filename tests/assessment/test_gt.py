"""GT data reading/validation and the GT model (MapMark4 TonnagePdf/GradePdf semantics).

Reference values: MapMark4 example data (Ellefsen 2017, USGS TM 7-C14), `ExampleGatm` = the synthetic 71-deposit
Cu–Au GT table; its ln(ore) mean 19.05 and sd 1.49 are documented in ../shared/data/SOURCES.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.assessment.gt_data import MIN_DEPOSITS_WARNING, GTData, element_symbol, read_gt
from critmin.assessment.gt_model import GTModel
from critmin.errors import InputError

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
GT71 = DATA / "ExampleGatm_synthetic_CuAu_71_deposits.csv"
GT115 = DATA / "ExampleGatm_raw_porphyry_CuAu_115_deposits.csv"
TM53 = DATA / "ExampleTm_synthetic_U_53_deposits.csv"


def test_read_synthetic_71():
    gt = read_gt(GT71)
    assert gt.n == 71 and gt.elements == ["Cu", "Au"] and gt.tonnage_name == "ore"
    s = gt.summary()
    assert s["mean_ln_ore"] == pytest.approx(19.05, abs=0.005)  # SOURCES.md: mean ln(Ore) 19.05
    assert s["sd_ln_ore"] == pytest.approx(1.49, abs=0.005)  # SOURCES.md: sd 1.49
    assert not gt.warnings and len(gt.sha256) == 64


def test_read_raw_115_headers_to_symbols():
    gt = read_gt(GT115)  # "Tonnage (mt)", "Cu Grade (%)", "Au Grade (%)"
    assert gt.n == 115 and gt.elements == ["Cu", "Au"]
    assert gt.summary()["median_ore_t"] == pytest.approx(196e6)  # assessment.md: median 196 Mt
    assert gt.summary()["median_grade_pct"]["Cu"] == pytest.approx(0.44)  # median 0.44 % Cu


def test_tonnage_model():
    gt = read_gt(TM53)
    assert gt.is_tonnage_model and gt.tonnage_name == "U" and gt.n == 53
    m = GTModel.fit(gt)
    assert m.quantities == ["U"]
    ore, g = m.sample(np.random.default_rng(1), 10)
    assert ore.shape == (10,) and g.shape == (10, 0)


def test_element_symbol():
    assert element_symbol("Cu _MetricTons") == "Cu"
    assert element_symbol("Au Grade (%)") == "Au"
    assert element_symbol("U") == "U"


def _write(tmp_path, text):
    p = tmp_path / "gt.csv"
    p.write_text(text)
    return p


def test_nan_tonnage_names_row(tmp_path):
    p = _write(tmp_path, "ID,Name,Ore,Cu\na,A,1e6,0.5\nb,B,,0.4\n")
    with pytest.raises(InputError) as e:
        read_gt(p)
    assert e.value.row == 2 and e.value.column == "Ore"


def test_grade_out_of_range_names_row_and_column(tmp_path):
    p = _write(tmp_path, "ID,Name,Ore,Cu Grade (%)\na,A,1e6,0.5\nb,B,2e6,0.4\nc,C,3e6,120\n")
    with pytest.raises(InputError) as e:
        read_gt(p)
    assert e.value.row == 3 and e.value.column == "Cu Grade (%)" and "(0, 100)" in str(e.value)
    p = _write(tmp_path, "ID,Name,Ore,Cu\na,A,1e6,0\nb,B,2e6,0.4\n")
    with pytest.raises(InputError) as e:
        read_gt(p)
    assert e.value.row == 1


def test_few_deposits_is_a_warning_not_a_refusal(tmp_path):
    rows = "".join(f"d{i},D{i},{1e6 * (i + 1)},{0.3 + 0.01 * i}\n" for i in range(8))
    gt = read_gt(_write(tmp_path, "ID,Name,Ore,Cu\n" + rows))
    assert gt.n == 8 and any(str(MIN_DEPOSITS_WARNING) in w for w in gt.warnings)
    GTModel.fit(gt)  # still fits


def test_from_inventory_frame_with_missing_byproduct():
    rng = np.random.default_rng(3)
    rows = []
    for i in range(30):
        ore = float(np.exp(rng.normal(18, 1)))
        rows.append({"site_id": f"s{i}", "name": f"S{i}", "commodity": "Cu", "ore_t": ore, "grade_pct": 0.5})
        if i % 3:  # Mo reported at two thirds of the sites
            rows.append({"site_id": f"s{i}", "name": f"S{i}", "commodity": "Mo", "ore_t": ore, "grade_pct": 0.02})
        rows.append({"site_id": f"s{i}", "name": f"S{i}", "commodity": "Cu", "ore_t": ore / 10, "grade_pct": 1.0})
    gt = GTData.from_inventory(pd.DataFrame(rows))
    assert gt.n == 30 and gt.elements == ["Cu", "Mo"]
    assert gt.grades_pct["Cu"].eq(0.5).all()  # the largest inventory wins
    assert gt.grades_pct["Mo"].isna().sum() == 10 and gt.has_missing_grades


def test_from_inventory_bad_grade_names_frame_row():
    df = pd.DataFrame({"site_id": ["a", "b", "c"], "commodity": ["Cu"] * 3, "ore_t": [1e6, 2e6, 3e6],
                       "grade_pct": [0.5, 150.0, 0.3]})
    with pytest.raises(InputError) as e:
        GTData.from_inventory(df)
    assert e.value.row == 2 and e.value.column == "Cu"


def test_joint_model_carries_tonnage_grade_correlation():
    gt = read_gt(GT71)
    data_r = np.corrcoef(np.log(gt.ore_t), np.log(gt.grades_pct["Cu"]))[0, 1]
    rng = np.random.default_rng(5)
    o, g = GTModel.fit(gt, joint=True).sample(rng, 200_000)
    r_joint = np.corrcoef(np.log(o), np.log(g[:, 0]))[0, 1]
    o, g = GTModel.fit(gt).sample(rng, 200_000)
    r_ind = np.corrcoef(np.log(o), np.log(g[:, 0]))[0, 1]
    assert abs(data_r) > 0.1  # the synthetic table has a visible correlation
    assert r_joint == pytest.approx(data_r, abs=0.03)
    assert abs(r_ind) < 0.01  # MapMark4: independent


def test_moments_independent_sample_matches_lognormal():
    m = GTModel.fit(read_gt(GT71))
    dm = m.moments(n_samples=400_000)
    mean, _var = m.tonnage.analytic_moments()
    assert abs(dm.mean[0] - mean) < 4 * dm.mean_se[0]
    assert dm.quantities == ("ore", "Cu", "Au")


def test_truncated_samples_stay_in_observed_range():
    gt = read_gt(GT71)
    for joint in (False, True):
        o, g = GTModel.fit(gt, truncate=True, joint=joint).sample(np.random.default_rng(2), 50_000)
        assert o.min() >= gt.ore_t.min() * (1 - 1e-12) and o.max() <= gt.ore_t.max() * (1 + 1e-12)
        for j, el in enumerate(gt.elements):
            assert g[:, j].min() >= gt.grades_pct[el].min() * (1 - 1e-9)
            assert g[:, j].max() <= gt.grades_pct[el].max() * (1 + 1e-9)
