"""Weights of evidence and response against Geoscience Australia's MPM-WofE Cloncurry test data.

Reference: GeoscienceAustralia/MPM-WofE @ 7df6b7a, TESTDATA/CalculateResponse (Apache-2.0): the categorical weight
tables ``*_CT.csv`` of the four binary layers (ArcSDM conventions: deposits sampled at points, unit cell 1 km²)
and ``PosteriorProbability{,_StdDev,_Conf}.tif`` from its Calculate Response on those layers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rasterio

from critmin.prospectivity.files import response_from_files, weights_from_files
from tests.prospectivity.conftest import BINARY_LAYERS, GA_DEPOSITS, GA_RESPONSE


@pytest.mark.parametrize("layer", BINARY_LAYERS)
def test_binary_layer_weights_match_ga_tables(layer: str) -> None:
    table = weights_from_files(GA_RESPONSE / f"{layer}.tif", GA_DEPOSITS, weights_type="categorical",
                               unit_cell_km2=1.0, count="points")
    ref = pd.read_csv(GA_RESPONSE / f"{layer}_CT.csv")
    ours = table.frame.set_index("class").loc[ref["CLASS"]]
    assert table.n_deposits == 258
    assert table.total_area_units == pytest.approx(31311.33, abs=1e-6)
    np.testing.assert_allclose(ours["area_km2"], ref["AREA_SQ_KM"], atol=1e-6)
    np.testing.assert_array_equal(ours["deposits"], ref["NO_POINTS"])
    for col, ga in (("w_plus", "WPLUS"), ("s_w_plus", "S_WPLUS"), ("w_minus", "WMINUS"), ("s_w_minus", "S_WMINUS"),
                    ("contrast", "CONTRAST"), ("s_contrast", "S_CONTRAST"), ("studentized_contrast", "STUDC"),
                    ("generalized_weight", "WEIGHT"), ("generalized_s_weight", "W_STD")):
        np.testing.assert_allclose(ours[col].to_numpy(float), ref[ga].to_numpy(float), atol=1e-4, rtol=0)
    assert table.provenance is not None and len(table.provenance.inputs_sha256) == 64


def test_posterior_std_confidence_match_ga_rasters(tmp_path) -> None:
    pairs = [(GA_RESPONSE / f"{name}.tif", GA_RESPONSE / f"{name}_CT.csv") for name in BINARY_LAYERS]
    res = response_from_files(pairs, GA_DEPOSITS, unit_cell_km2=1.0, out_dir=tmp_path, chunks=512)
    for ours, ga in ((res.posterior_path, "PosteriorProbability.tif"),
                     (res.std_path, "PosteriorProbability_StdDev.tif"),
                     (res.confidence_path, "PosteriorProbability_Conf.tif")):
        with rasterio.open(ours) as a, rasterio.open(GA_RESPONSE / ga) as b:
            assert a.driver == "GTiff" and a.overviews(1), "a COG with overviews"
            got, want = a.read(1).astype(float), b.read(1).astype(float)
        assert np.isnan(got).sum() == np.isnan(want).sum() == 0
        # float32 outputs on both sides: relative agreement to 1e-6
        np.testing.assert_allclose(got, want, rtol=1e-6)
    r = res.response
    assert r.prior == pytest.approx(258 / 31311.33)
    ci = r.ci
    assert ci is not None
    # T = sum of posterior probabilities per 1 km² cell, 100 m pixels -> x 0.01
    with rasterio.open(GA_RESPONSE / "PosteriorProbability.tif") as b:
        t_ga = float(np.nansum(b.read(1).astype(float))) * 0.01
    assert ci.t_predicted == pytest.approx(t_ga, rel=1e-6)
    assert ci.ratio_n_over_t == pytest.approx(258 / t_ga, rel=1e-6)
    assert 0 <= ci.p_value <= 1 and ci.s_t > 0


def test_cog_layout(tmp_path) -> None:
    pairs = [(GA_RESPONSE / "StratNo.tif", GA_RESPONSE / "StratNo_CT.csv")]
    res = response_from_files(pairs, GA_DEPOSITS, unit_cell_km2=1.0, out_dir=tmp_path)
    with rasterio.open(res.posterior_path) as src:
        assert src.profile["tiled"] and src.profile["blockxsize"] == 512
        assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
