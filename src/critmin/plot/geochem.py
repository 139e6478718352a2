"""Plots of geochemical results (:mod:`critmin.geochem`): REE and spider diagrams, QA/QC charts, anomalies.

* :func:`plot_ree_diagram` — normalised REE pattern (log y, elements in atomic-number order, a slot left for
  Pm, which is never analysed; optionally Y between Dy and Ho);
* :func:`plot_spider` — multi-element spider diagram of already-normalised values in a given element order;
* :func:`plot_control_chart` — Shewhart chart of a certified reference material: the certified value and the
  ±2SD (warning) and ±3SD (failure) lines, points coloured by status;
* :func:`plot_duplicates` — duplicate pairs: original vs duplicate (log–log, 1:1 line) and the
  Thompson–Howarth plot (pair mean vs absolute difference, group medians, 90th and 99th percentile lines);
* :func:`plot_anomaly_histogram`, :func:`plot_probability` — distribution of one variable with anomaly
  thresholds marked (histogram on a log or linear axis; normal probability plot).

Every function returns a :class:`matplotlib.figure.Figure` on the Agg canvas; nothing touches pyplot's global
state and matplotlib is imported only when a function is called. Artists carry ``gid`` values
(``ree-sample-0``, ``cc-warn-upper`` …) so that tests and SVG consumers can find them.

References
----------
Thompson, M., and Howarth, R.J., 1978, A new approach to the estimation of analytical precision: Journal of
Geochemical Exploration 9, 23–30, doi:10.1016/0375-6742(78)90035-3.
Reimann, C., Filzmoser, P., and Garrett, R.G., 2005, Background and threshold: critical comparison of methods of
determination: Science of the Total Environment 346, 1–16, doi:10.1016/j.scitotenv.2004.11.023.
Westgard, J.O., Barry, P.L., Hunt, M.R., and Groth, T., 1981, A multi-rule Shewhart chart for quality control in
clinical chemistry: Clinical Chemistry 27, 493–501, doi:10.1093/clinchem/27.3.493.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from critmin.plot.style import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILION, new_figure, styled

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "REE_ORDER",
    "TH_P90",
    "TH_P99",
    "plot_anomaly_histogram",
    "plot_control_chart",
    "plot_duplicates",
    "plot_probability",
    "plot_ree_diagram",
    "plot_spider",
    "ree_positions",
]


REE_ORDER: tuple[str, ...] = ("La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
                              "Lu")
"""The lanthanides in atomic-number order (57–71). Pm has no stable isotope and keeps an empty slot."""

TH_P90 = 2.3262
"""90th percentile of |d| in units of σ (√2 · z₀.₉₅): the Thompson–Howarth 90 % line."""
TH_P99 = 3.6428
"""99th percentile of |d| in units of σ (√2 · z₀.₉₉₅): the Thompson–Howarth 99 % line."""

_LINE_COLOURS = (BLUE, ORANGE, GREEN, VERMILION, SKY, PURPLE)


def _finite(values: Any) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    return a[np.isfinite(a)]


# --------------------------------------------------------------------------------------------------- REE / spider


def ree_positions(include_y: bool = False) -> dict[str, int]:
    """x position of each element on an REE diagram: La = 0 … Lu = 14 (Pm = 4 is left empty).

    With ``include_y`` Y is placed between Dy and Ho (its ionic radius lies between theirs; Bau & Dulski 1995
    and Seredin & Dai 2012 plot REY this way) and the elements from Ho on move one place right.
    """
    order = list(REE_ORDER)
    if include_y:
        order.insert(order.index("Dy") + 1, "Y")
    return {el: i for i, el in enumerate(order)}


def _strip_unit(col: str) -> str:
    """``"La_ppm"`` → ``"La"``; an element symbol is returned as is."""
    head, sep, _ = str(col).partition("_")
    return head if sep else str(col)


@styled
def plot_ree_diagram(data: pd.DataFrame, *, reference: str | None = "chondrite-palme-oneill-2014",
                     normalised: bool = False, include_y: bool = False, labels: Sequence[str] | None = None,
                     max_lines: int = 60, title: str | None = None) -> Figure:
    """Normalised REE diagram: one line per sample on a log y axis, elements in atomic-number order.

    Parameters
    ----------
    data
        One row per sample; columns are element symbols (``La`` … ``Lu``, optionally ``Y``; ``La_ppm`` style
        names are accepted). Values in ppm, or already normalised when ``normalised`` is true. Other columns
        are ignored.
    reference
        Normaliser (:func:`critmin.geochem.references.list_references`) used when ``normalised`` is false.
    normalised
        The values are already divided by a reference composition.
    include_y
        Also plot Y (between Dy and Ho).
    labels
        Legend labels, one per row (default: the row index).
    max_lines
        With more samples than this, the median pattern and the 5–95 % and min–max envelopes are drawn instead
        of one line per sample (``gid`` ``ree-median``, ``ree-p05-p95``, ``ree-min-max``).
    title
        Axes title (default: "REE normalised to <reference>").

    Notes
    -----
    Missing, zero and negative values get no point; a sample's line joins its remaining points, so the line
    runs from Nd to Sm across the empty Pm slot. Sample lines have ``gid`` ``ree-sample-<i>``.
    """
    import pandas as pd

    pos = ree_positions(include_y)
    df = data.rename(columns={c: _strip_unit(c) for c in data.columns})
    df = df.loc[:, ~df.columns.duplicated()]
    elements = [el for el in pos if el in df.columns and el != "Pm"]
    if not elements:
        raise ValueError(f"no REE columns among {list(data.columns)[:20]}; expected La … Lu (ppm)")
    vals = df[elements].apply(pd.to_numeric, errors="coerce")
    if not normalised:
        from critmin.geochem.normalise import normalise

        vals = normalise(vals, reference or "chondrite-palme-oneill-2014")
        elements = [el for el in elements if el in vals.columns]  # the reference may not give every element
        vals = vals[elements]
    y = vals.to_numpy(dtype=float)
    y = np.where(np.isfinite(y) & (y > 0), y, np.nan)
    x = np.array([pos[el] for el in elements], dtype=float)

    fig, axes = new_figure(height_in=3.4)
    ax = axes[0, 0]
    n = y.shape[0]
    if n <= max_lines:
        names = list(labels) if labels is not None else [str(i) for i in data.index]
        for i in range(n):
            ok = np.isfinite(y[i])
            ax.plot(x[ok], y[i, ok], marker="o", markersize=3.2, linewidth=1.1,
                    color=_LINE_COLOURS[i % len(_LINE_COLOURS)], label=names[i] if i < len(names) else None,
                    gid=f"ree-sample-{i}")
        if 1 < n <= 12:
            ax.legend(loc="best", frameon=False, ncols=2 if n > 6 else 1)
    else:
        with np.errstate(all="ignore"):
            q = np.nanpercentile(y, [0, 5, 50, 95, 100], axis=0)
        ax.fill_between(x, q[0], q[4], color=SKY, alpha=0.25, linewidth=0, label="min–max", gid="ree-min-max")
        ax.fill_between(x, q[1], q[3], color=SKY, alpha=0.55, linewidth=0, label="5–95 %", gid="ree-p05-p95")
        ax.plot(x, q[2], marker="o", markersize=3.2, color=BLUE, linewidth=1.4, label=f"median (n = {n:,})",
                gid="ree-median")
        ax.legend(loc="best", frameon=False)
    ax.axhline(1.0, color=GREY, linewidth=0.7, linestyle=":", gid="ree-unity")
    ax.set_yscale("log")
    ax.set_xticks(list(pos.values()))
    ax.set_xticklabels(list(pos))
    for tick in ax.get_xticklabels():
        if tick.get_text() == "Pm":
            tick.set_color("#aaaaaa")
    ax.set_xlim(-0.5, len(pos) - 0.5)
    ax.grid(False, axis="x")
    ref_name = "(given normalisation)" if normalised else (reference or "chondrite-palme-oneill-2014")
    ax.set_ylabel("Sample / reference" if normalised else f"Sample / {ref_name}")
    ax.set_title(title or f"REE normalised to {ref_name}", loc="left")
    return fig


@styled
def plot_spider(normalised: pd.DataFrame, elements: Sequence[str], *, labels: Sequence[str] | None = None,
                ylabel: str = "Sample / reference", title: str | None = None) -> Figure:
    """Multi-element spider diagram of already-normalised values (log y), x in the order of ``elements``.

    Parameters
    ----------
    normalised
        One row per sample with a column per element (values divided by a reference composition, e.g. with
        :func:`critmin.geochem.normalise.normalise`).
    elements
        The x-axis order (e.g. Cs, Rb, Ba, Th, U, Nb, Ta, K, La, Ce, …). An element missing from ``normalised``
        keeps its slot without points, as Pm does on an REE diagram.
    labels
        Legend labels, one per row (default: the row index).

    Notes
    -----
    Lines have ``gid`` ``spider-sample-<i>``; missing, zero and negative values get no point and the line
    joins the remaining ones.
    """
    import pandas as pd

    order = list(elements)
    present = [el for el in order if el in normalised.columns]
    if not present:
        raise ValueError(f"none of {order} is a column of the data")
    x = np.array([order.index(el) for el in present], dtype=float)
    y = normalised[present].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    y = np.where(np.isfinite(y) & (y > 0), y, np.nan)
    fig, axes = new_figure(height_in=3.4)
    ax = axes[0, 0]
    names = list(labels) if labels is not None else [str(i) for i in normalised.index]
    for i in range(y.shape[0]):
        ok = np.isfinite(y[i])
        ax.plot(x[ok], y[i, ok], marker="o", markersize=3.2, linewidth=1.1,
                color=_LINE_COLOURS[i % len(_LINE_COLOURS)], label=names[i] if i < len(names) else None,
                gid=f"spider-sample-{i}")
    if 1 < y.shape[0] <= 12:
        ax.legend(loc="best", frameon=False)
    ax.axhline(1.0, color=GREY, linewidth=0.7, linestyle=":")
    ax.set_yscale("log")
    ax.set_xticks(range(len(order)))
    ax.set_xticklabels(order)
    ax.set_xlim(-0.5, len(order) - 0.5)
    ax.grid(False, axis="x")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, loc="left")
    return fig


# --------------------------------------------------------------------------------------------------- QA/QC


@styled
def plot_control_chart(measured: Any, *, certified: float, sd: float, x: Any = None, crm: str = "",
                       analyte: str = "", unit: str = "ppm", title: str | None = None,
                       tolerance_pct: float | None = None, center_label: str = "certified") -> Figure:
    """Shewhart control chart of a certified reference material (CRM) in analysis order.

    Parameters
    ----------
    measured
        The CRM's results for one analyte, in insertion order (NaN for missing).
    certified, sd
        Certified value and the certificate's between-laboratory standard deviation (same unit).
    x
        x values (analysis time or sequence number); default 1 … n.
    crm, analyte, unit
        For labels.
    tolerance_pct
        When the limits are a relative tolerance of the certified value rather than a certificate SD
        (:func:`critmin.geochem.qaqc.crm_report`: ``sd`` = tolerance/3 of the certified value), label the
        lines as ±2/3 of the tolerance (warning) and ±tolerance (failure) in percent.
    center_label
        Label of the centre line ("certified", or "laboratory mean" for an in-house standard).

    Notes
    -----
    Lines: certified value (``gid`` ``cc-certified``), ±2SD warning (``cc-warn-upper``, ``cc-warn-lower``) and
    ±3SD failure limits (``cc-fail-upper``, ``cc-fail-lower``). Points within ±2SD are ``cc-ok``, between 2 and
    3 SD ``cc-warning``, beyond 3 SD ``cc-failure``. The bias, 100·(mean − certified)/certified, is in the
    title.
    """
    if not (np.isfinite(certified) and np.isfinite(sd) and sd > 0):
        raise ValueError(f"certified value {certified!r} and a positive SD {sd!r} are needed for a control chart")
    y = np.asarray(measured, dtype=float).ravel()
    xs = np.arange(1, y.size + 1) if x is None else np.asarray(x)
    if len(xs) != y.size:
        raise ValueError(f"x has {len(xs)} values for {y.size} results")
    z = (y - certified) / sd
    fig, axes = new_figure(height_in=3.0)
    ax = axes[0, 0]
    ax.axhline(certified, color=GREEN, linewidth=1.2, label=f"{center_label} {certified:.4g}", gid="cc-certified")
    for k, style, name in ((2, "--", "warn"), (3, "-", "fail")):
        color = ORANGE if k == 2 else VERMILION
        line_label = f"±{k} SD" if tolerance_pct is None else f"±{tolerance_pct * k / 3:.3g} %"
        ax.axhline(certified + k * sd, color=color, linestyle=style, linewidth=0.9, label=line_label,
                   gid=f"cc-{name}-upper")
        ax.axhline(certified - k * sd, color=color, linestyle=style, linewidth=0.9, gid=f"cc-{name}-lower")
    ok = np.isfinite(z)
    ax.plot(xs[ok], y[ok], color=GREY, linewidth=0.6, zorder=2)
    for mask, color, gid, label in ((ok & (np.abs(z) <= 2), BLUE, "cc-ok", "within ±2 SD"),
                                    (ok & (np.abs(z) > 2) & (np.abs(z) <= 3), ORANGE, "cc-warning", "2–3 SD"),
                                    (ok & (np.abs(z) > 3), VERMILION, "cc-failure", "beyond 3 SD")):
        ax.plot(xs[mask], y[mask], "o", markersize=3.5, color=color, gid=gid, zorder=3,
                label=f"{label} ({int(mask.sum())})")
    mean = float(np.mean(y[ok])) if ok.any() else float("nan")
    bias = 100.0 * (mean - certified) / certified if certified else float("nan")
    what = " ".join(s for s in (crm, analyte) if s)
    ax.set_title(title or f"{what}: n = {int(ok.sum())}, bias {bias:+.1f} %", loc="left")
    ax.set_xlabel("Analysis order" if x is None else "")
    ax.set_ylabel(f"{analyte} ({unit})" if analyte else unit)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


@styled
def plot_duplicates(original: Any, duplicate: Any, *, analyte: str = "", unit: str = "ppm",
                    detection_limit: float | None = None, group_size: int = 11,
                    title: str | None = None) -> Figure:
    """Duplicate pairs: original vs duplicate (left) and the Thompson–Howarth plot (right).

    Left panel: log–log scatter with the 1:1 line (``gid`` ``dup-1to1``) and ±10 % lines. Right panel: pair mean
    vs absolute difference (``th-pairs``), the group medians (``th-groups``) and the 90th/99th percentile lines
    |d| = 2.3262·σ_c and 3.6428·σ_c (``th-p90``, ``th-p99``) with σ_c = s₀ + s₁·c from
    :func:`critmin.geochem.qaqc.thompson_howarth` (pairs sorted by mean in groups of ``group_size``, median|d|
    regressed on the group median mean, × 1.0484); a vertical line marks the detection limit when given. The
    precision 2σ_c/c at the median pair mean is in the title.

    References
    ----------
    Thompson, M., and Howarth, R.J., 1978, J. Geochem. Explor. 9, 23–30, doi:10.1016/0375-6742(78)90035-3.
    """
    from critmin.geochem.qaqc import thompson_howarth

    a = np.asarray(original, dtype=float).ravel()
    b = np.asarray(duplicate, dtype=float).ravel()
    if a.size != b.size:
        raise ValueError(f"{a.size} originals but {b.size} duplicates")
    both = np.isfinite(a) & np.isfinite(b)
    m, d = (a[both] + b[both]) / 2.0, np.abs(a[both] - b[both])
    th = thompson_howarth(m, d, group_size=group_size)
    ok = both & (a > 0) & (b > 0)
    fig, axes = new_figure(1, 2, height_in=3.0)
    ax = axes[0, 0]
    ax.scatter(a[ok], b[ok], s=10, color=BLUE, linewidths=0, gid="dup-pairs", label=f"pairs (n = {int(ok.sum())})")
    if ok.any():
        lo, hi = float(min(a[ok].min(), b[ok].min())), float(max(a[ok].max(), b[ok].max()))
        line = np.array([lo, hi])
        ax.plot(line, line, color=GREY, linewidth=0.9, gid="dup-1to1", label="1:1")
        ax.plot(line, line * 1.1, color=GREY, linewidth=0.7, linestyle="--", label="±10 %")
        ax.plot(line, line * 0.9, color=GREY, linewidth=0.7, linestyle="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(f"Original {analyte} ({unit})".replace("  ", " "))
    ax.set_ylabel(f"Duplicate {analyte} ({unit})".replace("  ", " "))
    ax.legend(loc="upper left", frameon=False)

    ax = axes[0, 1]
    pos = (m > 0) & (d > 0)
    ax.scatter(m[pos], d[pos], s=9, color=SKY, linewidths=0, gid="th-pairs", label="pairs")
    if th["n_groups"]:
        ax.plot(th["group_means"], th["group_median_abs_diff"], "s", color=BLUE, markersize=4, gid="th-groups",
                label=f"group medians ({group_size} pairs)")
    title_extra = ""
    if th["n_groups"] >= 2 and np.isfinite(th["slope"]) and (m > 0).any():
        c = np.geomspace(float(m[m > 0].min()), float(m.max()), 100)
        sigma = th["intercept"] + th["slope"] * c
        ax.plot(c, TH_P90 * sigma, color=ORANGE, linewidth=1.1, gid="th-p90", label="90th percentile")
        ax.plot(c, TH_P99 * sigma, color=VERMILION, linewidth=1.1, gid="th-p99", label="99th percentile")
        cm = float(np.median(m))
        prec = 200.0 * (th["intercept"] + th["slope"] * cm) / cm if cm > 0 else float("nan")
        title_extra = f"; precision 2σ/c = {prec:.1f} % at {cm:.3g} {unit}"
    if detection_limit is not None and np.isfinite(detection_limit):
        ax.axvline(detection_limit, color=GREY, linestyle=":", linewidth=0.9, gid="th-dl", label="DL")
    if pos.any():
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(f"Pair mean ({unit})")
    ax.set_ylabel(f"|original − duplicate| ({unit})")
    ax.legend(loc="upper left", frameon=False)
    fig.suptitle(title or f"{analyte} duplicates: {int(ok.sum())} pairs{title_extra}".strip(), x=0.01,
                 ha="left", fontsize=9)
    return fig


# --------------------------------------------------------------------------------------------------- anomalies


def _threshold_lines(ax: Axes, thresholds: Mapping[str, float], *, vertical: bool) -> bool:
    """Draw the thresholds; name each in the legend when there are at most 6 (else one summary entry).

    Returns whether a legend is worth drawing.
    """
    colours = (VERMILION, ORANGE, PURPLE, GREEN, BLUE, GREY)
    items = [(str(k), float(v)) for k, v in thresholds.items() if v is not None and np.isfinite(v)]
    many = len(items) > len(colours)
    for i, (name, value) in enumerate(items):
        if many:
            label = f"{len(items)} thresholds, {min(v for _, v in items):.4g}–{max(v for _, v in items):.4g}" \
                if i == 0 else None
            kw: dict[str, Any] = {"color": VERMILION, "linestyle": "--", "linewidth": 0.7, "alpha": 0.6,
                                  "label": label}
        else:
            kw = {"color": colours[i], "linestyle": "--", "linewidth": 1.1, "label": f"{name} {value:.4g}"}
        line = ax.axvline(value, **kw) if vertical else ax.axhline(value, **kw)
        line.set_gid(f"threshold-{name}")
    return bool(items)


@styled
def plot_anomaly_histogram(values: Any, thresholds: Mapping[str, float] | None = None, *, log: bool = True,
                           bins: int = 40, variable: str = "", unit: str = "ppm",
                           title: str | None = None) -> Figure:
    """Histogram of one variable with anomaly thresholds as vertical lines.

    Parameters
    ----------
    values
        The variable (NaN, and non-positive values on a log axis, are left out and counted in the title).
    thresholds
        Name → threshold in the variable's unit (e.g. ``{"mad": 41.0, "tukey": 55.2}``); lines have ``gid``
        ``threshold-<name>``.
    log
        Logarithmic bins and x axis (geochemical data are usually right-skewed; Reimann et al. 2005).
    """
    v = _finite(values)
    dropped = np.asarray(values, dtype=float).size - v.size
    if log:
        dropped += int((v <= 0).sum())
        v = v[v > 0]
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    if v.size:
        edges = (np.geomspace(v.min(), v.max(), bins + 1) if log and v.min() < v.max()
                 else np.linspace(v.min(), v.max() + (0 if v.min() < v.max() else 1), bins + 1))
        ax.hist(v, bins=edges, color=SKY, edgecolor="white", linewidth=0.3, gid="anomaly-hist")
    legend = _threshold_lines(ax, thresholds or {}, vertical=True)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(f"{variable} ({unit})".strip() if variable else unit)
    ax.set_ylabel("Samples")
    note = f", {dropped} not shown" if dropped else ""
    ax.set_title(title or f"{variable}: n = {v.size:,}{note}".lstrip(": "), loc="left")
    if legend:
        ax.legend(loc="upper right", frameon=False)
    return fig


@styled
def plot_probability(values: Any, thresholds: Mapping[str, float] | None = None, *, log: bool = True,
                     variable: str = "", unit: str = "ppm", title: str | None = None) -> Figure:
    """Normal probability plot (cumulative probability plot) with anomaly thresholds as vertical lines.

    The sorted values are plotted against the standard-normal quantiles of the plotting positions
    (i − 0.5)/n (``gid`` ``probability-points``); with ``log`` the x axis is logarithmic, so a lognormal
    population is a straight line and breaks of slope suggest mixed populations (Sinclair 1974,
    doi:10.1016/0375-6742(74)90030-2).
    """
    from scipy.stats import norm

    v = np.sort(_finite(values))
    if log:
        v = v[v > 0]
    n = v.size
    z = norm.ppf((np.arange(1, n + 1) - 0.5) / n) if n else np.empty(0)
    fig, axes = new_figure(height_in=2.8)
    ax = axes[0, 0]
    if n > 20000:  # keep the figure light: every rank in the tails, an even subsample in between
        idx = np.unique(np.r_[np.arange(200), np.linspace(0, n - 1, 20000).astype(int), np.arange(n - 200, n)])
        vx, zy = v[idx], z[idx]
    else:
        vx, zy = v, z
    ax.plot(vx, zy, ".", markersize=2.5, color=BLUE, gid="probability-points")
    legend = _threshold_lines(ax, thresholds or {}, vertical=True)
    if log:
        ax.set_xscale("log")
    probs = np.array([0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999])
    ax.set_yticks(norm.ppf(probs))
    ax.set_yticklabels([f"{100 * p:g}" for p in probs])
    ax.set_ylabel("Cumulative probability (%)")
    ax.set_xlabel(f"{variable} ({unit})".strip() if variable else unit)
    ax.set_title(title or f"{variable}: n = {n:,}".lstrip(": "), loc="left")
    if legend:
        ax.legend(loc="lower right", frameon=False)
    return fig
