"""Weights of evidence against EIS Toolkit 1.1.6's own outputs on its small WoE test set (frozen fixtures).

Fixtures: tests/prospectivity/data/eis (see its README: produced by benchmarks/prospectivity/eis_fixtures.py in a
Python 3.10 venv with eis-toolkit 1.1.6). EIS conventions: deposits rasterised (``count="pixels"``), unit cell one
pixel (1 km² here), values rounded to 4 dp. Deliberate differences: EIS gives classes without deposits W± = 0 and
a cumulative row holding every deposit a W− made finite by moving 0.99 of a cell; critmin reports null weights with
a flag in both cases.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from critmin.prospectivity.files import weights_from_files
from critmin.prospectivity.raster import read_layer
from critmin.prospectivity.response import LayerWeights, posterior
from tests.prospectivity.conftest import EIS_DATA, FIXTURES

EIS = FIXTURES / "eis"
RASTER = EIS_DATA / "wofe_evidence_raster.tif"
POINTS = EIS_DATA / "wofe_deposits.shp"
PAIRS = (("w_plus", "W+"), ("s_w_plus", "S_W+"), ("w_minus", "W-"), ("s_w_minus", "S_W-"), ("contrast", "Contrast"),
         ("s_contrast", "S_Contrast"), ("studentized_contrast", "Studentized contrast"))
GEN = (("generalized_class", "Generalized class"), ("generalized_weight", "Generalized W+"),
       ("generalized_s_weight", "Generalized S_W+"))


def _ours(weights_type: str):
    rule = {"unique": None, "categorical": "manual", "ascending": "max-contrast", "descending": "max-contrast"}
    return weights_from_files(RASTER, POINTS, weights_type=weights_type, unit_cell_km2=1.0, count="pixels",
                              generalize_rule=rule[weights_type], threshold=1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("weights_type", ["unique", "categorical", "ascending", "descending"])
def test_weights_match_eis(weights_type: str) -> None:
    table = _ours(weights_type)
    meta = json.loads((EIS / "eis_meta.json").read_text())
    assert table.n_deposits == meta[weights_type]["n_deposit_pixels"] == 16
    assert table.total_area_units == meta[weights_type]["n_pixels"] == 781
    eis = pd.read_csv(EIS / f"eis_weights_{weights_type}.csv").set_index("Class")
    ours = table.frame.set_index("class")
    assert sorted(ours.index.astype(float)) == sorted(eis.index)
    compared = 0
    for cls, row in ours.iterrows():
        ref = eis.loc[float(cls)]
        assert row["area_units"] == ref["Pixel count"] and row["deposits"] == ref["Deposit count"]
        if row["flag"] == "no_deposits":
            assert ref["W+"] == 0 and np.isnan(row["w_plus"]) and np.isnan(row["contrast"])
            continue
        if row["flag"] == "all_deposits":
            assert np.isnan(row["w_minus"]) and np.isnan(row["contrast"])
            assert row["w_plus"] == pytest.approx(ref["W+"], abs=0.1)  # EIS moved 0.99 of a cell here
            continue
        for ours_col, eis_col in PAIRS:
            assert row[ours_col] == pytest.approx(ref[eis_col], abs=1e-4), (cls, ours_col)
            compared += 1
        if weights_type != "unique":
            for ours_col, eis_col in GEN:
                assert row[ours_col] == pytest.approx(ref[eis_col], abs=1e-4), (cls, ours_col)
    assert compared >= 4 * len(PAIRS)


def test_categorical_generalisation_merges_like_eis() -> None:
    f = _ours("categorical").frame.set_index("class")
    # |studentised C| >= 1 keeps classes 1, 3 and 10; the rest (incl. zero-deposit classes) become class 99
    assert f.loc[[1, 3, 10], "generalized_class"].tolist() == [1, 3, 10]
    assert set(f.loc[[2, 5, 6, 8, 13], "generalized_class"]) == {99}
    assert f.loc[2, "generalized_weight"] == pytest.approx(-0.8055, abs=1e-4)


def test_response_matches_eis_posterior() -> None:
    table = _ours("categorical")
    ref = pd.read_csv(EIS / "eis_response_categorical.csv").set_index("class")
    lay = read_layer(RASTER, chunks=None)
    f = table.frame
    lw = LayerWeights(layer=lay, classes=f["class"].to_numpy(float), weight=f["generalized_weight"].to_numpy(float),
                      s_weight=f["generalized_s_weight"].to_numpy(float))
    res = posterior([lw], n_deposits=table.n_deposits, total_area_units=table.total_area_units)
    arr = np.asarray(lay.data.values)
    for cls, r in ref.iterrows():
        sel = arr == cls
        # EIS builds its weight rasters from the 4-dp table, so compare at the precision that rounding allows
        assert np.asarray(res.posterior)[sel][0] == pytest.approx(r["posterior"], rel=2e-4)
        assert np.asarray(res.std)[sel][0] == pytest.approx(r["posterior_std"], rel=2e-4)
        assert np.asarray(res.confidence)[sel][0] == pytest.approx(r["confidence"], rel=2e-4)
