"""Plots of a three-part assessment (critmin.plot.assessment): the artists carry the library's numbers.

Inputs: MapMark4's ExampleGatm synthetic Cu–Au GT table (71 deposits) and ExampleDepEst1 expert estimates
(Ellefsen 2017, USGS TM 7-C14; ../shared/data/assessment/mapmark4). The negative-binomial pmf of ExampleDepEst1 has
mean 10.6613, mode 7 and support 0–42 (TM 7-C14). USGS convention: P90 = amount exceeded with probability 0.9.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from critmin.assessment import EconomicParameters, fit_negative_binomial, read_estimates, read_gt
from critmin.assessment.run import AssessmentRun, run_assessment
from critmin.plot import assessment as pa

MM = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
EST1 = MM / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"
GT71 = MM / "ExampleGatm_synthetic_CuAu_71_deposits.csv"


@pytest.fixture(scope="module")
def run() -> AssessmentRun:
    if not MM.exists():
        pytest.skip(f"shared test data not found at {MM}")
    pmf = fit_negative_binomial(read_estimates(EST1))
    return run_assessment(pmf, read_gt(GT71), trials=3000, seed=20240517, economic=EconomicParameters(),
                          tract="Southern carbonate ecaille")


def _by_gid(fig, gid: str):  # type: ignore[no-untyped-def]
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def test_pmf_bars_mean_and_mode(run: AssessmentRun) -> None:
    fig = pa.plot_pmf(run.pmf)
    ax = fig.axes[0]
    bars = list(ax.containers[0])
    assert len(bars) == 43                                              # support 0-42 (TM 7-C14)
    heights = np.array([b.get_height() for b in bars])
    np.testing.assert_allclose(heights, run.pmf.probabilities)
    centres = np.array([b.get_x() + b.get_width() / 2 for b in bars])
    np.testing.assert_allclose(centres, np.arange(43))
    mean_line = _by_gid(fig, "pmf-mean")
    assert mean_line.get_xdata()[0] == pytest.approx(10.6613, abs=5e-5)  # TM 7-C14
    colors = [b.get_facecolor() for b in bars]
    odd = [i for i, c in enumerate(colors) if c != colors[0]]
    assert odd == [7]                                                   # the mode bar is highlighted


def test_gt_scatter_shows_every_known_deposit_over_model_samples(run: AssessmentRun) -> None:
    fig = pa.plot_gt_scatter(run.gt, run.model, n_samples=500, seed=1)
    assert [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()] == ["Cu", "Au"]
    for el in ("Cu", "Au"):
        data = _by_gid(fig, f"gt-data-{el}").get_offsets()
        assert data.shape == (71, 2)
        np.testing.assert_allclose(np.sort(data[:, 0]), np.sort(run.gt.ore_t))
        np.testing.assert_allclose(np.sort(data[:, 1]), np.sort(run.gt.grades_pct[el].to_numpy()))
        model = _by_gid(fig, f"gt-model-{el}").get_offsets()
        assert model.shape == (500, 2) and np.all(np.asarray(model) > 0)
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"


def test_marginal_fits_ecdf_cdf_and_qq(run: AssessmentRun) -> None:
    fig = pa.plot_marginal_fits(run.model, n_samples=20_000)
    assert len(fig.axes) == 6                                           # (tonnage, Cu, Au) x (CDF, Q-Q)
    for key in ("tonnage", "Cu", "Au"):
        ecdf = _by_gid(fig, f"ecdf-{key}")
        y = np.asarray(ecdf.get_ydata())
        assert y[-1] == pytest.approx(1.0) and np.all(np.diff(y) > 0) and y.size == 71
        cdf = np.asarray(_by_gid(fig, f"fit-cdf-{key}").get_ydata())
        assert np.all((cdf >= 0) & (cdf <= 1)) and np.all(np.diff(cdf) >= 0)
        qq = np.asarray(_by_gid(fig, f"qq-{key}").get_offsets())
        assert qq.shape == (71, 2)
    # the tonnage ECDF is the data: x = sorted ore tonnages
    np.testing.assert_allclose(_by_gid(fig, "ecdf-tonnage").get_xdata(), np.sort(run.gt.ore_t))
    assert "KS D" in fig.axes[0].get_title(loc="left")


def test_ccdf_points_are_exceedance_probabilities() -> None:
    x, p = pa.ccdf_points([2.0, 0.0, 3.0, 1.0, 2.0, 0.0])
    np.testing.assert_array_equal(x, [0, 0, 1, 2, 2, 3])
    np.testing.assert_allclose(p, [1, 1, 4 / 6, 3 / 6, 3 / 6, 1 / 6])  # P(T >= x), ties share the largest
    xs, ps = pa.ccdf_points(np.arange(10_000.0), max_points=100)
    assert xs.size <= 102 and xs[-1] == 9999.0 and ps[-1] == pytest.approx(1e-4)


def test_totals_ccdf_marks_usgs_p90_p50_p10(run: AssessmentRun) -> None:
    fig = pa.plot_totals_ccdf(run.result, statistics=run.statistics)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 3        # ore, Cu, Au
    for q in ("ore", "Cu", "Au"):
        line = _by_gid(fig, f"ccdf-{q}")
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert np.all(np.diff(x) >= 0) and np.all(np.diff(y) <= 0)
        assert np.all((y > 0) & (y <= 1))
        totals = run.result.totals[q].to_numpy()
        for xi, yi in zip(x[::97], y[::97], strict=True):               # y is the exceedance probability
            assert yi == pytest.approx(np.mean(totals >= xi))
        marks = _by_gid(fig, f"ccdf-marks-{q}")
        ex = run.statistics[q]["exceedance"]
        np.testing.assert_allclose(marks.get_xdata(), [ex["P90"], ex["P50"], ex["P10"]])
        np.testing.assert_allclose(marks.get_ydata(), [0.9, 0.5, 0.1])
        assert ex["P90"] == pytest.approx(np.quantile(totals, 0.1))     # P90 = 0.1 quantile (USGS)
        assert np.mean(totals >= ex["P90"]) >= 0.9
    assert fig.axes[0].get_xscale() == "log"


def test_economic_filter_contained_vs_recovered(run: AssessmentRun) -> None:
    econ = run.economic
    assert econ is not None
    fig = pa.plot_economic_filter(econ)
    for el in ("Cu", "Au"):
        contained = _by_gid(fig, f"econ-{el}")
        recovered = _by_gid(fig, f"econ-{el}_recovered")
        t = econ.totals
        # the recovered curve starts at the share of trials with any recovered metal
        assert recovered.get_ydata()[0] == pytest.approx(np.mean(t[f"{el}_recovered"] > 0))
        assert contained.get_ydata()[0] == pytest.approx(np.mean(t[el] > 0))
        assert np.all(t[f"{el}_recovered"] <= t[el] + 1e-9)
        assert recovered.get_label() == "recovered"
        mean_text = _by_gid(fig, f"econ-mean-{el}-recovered").get_text()
        assert mean_text == f"mean {pa._short(float(t[f'{el}_recovered'].mean()))}"


def test_figure_to_svg_is_inline_reproducible_and_urlless(run: AssessmentRun) -> None:
    a = pa.figure_to_svg(pa.plot_pmf(run.pmf))
    b = pa.figure_to_svg(pa.plot_pmf(run.pmf))
    assert a == b
    assert a.startswith("<svg") and a.rstrip().endswith("</svg>")
    assert "http" not in a and "<metadata" not in a
    assert "Number of undiscovered deposits" in a                       # text kept as text


def test_format_tonnes() -> None:
    assert pa.format_tonnes(4354642480.3) == "4,350,000,000"
    assert pa.format_tonnes(845.9) == "846"
    assert pa.format_tonnes(0.012345) == "0.0123"
    assert pa.format_tonnes(0.0) == "0"
    assert pa.format_tonnes(float("nan")) == "–"


def test_importing_critmin_plot_does_not_import_matplotlib() -> None:
    code = "import sys, critmin.plot, critmin.assessment; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
