"""Known deposits as training points: reading, locating them on a grid, and the two counting conventions.

``points`` (ArcSDM, Geoscience Australia): every deposit point is sampled where it falls, so two deposits in one
pixel count twice. ``pixels`` (EIS Toolkit): the points are rasterised, so a pixel holding several deposits counts
once. Points outside the grid or on nodata pixels of the study area are dropped with a
:class:`~critmin.prospectivity.raster.ProspectivityWarning` that says how many and which.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from critmin.errors import InputError
from critmin.prospectivity.raster import Grid, ProspectivityWarning

__all__ = ["CountMode", "DepositCells", "deposit_cells", "read_deposits"]

CountMode = Literal["points", "pixels"]


def read_deposits(path: str | Path, grid: Grid | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read point deposits (any OGR vector, or CSV with ``x``/``y`` columns) as coordinate arrays.

    Multi-points are exploded; polygons and lines are rejected. If ``grid`` is given the points are reprojected
    to its CRS (a file without a CRS is assumed to be in the grid's CRS, with no reprojection).
    """
    import geopandas as gpd

    p = Path(path)
    if not p.exists():
        raise InputError(f"deposit file {p} does not exist", file=p)
    if p.suffix.lower() == ".csv":
        import pandas as pd

        frame = pd.read_csv(p)
        cols = {c.lower(): c for c in frame.columns}
        if "x" not in cols or "y" not in cols:
            raise InputError(f"deposit CSV has columns {list(frame.columns)}; expected x and y (in the grid's CRS)",
                             file=p)
        x = frame[cols["x"]].to_numpy(float)
        y = frame[cols["y"]].to_numpy(float)
        return x, y
    try:
        gdf = gpd.read_file(p)
    except Exception as exc:
        raise InputError(f"cannot read deposits from {p}: {exc}", file=p) from None
    if len(gdf) == 0:
        raise InputError(f"{p} has no deposit records", file=p)
    gdf = gdf[~gdf.geometry.is_empty & gdf.geometry.notna()].explode(index_parts=False)
    kinds = set(gdf.geom_type)
    if kinds - {"Point"}:
        raise InputError(f"{p} holds {', '.join(sorted(kinds))} geometries; deposits must be points", file=p)
    if grid is not None and grid.crs is not None and gdf.crs is not None and gdf.crs != grid.crs:
        gdf = gdf.to_crs(grid.crs)
    return gdf.geometry.x.to_numpy(float), gdf.geometry.y.to_numpy(float)


@dataclass(frozen=True)
class DepositCells:
    """Deposits located on a grid.

    Attributes
    ----------
    rows, cols
        Pixel indices of the counted deposits (``points``: one entry per point, repeats allowed;
        ``pixels``: one per distinct pixel).
    mode
        The counting convention.
    n_input
        Points given.
    n_outside
        Points dropped because they fall outside the grid or on a nodata pixel.
    """

    rows: np.ndarray
    cols: np.ndarray
    mode: CountMode
    n_input: int
    n_outside: int

    @property
    def n(self) -> int:
        """Number of counted deposits (points or distinct pixels)."""
        return int(self.rows.size)

    def flat(self, grid: Grid) -> np.ndarray:
        """Flat (row-major) pixel indices."""
        return self.rows.astype(np.int64) * grid.shape[1] + self.cols.astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary."""
        return {"mode": self.mode, "n_input": self.n_input, "n_counted": self.n, "n_outside": self.n_outside}


def deposit_cells(x: np.ndarray, y: np.ndarray, grid: Grid, *, mode: CountMode = "points",
                  valid: Any = None, layer: str = "study area") -> DepositCells:
    """Locate deposit points on ``grid`` with the ``points`` or ``pixels`` convention.

    Parameters
    ----------
    x, y
        Coordinates in the grid's CRS.
    grid
        The evidence grid.
    mode
        ``points`` keeps every point; ``pixels`` keeps each distinct pixel once.
    valid
        Optional boolean array (numpy or Dask) of study-area pixels; deposits on other pixels are dropped.
    layer
        Name used in the warning about dropped deposits.
    """
    if mode not in ("points", "pixels"):
        raise InputError(f"count mode {mode!r} is not one of points, pixels")
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    inv = ~grid.transform
    col_f = inv.a * x + inv.b * y + inv.c
    row_f = inv.d * x + inv.e * y + inv.f
    col = np.floor(np.asarray(col_f)).astype(np.int64)
    row = np.floor(np.asarray(row_f)).astype(np.int64)
    inside = (row >= 0) & (row < grid.shape[0]) & (col >= 0) & (col < grid.shape[1]) & np.isfinite(x) & np.isfinite(y)
    if valid is not None and inside.any():
        vals = _sample(valid, row[inside], col[inside])
        ok = np.zeros_like(inside)
        ok[np.flatnonzero(inside)] = vals.astype(bool)
        inside = ok
    n_out = int((~inside).sum())
    if n_out:
        idx = np.flatnonzero(~inside)[:5] + 1
        warnings.warn(f"{n_out} of {x.size} deposits fall outside the {layer} (grid extent or nodata pixels) and are"
                      f" not counted (records {', '.join(map(str, idx))}{'…' if n_out > 5 else ''})",
                      ProspectivityWarning, stacklevel=2)
    row, col = row[inside], col[inside]
    if mode == "pixels" and row.size:
        flat = np.unique(row * grid.shape[1] + col)
        row, col = flat // grid.shape[1], flat % grid.shape[1]
    if row.size == 0:
        raise InputError(f"no deposit falls inside the {layer}: check that the deposits and the evidence share a "
                         "CRS and extent")
    return DepositCells(rows=row, cols=col, mode=mode, n_input=int(x.size), n_outside=n_out)


def _sample(values: Any, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values at pixel indices from a numpy or Dask 2-D array (Dask: only the touched chunks are read)."""
    if hasattr(values, "vindex"):
        return np.asarray(values.vindex[rows, cols].compute())
    return np.asarray(values)[rows, cols]


def sample(values: Any, cells: DepositCells) -> np.ndarray:
    """Raster values at the counted deposits."""
    return _sample(values, cells.rows, cells.cols)
