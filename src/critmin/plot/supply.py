"""Supply-chain figures (house style): production shares, concentration over time, the EU criticality matrix and
the Monte Carlo price-change distribution of a scenario.

Each function takes a result of :mod:`critmin.supply` and returns a matplotlib Figure (Agg canvas) whose artists
carry ``gid`` values for tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from critmin.plot.style import BLUE, GREY, VERMILION, new_figure, styled
from critmin.supply.records import records

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from critmin.supply.concentration import Concentration
    from critmin.supply.scenarios import ScenarioResult


@styled
def plot_shares(c: Concentration, *, max_bars: int = 12) -> Figure:
    """Horizontal bars of production shares (largest first; "Other countries" grey), HHI in the title."""
    items = sorted(c.shares.items(), key=lambda kv: -kv[1])[:max_bars][::-1]
    fig, axes = new_figure(height_in=0.25 * len(items) + 1.0)
    ax = axes[0, 0]
    colours = [GREY if k == "Other countries" else BLUE for k, _ in items]
    ax.barh([k for k, _ in items], [100 * v for _, v in items], color=colours, gid="shares")
    ax.set_xlabel("Share of production (%)")
    ax.set_title(f"{c.commodity} {c.stage} {c.year}: HHI {c.hhi:,.0f}, HHI×WGI {c.hhi_wgi:,.0f} ({c.source})")
    return fig


@styled
def plot_concentration_series(series: pd.DataFrame, *, title: str = "") -> Figure:
    """HHI and governance-weighted HHI (0–10,000) by production year."""
    fig, axes = new_figure()
    ax = axes[0, 0]
    ax.plot(series["year"], series["hhi"], "o-", color=BLUE, label="HHI", gid="hhi")
    ax.plot(series["year"], series["hhi_wgi"], "s--", color=VERMILION, label="HHI × WGI", gid="hhi_wgi")
    ax.set_ylim(0, 10_000)
    ax.set_xticks(list(series["year"]))
    ax.set_xlabel("Production year")
    ax.set_ylabel("Index (0–10,000)")
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


@styled
def plot_criticality_matrix(table: pd.DataFrame, *, sr_threshold: float = 1.0, ei_threshold: float = 2.8) -> Figure:
    """Supply risk against economic importance with the EU thresholds; critical materials in vermilion."""
    fig, axes = new_figure(height_in=3.6)
    ax = axes[0, 0]
    ok = table.dropna(subset=["supply_risk", "importance"])
    crit = ok["critical"].fillna(False).astype(bool).to_numpy()
    ax.scatter(ok["importance"][~crit], ok["supply_risk"][~crit], color=BLUE, gid="not-critical")
    ax.scatter(ok["importance"][crit], ok["supply_risk"][crit], color=VERMILION, gid="critical")
    for r in records(ok):
        ax.annotate(str(r.commodity), (float(r.importance), float(r.supply_risk)), xytext=(4, 3),
                    textcoords="offset points")
    ax.axvline(ei_threshold, color=VERMILION, ls=":", lw=1)
    ax.axhline(sr_threshold, color=VERMILION, ls=":", lw=1)
    ax.set_xlabel("Economic importance (EI)")
    ax.set_ylabel("Supply risk (SR)")
    ax.set_xlim(0, max(6.0, float(ok["importance"].max() if len(ok) else 0) * 1.1))
    ax.set_ylim(0, max(2.0, float(ok["supply_risk"].max() if len(ok) else 0) * 1.15))
    return fig


@styled
def plot_scenario_distribution(result: ScenarioResult) -> Figure:
    """Monte Carlo price-change histogram (to the 99th percentile) with P5/P50/P95 marks."""
    mc: dict[str, Any] | None = result.monte_carlo
    fig, axes = new_figure()
    ax = axes[0, 0]
    if not mc or not mc["histogram"]:
        ax.text(0.5, 0.5, "no Monte Carlo in this scenario", ha="center", transform=ax.transAxes)
        return fig
    edges = 100 * np.asarray(mc["histogram_edges"])
    ax.stairs(mc["histogram"], edges, fill=True, color=BLUE, gid="histogram")
    for key, ls in (("p5", ":"), ("p50", "-"), ("p95", ":")):
        ax.axvline(100 * mc["price_change_percentiles"][key], color=VERMILION, ls=ls, lw=1, gid=key)
    ax.set_xlabel("Price change (%)")
    ax.set_ylabel("Draws")
    ax.set_title(f"{result.name or result.commodity}: {mc['draws']} draws, seed {mc['seed']}")
    return fig
