"""Tonnage pdf (MapMark4 TonnagePdf): lognormal / log-space KDE with R's bw.nrd0, truncation, diagnostics.

Reference: SOURCES.md documents mean ln(Ore) 19.05 and sd 1.49 for MapMark4's ExampleGatm (71 synthetic deposits),
i.e. the parameters of MapMark4's "normal" tonnage pdf.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from critmin.assessment.gt_data import read_gt
from critmin.assessment.tonnage import TonnagePdf, bw_nrd0

GT71 = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
        / "ExampleGatm_synthetic_CuAu_71_deposits.csv")


def test_normal_parameters_match_mapmark4():
    t = TonnagePdf.fit(read_gt(GT71).ore_t)
    assert t.mean_ln == pytest.approx(19.05, abs=0.005)
    assert t.sd_ln == pytest.approx(1.49, abs=0.005)
    x = np.log(t.sample(np.random.default_rng(0), 400_000))
    assert x.mean() == pytest.approx(t.mean_ln, abs=0.01) and x.std() == pytest.approx(t.sd_ln, abs=0.01)


def test_bw_nrd0_equals_r():
    # R 4.2: bw.nrd0(c(1, 2, 3, 4, 10)) = 0.9 * min(sd, IQR/1.34) * 5^-0.2
    x = np.array([1.0, 2, 3, 4, 10])
    sd = np.std(x, ddof=1)
    iqr = 4.0 - 2.0
    assert bw_nrd0(x) == pytest.approx(0.9 * min(sd, iqr / 1.34) * 5 ** -0.2, rel=1e-12)
    assert bw_nrd0(x) == pytest.approx(0.9 * (2 / 1.34) * 5 ** -0.2)


def test_kde_sampling_variance_is_data_plus_bandwidth():
    t = TonnagePdf.fit(read_gt(GT71).ore_t, pdf_type="kde")
    x = t.sample_log(np.random.default_rng(1), 500_000)
    expect = np.var(t.log_t) + t.bandwidth**2
    assert x.var() == pytest.approx(expect, rel=0.02)


def test_truncation_and_cdf():
    t = TonnagePdf.fit(read_gt(GT71).ore_t, truncate=True)
    x = t.sample_log(np.random.default_rng(1), 100_000)
    assert x.min() >= t.log_t.min() and x.max() <= t.log_t.max()
    assert t.cdf_log(np.array([t.log_t.min(), t.log_t.max()])) == pytest.approx([0.0, 1.0])
    assert t.analytic_moments() is None


def test_diagnostics_ks_and_qq():
    d = TonnagePdf.fit(read_gt(GT71).ore_t).diagnostics()
    assert 0 < d["ks_statistic"] < 0.2 and d["ks_pvalue"] > 0.05  # the synthetic data are lognormal
    assert len(d["qq"]["observed_ln"]) == 71 == len(d["qq"]["model_ln"])
    dk = TonnagePdf.fit(read_gt(GT71).ore_t, pdf_type="kde").diagnostics()
    assert dk["bandwidth_rule"].startswith("bw.nrd0") and dk["ks_statistic"] < d["ks_statistic"] + 0.05
