"""Evidence preparation: template grid, align (reproject/resample, chunked), rasterise (chunked), Euclidean
distance (exact EDT; chunked with a halo equals the in-memory transform up to the cap), reclassify, normalise.

Anchors: scipy.ndimage.distance_transform_edt on the whole grid (the exact transform of Maurer et al. 2003) and
brute-force distances to the feature pixels; rasterio.warp.reproject for alignment.
"""

from __future__ import annotations

import dask.array as da
import geopandas as gpd
import numpy as np
import pytest
import rasterio
from shapely.geometry import LineString, Point

from critmin.errors import InputError
from critmin.prospectivity.evidence import align, distance_to, normalise, rasterize, reclassify, template_grid
from critmin.prospectivity.raster import layer_from_array
from tests.prospectivity.conftest import GA_RESPONSE


def test_template_grid_snaps_outward() -> None:
    g = template_grid([1030.0, 2010.0, 1990.0, 2990.0], 100.0, "EPSG:3857")
    assert g.shape == (10, 10) and g.transform.c == 1000.0 and g.transform.f == 3000.0
    with pytest.raises(InputError, match="empty"):
        template_grid([0, 0, 0, 1], 10, "EPSG:3857")


def test_rasterize_chunked_and_distance_matches_brute_force() -> None:
    g = template_grid([0, 0, 3000, 3000], 100.0, "EPSG:3857")
    lines = gpd.GeoDataFrame(geometry=[LineString([(150, 150), (2850, 2850)]), Point(2450, 550).buffer(1)],
                             crs="EPSG:3857")
    burnt = rasterize(lines, g, chunk=7, dtype="uint8", all_touched=True)
    arr = np.asarray(burnt.data.data.compute())
    assert arr.sum() > 27 and arr[-2, 1] == 1  # the diagonal line crosses (row 28, col 1)
    whole = distance_to(layer_from_array(arr, g, name="f"))
    rr, cc = np.nonzero(arr)
    pr, pc = np.mgrid[0:30, 0:30]
    brute = np.min(np.hypot(pr[..., None] - rr, pc[..., None] - cc), axis=-1) * 100.0
    np.testing.assert_allclose(np.asarray(whole.data.data), brute, rtol=1e-6)
    capped = distance_to(layer_from_array(da.from_array(arr, chunks=8), g, name="f"), max_distance_m=500.0)
    np.testing.assert_allclose(capped.data.data.compute(), np.minimum(brute, 500.0), rtol=1e-6)


def test_align_reprojects_lazily(tmp_path) -> None:
    src = GA_RESPONSE / "StratNo.tif"
    with rasterio.open(src) as s:
        b = s.bounds
    g = template_grid([b.left, b.bottom, b.left + 20_000, b.bottom + 20_000], 250.0, "EPSG:7845")
    lay = align(src, g, resampling="nearest", chunk=32)
    got = np.asarray(lay.data.data.compute())
    assert got.shape == g.shape and g.shape[0] >= 80 and set(np.unique(got)) <= {1, 2, 3}
    # a pixel centre sampled directly from the source agrees (nearest neighbour, same CRS)
    x = g.transform.c + 10.5 * 250.0
    y = g.transform.f - 20.5 * 250.0
    with rasterio.open(src) as s:
        direct = next(s.sample([(x, y)]))[0]
    assert got[20, 10] == direct


def test_reclassify_and_normalise() -> None:
    g = template_grid([0, 0, 400, 100], 100.0, "EPSG:3857")
    lay = layer_from_array(da.from_array(np.array([[0.0, 150.0, 999.0, np.nan]]), chunks=2), g, name="d")
    cls = reclassify(lay, [100, 500])
    assert cls.data.data.compute().tolist() == [[1, 2, 3, 0]] and cls.nodata == 0
    mm = normalise(lay, "minmax").data.data.compute()
    np.testing.assert_allclose(mm[0, :3], [0, 150 / 999, 1], rtol=1e-6)
    z = normalise(lay, "z").data.data.compute()
    assert np.nanmean(z) == pytest.approx(0, abs=1e-6)
    with pytest.raises(InputError, match="values ≤ 0"):
        normalise(lay, "log")
    with pytest.raises(InputError, match="strictly ascending"):
        reclassify(lay, [5, 1])


def test_align_missing_crs(tmp_path) -> None:
    p = tmp_path / "nocrs.tif"
    import rasterio as rio
    from rasterio.transform import from_origin

    with rio.open(p, "w", driver="GTiff", width=2, height=2, count=1, dtype="uint8",
                  transform=from_origin(0, 2, 1, 1)) as d:
        d.write(np.ones((2, 2), np.uint8), 1)
    with pytest.raises(InputError, match="has no CRS"):
        align(p, template_grid([0, 0, 2, 2], 1, "EPSG:3857"))
