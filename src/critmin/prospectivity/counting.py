"""One-pass class counting (bincount-style), independent of the number of classes, chunk by chunk.

The pixel count of every class of an integer evidence raster is gathered in a single pass over the data: each
block is reduced with :func:`numpy.bincount` (small integer ranges) or :func:`numpy.unique` (sparse codes), and
the per-block tables are merged. A Dask-backed raster streams through block by block; memory is one block.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from critmin.errors import InputError

__all__ = ["class_counts", "lookup"]

_BINCOUNT_MAX_RANGE = 1 << 22


def _block_counts(values: np.ndarray, valid: np.ndarray | None, nodata: float | None) -> tuple[np.ndarray,
                                                                                               np.ndarray, float]:
    v = np.asarray(values)
    ok = v == v
    if nodata is not None and not np.isnan(nodata):
        ok &= v != nodata
    if valid is not None:
        ok &= np.asarray(valid, bool)
    vals = v[ok]
    bad = np.nan
    if vals.size == 0:
        return np.empty(0, np.float64), np.empty(0, np.int64), bad
    if vals.dtype.kind == "f":
        frac = vals != np.round(vals)
        if frac.any():
            bad = float(vals[frac][0])
            return np.empty(0, np.float64), np.empty(0, np.int64), bad
        if np.abs(vals).max() < 2**53:
            vals = vals.astype(np.int64)
    if vals.dtype.kind in "iub":
        lo, hi = int(vals.min()), int(vals.max())
        if hi - lo < _BINCOUNT_MAX_RANGE:
            cnt = np.bincount((vals.astype(np.int64) - lo), minlength=hi - lo + 1)
            nz = np.flatnonzero(cnt)
            return (nz + lo).astype(np.float64), cnt[nz].astype(np.int64), bad
    u, c = np.unique(vals, return_counts=True)
    return u.astype(np.float64), c.astype(np.int64), bad


def class_counts(values: Any, *, nodata: float | None = None, valid: Any = None,
                 layer: str = "evidence") -> tuple[np.ndarray, np.ndarray]:
    """Sorted class values and their pixel counts over the valid pixels.

    Parameters
    ----------
    values
        2-D numpy or Dask array of class codes (integers, or floats holding whole numbers).
    nodata
        Missing-value code (NaN is always missing).
    valid
        Optional boolean mask (same shape and chunks) of the study area.
    layer
        Name used in error messages.

    Raises
    ------
    InputError
        If a valid pixel holds a non-integer value (the layer must be classified first).
    """
    if hasattr(values, "to_delayed"):
        import dask
        import dask.array as da

        vb = values.to_delayed().ravel()
        mb = (da.asarray(valid).rechunk(values.chunks).to_delayed().ravel() if valid is not None
              else [None] * len(vb))
        parts = dask.compute(*[dask.delayed(_block_counts)(v, m, nodata) for v, m in zip(vb, mb, strict=True)])
    else:
        parts = (_block_counts(values, valid, nodata),)
    for _, _, bad in parts:
        if not np.isnan(bad):
            raise InputError(f"layer {layer!r} holds non-integer class values (e.g. {bad:g}); weights of evidence "
                             "needs a classified (integer) raster: reclassify it first "
                             "(critmin.prospectivity.evidence.reclassify)")
    keys = np.concatenate([p[0] for p in parts]) if parts else np.empty(0)
    cnts = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.int64)
    if keys.size == 0:
        return keys, cnts
    u, inv = np.unique(keys, return_inverse=True)
    return u, np.bincount(inv, weights=cnts, minlength=u.size).astype(np.int64)


def lookup(values: Any, classes: np.ndarray, table: np.ndarray, *, nodata: float | None = None,
           fill: float = np.nan) -> Any:
    """Map class codes to ``table`` values (``table[i]`` for ``classes[i]``), block-wise for Dask arrays.

    Pixels whose class is not in ``classes`` (or nodata/NaN) get ``fill``.
    """
    classes = np.asarray(classes, np.float64)
    table = np.asarray(table, np.float64)
    order = np.argsort(classes)
    cs, ts = classes[order], table[order]
    dense: np.ndarray | None = None
    lo = 0
    if cs.size and np.all(cs == np.round(cs)) and cs[-1] - cs[0] < _BINCOUNT_MAX_RANGE:
        lo = int(cs[0])
        dense = np.full(int(cs[-1]) - lo + 2, fill, np.float64)  # last slot: "not a class"
        dense[(cs - lo).astype(np.int64)] = ts

    def _map_dense(block: np.ndarray) -> np.ndarray:
        assert dense is not None
        b = np.asarray(block)
        with np.errstate(invalid="ignore"):
            idx = b.astype(np.int64) - lo if b.dtype.kind != "f" else np.where(b == b, b, -1).astype(np.int64) - lo
        miss = (idx < 0) | (idx >= dense.size - 1)
        if b.dtype.kind == "f":
            miss |= b != np.round(b)
        if nodata is not None:
            miss |= b == nodata
        idx[miss] = dense.size - 1
        return dense[idx]

    def _map(block: np.ndarray) -> np.ndarray:
        b = np.asarray(block, np.float64)
        idx = np.searchsorted(cs, b)
        idx_c = np.clip(idx, 0, max(cs.size - 1, 0))
        hit = (cs.size > 0) & (cs[idx_c] == b) if cs.size else np.zeros(b.shape, bool)
        if nodata is not None:
            hit &= b != nodata
        out = np.full(b.shape, fill, np.float64)
        out[hit] = ts[idx_c[hit]]
        return out

    fn = _map_dense if dense is not None else _map
    if hasattr(values, "map_blocks"):
        return values.map_blocks(fn, dtype=np.float64)
    return fn(values)
