"""USGS-convention statistics: R type-7 quantiles, P90 = 0.1 quantile, P(0), P(≥ mean), sd with n − 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from critmin.assessment.statistics import quantity_statistics, statistics


def test_type7_quantiles_and_usgs_names():
    s = quantity_statistics(np.arange(1.0, 11.0))
    # R: quantile(1:10, c(0.1, 0.5, 0.9)) = 1.9, 5.5, 9.1 (type 7)
    assert s["quantiles"]["0.1"] == pytest.approx(1.9)
    assert s["quantiles"]["0.5"] == pytest.approx(5.5) == s["median"]
    assert s["quantiles"]["0.9"] == pytest.approx(9.1)
    assert s["exceedance"]["P90"] == s["quantiles"]["0.1"]
    assert s["exceedance"]["P10"] == s["quantiles"]["0.9"]
    assert s["exceedance"]["P50"] == s["median"]
    assert s["sd"] == pytest.approx(np.std(np.arange(1, 11), ddof=1))  # R sd(1:10) = 3.02765
    assert s["sd"] == pytest.approx(3.0276504, rel=1e-7)


def test_p_zero_and_p_ge_mean():
    s = quantity_statistics(np.array([0.0, 0.0, 1.0, 2.0, 3.0]))  # mean 1.2
    assert s["p_zero"] == 0.4 and s["p_ge_mean"] == 0.4
    s = quantity_statistics(np.array([1.0, 1.0, 1.0, 1.0]))  # ties at the mean count (≥)
    assert s["p_ge_mean"] == 1.0


def test_statistics_keys_and_missing_quantity():
    t = pd.DataFrame({"trial": [1, 2, 3], "n_deposits": [0, 1, 2], "ore": [0, 5.0, 7.0], "Cu": [0, 1.0, 2.0]})
    s = statistics(t, ["ore", "Cu"])
    for q in ("ore", "Cu"):
        assert set(s[q]["quantiles"]) >= {"0.01", "0.05", "0.1", "0.25", "0.5", "0.75", "0.9", "0.95", "0.99"}
        assert set(s[q]["exceedance"]) >= {"P99", "P90", "P50", "P10", "P1"}
    with pytest.raises(KeyError):
        statistics(t, ["Mo"])
