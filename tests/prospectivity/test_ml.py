"""Machine learning: training sets, spatial vs random CV, buffered LOO, PU bagging, calibration, chunked
prediction (identical to in-memory prediction with scikit-learn, the anchor) and a dask.distributed LocalCluster.

Synthetic data with spatial structure: deposits cluster where a smooth field is high, so random k-fold, whose test
cells neighbour training cells, scores at least as high as spatial block CV.
"""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin
from scipy import ndimage

from critmin.errors import InputError
from critmin.prospectivity.deposits import DepositCells
from critmin.prospectivity.ml import PUBaggingClassifier, make_estimator, predict_raster, train_model, training_set
from critmin.prospectivity.raster import Grid, layer_from_array


@pytest.fixture(scope="module")
def stack():
    rng = np.random.default_rng(7)
    grid = Grid(crs=CRS.from_epsg(3857), transform=from_origin(0, 20000, 100, 100), shape=(200, 200))
    smooth = ndimage.gaussian_filter(rng.normal(size=(200, 200)), 8)
    smooth = (smooth - smooth.mean()) / smooth.std()
    noise = ndimage.gaussian_filter(rng.normal(size=(200, 200)), 3)
    dist = ndimage.distance_transform_edt(rng.random((200, 200)) > 0.002) * 100.0
    p = 1 / (1 + np.exp(-(3 * smooth - 0.002 * dist - 4)))
    dep = rng.random((200, 200)) < p * 0.02
    r, c = np.nonzero(dep)
    layers = [layer_from_array(da.from_array(a.astype(np.float32), chunks=64), grid, name=n)
              for a, n in ((smooth, "smooth"), (noise, "noise"), (dist, "distance"))]
    cells = DepositCells(rows=r, cols=c, mode="pixels", n_input=r.size, n_outside=0)
    return grid, layers, cells


def test_training_set_and_cv(stack) -> None:
    _, layers, cells = stack
    ts = training_set(layers, cells, n_negatives=300, rng=np.random.default_rng(1), exclusion_m=200)
    assert ts.y.sum() == cells.n and (ts.y == 0).sum() == 300
    m = train_model(ts, "logistic", seed=3, block_px=40, buffer_px=10, loo_samples=60)
    s = m.scores
    assert 0.5 < s["spatial_block"]["auc_pooled"] <= 1 and 0.5 < s["random"]["auc_pooled"] <= 1
    assert s["random"]["auc_pooled"] >= s["spatial_block"]["auc_pooled"] - 0.02
    assert 0.5 < s["buffered_loo_auc"] <= 1
    assert max(m.importance, key=m.importance.get) in ("smooth", "distance")
    assert m.provenance is not None and m.provenance.seed == 3


def test_seeded_training_is_reproducible(stack) -> None:
    _, layers, cells = stack
    a = training_set(layers, cells, n_negatives=100, rng=np.random.default_rng(5))
    b = training_set(layers, cells, n_negatives=100, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.x, b.x)


def test_chunked_prediction_equals_sklearn_in_memory(stack) -> None:
    _, layers, cells = stack
    ts = training_set(layers, cells, n_negatives=300, rng=np.random.default_rng(2))
    rf = make_estimator("random-forest", seed=0, n_estimators=20, max_depth=6).fit(ts.x, ts.y)
    lazy = predict_raster(rf, layers)
    x = np.column_stack([np.asarray(lay.data.data).ravel() for lay in layers]).astype(np.float64)
    direct = rf.predict_proba(x)[:, 1].reshape(200, 200)
    np.testing.assert_allclose(lazy.compute(), direct, rtol=1e-6)


def test_pu_bagging_and_gradient_boosting(stack) -> None:
    _, layers, cells = stack
    ts = training_set(layers, cells, n_negatives=300, rng=np.random.default_rng(4))
    pu = train_model(ts, "logistic", seed=1, pu_bagging=True, n_bags=5, block_px=40)
    assert isinstance(pu.estimator, PUBaggingClassifier) and len(pu.estimator.members_) == 5
    p = pu.estimator.predict_proba(ts.x)[:, 1]
    assert p[ts.y == 1].mean() > p[ts.y == 0].mean()
    gb = make_estimator("gradient-boosting", seed=0, max_depth=3).set_params(max_iter=20).fit(ts.x, ts.y)
    q = gb.predict_proba(ts.x)[:, 1]
    assert q[ts.y == 1].mean() > q[ts.y == 0].mean()


def test_same_code_on_a_local_cluster(stack) -> None:
    from dask.distributed import Client, LocalCluster

    _, layers, cells = stack
    ts = training_set(layers, cells, n_negatives=200, rng=np.random.default_rng(2))
    lr = make_estimator("logistic", seed=0).fit(ts.x, ts.y)
    local = predict_raster(lr, layers).compute(scheduler="threads")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        distributed = client.compute(predict_raster(lr, layers)).result()
    np.testing.assert_allclose(distributed, local)


def test_too_few_deposits(stack) -> None:
    _, layers, _ = stack
    few = DepositCells(rows=np.array([5, 9]), cols=np.array([5, 9]), mode="pixels", n_input=2, n_outside=0)
    ts = training_set(layers, few, n_negatives=50, rng=np.random.default_rng(0))
    with pytest.raises(InputError, match="only 2 deposits"):
        train_model(ts, "logistic", seed=0)
