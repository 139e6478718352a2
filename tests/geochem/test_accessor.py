"""The DataFrame.geochem accessor delegates to the pure functions (same numbers)."""

from __future__ import annotations

import pandas as pd
import pytest

import critmin.geochem as geochem
import critmin.geochem.accessor  # noqa: F401
from critmin.geochem.lambdas import lambdas
from critmin.geochem.normalise import normalise
from critmin.geochem.ree import ree_metrics

DF = pd.DataFrame({"La": [45.0], "Ce": [92], "Pr": [10.5], "Nd": [38], "Sm": [7.8], "Eu": [0.45], "Gd": [6.9],
                   "Tb": [1.1], "Dy": [6.8], "Ho": [1.4], "Er": [4.1], "Tm": [0.62], "Yb": [4.2], "Lu": [0.63],
                   "Y": [40]})


def test_accessor_matches_functions() -> None:
    pd.testing.assert_frame_equal(DF.geochem.normalise("chondrite-sun-mcdonough-1989"),
                                  normalise(DF, "chondrite-sun-mcdonough-1989"))
    pd.testing.assert_frame_equal(DF.geochem.ree_metrics(), ree_metrics(DF))
    pd.testing.assert_frame_equal(DF.geochem.lambdas(), lambdas(DF))
    assert DF.geochem.to_oxides()["CeO2"].iloc[0] == pytest.approx(92 * 1.2284, rel=1e-4)
    assert DF.geochem.tetrad()["tetrad_te13"].iloc[0] == pytest.approx(1.0084, abs=1e-4)
    assert "La" in DF.columns and DF.shape == (1, 15)  # nothing modified in place


def test_package_exports_are_callable() -> None:
    assert geochem.ree_metrics is ree_metrics
    assert geochem.normalise(DF).iloc[0, 0] == pytest.approx(45 / 0.2414)
    assert geochem.lambdas(DF)["lambda0"].iloc[0] == pytest.approx(3.8024, abs=1e-4)
    assert {r.name for r in geochem.list_references()} >= {"chondrite-oneill-2016", "ucc-rudnick-gao-2003"}
