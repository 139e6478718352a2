"""Assay QA/QC on the Geoscience Australia QAQC example (Dataset.xlsx, Apache-2.0; eCat 147731,
doi:10.26186/147731; ../shared/data/geochem/ga-qaqc): CRMs Till-1 ×182 and Till-2 ×147 (CCRMP certificate,
Lynch 1996), in-house standards WG-1, NAFS 01, CAT 01, 104 " rpt" lab replicates and 85 "QA" field
duplicates. Figures are checked against a hand calculation from the spreadsheet read cell by cell with
openpyxl (independently of critmin's reader)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats

from critmin.errors import InputError
from critmin.geochem.assays import AssayTable, read_assays
from critmin.geochem.qaqc import (
    TH_MEDIAN_TO_SIGMA,
    certified_values,
    classify_samples,
    control_chart,
    crm_report,
    duplicates_report,
    precision_at,
    qaqc_report,
    thompson_howarth,
)

GA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geochem" / "ga-qaqc" / "Dataset.xlsx"


@pytest.fixture(scope="module")
def ga():
    return read_assays(GA, units="ppm")


@pytest.fixture(scope="module")
def raw():
    """SampleNo and La by hand: openpyxl cells, header names stripped."""
    ws = openpyxl.load_workbook(GA, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    head = [str(h).strip() for h in rows[0]]
    return pd.DataFrame(rows[1:], columns=head)


@pytest.fixture(scope="module")
def report(ga):
    return qaqc_report(ga)


def test_thompson_howarth_constants():
    # median|d| of d ~ N(0, 2σ²) is Φ⁻¹(0.75)·√2·σ = 0.9539σ → σ = 1.0484·median|d| (Thompson & Howarth 1976)
    assert TH_MEDIAN_TO_SIGMA == pytest.approx(1.0484, abs=5e-5)
    # 90th / 99th percentile lines of |d| for σ = 1: √2·Φ⁻¹(0.95) and √2·Φ⁻¹(0.995)
    assert np.sqrt(2) * stats.norm.ppf(0.95) == pytest.approx(2.3262, abs=5e-5)
    assert np.sqrt(2) * stats.norm.ppf(0.995) == pytest.approx(3.6428, abs=5e-5)


def test_thompson_howarth_recovers_simulated_precision():
    rng = np.random.default_rng(11)
    c = np.exp(rng.uniform(np.log(5), np.log(500), 2200))
    sigma = 0.5 + 0.04 * c  # σ(c) = a0 + b0·c
    a, b = c + rng.normal(0, sigma), c + rng.normal(0, sigma)
    th = thompson_howarth((a + b) / 2, np.abs(a - b))
    assert th["n_groups"] == 200 and th["reliable"]
    assert th["slope"] == pytest.approx(0.04, rel=0.08)
    assert precision_at(th, 100.0) == pytest.approx(200 * (0.5 + 0.04 * 100) / 100, rel=0.1)


def test_certified_table_layout():
    t = certified_values()
    assert list(t.columns) == ["crm", "element", "value", "unit", "uncertainty", "uncertainty_type", "value_type",
                               "verification", "source"]
    till1 = t[t.crm == "TILL-1"].set_index("element")["value"]
    assert till1["La"] == 28 and till1["Ce"] == 71  # CCRMP TILL-1 certificate (Lynch 1996), GK
    assert set(t.crm) == {"TILL-1", "TILL-2"}
    assert not t.duplicated(["crm", "element"]).any()


def test_classification_of_ga_rows(ga):
    ids = ga.passthrough["SampleNo"]
    c = classify_samples(ids)
    counts = c["sample_class"].value_counts().to_dict()
    assert counts == {"sample": 842, "crm": 329, "standard": 216, "replicate": 104, "field_duplicate": 85}
    assert set(c.loc[c.sample_class == "crm", "material"]) == {"TILL-1", "TILL-2"}
    # "CAT-01" (once) joins "CAT 01" (33 times): 34 results of one in-house standard
    std = c[c.sample_class == "standard"]["material"].value_counts().to_dict()
    assert std == {"WG-1": 147, "NAFS 01": 35, "CAT 01": 34}
    assert c["parent_found"][c.sample_class.isin(["replicate", "field_duplicate"])].all()
    # trailing-space and upper-case replicate ids are recognised
    assert c.loc[ids.astype(str) == "2650080 rpt ", "parent"].item() == "2650080"
    assert c.loc[ids.astype(str) == "2650251 RPT", "parent"].item() == "2650251"


def test_crm_bias_hand_calculation(raw, report):
    la = pd.to_numeric(raw.loc[raw.SampleNo == "Till-1", "La"]).astype(float)
    assert la.size == 182
    mean, sd = la.mean(), la.std(ddof=1)
    row = report.crm[(report.crm.material == "TILL-1") & (report.crm.element == "La")].iloc[0]
    assert row["n"] == 182 and row["mean"] == pytest.approx(mean, rel=1e-12)
    assert row["mean"] == pytest.approx(27.075275, abs=1e-6)
    assert row["certified"] == 28.0
    assert row["bias_pct"] == pytest.approx(100 * (mean - 28.0) / 28.0, rel=1e-12)  # -3.303 %
    assert row["bias_class"] == "good"
    # no certificate SD is bundled: accuracy is judged against ±10 % of the certified value, drawn as the
    # action limit (3 SD-equivalents = 2.8 ppm), warning at 2/3 of it
    assert row["limits_basis"] == "certified value ± 10 % tolerance" and row["tolerance_pct"] == 10
    assert row["control_sd"] == pytest.approx(0.1 * 28.0 / 3)
    dev = (la - 28.0).abs()
    assert row["n_beyond_3sd"] == int((dev > 2.8).sum()) == 1
    assert row["n_beyond_2sd"] == int((dev > 2.8 * 2 / 3).sum()) == 16
    assert row["status"] == "warning" and row["rules_violated"] == "outside_tolerance"  # mean bias within 10 %
    assert sd == pytest.approx(0.664734, abs=1e-6) and row["sd"] == pytest.approx(sd, rel=1e-12)
    # Eu in both Till CRMs reads high (ICP-MS BaO interference is a known cause): flagged unacceptable
    eu = report.crm[(report.crm.element == "Eu") & (report.crm.kind == "crm")].set_index("material")
    assert (eu["bias_pct"] > 10).all() and set(eu["bias_class"]) == {"unacceptable"}
    assert set(eu["status"]) == {"fail"}
    # in-house standards: centre = their own mean, no bias, and "no certificate" rather than a failure
    wg = report.crm[(report.crm.material == "WG-1") & (report.crm.element == "La")].iloc[0]
    assert np.isnan(wg["bias_pct"]) and wg["limits_basis"] == "laboratory mean and SD (no certificate)"
    assert wg["status"] == "no certificate"


def test_till_failures_are_only_real_biases(report):
    """Till-1/Till-2 fail only where the GA mean is more than 10 % off the certified value (not on every
    result, as with limits from the laboratory's own, much smaller SD); in-house standards never fail."""
    crm = report.crm
    certified = crm[crm["certified"].notna() & (crm["n"] > 0)]
    failed = certified[certified["status"] == "fail"]
    assert (failed["bias_pct"].abs() > 10).all() and (certified.loc[certified["status"] != "fail", "bias_pct"]
                                                       .abs() <= 10).all()
    assert sorted(zip(failed["material"], failed["element"], strict=True)) == [
        ("TILL-1", "Eu"), ("TILL-1", "Ni"), ("TILL-1", "U"), ("TILL-2", "Eu"), ("TILL-2", "Ni"), ("TILL-2", "Sb")]
    inhouse = crm[crm["kind"] == "standard"]
    assert set(inhouse["status"]) <= {"no certificate", "no data"}
    assert set(inhouse["material"]) == {"WG-1", "NAFS 01", "CAT 01"}
    b = report.batches.iloc[0]
    assert b["crm_fail"] == 6 and b["crm_no_certificate"] == int((crm["status"] == "no certificate").sum())


def test_certificate_sd_uses_westgard_rules():
    """With a certificate SD in the certified table, the chart is the classical Shewhart/Westgard one."""
    cert = pd.DataFrame({"crm": ["OREAS X"], "element": ["La"], "value": [100.0], "uncertainty": [4.0],
                         "uncertainty_type": ["2sd"]})
    vals = [100.0, 103.0, 104.5, 99.0, 107.0]  # z = 0, 1.5, 2.25, -0.5, 3.5 with SD 2
    t = AssayTable(data=pd.DataFrame({"La_ppm": vals}), censored=pd.DataFrame({"La_ppm": [""] * 5}),
                   detection_limit=pd.DataFrame({"La_ppm": [np.nan] * 5}), units={"La_ppm": "ppm"},
                   analytes={"La_ppm": "La"}, passthrough=pd.DataFrame({"sample_id": ["OREAS X"] * 5}), source="t")
    r = crm_report(t, certified=cert)
    row = r.iloc[0]
    assert row["limits_basis"] == "certified value, certificate SD" and row["control_sd"] == 2.0
    assert row["n_beyond_2sd"] == 2 and row["n_beyond_3sd"] == 1 and row["status"] == "fail"
    assert "1_3s" in row["rules_violated"] and np.isnan(row["tolerance_pct"])
    with pytest.raises(InputError, match="tolerance_pct"):
        crm_report(t, certified=cert, tolerance_pct=0)


def test_duplicate_hand_calculation(raw, report):
    a = float(raw.loc[raw.SampleNo == "2649782", "La"].item())
    b = float(raw.loc[raw.SampleNo == "2649782 rpt", "La"].item())
    pairs = report.duplicate_pairs
    p = pairs[(pairs.duplicate_id == "2649782 rpt") & (pairs.element == "La")].iloc[0]
    assert (p["a"], p["b"]) == (a, b)
    assert p["hard_pct"] == pytest.approx(100 * abs(a - b) / (a + b))
    assert p["rpd_pct"] == pytest.approx(100 * abs(a - b) / ((a + b) / 2))
    assert p["cv_pct"] == pytest.approx(100 * np.sqrt(2) * abs(a - b) / (a + b))
    # all La replicate pairs, by hand
    rep = raw[raw.SampleNo.astype(str).str.contains(r"(?i)\s+rpt\s*$")]
    aa, bb = [], []
    for sid, val in zip(rep.SampleNo.astype(str), rep.La, strict=True):
        parent = sid.strip()[:-3].strip()
        aa.append(float(raw.loc[raw.SampleNo.astype(str).str.strip() == parent, "La"].iloc[0]))
        bb.append(float(val))
    aa, bb = np.array(aa), np.array(bb)
    assert aa.size == 104
    cv_avg = 100 * np.sqrt(np.mean(2 * (aa - bb) ** 2 / (aa + bb) ** 2))
    s = report.duplicates.set_index(["kind", "element"]).loc[("replicate", "La")]
    assert s["n_pairs"] == 104 and s["cv_avg_pct"] == pytest.approx(cv_avg, rel=1e-12)
    m, d = (aa + bb) / 2, np.abs(aa - bb)
    order = np.argsort(m, kind="stable")
    gm = [np.median(m[order][i * 11:(i + 1) * 11]) for i in range(9)]
    gd = [np.median(d[order][i * 11:(i + 1) * 11]) for i in range(9)]
    fit = stats.linregress(gm, gd)
    assert s["th_slope"] == pytest.approx(1.0483580825 * fit.slope, rel=1e-9)
    assert s["th_intercept"] == pytest.approx(1.0483580825 * fit.intercept, rel=1e-9)
    assert s["th_groups"] == 9


def test_control_chart_rules():
    z = np.array([0.5, 2.5, 2.4, -0.2, 3.5, -2.5, 2.6, 1.5, 1.2, 1.1, 1.3])
    ch = control_chart(10 + z, 10.0, 1.0)
    assert ch["rule_2_2s"].tolist()[:3] == [False, False, True]
    assert ch["rule_1_3s"].tolist()[4]
    assert ch["rule_r_4s"].tolist()[5] and ch["rule_r_4s"].tolist()[6]
    assert ch["rule_4_1s"].tolist()[6:] == [False, False, False, True, True]  # 2.6, 1.5, 1.2, 1.1 completes it
    assert ch["status"].tolist()[0] == "ok" and ch["status"].tolist()[1] == "warning"
    ten = control_chart(np.full(10, 10.2), 10.0, 1.0)
    assert ten["rule_10_x"].tolist() == [False] * 9 + [True]


def test_batches_and_json(ga, report):
    by_day = qaqc_report(ga, batch_column="Time")
    assert len(by_day.batches) == 21  # 21 analysis days, 2018-04-17 .. 2018-06-06
    assert by_day.batches["n_rows"].sum() == 1576
    runs = qaqc_report(ga, run_length=100)
    assert len(runs.batches) == 16 and runs.batches["batch"].iloc[-1] == "rows 1501-1576"
    d = report.to_dict()
    json.dumps(d)
    assert d["run"]["operation"] == "geochem.qaqc_report"
    assert d["metadata"]["materials_without_certified_values"] == ["CAT 01", "NAFS 01", "WG-1"]
    assert set(report.to_frames()) == {"batches", "crm", "crm_points", "duplicates", "duplicate_pairs",
                                       "blanks", "classes"}


def test_blanks_and_crm_report_on_small_table():
    ids = ["BLANK", "S1", "BLANK", "S2", "Till-1", "S2 rpt"]
    data = pd.DataFrame({"La_ppm": [np.nan, 30.0, 0.9, 12.0, 27.0, 12.6]})
    cens = pd.DataFrame({"La_ppm": ["<", "", "", "", "", ""]})
    dl = pd.DataFrame({"La_ppm": [0.1, np.nan, 0.1, np.nan, np.nan, np.nan]})
    t = AssayTable(data=data, censored=cens, detection_limit=dl, units={"La_ppm": "ppm"},
                   analytes={"La_ppm": "La"}, passthrough=pd.DataFrame({"sample_id": ids}), source="test")
    r = qaqc_report(t)
    bl = r.blanks
    assert bl["exceeds"].tolist() == [False, True]  # 0.9 > 5 × 0.1
    assert bl["previous_id"].tolist() == ["", "S1"] and bl["previous_value"].tolist()[1] == 30.0
    assert r.batches["status"].item() == "fail" and r.batches["blanks_exceeding"].item() == 1
    c = crm_report(t)
    assert c["bias_pct"].item() == pytest.approx(100 * (27 - 28) / 28)
    dup = duplicates_report(t, pairs=True)
    assert dup["hard_pct"].item() == pytest.approx(100 * 0.6 / 24.6)
