"""Plots of a rock-to-supply workflow run (:mod:`critmin.workflows`), drawn from plain arrays and dicts.

Every function takes the JSON data and numpy arrays a stored run holds (``result.json`` and ``arrays/*.npz``),
so a report can be drawn from a run directory alone, without rebuilding domain objects:

* :func:`plot_tract_map` — the tract outline (lon/lat, WGS 84) and the known deposits inside it;
* :func:`plot_gt` — known deposits over the simulated deposits (ore tonnage vs grade, log–log);
* :func:`plot_pmf` — the deposit-number pmf;
* :func:`plot_totals_ccdf` — contained vs economically recoverable basis per trial (complementary CDFs);
* :func:`plot_project_cash_flow` — annual post-tax free cash flow and its cumulative sum;
* :func:`plot_npv_histogram` — Monte Carlo NPV histogram with P90/P50/P10 and zero marked;
* :func:`plot_supply_impact` — the supply impact with uncertainty: the level before the project (dashed), the
  median after it and the 10–90 % band over the years, for the HHI and the governance-weighted HHI;
* :func:`plot_partner_exposure` — the partner's net import reliance and its shortfall under the disruption.

Each returns a :class:`matplotlib.figure.Figure` on the Agg canvas (no pyplot), in the house style of
:mod:`critmin.plot.style`; nothing is drawn from the internet (no basemap). USGS convention throughout: P90 is
the amount exceeded with probability 0.9 (the 10th percentile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from critmin.plot.assessment import _short, ccdf_points
from critmin.plot.style import BLUE, GREY, ORANGE, PURPLE, SKY, VERMILION, new_figure, styled

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "SUPPLY_METRICS",
    "plot_gt",
    "plot_npv_histogram",
    "plot_partner_exposure",
    "plot_pmf",
    "plot_project_cash_flow",
    "plot_supply_impact",
    "plot_totals_ccdf",
    "plot_tract_map",
]

SUPPLY_METRICS: dict[str, tuple[str, float, str]] = {
    "hhi": ("Herfindahl–Hirschman index", 1.0, "HHI (0–10,000)"),
    "hhi_wgi": ("Governance-weighted HHI (WGI)", 1.0, "WGI-weighted HHI (0–10,000)"),
    "top1_share": ("Share of the leading country", 100.0, "share of stage output (%)"),
    "project_share": ("Share of the project", 100.0, "share of stage output (%)"),
}
"""Supply metric → (panel title, scale factor, y-axis label with units)."""
_PANELS = {"hhi": ("hhi", "hhi_wgi"), "share": ("top1_share", "project_share")}


def _rings(geometry: Mapping[str, Any]) -> list[tuple[np.ndarray, bool]]:
    """The rings of a GeoJSON (Multi)Polygon as ``(lon/lat array, is_exterior)``."""
    kind = geometry.get("type")
    polys = [geometry["coordinates"]] if kind == "Polygon" else list(geometry.get("coordinates", []))
    if kind not in ("Polygon", "MultiPolygon"):
        return []
    out = []
    for poly in polys:
        for i, ring in enumerate(poly):
            out.append((np.asarray(ring, dtype=float).reshape(-1, 2), i == 0))
    return out


@styled
def plot_tract_map(tract_data: Mapping[str, Any]) -> Figure:
    """The tract outline and its known deposits on lon/lat axes (equal distances: aspect 1/cos(latitude)).

    Parameters
    ----------
    tract_data
        The tract step's data: ``name``, ``geometry`` (GeoJSON Polygon or MultiPolygon, WGS 84), ``area_km2``,
        ``deposits`` (records with ``name``, ``lon``, ``lat``) and optionally ``bounds``.
    """
    fig, axes = new_figure(height_in=3.6)
    ax = axes[0, 0]
    rings = _rings(tract_data.get("geometry") or {})
    first = True
    for xy, exterior in rings:
        if exterior:
            ax.fill(xy[:, 0], xy[:, 1], color=SKY, alpha=0.25, linewidth=0, gid="tract-fill")
            ax.plot(xy[:, 0], xy[:, 1], color=BLUE, linewidth=1.4, label="tract outline" if first else None,
                    gid="tract-outline")
            first = False
        else:
            ax.fill(xy[:, 0], xy[:, 1], color="white", linewidth=0)
            ax.plot(xy[:, 0], xy[:, 1], color=BLUE, linewidth=0.8, linestyle="--")
    deps = list(tract_data.get("deposits") or [])
    lon = np.array([float(d["lon"]) for d in deps])
    lat = np.array([float(d["lat"]) for d in deps])
    if deps:
        ax.plot(lon, lat, "^", color=VERMILION, markersize=6, markeredgecolor="white", markeredgewidth=0.5,
                label=f"known deposits (n = {len(deps)})", gid="tract-deposits", zorder=4)
        for x, y, d in zip(lon, lat, deps, strict=True):
            ax.annotate(str(d.get("name", "")), (x, y), xytext=(5, 3), textcoords="offset points", fontsize=7)
    mid = float(np.mean([xy[:, 1].mean() for xy, _ in rings])) if rings else \
        float(lat.mean()) if deps else 0.0
    ax.margins(0.12)
    ax.set_aspect(1.0 / np.cos(np.radians(np.clip(mid, -85.0, 85.0))), adjustable="datalim")
    ax.set_xlabel("Longitude (° E, WGS 84)")
    ax.set_ylabel("Latitude (° N, WGS 84)")
    area = tract_data.get("area_km2")
    sub = f" — {float(area):,.0f} km²" if area is not None else ""
    ax.set_title(f"{tract_data.get('name', 'Tract')}{sub}", loc="left")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", frameon=True, framealpha=0.85)
    return fig


@styled
def plot_gt(gt_ore_t: Any, gt_grade_pct: Any, sim_ore_t: Any, sim_grade_pct: Any, grade_label: str, *,
            max_points: int = 3000, seed: int = 0) -> Figure:
    """Ore tonnage vs grade (log–log): the known deposits over a sample of the simulated deposits.

    Parameters
    ----------
    gt_ore_t, gt_grade_pct
        The known deposits of the grade–tonnage data (t, %).
    sim_ore_t, sim_grade_pct
        The simulated undiscovered deposits (t, %); at most ``max_points`` are drawn (a seeded subsample).
    grade_label
        The grade's name (e.g. ``"TREO"``).
    """
    fig, axes = new_figure(height_in=2.9)
    ax = axes[0, 0]
    so, sg = np.asarray(sim_ore_t, dtype=float), np.asarray(sim_grade_pct, dtype=float)
    keep = np.flatnonzero(np.isfinite(so) & np.isfinite(sg) & (so > 0) & (sg > 0))
    if keep.size > max_points:
        keep = np.sort(np.random.default_rng(seed).choice(keep, max_points, replace=False))
    ax.scatter(so[keep], sg[keep], s=3, color=SKY, alpha=0.4, linewidths=0, rasterized=True, gid="gt-sim",
               label=f"simulated deposits (sample of {keep.size:,})")
    go, gg = np.asarray(gt_ore_t, dtype=float), np.asarray(gt_grade_pct, dtype=float)
    obs = np.isfinite(go) & np.isfinite(gg) & (go > 0) & (gg > 0)
    ax.scatter(go[obs], gg[obs], s=14, color=BLUE, edgecolors="white", linewidths=0.5, zorder=3, gid="gt-data",
               label=f"known deposits (n = {int(obs.sum())})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Ore tonnage (metric t)")
    ax.set_ylabel(f"{grade_label} grade (%)")
    ax.set_title(f"Grade–tonnage model: {grade_label}", loc="left")
    ax.legend(loc="lower left", frameon=True, framealpha=0.85, markerscale=1.5)
    return fig


@styled
def plot_pmf(support: Sequence[int] | np.ndarray, probabilities: Sequence[float] | np.ndarray, *,
             title: str | None = None) -> Figure:
    """Bar chart of P(N = n) for the number of undiscovered deposits, the mean dashed, the mode highlighted.

    Parameters
    ----------
    support, probabilities
        The pmf's support (n) and P(N = n).
    title
        Axes title (default: "Deposit-number pmf").
    """
    n = np.asarray(support, dtype=float)
    p = np.asarray(probabilities, dtype=float)
    fig, axes = new_figure(height_in=2.5)
    ax = axes[0, 0]
    mode = n[int(np.argmax(p))] if p.size else 0.0
    mean = float(np.sum(n * p) / np.sum(p)) if p.size and np.sum(p) > 0 else 0.0
    ax.bar(n, p, width=0.8, color=[ORANGE if v == mode else BLUE for v in n], edgecolor="none",
           label="P(N = n)", gid="pmf-bars")
    ax.axvline(mean, color=VERMILION, linestyle="--", linewidth=1.2, label=f"mean {mean:.3g}", gid="pmf-mean")
    ax.plot([], [], "s", color=ORANGE, label=f"mode {mode:.0f}")
    ax.set_xlabel("Number of undiscovered deposits, n")
    ax.set_ylabel("Probability")
    ax.set_title(title or "Deposit-number pmf", loc="left")
    ax.legend(loc="upper right", frameon=False)
    return fig


@styled
def plot_totals_ccdf(totals_contained: Any, recovered: Any, label: str) -> Figure:
    """Complementary CDFs (probability of at least x) of the contained and the recoverable basis per trial.

    Parameters
    ----------
    totals_contained
        Contained basis per trial, all simulated deposits (metric t).
    recovered
        Recoverable basis per trial: mining × mill recovery of the economic deposits (metric t).
    label
        The basis (e.g. ``"TREO"``). Trials with 0 count in the probabilities (log x axis); P(0) is noted.
    """
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    for i, (values, color, name) in enumerate(((totals_contained, BLUE, "contained"),
                                               (recovered, ORANGE, "economically recoverable"))):
        v = np.asarray(values, dtype=float)
        x, p = ccdf_points(v)
        pos = x > 0
        ax.step(x[pos], p[pos], where="post", color=color, linewidth=1.4, gid=f"ccdf-{i}",
                label=f"{name}: mean {_short(float(v.mean()) if v.size else 0.0)}, "
                      f"P(0) = {float(np.mean(v <= 0)) if v.size else 1.0:.3f}")
    for pr in (0.9, 0.5, 0.1):
        ax.axhline(pr, color=GREY, linewidth=0.6, linestyle=":")
        ax.text(1.0, pr, f" P{round(pr * 100)}", transform=ax.get_yaxis_transform(), va="center", fontsize=7,
                color=GREY)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"{label} per trial (metric t)")
    ax.set_ylabel("Probability of at least")
    ax.set_title(f"Undiscovered {label}: contained vs economically recoverable", loc="left")
    ax.legend(loc="lower left", frameon=False)
    return fig


@styled
def plot_project_cash_flow(cash_flow_rows: Sequence[Mapping[str, Any]], *, currency: str = "USD",
                           title: str | None = None) -> Figure:
    """Annual post-tax free cash flow (bars: construction orange, closure grey) and its cumulative sum (line).

    Parameters
    ----------
    cash_flow_rows
        The evaluation's ``cash_flow`` records (``year`` or ``calendar_year``, ``phase``, ``post_tax_fcf``,
        ``cumulative_post_tax_fcf``), in the project currency.
    currency
        Currency code for the axis label.
    title
        Axes title.
    """
    from matplotlib.patches import Patch

    rows = list(cash_flow_rows)
    cal = bool(rows) and all(r.get("calendar_year") is not None for r in rows)
    years = np.array([float(r["calendar_year"] if cal else r["year"]) for r in rows])
    fcf = np.array([float(r.get("post_tax_fcf") or 0.0) for r in rows]) / 1e6
    cum = np.array([float(r["cumulative_post_tax_fcf"]) if r.get("cumulative_post_tax_fcf") is not None
                    else np.nan for r in rows]) / 1e6
    if np.isnan(cum).all():
        cum = np.cumsum(fcf)
    colours = [ORANGE if r.get("phase") == "construction" else GREY if r.get("phase") == "closure" else BLUE
               for r in rows]
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    ax.bar(years, fcf, color=colours, width=0.8, gid="cf-bars")
    line = ax.plot(years, cum, color=VERMILION, linewidth=1.4, gid="cf-cumulative")[0]
    ax.axhline(0, color="black", linewidth=0.6)
    ax.legend([Patch(color=BLUE), Patch(color=ORANGE), line],
              ["post-tax FCF (production)", "post-tax FCF (construction)", "cumulative"],
              loc="upper left", frameon=False)
    ax.set_ylabel(f"million {currency}")
    ax.set_xlabel("calendar year" if cal else "project year (1 = first construction year)")
    ax.set_title(title or "Annual and cumulative post-tax free cash flow (100 % project)", loc="left")
    return fig


@styled
def plot_npv_histogram(mc_npv: Any, *, currency: str = "USD", bins: int = 60, title: str | None = None) -> Figure:
    """Histogram of the Monte Carlo NPVs (millions) with P90, P50, P10 and zero marked.

    Parameters
    ----------
    mc_npv
        NPV per draw (currency units).
    currency
        Currency code for the axis label.
    bins
        Number of histogram bins.
    title
        Axes title.
    """
    v = np.asarray(mc_npv, dtype=float)
    v = v[np.isfinite(v)] / 1e6
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    ax.hist(v, bins=bins, color=BLUE, alpha=0.85, gid="npv-hist")
    if v.size:
        q = np.quantile(v, [0.1, 0.5, 0.9])
        for key, val, style in (("P90", q[0], ":"), ("P50", q[1], "-"), ("P10", q[2], "--")):
            ax.axvline(val, color=ORANGE, linestyle=style, linewidth=1.2, label=f"{key} {val:,.0f}")
        ax.axvline(0, color=VERMILION, linewidth=1.0, label=f"P(NPV < 0) = {np.mean(v < 0):.1%}")
    ax.set_xlabel(f"post-tax NPV (million {currency})")
    ax.set_ylabel("draws")
    ax.set_title(title or f"Monte Carlo NPV: {v.size:,} draws", loc="left")
    ax.legend(loc="upper right", frameon=False)
    return fig


def _band_panel(ax: Axes, years: np.ndarray, band: Mapping[str, Sequence[float]], before: float | None,
                scale: float, *, colour: str = BLUE) -> None:
    """Before (dashed), median (line), mean (dotted) and the q10–q90 band of one quantity over the years."""
    q10, q50, q90 = (np.asarray(band[k], dtype=float) * scale for k in ("q10", "q50", "q90"))
    ax.fill_between(years, q10, q90, color=colour, alpha=0.22, linewidth=0, label="10–90 % of draws",
                    gid="band")
    ax.plot(years, q50, color=colour, linewidth=1.6, label="median after the project", gid="median")
    if band.get("mean") is not None:
        ax.plot(years, np.asarray(band["mean"], dtype=float) * scale, color=colour, linewidth=0.9,
                linestyle=":", label="mean after")
    if before is not None:
        ax.axhline(before * scale, color=VERMILION, linestyle="--", linewidth=1.2,
                   label="before the project", gid="before")
    ax.set_xlabel("calendar year")


def _legend_below(fig: Figure, ax: Axes) -> None:
    """One legend for all panels, below them (the panels share colours and line styles)."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)


@styled
def plot_supply_impact(supply_data: Mapping[str, Any], stage: str, metric: str = "hhi") -> Figure:
    """Supply impact with uncertainty: the metric before the project (dashed), the median after it and the
    10–90 % band over draws, per calendar year.

    Parameters
    ----------
    supply_data
        The supply step's data (``years`` and ``stages[stage]`` with ``before`` and ``after`` bands).
    stage
        The supply-chain stage (e.g. ``"separation"``).
    metric
        ``"hhi"`` (default): two panels, the HHI and the governance-weighted HHI; ``"share"``: the leading
        country's and the project's share; or one key of :data:`SUPPLY_METRICS` for a single panel.
    """
    if metric in _PANELS:
        keys: tuple[str, ...] = _PANELS[metric]
    elif metric in SUPPLY_METRICS:
        keys = (metric,)
    else:
        raise ValueError(f"metric {metric!r}: expected 'hhi', 'share' or one of {', '.join(SUPPLY_METRICS)}")
    st = supply_data["stages"][stage]
    years = np.asarray(supply_data["years"], dtype=float)
    fig, axes = new_figure(1, len(keys), height_in=2.5)
    for ax, key in zip(axes.ravel(), keys, strict=True):
        title, scale, ylabel = SUPPLY_METRICS[key]
        before = st.get("before", {}).get(key)
        _band_panel(ax, years, st["after"][key], None if before is None else float(before), scale)
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left")
    fig.suptitle(f"Supply impact, {stage} stage", x=0.01, ha="left", fontsize=9, fontweight="bold")
    _legend_below(fig, axes[0, 0])
    return fig


@styled
def plot_partner_exposure(supply_data: Mapping[str, Any], stage: str) -> Figure:
    """The partner's net import reliance (%) and its shortfall under the disruption (t per year): before the
    project (dashed), median after it and the 10–90 % band over draws.

    Parameters
    ----------
    supply_data
        The supply step's data (``years``, ``basis`` and ``stages[stage]`` with ``partner`` and, when a
        disruption is defined, ``disruption``).
    stage
        The supply-chain stage.
    """
    st = supply_data["stages"][stage]
    years = np.asarray(supply_data["years"], dtype=float)
    dis = st.get("disruption")
    fig, axes = new_figure(1, 2 if dis else 1, height_in=2.5)
    part = st["partner"]
    ax = axes[0, 0]
    _band_panel(ax, years, part["import_reliance_after"], float(part["import_reliance_before"]), 100.0,
                colour=PURPLE)
    ax.set_ylim(-3, 103)
    ax.set_ylabel("import reliance (% of demand)")
    ax.set_title(f"{part.get('country', 'Partner')}: net import reliance", loc="left")
    if dis:
        ax = axes[0, 1]
        _band_panel(ax, years, dis["shortfall_t_after"], float(dis["shortfall_t_before"]), 1.0, colour=PURPLE)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"shortfall (t {supply_data.get('basis') or 'basis'} per year)")
        ax.set_title(f"Shortfall if {', '.join(dis.get('countries', []))} restrict {float(dis['fraction']):.0%}",
                     loc="left")
    fig.suptitle(f"Partner exposure, {stage} stage", x=0.01, ha="left", fontsize=9, fontweight="bold")
    _legend_below(fig, axes[0, 0])
    return fig

