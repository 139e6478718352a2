"""Plots of a three-part quantitative resource assessment (:mod:`critmin.assessment` results).

* :func:`plot_pmf` — the deposit-number pmf as bars, mean and mode marked;
* :func:`plot_gt_scatter` — known deposits (ore tonnage vs grade, log–log, one panel per element) over a sample
  of deposits drawn from the fitted GT model;
* :func:`plot_marginal_fits` — tonnage and grade marginals: empirical CDF vs fitted CDF, and Q-Q plots;
* :func:`plot_totals_ccdf` — complementary CDF ("probability of at least the amount") of the simulated totals
  per quantity with the USGS P90/P50/P10 marked (P90 = amount exceeded with probability 0.9);
* :func:`plot_economic_filter` — contained vs recovered (economic) totals.

Each function returns a :class:`matplotlib.figure.Figure` on the Agg canvas; nothing touches pyplot's global
state. :func:`figure_to_svg` renders a figure as an inline SVG document (text kept as text, reproducible ids).

References
----------
Ellefsen, K.J., 2017, User's guide for MapMark4: USGS Techniques and Methods 7-C14, doi:10.3133/tm7C14
(pmf, GT and total-tonnage plots).
Singer, D.A., and Menzie, W.D., 2010, Quantitative mineral resource assessments: an integrated approach:
Oxford University Press, doi:10.1093/oso/9780195399592.001.0001 (exceedance-probability convention).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from critmin.plot.style import BLUE, GREEN, GREY, ORANGE, SKY, VERMILION, new_figure, styled

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from critmin.assessment.economic_filter import EconomicFilterResult
    from critmin.assessment.gt_data import GTData
    from critmin.assessment.gt_model import GTModel
    from critmin.assessment.pmf import DepositPmf
    from critmin.assessment.simulate import SimulationResult

__all__ = [
    "CCDF_MAX_POINTS",
    "EXCEEDANCE_MARKS",
    "ccdf_points",
    "figure_to_svg",
    "format_tonnes",
    "plot_economic_filter",
    "plot_gt_scatter",
    "plot_marginal_fits",
    "plot_pmf",
    "plot_totals_ccdf",
]

CCDF_MAX_POINTS = 2000
"""At most this many points per CCDF line (exact exceedance probabilities at evenly spaced ranks)."""
EXCEEDANCE_MARKS = ("P90", "P50", "P10")
"""USGS exceedance levels marked on the CCDF plots."""



def format_tonnes(x: float) -> str:
    """A tonnage for labels and tables: three significant figures with thousands separators (metric t).

    ``4354642480.3`` → ``"4,350,000,000"``, ``845.9`` → ``"846"``, ``0.01234`` → ``"0.0123"``, ``0`` → ``"0"``.
    """
    if x is None or not math.isfinite(float(x)):
        return "–"
    x = float(x)
    if x == 0:
        return "0"
    r = float(f"{x:.3g}")
    if abs(r) >= 100:
        return f"{r:,.0f}"
    return f"{r:.3g}"


def _short(x: float) -> str:
    """Compact tonnage for plot labels: ``4.35 Gt``, ``846 Mt``, ``12.3 kt``, ``350 t``."""
    if not math.isfinite(x):
        return "–"
    for scale, unit in ((1e9, "Gt"), (1e6, "Mt"), (1e3, "kt")):
        if abs(x) >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g} t"


# --------------------------------------------------------------------------------------------------- pmf


@styled
def plot_pmf(pmf: DepositPmf, *, title: str | None = None) -> Figure:
    """Bar chart of P(N = n) with the mean (dashed line) and the mode (highlighted bar) marked.

    Parameters
    ----------
    pmf
        A :class:`critmin.assessment.pmf.DepositPmf`.
    title
        Axes title (default: the pmf method).
    """
    fig, axes = new_figure(height_in=2.6)
    ax = axes[0, 0]
    n = pmf.support
    p = np.asarray(pmf.probabilities)
    colors = np.where(n == pmf.mode, ORANGE, BLUE)
    ax.bar(n, p, width=0.8, color=list(colors), edgecolor="none", label="P(N = n)", gid="pmf-bars")
    ax.axvline(pmf.mean, color=VERMILION, linestyle="--", linewidth=1.2, label=f"mean {pmf.mean:.4g}",
               gid="pmf-mean")
    ax.plot([], [], "s", color=ORANGE, label=f"mode {pmf.mode}")
    hi = int(n[np.searchsorted(np.cumsum(p), 1 - 1e-4)]) if n.size > 40 else int(n[-1])
    ax.set_xlim(n[0] - 0.7, hi + 0.7)
    ax.set_xlabel("Number of undiscovered deposits, n")
    ax.set_ylabel("Probability")
    ax.set_title(title or f"Deposit-number pmf ({pmf.method})", loc="left")
    ax.text(0.99, 0.97, f"variance {pmf.variance:.4g}\nsupport {pmf.n_min}–{pmf.n_max}\n"
            f"entropy {pmf.entropy:.4g}", transform=ax.transAxes, ha="right", va="top", fontsize=7.5)
    ax.legend(loc="upper right", bbox_to_anchor=(0.99, 0.72), frameon=False)
    return fig


# --------------------------------------------------------------------------------------------------- GT model


@styled
def plot_gt_scatter(gt: GTData, model: GTModel | None = None, *, n_samples: int = 3000, seed: int = 0) -> Figure:
    """Ore tonnage vs grade (log–log), one panel per element: known deposits over GT-model samples.

    Parameters
    ----------
    gt
        The known deposits (:class:`critmin.assessment.gt_data.GTData`).
    model
        The fitted GT model; ``n_samples`` deposits drawn from it (``seed``) are shown behind the data.
        Simulated deposits without a by-product (grade 0) are not shown (no place on a log axis).
    """
    elements = list(gt.elements)
    rng = np.random.default_rng(seed)
    sim_ore, sim_g = model.sample(rng, n_samples) if model is not None else (None, None)
    if not elements:  # tonnage model: a histogram of log tonnage
        fig, axes = new_figure(height_in=2.6)
        ax = axes[0, 0]
        bins = np.linspace(np.log10(gt.ore_t).min() - 0.5, np.log10(gt.ore_t).max() + 0.5, 30)
        if sim_ore is not None:
            ax.hist(np.log10(sim_ore), bins=bins, density=True, color=SKY, alpha=0.6, label="GT model sample")
        ax.hist(np.log10(gt.ore_t), bins=bins, density=True, histtype="step", color=BLUE, linewidth=1.5,
                label=f"known deposits (n = {gt.n})")
        ax.set_xlabel(f"log10 {gt.tonnage_name} tonnage (t)")
        ax.set_ylabel("Density")
        ax.legend(frameon=False)
        return fig
    ncols = min(len(elements), 3)
    nrows = math.ceil(len(elements) / ncols)
    fig, axes = new_figure(nrows, ncols, height_in=2.7 * nrows)
    for j, el in enumerate(elements):
        ax = axes.ravel()[j]
        if sim_ore is not None and sim_g is not None:
            keep = sim_g[:, j] > 0
            ax.scatter(sim_ore[keep], sim_g[keep, j], s=2, color=SKY, alpha=0.35, linewidths=0,
                       label=f"GT model sample (n = {int(keep.sum())})", gid=f"gt-model-{el}", rasterized=True)
        g = gt.grades_pct[el].to_numpy(dtype=float)
        obs = np.isfinite(g) & (g > 0)
        ax.scatter(gt.ore_t[obs], g[obs], s=10, color=BLUE, edgecolors="white", linewidths=0.4,
                   label=f"known deposits (n = {int(obs.sum())})", gid=f"gt-data-{el}", zorder=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("Ore tonnage (t)")
        ax.set_ylabel(f"{el} grade (%)")
        ax.set_title(el, loc="left")
        lo = np.nanmin(g[obs]) if obs.any() else 1e-3
        hi = np.nanmax(g[obs]) if obs.any() else 1.0
        ax.set_ylim(lo / 10, min(hi * 10, 100))
        ax.set_xlim(gt.ore_t.min() / 10, gt.ore_t.max() * 10)
        if j == 0:
            ax.legend(loc="lower left", frameon=True, framealpha=0.8, markerscale=2)
    for ax in axes.ravel()[len(elements):]:
        ax.set_visible(False)
    return fig


def _ecdf(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xs = np.sort(np.asarray(x, dtype=float))
    return xs, np.arange(1, xs.size + 1) / xs.size


@styled
def plot_marginal_fits(model: GTModel, *, n_samples: int = 100_000, seed: int = 0) -> Figure:
    """Marginal fit diagnostics: per row (tonnage, then each grade) the empirical CDF of the data against
    the fitted CDF, and a Q-Q plot (data vs model quantiles at plotting positions (i − 0.5)/n).

    The tonnage CDF is the model's exact CDF; a grade's CDF is that of ``n_samples`` model draws (``seed``),
    among deposits that carry the element. KS statistics from :meth:`GTModel.diagnostics` are in the titles.
    """
    diag = model.diagnostics()
    elements = list(model.elements)
    rows = 1 + len(elements)
    fig, axes = new_figure(rows, 2, height_in=2.2 * rows)
    ton = diag["tonnage"]
    # tonnage: ECDF vs exact CDF (x in t, log axis)
    ax = axes[0, 0]
    xs, ys = _ecdf(model.tonnage.log_t)
    grid = np.linspace(xs[0] - 1.5 * model.tonnage.sd_ln, xs[-1] + 1.5 * model.tonnage.sd_ln, 400)
    ax.plot(np.exp(grid), model.tonnage.cdf_log(grid), color=ORANGE, linewidth=1.4,
            label=f"fitted ({model.tonnage.pdf_type})", gid="fit-cdf-tonnage")
    ax.step(np.exp(xs), ys, where="post", color=BLUE, linewidth=1.1, label="data ECDF", gid="ecdf-tonnage")
    ax.set_xscale("log")
    ax.set_xlabel(f"{model.tonnage_name.capitalize()} tonnage (t)")
    ax.set_ylabel("Cumulative probability")
    ax.set_title(f"Tonnage: KS D = {ton['ks_statistic']:.3f}", loc="left")
    ax.legend(loc="lower right", frameon=False)
    _qq(axes[0, 1], np.exp(ton["qq"]["observed_ln"]), np.exp(ton["qq"]["model_ln"]), "tonnage (t)", "tonnage")
    if elements:
        assert model.grades is not None
        sim = model.grades.sample(np.random.default_rng(seed), n_samples)
        gdiag = diag["grades"]["elements"]
        parts = model.grades.to_fractions(model.grades.z) * 100.0
        for j, el in enumerate(elements, start=1):
            ax = axes[j, 0]
            obs = parts[model.grades.presence[:, j - 1], j - 1]
            s = sim[:, j - 1]
            s = s[s > 0]
            sx, sy = _ecdf(s)
            idx = np.unique(np.linspace(0, sx.size - 1, 600).astype(int))
            ax.plot(sx[idx], sy[idx], color=ORANGE, linewidth=1.4, label=f"fitted ({model.grades.pdf_type})",
                    gid=f"fit-cdf-{el}")
            ox, oy = _ecdf(obs)
            ax.step(ox, oy, where="post", color=BLUE, linewidth=1.1, label="data ECDF", gid=f"ecdf-{el}")
            ax.set_xscale("log")
            ax.set_xlabel(f"{el} grade (%)")
            ax.set_ylabel("Cumulative probability")
            _no_minor_labels(ax)
            ax.set_title(f"{el}: KS D = {gdiag[el]['ks_statistic']:.3f}", loc="left")
            ax.legend(loc="lower right", frameon=False)
            q = gdiag[el]["qq"]
            _qq(axes[j, 1], np.exp(q["observed_ln_pct"]), np.exp(q["model_ln_pct"]), f"{el} grade (%)", el)
    return fig


def _no_minor_labels(ax: Axes) -> None:
    """Log axes spanning less than a decade label minor ticks, which then overlap; keep major labels only."""
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def _qq(ax: Axes, observed: Any, model: Any, what: str, key: str) -> None:
    o = np.asarray(observed, dtype=float)
    m = np.asarray(model, dtype=float)
    lo, hi = min(o.min(), m.min()), max(o.max(), m.max())
    ax.plot([lo, hi], [lo, hi], color=GREY, linewidth=0.8, linestyle=":", label="1:1")
    ax.scatter(m, o, s=9, color=BLUE, linewidths=0, gid=f"qq-{key}", label="deposits")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"Model quantile, {what}")
    ax.set_ylabel(f"Observed, {what}")
    ax.set_title("Q-Q", loc="left")
    _no_minor_labels(ax)
    ax.legend(loc="upper left", frameon=False)


# --------------------------------------------------------------------------------------------------- totals


def ccdf_points(values: Any, *, max_points: int = CCDF_MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Sorted totals and their exceedance probabilities P(T ≥ x) (exact, at most ``max_points`` ranks kept).

    For sorted ``x_(1) ≤ … ≤ x_(n)`` the probability at ``x_(i)`` is ``(n − i + 1)/n`` (ties take the
    largest, i.e. the first of the tied ranks). When thinned, the largest rank, and the first positive value
    (where a log-axis curve starts, at P(T > 0)) are always kept.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    first = np.searchsorted(x, x, side="left")  # first rank of each value's tie group
    p = (n - first) / n
    if n > max_points:
        first_positive = min(int(np.searchsorted(x, 0.0, side="right")), n - 1)  # the curve starts at P(T > 0)
        idx = np.unique(np.r_[np.linspace(0, n - 1, max_points).astype(int), first_positive, n - 1])
        x, p = x[idx], p[idx]
    return x, p


def _grid(n: int) -> tuple[int, int]:
    """Rows and columns for ``n`` panels: up to three side by side."""
    ncols = min(n, 3) if n != 4 else 2
    return math.ceil(n / ncols), ncols


@styled
def plot_totals_ccdf(result: SimulationResult, quantities: Sequence[str] | None = None,
                     statistics: dict[str, Any] | None = None) -> Figure:
    """Complementary CDF of the simulated totals, one panel per quantity, USGS P90/P50/P10 marked.

    The y axis is the probability of at least the amount (P(T ≥ x)); the x axis the total in metric tons
    (log scale; trials with a total of 0 are counted in the probabilities and noted as P(0)). ``P90`` is the
    amount exceeded with probability 0.9 (the 0.1 quantile), as in USGS assessments.

    Parameters
    ----------
    result
        :class:`critmin.assessment.simulate.SimulationResult` (or anything with ``totals`` and ``quantities``).
    quantities
        Default: all of ``result.quantities`` (ore, then elements).
    statistics
        Precomputed :func:`critmin.assessment.statistics.statistics`; computed when omitted.
    """
    from critmin.assessment.statistics import statistics as compute_statistics

    qs = list(quantities or result.quantities)
    stats = statistics or compute_statistics(result.totals, qs)
    nrows, ncols = _grid(len(qs))
    fig, axes = new_figure(nrows, ncols, height_in=2.45 * nrows)
    for i, q in enumerate(qs):
        ax = axes.ravel()[i]
        _ccdf_panel(ax, result.totals[q].to_numpy(dtype=float), stats[q], q)
    for ax in axes.ravel()[len(qs):]:
        ax.set_visible(False)
    return fig


def _ccdf_panel(ax: Axes, values: np.ndarray, st: dict[str, Any], q: str) -> None:
    x, p = ccdf_points(values)
    pos = x > 0
    ax.step(x[pos], p[pos], where="post", color=BLUE, linewidth=1.4, label="P(T ≥ x)", gid=f"ccdf-{q}")
    marks = [(k, float(st["exceedance"][k]), int(k[1:]) / 100) for k in EXCEEDANCE_MARKS]
    shown = [(k, v, pr) for k, v, pr in marks if v > 0]
    if shown:
        ax.plot([v for _, v, _ in shown], [pr for _, _, pr in shown], "o", color=VERMILION, markersize=4,
                gid=f"ccdf-marks-{q}", zorder=4)
    for k, v, pr in marks:
        if v > 0:
            ax.annotate(f"{k} {_short(v)}", (v, pr), xytext=(5, 2), textcoords="offset points", fontsize=7,
                        color=VERMILION)
    if st["mean"] > 0:
        ax.axvline(st["mean"], color=GREEN, linestyle="--", linewidth=1.0, label="mean", gid=f"ccdf-mean-{q}")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    label = "Ore" if q == "ore" else q
    ax.set_xlabel(f"{label} (metric t)")
    ax.set_ylabel("Probability of at least")
    zero = [f"{k} = 0" for k, v, _ in marks if v <= 0]
    extra = f"; {', '.join(zero)}" if zero else ""
    ax.set_title(f"{label}\nmean {_short(st['mean'])}, P(0) = {st['p_zero']:.3f}{extra}", loc="left")
    ax.legend(loc="lower left", frameon=False, handlelength=1.2)


# --------------------------------------------------------------------------------------------------- filter


@styled
def plot_economic_filter(econ: EconomicFilterResult, quantities: Sequence[str] | None = None) -> Figure:
    """Contained vs recovered totals per trial after the economic filter: two CCDFs per quantity.

    Contained: all simulated deposits (``ore``, ``<El>``); recovered: mining × mill recovery of the economic
    deposits (``ore_economic``, ``<El>_recovered``). Means are given in the legends.
    """
    qs = list(quantities or econ.contained_quantities)
    nrows, ncols = _grid(len(qs))
    fig, axes = new_figure(nrows, ncols, height_in=2.45 * nrows)
    t = econ.totals
    for i, q in enumerate(qs):
        ax = axes.ravel()[i]
        rec_col = "ore_economic" if q == "ore" else f"{q}_recovered"
        means = []
        for col, color, name in ((q, BLUE, "contained"),
                                 (rec_col, ORANGE, "economic ore" if q == "ore" else "recovered")):
            v = t[col].to_numpy(dtype=float)
            x, p = ccdf_points(v)
            pos = x > 0
            ax.step(x[pos], p[pos], where="post", color=color, linewidth=1.3, label=name, gid=f"econ-{col}")
            means.append((name, float(v.mean()), color))
        for k, (name, m, color) in enumerate(means):
            ax.text(0.98, 0.97 - 0.09 * k, f"mean {_short(m)}", transform=ax.transAxes, ha="right", va="top",
                    color=color, fontsize=7, gid=f"econ-mean-{q}-{name.replace(' ', '_')}")
        ax.set_xscale("log")
        ax.set_ylim(0, 1.02)
        label = "Ore" if q == "ore" else q
        ax.set_xlabel(f"{label} (metric t)")
        ax.set_ylabel("Probability of at least")
        ax.set_title(label, loc="left")
        ax.legend(loc="lower left", frameon=False, handlelength=1.2)
    for ax in axes.ravel()[len(qs):]:
        ax.set_visible(False)
    return fig


# --------------------------------------------------------------------------------------------------- output


_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def figure_to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element for inline HTML: text kept as text (selectable; fonts from the
    system), no XML prolog, no date, ids salted by the figure's content (reproducible).

    The RDF metadata and the namespace declarations are dropped: an HTML parser puts inline ``<svg>`` (and
    ``xlink:href``) in the right namespaces, and the document then names no URL at all.
    """
    import matplotlib as mpl

    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "critmin"}):
        fig.savefig(buf, format="svg", dpi=200, metadata={"Date": None})
    text = buf.getvalue()
    text = _METADATA.sub("", text[text.index("<svg"):])
    head, rest = text.split(">", 1)
    return _XMLNS.sub("", head) + ">" + rest
