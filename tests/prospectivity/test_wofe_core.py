"""Weights of evidence on small synthetic grids: hand-checked formulas, counting conventions, generalisation,
Dask chunking and bad input.

The hand check is Bonham-Carter (1994, ch. 9): W+ = ln[(d/n)/((A-d)/(T-n))], s(W+) = sqrt(1/d + 1/(A-d)); the 10×10
example (4 classes of 25 pixels, 5 deposits, 3 in class 1) is the one in ../shared/notes/prospectivity.md §2.3,
whose EIS values (W+ 0.9520, s 0.6155, W− −0.6529, C 1.6049, studentised 1.6988) were verified by hand.
"""

from __future__ import annotations

import math

import dask.array as da
import numpy as np
import pytest

from critmin.errors import InputError
from critmin.prospectivity.counting import class_counts
from critmin.prospectivity.deposits import deposit_cells
from critmin.prospectivity.raster import Grid, ProspectivityWarning, check_same_grid, layer_from_array
from critmin.prospectivity.response import LayerWeights, ci_test, posterior
from critmin.prospectivity.wofe import calculate_weights, generalize, pattern_weights


def _four_class(small_grid: Grid, dask_chunks: int | None = None):
    arr = np.repeat(np.array([1, 2, 3, 4], np.int32), 25).reshape(10, 10)
    values = da.from_array(arr, chunks=dask_chunks) if dask_chunks else arr
    lay = layer_from_array(values, small_grid, name="four")
    # 3 deposits in class 1 (rows 0-1), 1 in class 2 (rows 2-4), 1 in class 3 (rows 5-7)
    rows = np.array([0, 0, 1, 3, 6])
    cols = np.array([0, 3, 4, 1, 2])
    x = small_grid.transform.c + (cols + 0.5) * 100
    y = small_grid.transform.f - (rows + 0.5) * 100
    return lay, x, y


def test_hand_checked_weights_pixel_unit_cell(small_grid: Grid) -> None:
    lay, x, y = _four_class(small_grid)
    cells = deposit_cells(x, y, small_grid, mode="pixels")
    t = calculate_weights(lay, cells, weights_type="unique", unit_cell_km2=small_grid.pixel_area_km2)
    f = t.frame.set_index("class")
    assert f.loc[1, "w_plus"] == pytest.approx(math.log((3 / 5) / (22 / 95)), abs=1e-12)
    assert f.loc[1, "w_plus"] == pytest.approx(0.9520, abs=5e-5)
    assert f.loc[1, "s_w_plus"] == pytest.approx(0.6155, abs=5e-5)
    assert f.loc[1, "w_minus"] == pytest.approx(-0.6529, abs=5e-5)
    assert f.loc[1, "contrast"] == pytest.approx(1.6049, abs=5e-5)
    assert f.loc[1, "studentized_contrast"] == pytest.approx(1.6988, abs=5e-5)
    assert f.loc[2, "w_plus"] == pytest.approx(-0.2336, abs=5e-5)
    # class 4 has no deposits: flagged, null W+ (never a silent 0)
    assert f.loc[4, "flag"] == "no_deposits" and np.isnan(f.loc[4, "w_plus"])
    row4 = next(r for r in t.to_dict()["rows"] if r["class"] == 4)
    assert row4["w_plus"] is None and row4["flag"] == "no_deposits"
    assert any("without deposits" in w for w in t.warnings)


def test_dask_chunked_equals_in_memory(small_grid: Grid) -> None:
    lay, x, y = _four_class(small_grid)
    lay_d, _, _ = _four_class(small_grid, dask_chunks=3)
    cells = deposit_cells(x, y, small_grid, mode="points")
    a = calculate_weights(lay, cells, weights_type="ascending", unit_cell_km2=0.01)
    b = calculate_weights(lay_d, cells, weights_type="ascending", unit_cell_km2=0.01)
    np.testing.assert_array_equal(a.frame["area_units"], b.frame["area_units"])
    np.testing.assert_allclose(a.frame["w_plus"].to_numpy(float), b.frame["w_plus"].to_numpy(float), equal_nan=True)


def test_unit_cell_changes_areas_not_counts(small_grid: Grid) -> None:
    lay, x, y = _four_class(small_grid)
    cells = deposit_cells(x, y, small_grid, mode="points")
    t = calculate_weights(lay, cells, weights_type="unique", unit_cell_km2=0.01)
    assert t.total_area_units == pytest.approx(100) and t.frame["area_km2"].sum() == pytest.approx(1.0)
    t1 = calculate_weights(lay, cells, weights_type="unique", unit_cell_km2=0.001)
    assert t1.total_area_units == pytest.approx(1000)
    assert t1.frame.loc[0, "w_plus"] != t.frame.loc[0, "w_plus"]


def test_points_count_duplicates_pixels_do_not(small_grid: Grid) -> None:
    _, x, y = _four_class(small_grid)
    x2, y2 = np.r_[x, x[0]], np.r_[y, y[0]]
    assert deposit_cells(x2, y2, small_grid, mode="points").n == 6
    assert deposit_cells(x2, y2, small_grid, mode="pixels").n == 5


def test_cumulative_generalisation_rules(small_grid: Grid) -> None:
    lay, x, y = _four_class(small_grid)
    cells = deposit_cells(x, y, small_grid, mode="pixels")
    t = calculate_weights(lay, cells, weights_type="ascending", unit_cell_km2=0.01)
    f = t.frame
    # cumulative areas and deposits up to each class
    assert f["area_units"].tolist() == [25, 50, 75, 100] and f["deposits"].tolist() == [3, 4, 5, 5]
    g = generalize(t, "max-contrast")
    k = int(np.nanargmax(f["contrast"].to_numpy(float)))
    assert g.generalization is not None and g.generalization["threshold_class"] == f["class"].iloc[k]
    gc = g.frame["generalized_class"]
    assert (gc.iloc[: k + 1] == 2).all() and (gc.iloc[k + 1:] == 1).all()
    assert g.frame["generalized_weight"].iloc[0] == pytest.approx(f["w_plus"].iloc[k])
    assert g.frame["generalized_weight"].iloc[-1] == pytest.approx(f["w_minus"].iloc[k])
    m = generalize(t, "manual", threshold=2)
    assert m.frame["generalized_class"].tolist() == [2, 2, 1, 1]
    s = generalize(t, "max-studentized-contrast")
    assert s.generalization is not None
    with pytest.raises(InputError, match="threshold class 7 is not a class"):
        generalize(t, "manual", threshold=7)
    with pytest.raises(InputError, match="needs --threshold"):
        generalize(t, "manual")


def test_descending_first_row_without_deposits_is_flagged(small_grid: Grid) -> None:
    lay, x, y = _four_class(small_grid)
    t = calculate_weights(lay, deposit_cells(x, y, small_grid, mode="pixels"), weights_type="descending",
                          unit_cell_km2=0.01)
    assert t.frame["class"].tolist() == [1, 2, 3, 4]
    assert t.frame.set_index("class").loc[4, "flag"] == "no_deposits"
    assert t.frame.set_index("class").loc[1, "flag"] == "all_deposits"


def test_saturated_pattern_is_null_not_invented() -> None:
    w = pattern_weights(np.array([0.5, 10.0]), np.array([1.0, 2.0]), total_area=100.0, n=5)
    assert w["flag"][0] == "saturated" and np.isnan(w["w_plus"][0])
    assert np.isfinite(w["w_plus"][1])


def test_counting_is_one_pass_for_many_classes() -> None:
    rng = np.random.default_rng(0)
    arr = rng.integers(0, 5000, size=(300, 300)).astype(np.int32)
    u, c = class_counts(da.from_array(arr, chunks=128), layer="many")
    uu, cc = np.unique(arr, return_counts=True)
    np.testing.assert_array_equal(u, uu) and np.testing.assert_array_equal(c, cc)
    sparse = (arr.astype(np.int64) * 100_003).astype(np.int64)
    _, c2 = class_counts(sparse, layer="sparse")
    np.testing.assert_array_equal(c2, cc)


def test_posterior_and_ci_test_synthetic(small_grid: Grid) -> None:
    lay, x, y = _four_class(small_grid)
    cells = deposit_cells(x, y, small_grid, mode="points")
    t = generalize(calculate_weights(lay, cells, weights_type="ascending", unit_cell_km2=0.01), "max-contrast")
    f = t.frame
    lw = LayerWeights(layer=lay, classes=f["class"].to_numpy(float), weight=f["generalized_weight"].to_numpy(float),
                      s_weight=f["generalized_s_weight"].to_numpy(float))
    r = posterior([lw], n_deposits=t.n_deposits, total_area_units=t.total_area_units, unit_cell_km2=0.01)
    p = np.asarray(r.posterior)
    prior = 5 / 100
    logit = math.log(prior / (1 - prior)) + f["generalized_weight"].iloc[0]
    assert p[0, 0] == pytest.approx(1 / (1 + math.exp(-logit)))
    ci = ci_test(r)
    # a single binary layer is conditionally independent by construction: T equals n
    assert ci.t_predicted == pytest.approx(5.0, rel=1e-9) and ci.ratio_n_over_t == pytest.approx(1.0)
    assert ci.passes_95


# ------------------------------------------------------------------------------------------------ bad input

def test_non_integer_classes_are_rejected(small_grid: Grid) -> None:
    arr = np.full((10, 10), 1.0)
    arr[2, 3] = 0.35
    lay = layer_from_array(arr, small_grid, name="magnetics")
    cells = deposit_cells(np.array([50.0]), np.array([950.0]), small_grid)
    with pytest.raises(InputError, match=r"layer 'magnetics' holds non-integer class values \(e.g. 0.35\)"):
        calculate_weights(lay, cells, unit_cell_km2=0.01)


def test_nodata_minus_9999_is_outside_study_area(small_grid: Grid) -> None:
    arr = np.ones((10, 10), np.float32)
    arr[:, 5:] = 2
    arr[9, :] = -9999
    lay = layer_from_array(arr, small_grid, name="geology", nodata=-9999)
    x = np.array([50.0, 750.0, 50.0])
    y = np.array([950.0, 950.0, 50.0])  # the last one is on a nodata pixel
    with pytest.warns(ProspectivityWarning, match=r"1 of 3 deposits fall outside"):
        cells = deposit_cells(x, y, small_grid, valid=lay.valid())
    t = calculate_weights(lay, cells, unit_cell_km2=0.01)
    assert t.total_area_units == pytest.approx(90) and t.n_deposits == 2


def test_deposits_outside_grid_warn_and_all_outside_fail(small_grid: Grid) -> None:
    with pytest.warns(ProspectivityWarning, match="outside"):
        c = deposit_cells(np.array([50.0, 5e6]), np.array([950.0, 5e6]), small_grid)
    assert c.n == 1
    with pytest.raises(InputError, match="no deposit falls inside"), pytest.warns(ProspectivityWarning):
        deposit_cells(np.array([5e6]), np.array([5e6]), small_grid)


def test_mismatched_grids_and_crs_name_layers(small_grid: Grid) -> None:
    from rasterio.crs import CRS
    from rasterio.transform import from_origin

    a = layer_from_array(np.ones((10, 10)), small_grid, name="faults")
    other = Grid(crs=CRS.from_epsg(32633), transform=small_grid.transform, shape=(10, 10))
    b = layer_from_array(np.ones((10, 10)), other, name="geology")
    with pytest.raises(InputError, match=r"layer 'geology' has CRS EPSG:32633 but layer 'faults' has EPSG:3857"):
        check_same_grid([a, b])
    shifted = Grid(crs=small_grid.crs, transform=from_origin(50.0, 1000.0, 100.0, 100.0), shape=(10, 10))
    c = layer_from_array(np.ones((10, 10)), shifted, name="magnetics")
    with pytest.raises(InputError, match="layer 'magnetics' is on a different grid"):
        check_same_grid([a, c])


def test_geographic_crs_has_no_km2(small_grid: Grid) -> None:
    from rasterio.crs import CRS

    g = Grid(crs=CRS.from_epsg(4326), transform=small_grid.transform, shape=(10, 10))
    with pytest.raises(InputError, match="geographic"):
        _ = g.pixel_area_km2


def test_response_refuses_class_without_weight(tmp_path, small_grid: Grid) -> None:
    from critmin.prospectivity.response import read_weights_csv

    lay, x, y = _four_class(small_grid)
    t = calculate_weights(lay, deposit_cells(x, y, small_grid), weights_type="unique", unit_cell_km2=0.01)
    path = tmp_path / "w.csv"
    t.frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"layer 'four', class 4: no generalised weight"):
        read_weights_csv(path, lay)
    f = t.frame[t.frame["class"] != 4]
    f.to_csv(path, index=False)
    lw = read_weights_csv(path, lay)
    with pytest.raises(InputError, match=r"layer 'four' has class 4"):
        posterior([lw], n_deposits=5, total_area_units=100)


def test_weights_and_posterior_on_a_local_cluster(small_grid: Grid) -> None:
    from dask.distributed import Client, LocalCluster

    lay, x, y = _four_class(small_grid, dask_chunks=4)
    cells = deposit_cells(x, y, small_grid, mode="points")
    local = generalize(calculate_weights(lay, cells, weights_type="ascending", unit_cell_km2=0.01), "max-contrast")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster):
        dist = generalize(calculate_weights(lay, cells, weights_type="ascending", unit_cell_km2=0.01),
                          "max-contrast")
        f = dist.frame
        lw = LayerWeights(layer=lay, classes=f["class"].to_numpy(float),
                          weight=f["generalized_weight"].to_numpy(float),
                          s_weight=f["generalized_s_weight"].to_numpy(float))
        r = posterior([lw], n_deposits=dist.n_deposits, total_area_units=dist.total_area_units, unit_cell_km2=0.01)
        p_dist = r.posterior.compute()
        ci = ci_test(r)
    np.testing.assert_array_equal(local.frame["area_units"], dist.frame["area_units"])
    np.testing.assert_allclose(local.frame["generalized_weight"], dist.frame["generalized_weight"])
    assert p_dist.shape == (10, 10) and ci.t_predicted == pytest.approx(5.0)
