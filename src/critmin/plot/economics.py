"""Plots of project economics (:mod:`critmin.economics` results), in the house style.

* :func:`plot_cash_flow` — annual post-tax free cash flow as bars with the cumulative line (the payback visual);
* :func:`plot_tornado` — NPV swing per driver at ±range around the base NPV;
* :func:`plot_spider` — NPV against the fractional change of each driver;
* :func:`plot_npv_histogram` — Monte Carlo NPV histogram with P90/P50/P10 and zero marked;
* :func:`plot_npv_vs_rate` — NPV against the discount rate.

Every function returns a :class:`matplotlib.figure.Figure` on the Agg canvas (see :mod:`critmin.plot.style`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from critmin.plot.style import BLUE, GREY, ORANGE, VERMILION, new_figure, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from critmin.economics.evaluate import EconResult
    from critmin.economics.risk import MonteCarloResult, SensitivityResult

__all__ = ["plot_cash_flow", "plot_npv_histogram", "plot_npv_vs_rate", "plot_spider", "plot_tornado"]

_LABELS = {"price": "Price", "opex": "Operating cost", "capex": "Capital cost", "grade_recovery": "Grade × recovery",
           "discount_rate": "Discount rate"}


def _millions(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float) / 1e6


@styled
def plot_cash_flow(result: EconResult) -> Figure:
    """Annual post-tax FCF (bars, construction years in orange) and cumulative FCF (line), in millions."""
    df = result.table()
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    years = df["calendar_year"] if "calendar_year" in df else df["year"]
    colours = [ORANGE if ph == "construction" else GREY if ph == "closure" else BLUE for ph in df["phase"]]
    ax.bar(years, _millions(df["post_tax_fcf"].to_numpy()), color=colours, width=0.8, label="post-tax FCF")
    ax.plot(years, _millions(df["cumulative_post_tax_fcf"].to_numpy()), color=VERMILION, lw=1.4,
            label="cumulative")
    ax.axhline(0, color="black", lw=0.6)
    cur = result.project.currency
    ax.set_ylabel(f"million {cur}")
    ax.set_xlabel("calendar year" if "calendar_year" in df else "project year (1 = first construction year)")
    ax.set_title(f"{result.project.name}: annual and cumulative post-tax free cash flow")
    ax.legend(loc="upper left", frameon=False)
    return fig


@styled
def plot_tornado(sens: SensitivityResult, currency: str = "") -> Figure:
    """Horizontal bars from the low-case to the high-case NPV for each driver, largest swing on top."""
    rows = sens.tornado[::-1]
    fig, axes = new_figure(height_in=0.45 * len(rows) + 1.0)
    ax = axes[0, 0]
    base = sens.base_npv / 1e6
    for i, r in enumerate(rows):
        lo, hi = r["npv_low"] / 1e6, r["npv_high"] / 1e6
        ax.barh(i, lo - base, left=base, color=VERMILION, height=0.6)  # input lowered
        ax.barh(i, hi - base, left=base, color=BLUE, height=0.6)  # input raised
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(range(len(rows)), [_LABELS.get(r["driver"], r["driver"]) for r in rows])
    ax.set_xlabel(f"post-tax NPV, million {currency}".strip())
    ax.set_title(f"Tornado: input −{sens.swing:.0%} (red) / +{sens.swing:.0%} (blue) of base")
    ax.grid(axis="y", visible=False)
    return fig


@styled
def plot_spider(sens: SensitivityResult, currency: str = "") -> Figure:
    """NPV (millions) against the fractional change of each driver."""
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    x = 100 * np.asarray(sens.steps)
    for d, curve in sens.spider.items():
        ax.plot(x, _millions(np.asarray(curve)), marker="o", ms=3, lw=1.2, label=_LABELS.get(d, d))
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("change of the input (%)")
    ax.set_ylabel(f"post-tax NPV, million {currency}".strip())
    ax.legend(frameon=False, ncols=2)
    ax.set_title("Spider: NPV against each input")
    return fig


@styled
def plot_npv_histogram(mc: MonteCarloResult, currency: str = "", bins: int = 60) -> Figure:
    """Histogram of the Monte Carlo NPVs with P90, P50, P10 and zero marked."""
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    ax.hist(_millions(mc.npv), bins=bins, color=BLUE, alpha=0.85)
    s = mc.summary
    for key, style in (("p90", ":"), ("p50", "-"), ("p10", "--")):
        ax.axvline(s[key] / 1e6, color=ORANGE, ls=style, lw=1.2, label=f"{key.upper()} {s[key] / 1e6:,.0f}")
    ax.axvline(0, color=VERMILION, lw=1.0, label=f"P(NPV<0) = {s['prob_negative']:.1%}")
    ax.set_xlabel(f"post-tax NPV, million {currency}".strip())
    ax.set_ylabel("draws")
    ax.legend(frameon=False)
    ax.set_title(f"Monte Carlo: {mc.npv.size:,} draws, seed {mc.provenance.seed}")
    return fig


@styled
def plot_npv_vs_rate(result: EconResult) -> Figure:
    """Post-tax and pre-tax NPV (millions) against the discount rate (0–25 %)."""
    from critmin.economics.metrics import npv

    v = result.project.valuation
    rates = np.linspace(0.0, 0.25, 51)
    fig, axes = new_figure(height_in=2.6)
    ax = axes[0, 0]
    for key, label, col in (("post_tax_fcf", "post-tax", BLUE), ("pre_tax_fcf", "pre-tax", ORANGE)):
        flows = result.flows[key][0]
        ax.plot(100 * rates, [float(npv(flows, r, v.discounting)) / 1e6 for r in rates], color=col, label=label)
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(100 * v.discount_rate, color=GREY, ls=":", lw=1)
    ax.set_xlabel("discount rate (%)")
    ax.set_ylabel(f"NPV, million {result.project.currency}")
    ax.legend(frameon=False)
    return fig
