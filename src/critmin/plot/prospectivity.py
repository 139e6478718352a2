"""Figures of prospectivity validation: ROC curve, success-rate curve and prediction–area (P-A) plot.

Also a PNG overview of a result raster (for the UI map layer), rendered from the COG's overview level.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from critmin.plot.style import BLUE, GREY, ORANGE, VERMILION, new_figure, styled

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["raster_overview_png", "validation_figure"]


@styled
def validation_figure(v: Any, *, title: str = "") -> Figure:
    """ROC, success-rate and P-A panels of a :class:`critmin.prospectivity.validation.Validation`."""
    fig, axes = new_figure(1, 3, height_in=2.6)
    ax = axes[0, 0]
    ax.plot(v.roc_fpr, v.roc_tpr, color=BLUE, lw=1.2)
    ax.plot([0, 1], [0, 1], color=GREY, lw=0.6, ls="--")
    ax.set(xlabel=f"False-positive rate ({v.background} background)", ylabel="True-positive rate",
           title=f"ROC, AUC = {v.auc:.3f}", xlim=(0, 1), ylim=(0, 1))
    ax = axes[0, 1]
    ax.plot(100 * v.success_area, 100 * v.success_deposits, color=VERMILION, lw=1.2)
    ax.plot([0, 100], [0, 100], color=GREY, lw=0.6, ls="--")
    ax.set(xlabel="Study area classified prospective (%)", ylabel="Deposits captured (%)",
           title=f"Success rate, efficiency = {v.efficiency:.3f}", xlim=(0, 100), ylim=(0, 100))
    ax = axes[0, 2]
    t = v.pa_threshold
    ax.plot(t, v.pa_prediction_rate, color=BLUE, lw=1.2, label="Prediction rate (%)")
    ax.set_xlabel("Prospectivity threshold")
    ax.set_ylabel("Deposits predicted (%)")
    ax2 = ax.twinx()
    ax2.plot(t, 100 - v.pa_area_pct, color=ORANGE, lw=1.2, label="Area (%)")
    ax2.invert_yaxis()
    ax2.set_ylabel("Area above threshold (%)")
    ax2.grid(False)
    pi = v.pa_intersection
    ax.axvline(pi["threshold"], color=GREY, lw=0.6, ls=":")
    ax.set_title(f"P-A: {pi['prediction_rate_pct']:.0f} % deposits in {pi['area_pct']:.0f} % area")
    if title:
        fig.suptitle(title)
    return fig


def raster_overview_png(path: str | Path, out: str | Path, *, max_size: int = 1024) -> dict[str, Any]:
    """Render a single-band raster to an RGBA PNG (viridis, NaN transparent) from its overviews.

    Returns the PNG's bounds in EPSG:4326 (``[west, south, east, north]``) and the value range, for a map
    image layer (the bounds are the corners of the raster's envelope, reprojected).
    """
    import rasterio
    from matplotlib import colormaps
    from matplotlib.image import imsave
    from rasterio.enums import Resampling
    from rasterio.warp import transform_bounds

    with rasterio.open(path) as src:
        scale = max(src.width / max_size, src.height / max_size, 1.0)
        h, w = max(1, int(src.height / scale)), max(1, int(src.width / scale))
        arr = src.read(1, out_shape=(h, w), resampling=Resampling.average, masked=True).astype(np.float64)
        data = arr.filled(np.nan)
        bounds = transform_bounds(src.crs, "EPSG:4326", *src.bounds) if src.crs else tuple(src.bounds)
    finite = np.isfinite(data)
    lo, hi = (float(np.nanpercentile(data, 2)), float(np.nanpercentile(data, 98))) if finite.any() else (0.0, 1.0)
    norm = np.clip((data - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
    rgba = colormaps["viridis"](np.nan_to_num(norm))
    rgba[..., 3] = np.where(finite, 0.85, 0.0)
    imsave(out, rgba)
    return {"bounds": [float(b) for b in bounds], "min": lo, "max": hi, "width": w, "height": h}
