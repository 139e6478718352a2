"""Plots of critmin results (matplotlib; an adapter layer — domain packages never import it).

Every function takes a library result object and returns a :class:`matplotlib.figure.Figure` drawn on the Agg
canvas (no pyplot, no global figure state, safe in threads and servers). matplotlib is imported only when a plot
function is called, so ``import critmin.plot`` is cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "figure_to_svg",
    "plot_economic_filter",
    "plot_gt_scatter",
    "plot_marginal_fits",
    "plot_pmf",
    "plot_totals_ccdf",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from critmin.plot import assessment

        return getattr(assessment, name)
    raise AttributeError(f"module 'critmin.plot' has no attribute {name!r}")
