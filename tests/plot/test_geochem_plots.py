"""Geochemistry plots (critmin.plot.geochem): the figures carry the data they were given.

Inputs: the granite and MORB-like samples of ``../shared/notes/geochem.md`` §2 (synthetic, project-owned) with the
Palme & O'Neill (2014) chondrite (notes §1.1: La 0.2414, Eu 0.05883, Lu 0.02503 ppm); Till-1 La results of
Geoscience Australia's QA/QC example ``Dataset.xlsx`` (eCat 147731, Apache-2.0) against the certified 28 ppm (Lynch
1996); Cu of the CSIRO-AGE laterites (Smith 1987, doi:10.25919/9dsm-wr21, CC BY 4.0). Thompson–Howarth
percentile constants: 90 % = √2·Φ⁻¹(0.95) = 2.3262, 99 % = √2·Φ⁻¹(0.995) = 3.6428 (notes §3.5).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from critmin.plot import geochem as pg

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geochem"
GA = DATA / "ga-qaqc" / "Dataset.xlsx"
LATERITES = DATA / "csiro-laterites" / "laterites.xlsx"
ELEMENTS = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y"]
SAMPLES = pd.DataFrame(
    [[45, 92, 10.5, 38, 7.8, 0.45, 6.9, 1.1, 6.8, 1.4, 4.1, 0.62, 4.2, 0.63, 40],
     [3.9, 12.0, 2.0, 11.0, 3.6, 1.3, 4.6, 0.85, 5.5, 1.2, 3.5, 0.52, 3.3, 0.50, 28]],
    index=["granite", "MORB_like"], columns=ELEMENTS)


def _by_gid(fig: Any, gid: str) -> Any:
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def _hline_y(fig: Any, gid: str) -> float:
    y = _by_gid(fig, gid).get_ydata()
    assert y[0] == y[1]
    return float(y[0])


# --------------------------------------------------------------------------------------------------- REE


def test_ree_positions_leave_pm_gap() -> None:
    pos = pg.ree_positions()
    assert list(pos)[:6] == ["La", "Ce", "Pr", "Nd", "Pm", "Sm"] and pos["Pm"] == 4 and pos["Lu"] == 14
    rey = pg.ree_positions(include_y=True)
    assert rey["Dy"] == 9 and rey["Y"] == 10 and rey["Ho"] == 11 and rey["Lu"] == 15


def test_ree_diagram_x_follows_ree_order_with_pm_gap() -> None:
    fig = pg.plot_ree_diagram(SAMPLES)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == list(pg.REE_ORDER)
    line = _by_gid(fig, "ree-sample-0")
    x = list(line.get_xdata())
    assert x == [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]  # no point at Pm (4); Y not plotted by default
    y = np.asarray(line.get_ydata(), dtype=float)
    # granite / Palme & O'Neill (2014) chondrite
    assert y[0] == pytest.approx(45 / 0.2414, rel=1e-9)
    assert y[5] == pytest.approx(0.45 / 0.05883, rel=1e-9)  # Eu
    assert y[-1] == pytest.approx(0.63 / 0.02503, rel=1e-9)  # Lu
    assert _by_gid(fig, "ree-sample-1").get_label() == "MORB_like"


def test_ree_diagram_with_y_and_other_normaliser() -> None:
    fig = pg.plot_ree_diagram(SAMPLES.rename(columns=lambda c: f"{c}_ppm"), reference="chondrite-oneill-2016",
                              include_y=True)
    line = _by_gid(fig, "ree-sample-0")
    # O'Neill (2016) gives no Y, so Y has no point; La/CI = 45/0.2472 (notes §1.1)
    assert 10 not in list(line.get_xdata())
    assert line.get_ydata()[0] == pytest.approx(45 / 0.2472, rel=1e-9)
    assert "chondrite-oneill-2016" in fig.axes[0].get_title(loc="left")


def test_ree_diagram_missing_value_gets_no_point() -> None:
    s = SAMPLES.iloc[[0]].copy()
    s.loc["granite", "Tb"] = np.nan
    s.loc["granite", "Tm"] = 0.0
    x = list(_by_gid(pg.plot_ree_diagram(s), "ree-sample-0").get_xdata())
    assert 8 not in x and 12 not in x and len(x) == 12


def test_ree_diagram_envelope_for_many_samples() -> None:
    rng = np.random.default_rng(7)
    many = pd.DataFrame(np.repeat(SAMPLES.iloc[[0]].to_numpy(), 500, axis=0)
                        * np.exp(rng.normal(0, 0.2, (500, 15))), columns=ELEMENTS)
    fig = pg.plot_ree_diagram(many, max_lines=100)
    med = _by_gid(fig, "ree-median")
    expect = np.median(many[["La"]].to_numpy() / 0.2414)
    assert med.get_ydata()[0] == pytest.approx(expect, rel=1e-9)
    assert not [a for a in fig.axes[0].get_children() if str(a.get_gid()).startswith("ree-sample-")]


def test_spider_keeps_slot_for_absent_element() -> None:
    norm = pd.DataFrame({"Rb": [10.0], "Ba": [20.0], "Nb": [5.0]})
    fig = pg.plot_spider(norm, ["Cs", "Rb", "Ba", "Th", "Nb"])
    line = _by_gid(fig, "spider-sample-0")
    assert list(line.get_xdata()) == [1, 2, 4]
    assert list(line.get_ydata()) == [10.0, 20.0, 5.0]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Cs", "Rb", "Ba", "Th", "Nb"]


def test_ree_diagram_rejects_table_without_ree() -> None:
    with pytest.raises(ValueError, match="no REE columns"):
        pg.plot_ree_diagram(pd.DataFrame({"Cu": [1.0]}))


# --------------------------------------------------------------------------------------------------- QA/QC


def test_control_chart_lines_and_points_from_ga_till1() -> None:
    raw = pd.read_excel(GA)
    la = pd.to_numeric(raw.loc[raw["SampleNo"].astype(str).str.strip() == "Till-1", "La"], errors="coerce")
    sd = float(la.std())
    fig = pg.plot_control_chart(la.to_numpy(), certified=28.0, sd=sd, crm="Till-1", analyte="La")
    assert _hline_y(fig, "cc-certified") == 28.0
    assert _hline_y(fig, "cc-warn-upper") == pytest.approx(28 + 2 * sd)
    assert _hline_y(fig, "cc-warn-lower") == pytest.approx(28 - 2 * sd)
    assert _hline_y(fig, "cc-fail-upper") == pytest.approx(28 + 3 * sd)
    assert _hline_y(fig, "cc-fail-lower") == pytest.approx(28 - 3 * sd)
    z = (la.to_numpy() - 28) / sd
    n_ok = len(_by_gid(fig, "cc-ok").get_xdata())
    n_warn = len(_by_gid(fig, "cc-warning").get_xdata())
    n_fail = len(_by_gid(fig, "cc-failure").get_xdata())
    assert (n_ok, n_warn, n_fail) == (int((abs(z) <= 2).sum()), int(((abs(z) > 2) & (abs(z) <= 3)).sum()),
                                      int((abs(z) > 3).sum()))
    assert n_ok + n_warn + n_fail == la.notna().sum() == 182
    bias = 100 * (la.mean() - 28) / 28
    assert f"bias {bias:+.1f} %" in fig.axes[0].get_title(loc="left")


def test_control_chart_needs_positive_sd() -> None:
    with pytest.raises(ValueError, match="positive SD"):
        pg.plot_control_chart([1.0, 2.0], certified=1.5, sd=0.0)


def test_thompson_howarth_lines() -> None:
    rng = np.random.default_rng(3)
    a = np.exp(rng.normal(2, 1, 220))
    sigma = 0.5 + 0.05 * a  # σ(c) = s0 + s1·c
    b = a + rng.normal(0, 1, a.size) * sigma * np.sqrt(2)
    b = np.abs(b)
    fig = pg.plot_duplicates(a, b, analyte="La", detection_limit=0.5)
    assert len(_by_gid(fig, "dup-pairs").get_offsets()) == a.size
    groups = _by_gid(fig, "th-groups")
    assert len(groups.get_xdata()) == 220 // 11
    p90, p99 = _by_gid(fig, "th-p90"), _by_gid(fig, "th-p99")
    # both lines are the same σ(c), scaled by √2·Φ⁻¹(0.95) and √2·Φ⁻¹(0.995)
    ratio = np.asarray(p99.get_ydata()) / np.asarray(p90.get_ydata())
    expect = stats.norm.ppf(0.995) / stats.norm.ppf(0.95)
    assert ratio == pytest.approx(np.full(ratio.size, expect), rel=2e-4)
    # the 90 % line is 2.3262·σ(c) with σ(c) = 1.0484·(a0 + b0·c) from the group medians
    from critmin.geochem.qaqc import thompson_howarth

    m, d = (a + b) / 2, np.abs(a - b)
    th = thompson_howarth(m, d)
    c = np.asarray(p90.get_xdata())
    assert np.asarray(p90.get_ydata()) == pytest.approx(2.3262 * (th["intercept"] + th["slope"] * c), rel=1e-12)
    assert _by_gid(fig, "th-dl").get_xdata()[0] == 0.5


# --------------------------------------------------------------------------------------------------- anomalies


@pytest.fixture(scope="module")
def cu() -> np.ndarray:
    v = pd.read_excel(LATERITES)["Cu_ppm"].to_numpy(dtype=float)
    return v[np.isfinite(v)]


def test_anomaly_histogram_counts_and_thresholds(cu: np.ndarray) -> None:
    fig = pg.plot_anomaly_histogram(cu, {"mad": 120.0, "tukey": 300.0}, variable="Cu")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    bars = [p for p in ax.patches]
    assert sum(b.get_height() for b in bars) == int((cu > 0).sum())
    assert _by_gid(fig, "threshold-mad").get_xdata()[0] == 120.0
    assert _by_gid(fig, "threshold-tukey").get_xdata()[0] == 300.0


def test_probability_plot_points_are_normal_scores(cu: np.ndarray) -> None:
    fig = pg.plot_probability(cu, {"mad": 120.0}, variable="Cu")
    pts = _by_gid(fig, "probability-points")
    x, y = np.asarray(pts.get_xdata()), np.asarray(pts.get_ydata())
    v = np.sort(cu[cu > 0])
    n = v.size
    assert x.size == n and np.array_equal(x, v)
    assert y[0] == pytest.approx(stats.norm.ppf(0.5 / n)) and y[-1] == pytest.approx(stats.norm.ppf(1 - 0.5 / n))
    assert fig.axes[0].get_xscale() == "log"


def test_many_thresholds_share_one_legend_entry(cu: np.ndarray) -> None:
    th = {f"class {i}": 50.0 + i for i in range(12)}
    fig = pg.plot_anomaly_histogram(cu, th)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["12 thresholds, 50–61"]


# --------------------------------------------------------------------------------------------------- import


def test_import_is_lazy() -> None:
    code = "import sys, critmin.plot.geochem; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
