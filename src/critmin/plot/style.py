"""The house style shared by every critmin figure: palette, page width, rc settings, the Agg figure factory.

matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

P = ParamSpec("P")
R = TypeVar("R")

# Okabe & Ito (2008) colour-blind-safe palette
BLUE, ORANGE, GREEN, VERMILION, SKY, PURPLE, GREY = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9",
                                                    "#CC79A7", "#6E6E6E")

WIDTH_IN = 6.7
"""Figure width (inches): the text width of an A4 page with 20 mm margins."""

RC: dict[str, Any] = {"font.size": 8.5, "axes.titlesize": 9, "axes.labelsize": 8.5, "legend.fontsize": 7.5,
                      "xtick.labelsize": 7.5, "ytick.labelsize": 7.5, "axes.spines.top": False,
                      "axes.spines.right": False, "axes.grid": True, "grid.color": "#dddddd",
                      "grid.linewidth": 0.5, "font.family": "DejaVu Sans"}


def styled(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a plot function inside the house style (``matplotlib.rc_context``)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        import matplotlib as mpl

        with mpl.rc_context(cast(Any, RC)):
            return fn(*args, **kwargs)

    return wrapper


def new_figure(nrows: int = 1, ncols: int = 1, *, height_in: float = 3.0,
               width_in: float = WIDTH_IN) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure on the Agg canvas and its axes (always a 2-D array)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.ravel():
        ax.set_axisbelow(True)
    return fig, axes
