"""Raster layers on one grid: reading (chunked), grid checks, nodata conventions, valid masks, COG output.

A :class:`Layer` is a named 2-D :class:`xarray.DataArray` (rioxarray-aware, usually Dask-backed) plus its nodata
value. Every model in :mod:`critmin.prospectivity` takes layers that share one :class:`Grid`; a mismatch in CRS,
transform or shape is an :class:`~critmin.errors.InputError` naming both layers. Outputs are written as
Cloud-Optimized GeoTIFFs streamed block by block (never the whole raster in memory).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from rasterio.crs import CRS
from rasterio.transform import Affine

from critmin.errors import InputError

__all__ = ["DEFAULT_CHUNK", "Grid", "Layer", "ProspectivityWarning", "check_same_grid", "layer_from_array",
           "read_layer", "valid_mask", "write_cog", "write_cogs"]

DEFAULT_CHUNK = 2048
"""Default Dask chunk edge (pixels) for reading rasters."""
COG_CACHE_MB = 64
"""GDAL block cache (MB) while copying to a COG (GDAL's default, 5 % of RAM, would hold the whole raster)."""


class ProspectivityWarning(UserWarning):
    """A questionable but usable input (deposits outside the study area, classes without deposits, …)."""


@dataclass(frozen=True)
class Grid:
    """A raster grid: CRS, affine transform (pixel corners) and shape ``(rows, cols)``."""

    crs: CRS | None
    transform: Affine
    shape: tuple[int, int]

    @property
    def pixel_area_km2(self) -> float:
        """Area of one pixel in km² (the CRS must be projected, in metres)."""
        if self.crs is not None and self.crs.is_geographic:
            raise InputError(f"the grid's CRS {self.crs.to_string()} is geographic (degrees); areas in km² need a "
                             "projected CRS in metres: reproject the layers first (critmin.prospectivity.evidence."
                             "align)")
        t = self.transform
        return abs(t.a * t.e - t.b * t.d) / 1e6

    @property
    def n_pixels(self) -> int:
        """Number of pixels in the grid."""
        return self.shape[0] * self.shape[1]

    def same_as(self, other: Grid, *, tol: float = 1e-6) -> bool:
        """True if both grids have equal CRS, shape and transform (to ``tol`` of a pixel)."""
        if self.shape != other.shape or not _same_crs(self.crs, other.crs):
            return False
        pix = max(abs(self.transform.a), abs(self.transform.e), 1e-12)
        return all(abs(a - b) <= tol * pix for a, b in zip(self.transform[:6], other.transform[:6], strict=True))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe description."""
        return {"crs": self.crs.to_string() if self.crs is not None else None,
                "transform": list(self.transform[:6]), "shape": list(self.shape)}


def _same_crs(a: CRS | None, b: CRS | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    ea, eb = a.to_epsg(), b.to_epsg()
    return ea is not None and ea == eb


@dataclass(frozen=True)
class Layer:
    """A named evidence raster on a grid.

    Attributes
    ----------
    name
        Name used in messages and tables (usually the file stem).
    data
        2-D DataArray (numpy- or Dask-backed) with dims ``(y, x)``.
    grid
        The raster's grid.
    nodata
        Value marking missing pixels (``None``: none declared; NaN is always missing in float rasters).
    source
        File the layer was read from, if any.
    """

    name: str
    data: xr.DataArray
    grid: Grid
    nodata: float | None = None
    source: str | None = None

    def valid(self) -> Any:
        """Boolean array (numpy or Dask) of pixels that are not nodata/NaN."""
        return valid_mask(self.data.data, self.nodata)


def valid_mask(values: Any, nodata: float | None) -> Any:
    """Boolean mask of usable pixels: not NaN (float) and not equal to ``nodata``."""
    ok = values == values  # False only for NaN
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        ok = ok & (values != nodata)
    return ok


def layer_from_array(values: Any, grid: Grid, *, name: str, nodata: float | None = None) -> Layer:
    """Wrap a numpy or Dask 2-D array as a :class:`Layer` on ``grid``."""
    if values.ndim != 2 or tuple(values.shape) != grid.shape:
        raise InputError(f"layer {name!r}: array shape {tuple(values.shape)} does not match the grid "
                         f"{grid.shape}")
    da = xr.DataArray(values, dims=("y", "x"), name=name)
    return Layer(name=name, data=da, grid=grid, nodata=nodata)


def read_layer(path: str | Path, *, name: str | None = None, chunks: int | None = DEFAULT_CHUNK,
               nodata: float | None = None) -> Layer:
    """Open a single-band raster lazily (Dask chunks of ``chunks`` pixels; ``None`` reads it into memory).

    Parameters
    ----------
    path
        GeoTIFF (or any GDAL raster) with one band.
    name
        Layer name; defaults to the file stem.
    chunks
        Chunk edge in pixels, or ``None`` for an in-memory numpy array.
    nodata
        Override the file's nodata value (e.g. ``-9999`` when the file does not declare it).
    """
    import rioxarray

    p = Path(path)
    if not p.exists():
        raise InputError(f"raster {p} does not exist", file=p)
    try:
        da = rioxarray.open_rasterio(p, chunks={"band": 1, "y": chunks, "x": chunks} if chunks else None,
                                     masked=False, lock=False)
    except Exception as exc:  # rasterio raises many types; report them as bad input
        raise InputError(f"cannot read raster {p}: {exc}", file=p) from None
    if not isinstance(da, xr.DataArray) or da.sizes.get("band", 1) != 1:
        raise InputError(f"raster {p} has {getattr(da, 'sizes', {}).get('band', '?')} bands; expected one band "
                         "per evidence layer (split it first)", file=p)
    band = da.isel(band=0, drop=True)
    nd = nodata if nodata is not None else band.rio.nodata
    grid = Grid(crs=band.rio.crs, transform=band.rio.transform(), shape=(band.sizes["y"], band.sizes["x"]))
    if chunks is None:
        band = band.load()
    return Layer(name=name or p.stem, data=band, grid=grid, nodata=None if nd is None else float(nd),
                 source=str(p))


def check_same_grid(layers: Sequence[Layer]) -> Grid:
    """The common grid of ``layers``; :class:`InputError` naming the first mismatching pair."""
    if not layers:
        raise InputError("no evidence layers given; pass at least one raster")
    ref = layers[0]
    for lay in layers[1:]:
        if not _same_crs(ref.grid.crs, lay.grid.crs):
            raise InputError(f"layer {lay.name!r} has CRS {_crs_name(lay.grid.crs)} but layer {ref.name!r} has "
                             f"{_crs_name(ref.grid.crs)}; reproject to one template grid first "
                             "(critmin.prospectivity.evidence.align)")
        if not ref.grid.same_as(lay.grid):
            raise InputError(f"layer {lay.name!r} is on a different grid (shape {lay.grid.shape}, origin "
                             f"{lay.grid.transform.c:.3f},{lay.grid.transform.f:.3f}, pixel {lay.grid.transform.a:g})"
                             f" than layer {ref.name!r} (shape {ref.grid.shape}, origin {ref.grid.transform.c:.3f},"
                             f"{ref.grid.transform.f:.3f}, pixel {ref.grid.transform.a:g}); align them to one "
                             "template grid first")
    return ref.grid


def _crs_name(crs: CRS | None) -> str:
    if crs is None:
        return "none"
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else (crs.to_string()[:60] + "…")


def _blocks(shape: tuple[int, int], block: int) -> Iterable[tuple[slice, slice]]:
    for r0 in range(0, shape[0], block):
        for c0 in range(0, shape[1], block):
            yield slice(r0, min(r0 + block, shape[0])), slice(c0, min(c0 + block, shape[1]))


def write_cog(values: Any, grid: Grid, path: str | Path, *, nodata: float | None = None,
              dtype: str | None = None, block: int = DEFAULT_CHUNK, compress: str = "DEFLATE") -> Path:
    """Write a 2-D array (numpy or Dask) as a Cloud-Optimized GeoTIFF, block by block (see :func:`write_cogs`)."""
    return write_cogs({Path(path).stem: values}, grid, Path(path).parent, nodata=nodata, dtype=dtype, block=block,
                      compress=compress, names={Path(path).stem: Path(path).name})[Path(path).stem]


def write_cogs(arrays: dict[str, Any], grid: Grid, out_dir: str | Path, *, nodata: float | None = None,
               dtype: str | None = None, block: int = DEFAULT_CHUNK, compress: str = "DEFLATE",
               names: dict[str, str] | None = None,
               on_block: Callable[[dict[str, np.ndarray]], None] | None = None) -> dict[str, Path]:
    """Write several arrays on one grid as Cloud-Optimized GeoTIFFs in one pass over the blocks.

    Every ``block``×``block`` window of all arrays is computed together (one Dask ``compute`` per window, so a
    shared graph — e.g. a posterior and its standard deviation — is evaluated once), passed to ``on_block`` (to
    accumulate statistics in the same pass) and written into tiled temporary GeoTIFFs; GDAL's COG driver then
    copies each (with overviews) to ``<out_dir>/<name>.tif``. Peak memory is one window of every array. Outputs
    appear only when complete (no partial writes).
    """
    import dask
    import rasterio
    from rasterio.shutil import copy as rio_copy
    from rasterio.windows import Window

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {k: out / (names or {}).get(k, f"{k}.tif") for k in arrays}
    dts = {}
    for k, v in arrays.items():
        dt = np.dtype(dtype or v.dtype)
        dts[k] = np.dtype("uint8") if dt == np.bool_ else dt
    tmps: dict[str, str] = {}
    parts = {k: p.with_name(p.name + ".part") for k, p in files.items()}
    try:
        dsts = {}
        for k in arrays:
            fd, tmps[k] = tempfile.mkstemp(suffix=".tif", dir=out)
            os.close(fd)
            dsts[k] = rasterio.open(tmps[k], "w", driver="GTiff", height=grid.shape[0], width=grid.shape[1],
                                    count=1, dtype=dts[k].name, crs=grid.crs, transform=grid.transform,
                                    nodata=nodata, tiled=True, blockxsize=512, blockysize=512, BIGTIFF="IF_SAFER")
        try:
            for rs, cs in _blocks(grid.shape, block):
                wins = [arrays[k][rs, cs] for k in arrays]
                lazy = [i for i, w in enumerate(wins) if hasattr(w, "compute")]
                if lazy:
                    done = dask.compute(*[wins[i] for i in lazy])
                    for i, val in zip(lazy, done, strict=True):
                        wins[i] = val
                got = {k: np.asarray(w).astype(dts[k], copy=False) for k, w in zip(arrays, wins, strict=True)}
                if on_block is not None:
                    on_block(got)
                for k, arr in got.items():
                    dsts[k].write(arr, 1, window=Window(cs.start, rs.start, arr.shape[1], arr.shape[0]))
        finally:
            for d in dsts.values():
                d.close()
        for k in arrays:
            opts: dict[str, Any] = {"COMPRESS": compress, "BLOCKSIZE": 512, "BIGTIFF": "IF_SAFER",
                                    "NUM_THREADS": "ALL_CPUS",
                                    "OVERVIEW_RESAMPLING": "AVERAGE" if dts[k].kind == "f" else "NEAREST"}
            if compress == "DEFLATE":
                opts["LEVEL"] = 1
            with rasterio.Env(GDAL_CACHEMAX=COG_CACHE_MB):
                rio_copy(tmps[k], parts[k], driver="COG", **opts)
        for k in arrays:
            os.replace(parts[k], files[k])
    finally:
        for p in [*tmps.values(), *map(str, parts.values())]:
            if os.path.exists(p):
                os.remove(p)
    return files
