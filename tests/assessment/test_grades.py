"""Grade pdf (MapMark4 GradePdf): ilr coordinates of grades + gangue, normal / KDE, truncation, missing grades."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from critmin.assessment.grades import GradePdf, hns, ilr_basis
from critmin.assessment.gt_data import read_gt

GT71 = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
        / "ExampleGatm_synthetic_CuAu_71_deposits.csv")


def test_ilr_basis_orthonormal_and_like_compositions():
    v = ilr_basis(3)
    assert np.allclose(v.T @ v, np.eye(2)) and np.allclose(v.sum(axis=0), 0)
    # compositions::ilrBase(D = 3) (R): columns (-0.7071, 0.7071, 0) and (-0.4082, -0.4082, 0.8165)
    assert np.allclose(v, [[-0.7071068, -0.4082483], [0.7071068, -0.4082483], [0, 0.8164966]], atol=1e-7)


def test_roundtrip_and_normal_fit():
    gt = read_gt(GT71)
    gp = GradePdf.fit(gt.grades_pct)
    parts = gp.to_fractions(gp.z)
    assert np.allclose(parts[:, :2] * 100, gt.grades_pct.to_numpy(), rtol=1e-10)
    g = gp.sample(np.random.default_rng(0), 400_000)
    # geometric means of the grades are preserved in distribution (ilr-normal)
    assert np.exp(np.log(g).mean(axis=0)) == pytest.approx(np.exp(np.log(gt.grades_pct).mean()).to_numpy(),
                                                          rel=0.01)
    lr_data = np.corrcoef(np.log(gt.grades_pct["Cu"]), np.log(gt.grades_pct["Au"]))[0, 1]
    assert np.corrcoef(np.log(g[:, 0]), np.log(g[:, 1]))[0, 1] == pytest.approx(lr_data, abs=0.02)


def test_kde_bandwidth_is_hns():
    z = np.random.default_rng(1).normal(size=(50, 2))
    h = hns(z)
    assert np.allclose(h, (4 / (50 * 4)) ** (2 / 6) * np.cov(z, rowvar=False))
    gp = GradePdf.fit(read_gt(GT71).grades_pct, pdf_type="kde")
    assert gp.bandwidth is not None and gp.bandwidth.shape == (2, 2)


def test_missing_byproduct_zero_and_impute():
    gt = read_gt(GT71)
    grades = gt.grades_pct.copy()
    grades.loc[::4, "Au"] = np.nan  # 18 of 71 deposits without Au
    share = grades["Au"].notna().mean()
    z = GradePdf.fit(grades, missing_grades="zero")
    g = z.sample(np.random.default_rng(0), 200_000)
    assert (g[:, 1] > 0).mean() == pytest.approx(share, abs=0.01)
    assert (g[:, 0] > 0).all()
    imp = GradePdf.fit(grades, missing_grades="impute").sample(np.random.default_rng(0), 10_000)
    assert (imp > 0).all()
    # EM mean is close to the complete-data mean (values were removed at random)
    full = GradePdf.fit(gt.grades_pct)
    assert np.allclose(z.mean_z, full.mean_z, atol=0.1)


def test_all_missing_column_is_refused():
    from critmin.assessment.gt_data import GTData
    from critmin.errors import InputError

    with pytest.raises(InputError) as e:
        GTData.from_arrays([1e6, 2e6, 3e6], pd.DataFrame({"Cu": [0.5, 0.4, 0.3], "Mo": [np.nan] * 3}))
    assert e.value.column == "Mo"
