"""Censored (below-detection) data: substitution, ROS, log-ratio EM.

Real data: the Geoscience Australia QAQC example Dataset.xlsx (Apache-2.0; eCat 147731,
doi:10.26186/147731) in ../shared/data/geochem/ga-qaqc, with "<DL" strings (Bi: 641 of 1,576 cells "<0.2",
Lu: 1,574 "<1"). ROS is checked against statsmodels' ``impute_ros`` (Helsel's algorithm, BSD-3); lr-EM
against pyrolite's ``EMCOMP`` (Palarea-Albaladejo & Martín-Fernández 2008).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from critmin.errors import InputError
from critmin.geochem.assays import read_assays
from critmin.geochem.censored import censored_flags, impute, lr_em, ros, substitute, substitution_factor

GA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geochem" / "ga-qaqc" / "Dataset.xlsx"


@pytest.fixture(scope="module")
def ga():
    return read_assays(GA, units="ppm")


def test_substitution_factors():
    assert substitution_factor("half") == 0.5
    assert substitution_factor("sqrt2") == pytest.approx(0.7071067811865476, abs=1e-15)
    assert substitution_factor("0.65") == 0.65
    with pytest.raises(InputError):
        substitution_factor("third")  # type: ignore[arg-type]


def test_substitution_on_ga_lu(ga):
    # Lu is "<1" in 1,574 of 1,576 rows of the GA data set
    for method, expect in (("half", 0.5), ("sqrt2", 1 / np.sqrt(2)), ("0.65", 0.65)):
        res = substitute(ga, method, columns=["Lu"])
        assert int(res.imputed["Lu"].sum()) == 1574
        vals = res.data.loc[res.imputed["Lu"], "Lu"]
        assert np.allclose(vals, expect)
        # uncensored values untouched
        keep = ~res.imputed["Lu"]
        assert np.array_equal(res.data.loc[keep, "Lu"].to_numpy(), ga.data.loc[keep, "Lu"].to_numpy(),
                              equal_nan=True)
    assert int(censored_flags(ga)["Lu"].sum()) == 1574


def _sm_ros(obs, cens):
    sm = pytest.importorskip("statsmodels.imputation.ros")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.impute_ros(obs, cens, as_array=True)


def test_ros_matches_statsmodels_multiple_dls():
    rng = np.random.default_rng(7)
    x = np.exp(rng.normal(1.0, 1.0, 80))
    dl = np.where(rng.random(80) < 0.5, 1.0, 2.5)
    cens = x < dl
    obs = np.where(cens, dl, x)
    ours = ros(obs, cens)
    theirs = _sm_ros(obs, cens)
    assert np.allclose(np.sort(ours), np.sort(theirs), rtol=1e-12, atol=0)
    # input order: uncensored values stay where they were
    assert np.array_equal(ours[~cens], obs[~cens])
    # within one DL the imputed values are increasing in input order (ranks given in input order)
    for d in (1.0, 2.5):
        sel = ours[cens & (dl == d)]
        assert np.all(np.diff(sel) >= 0)


def test_ros_on_ga_bismuth_matches_statsmodels(ga):
    obs = ga.data["Bi"].where(ga.censored["Bi"] != "<", ga.detection_limit["Bi"]).to_numpy(float)
    cens = (ga.censored["Bi"] == "<").to_numpy()
    assert cens.sum() == 641
    ours = ros(obs, cens)
    theirs = _sm_ros(obs, cens)
    assert np.allclose(np.sort(ours), np.sort(theirs), rtol=1e-12)
    assert (ours[cens] > 0).all() and np.isfinite(ours).all()
    res = impute(ga, "ros", columns=["Bi", "Lu"])
    assert res.method == {"Bi": "ros", "Lu": "half (ros fallback: 2 uncensored of 1576)"}
    assert np.allclose(res.data["Bi"], ours)
    assert res.imputed["Bi"].sum() == 641


def test_ros_fallback_and_errors():
    out = ros(np.array([1.0, 1.0, 5.0]), np.array([True, True, False]))
    assert out.tolist() == [0.5, 0.5, 5.0]  # one uncensored value: DL/2 substitution
    with pytest.raises(InputError):
        ros(np.array([1.0, 2.0]), np.array([True]))


def _lognormal_composition(n=300, seed=3):
    rng = np.random.default_rng(seed)
    cov = [[1, .3, .2, .1], [.3, 1, .1, .2], [.2, .1, .8, .1], [.1, .2, .1, .5]]
    x = np.exp(rng.multivariate_normal([0, 0.5, -0.5, 1.0], cov, n))
    return x / x.sum(axis=1, keepdims=True)


def test_lr_em_properties():
    x = _lognormal_composition()
    thr = np.array([0.05, 0.08, 0.03, 1e-9])
    cens = x < thr
    out, diag = lr_em(np.where(cens, np.nan, x), np.broadcast_to(thr, x.shape), cens, tol=1e-10, max_iter=500)
    assert diag["converged"] and diag["denominator"] == 3
    assert np.array_equal(out[~cens], x[~cens])
    assert (out[cens] < np.broadcast_to(thr, x.shape)[cens]).all() and (out[cens] > 0).all()
    # the imputed values track the true (hidden) ones better than DL/2 on the log scale
    err_em = np.abs(np.log(out[cens]) - np.log(x[cens])).mean()
    err_half = np.abs(np.log(0.5 * np.broadcast_to(thr, x.shape)[cens]) - np.log(x[cens])).mean()
    assert err_em < err_half


def test_lr_em_matches_pyrolite_emcomp_with_corrected_sweep(monkeypatch):
    """pyrolite 0.3.8 EMCOMP sweeps its augmented covariance matrix on the constant row as well, which turns
    the regression of censored on observed log-ratios into one through the origin; with that sweep
    skipped, EMCOMP and our lr_em reach the same fixed point."""
    pim = pytest.importorskip("pyrolite.comp.impute")
    x = _lognormal_composition()
    thr = np.array([0.05, 0.08, 0.03, 1e-9])
    cens = x < thr
    xz = np.where(cens, 0.0, x)
    xz = xz / xz.sum(axis=1, keepdims=True)  # EMCOMP closes the data itself
    orig = pim._multisweep
    monkeypatch.setattr(pim, "_multisweep", lambda g, ks: orig(g, [k for k in ks if k != 0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xp, _, _ = pim.EMCOMP(xz.copy(), threshold=thr, tol=1e-12, max_iter=500)
    ours, _ = lr_em(xz, np.broadcast_to(thr, x.shape), cens, tol=1e-12, max_iter=500, denominator=3)
    assert np.allclose(xp / xp[:, [3]], ours / ours[:, [3]], rtol=1e-8)


def test_pyrolite_reg_sweep_trap():
    """Documents the pyrolite trap found while comparing: regression of y0 on y1 with means (0.3, -0.2)
    and covariance [[1, .4], [.4, .8]] has slope 0.4/0.8 = 0.5 and intercept 0.3 + 0.5·0.2 = 0.4;
    pyrolite 0.3.8 returns the no-intercept slope 0.34/0.84."""
    pim = pytest.importorskip("pyrolite.comp.impute")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        beta, _ = pim._reg_sweep(np.array([0.3, -0.2]), np.array([[1.0, 0.4], [0.4, 0.8]]), np.array([1]))
    assert beta[1, 0] == pytest.approx(0.34 / 0.84)


def test_impute_lrem_on_ga_flags(ga):
    cols = ["La", "Ce", "Nd", "Sm", "Eu", "Zr"]  # Sm, Eu censored in some rows; La, Ce, Zr never
    res = impute(ga, "lrem", columns=cols)
    below = (ga.censored[cols] == "<")
    assert res.imputed.equals(below)
    assert res.metadata["denominator"] == "La" and res.metadata["converged"]
    assert (res.data[below] < ga.detection_limit[cols][below]).sum().sum() == below.sum().sum()
    assert res.data.notna().all().all()
