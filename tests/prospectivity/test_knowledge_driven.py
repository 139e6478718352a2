"""Fuzzy membership and overlay (against EIS Toolkit 1.1.6's overlays, frozen fixture), index overlay and AHP
(against Saaty 2008's published drinks example)."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.prospectivity.ahp import ahp_weights
from critmin.prospectivity.fuzzy import index_overlay, membership, overlay
from tests.prospectivity.conftest import FIXTURES


def test_overlays_match_eis() -> None:
    f = pd.read_csv(FIXTURES / "eis" / "eis_fuzzy_overlay.csv")
    layers = [f[f"m{i}"].to_numpy() for i in range(3)]
    for how in ("and", "or", "product", "sum"):
        np.testing.assert_allclose(overlay(layers, how), f[how], rtol=1e-12)  # type: ignore[arg-type]
    np.testing.assert_allclose(overlay(layers, "gamma", gamma=0.7), f["gamma_0.7"], rtol=1e-12)
    lazy = overlay([da.from_array(a, chunks=7) for a in layers], "gamma", gamma=0.7)
    np.testing.assert_allclose(lazy.compute(), f["gamma_0.7"], rtol=1e-12)


def test_memberships() -> None:
    x = np.array([0.0, 5.0, 10.0, 20.0])
    np.testing.assert_allclose(membership(x, "linear", low=0, high=10), [0, 0.5, 1, 1])
    np.testing.assert_allclose(membership(x, "linear", low=10, high=0), [1, 0.5, 0, 0])
    assert membership(np.array([5.0]), "large", midpoint=5, spread=3)[0] == pytest.approx(0.5)
    assert membership(np.array([10.0]), "large", midpoint=5, spread=2)[0] == pytest.approx(1 / (1 + 0.25))
    assert membership(np.array([10.0]), "small", midpoint=5, spread=2)[0] == pytest.approx(1 / (1 + 4))
    assert membership(np.array([6.0]), "gaussian", midpoint=5, spread=0.5)[0] == pytest.approx(np.exp(-0.5))
    with pytest.raises(InputError, match="needs --low and --high"):
        membership(x, "linear", low=1)


def test_index_overlay() -> None:
    a, b = np.array([0.0, 1.0]), np.array([1.0, 1.0])
    np.testing.assert_allclose(index_overlay([a, b], [3, 1]), [0.25, 1.0])
    with pytest.raises(InputError, match="2 weights given for 1 layers"):
        index_overlay([a], [1, 2])


DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
# Saaty (2008), Int. J. Services Sciences 1:83-98, doi:10.1504/IJSSCI.2008.017590: relative consumption of drinks
# in the USA — the judgement matrix, the derived priorities and CR = 0.022.
DRINKS_MATRIX = [[1, 9, 5, 2, 1, 1, 1 / 2],
                 [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
                 [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
                 [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
                 [1, 9, 4, 2, 1, 2, 1 / 2],
                 [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
                 [2, 9, 9, 3, 2, 3, 1]]
DRINKS_PRIORITIES = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]


def test_ahp_matches_saaty_drinks_example() -> None:
    r = ahp_weights(DRINKS_MATRIX, DRINKS)
    np.testing.assert_allclose(r.weights, DRINKS_PRIORITIES, atol=5e-4)
    assert round(r.consistency_ratio, 3) == 0.022
    assert r.acceptable and r.to_dict()["weights"]["water"] == pytest.approx(0.327, abs=5e-4)


def test_ahp_bad_input() -> None:
    m = np.array(DRINKS_MATRIX)
    m[0, 1] = 7
    with pytest.raises(InputError, match=r"not reciprocal: a\[coffee, wine\] = 7"):
        ahp_weights(m, DRINKS)
    with pytest.raises(InputError, match="n × n"):
        ahp_weights(np.ones((2, 3)))
    inconsistent = ahp_weights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert not inconsistent.acceptable
