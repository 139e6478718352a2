"""Anomaly thresholds. Real data: CSIRO-AGE laterite geochemistry (Smith 1987, CSIRO, doi:10.25919/9dsm-wr21,
CC BY 4.0; 7,742 samples, Yilgarn Craton) in ../shared/data/geochem/csiro-laterites. Cut-offs
√χ²(p, 0.975) from the notes (computed with scipy): p = 2 → 2.716, 5 → 3.582, 14 → 5.111."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from critmin.errors import InputError
from critmin.geochem.anomalies import MAD_SCALE, anomalies, anomaly_flags, ca_fractal, ilr, mcd_distances, thresholds
from critmin.geochem.assays import read_assays

LAT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geochem" / "csiro-laterites" / "laterites.xlsx"
MAJORS = {c: "pct" for c in ("SiO2", "Al2O3", "Fe2O3", "MgO", "CaO", "TiO2")}


@pytest.fixture(scope="module")
def lat():
    return read_assays(LAT, units=MAJORS)


def test_constants():
    assert MAD_SCALE == pytest.approx(1.4826, abs=5e-5)
    for p, cut in ((2, 2.716), (3, 3.058), (5, 3.582), (10, 4.526), (14, 5.111)):
        assert np.sqrt(stats.chi2.ppf(0.975, p)) == pytest.approx(cut, abs=5e-4)


def test_mad_and_tukey_by_hand():
    x = np.array([1, 2, 2, 3, 4, 5, 8, 10, 40, 100.0])
    y = np.log10(x)
    med = np.median(y)
    t = thresholds(x, "mad")
    assert t.threshold == pytest.approx(10 ** (med + 2 * 1.482602218505602 * np.median(np.abs(y - med))))
    q1, q3 = np.percentile(y, [25, 75])
    assert thresholds(x, "tukey").threshold == pytest.approx(10 ** (q3 + 1.5 * (q3 - q1)))
    lin = thresholds(x, "tukey", log=False, fence=3.0)
    q1, q3 = np.percentile(x, [25, 75])
    assert lin.threshold == pytest.approx(q3 + 3 * (q3 - q1)) and not lin.log
    with pytest.raises(InputError):
        thresholds([1.0, 2.0], "mad")


def test_ca_fractal_recovers_population_break():
    # two Pareto populations: background N(>=v) ∝ v^-1 on [1, 100), anomalies ∝ v^-3 above 100
    rng = np.random.default_rng(5)
    bg = 1 / (1 - rng.random(5000) * (1 - 1 / 100))  # Pareto(1) truncated at 100
    an = 100 * (1 - rng.random(300)) ** (-1 / 3)
    res = ca_fractal(np.concatenate([bg, an]), n_breaks=1)
    assert 50 < res["breakpoints"][0] < 200
    assert res["slopes"][1] < res["slopes"][0] < 0 and res["variant"] == "number-size"
    # areas: with unit areas the C-A variant equals the number-size one
    same = ca_fractal(np.concatenate([bg, an]), n_breaks=1, areas=np.ones(5300))
    assert same["breakpoints"] == res["breakpoints"] and same["variant"] == "concentration-area"


def test_ilr_isometry_and_clr_distance():
    rng = np.random.default_rng(2)
    x = np.exp(rng.normal(size=(50, 4)))
    z = ilr(x)
    clr = np.log(x) - np.log(x).mean(axis=1, keepdims=True)
    # ilr is an isometry of the clr plane: pairwise distances agree
    assert np.allclose(np.linalg.norm(z[0] - z[1]), np.linalg.norm(clr[0] - clr[1]))
    # scale invariance (closure does not matter)
    assert np.allclose(ilr(x * 7.0), z)


def test_mcd_flags_planted_outliers():
    rng = np.random.default_rng(9)
    x = np.exp(rng.multivariate_normal([0, 1, 2], [[0.2, 0.1, 0], [0.1, 0.2, 0], [0, 0, 0.1]], 400))
    x[:8, 0] *= 30  # eight samples enriched in part 0
    d, cut, info = mcd_distances(x)
    assert info["p"] == 2 and cut == pytest.approx(2.716, abs=5e-4)
    assert (d[:8] > cut).all()
    assert (d[8:] > cut).mean() < 0.06


def test_laterites_univariate_counts(lat):
    a = anomalies(lat, method="mad", columns=["As_ppm", "Cu_ppm", "Au_ppb"]).set_index("element")
    v = lat.data["As_ppm"].dropna()
    y = np.log10(v[v > 0])
    med = np.median(y)
    thr = 10 ** (med + 2 * MAD_SCALE * np.median(np.abs(y - med)))
    assert a.loc["As_ppm", "n"] == 7557 and a.loc["As_ppm", "threshold"] == pytest.approx(thr)
    assert a.loc["As_ppm", "n_anomalous"] == int((v > thr).sum()) == 762
    assert a.loc["Au_ppb", "unit"] == "ppb" and a.loc["Au_ppb", "n"] == 3120
    t = anomalies(lat, method="tukey", columns=["As_ppm"])
    assert t["n_anomalous"].item() == 301
    ca = anomalies(lat, method="ca_fractal", columns=["As_ppm", "Au_ppb"]).set_index("element")
    assert ca.loc["As_ppm", "threshold"] == 405.0 and ca.loc["As_ppm", "n_anomalous"] == 188
    assert ca.loc["Au_ppb", "threshold"] == 2180.0 and ca.loc["Au_ppb", "n_anomalous"] == 4


def test_laterites_by_class_and_mcd(lat):
    a = anomalies(lat, method="mad", by="AGE3", columns=["Cu_ppm"])
    assert list(a["class"]) == ["ARCHAEAN", "PHANEROZOIC", "PROTEROZOIC", "unassigned"]
    assert a.set_index("class").loc["unassigned", "note"].startswith("fewer than")
    cols = ["Cu_ppm", "Pb_ppm", "Zn_ppm", "As_ppm", "Ga_ppm", "Mn_ppm"]
    summary, flags = anomaly_flags(lat, method="mcd", columns=cols)
    row = summary.iloc[0]
    complete = lat.data[cols].notna().all(axis=1)
    assert row["n"] == int(complete.sum()) == 6006
    assert row["threshold"] == pytest.approx(np.sqrt(stats.chi2.ppf(0.975, 5)))
    assert row["n_anomalous"] == int((flags["mcd_anomaly"] == True).sum())  # noqa: E712
    assert 600 < row["n_anomalous"] < 1200  # 887 measured (14.8 %); FastMCD is seeded
    assert flags.loc[~complete, "mcd_distance"].isna().all()
    assert isinstance(flags, pd.DataFrame) and len(flags) == 7742
