"""Validation statistics: exact streaming AUC against scikit-learn's ``roc_auc_score`` (the anchor), both
background conventions, success-rate efficiency and the P-A intersection.

Data: Geoscience Australia's Cloncurry posterior (MPM-WofE TESTDATA/CalculateAUC/PosteriorProbability.tif, the same
blob as CalculateResponse/PosteriorProbability.tif) and its 258 IOCG deposits.
"""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from critmin.errors import InputError
from critmin.prospectivity.deposits import deposit_cells, read_deposits
from critmin.prospectivity.raster import read_layer
from critmin.prospectivity.validation import validate
from tests.prospectivity.conftest import GA_DEPOSITS, GA_RESPONSE


@pytest.fixture(scope="module")
def ga_posterior():
    lay = read_layer(GA_RESPONSE / "PosteriorProbability.tif", chunks=700)
    x, y = read_deposits(GA_DEPOSITS, lay.grid)
    return lay, x, y


@pytest.mark.parametrize("count", ["points", "pixels"])
@pytest.mark.parametrize("background", ["all", "non-deposit"])
def test_auc_equals_sklearn(ga_posterior, count: str, background: str) -> None:
    lay, x, y = ga_posterior
    cells = deposit_cells(x, y, lay.grid, mode=count)  # type: ignore[arg-type]
    v = validate(lay.data.data, cells, background=background)  # type: ignore[arg-type]
    p = np.asarray(lay.data.values, np.float64).ravel()
    pos = p[cells.flat(lay.grid)]
    if background == "all":
        neg = p
    else:
        keep = np.ones(p.size, bool)
        keep[np.unique(cells.flat(lay.grid))] = False
        neg = p[keep]
    ref = roc_auc_score(np.r_[np.ones(pos.size), np.zeros(neg.size)], np.r_[pos, neg])
    assert v.auc == pytest.approx(ref, abs=1e-12)
    assert v.n_deposits == pos.size and v.n_background == neg.size
    assert v.background == background
    # the success-rate curve over the whole study area is the ROC step curve: its area is the AUC
    assert v.efficiency == pytest.approx(v.auc, abs=1e-12)


def test_points_and_pixels_differ_on_ga(ga_posterior) -> None:
    lay, x, y = ga_posterior
    a = validate(lay.data.data, deposit_cells(x, y, lay.grid, mode="points"))
    b = validate(lay.data.data, deposit_cells(x, y, lay.grid, mode="pixels"))
    assert a.n_deposits == 258 and b.n_deposits < 258 and a.auc != b.auc


def test_pa_intersection_balances_rates(ga_posterior) -> None:
    lay, x, y = ga_posterior
    v = validate(lay.data.data, deposit_cells(x, y, lay.grid))
    pi = v.pa_intersection
    assert pi["prediction_rate_pct"] + pi["area_pct"] == pytest.approx(100.0)
    assert 50 < pi["prediction_rate_pct"] < 100
    assert np.all(np.diff(v.pa_prediction_rate) >= 0) and np.all(np.diff(v.pa_area_pct) >= 0)


def test_perfect_and_ties(small_grid) -> None:
    arr = np.zeros((10, 10))
    arr[0, :3] = 1.0
    x = np.array([50.0, 150.0])
    y = np.array([950.0, 950.0])
    c = deposit_cells(x, y, small_grid)
    v = validate(da.from_array(arr, chunks=4), c, background="non-deposit")
    assert v.auc == pytest.approx(1.0 - 0.5 * 1 / 98)  # one background cell ties at 1.0
    const = validate(np.full((10, 10), 0.3), c)
    assert const.auc == pytest.approx(0.5)


def test_deposits_on_nodata_only_fail(small_grid) -> None:
    arr = np.full((10, 10), np.nan)
    arr[5:, :] = 0.5
    c = deposit_cells(np.array([50.0]), np.array([950.0]), small_grid)
    with pytest.raises(InputError, match="nodata"):
        validate(arr, c)
