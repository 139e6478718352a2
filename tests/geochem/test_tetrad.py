"""Tetrad effect after Irber (1999), GCA 63:489-508, doi:10.1016/S0016-7037(98)00291-5: t1, t3 from the
inner elements' departure from log-linear interpolation of the outer elements of each tetrad."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from critmin.geochem.tetrad import tetrad_effect


def test_flat_pattern_has_no_tetrad_effect() -> None:
    flat = pd.DataFrame({e: [10.0] for e in ("La", "Ce", "Pr", "Nd", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu")})
    out = tetrad_effect(flat)
    assert out.iloc[0].to_numpy() == pytest.approx([1.0, 1.0, 1.0, 1.0])


def test_log_linear_slope_has_no_tetrad_effect() -> None:
    z = {"La": 57, "Ce": 58, "Pr": 59, "Nd": 60, "Gd": 64, "Tb": 65, "Dy": 66, "Ho": 67}
    df = pd.DataFrame({e: [100 * np.exp(-0.3 * (k - 57))] for e, k in z.items()})
    assert tetrad_effect(df)["tetrad_te13"].iloc[0] == pytest.approx(1.0, rel=1e-12)


def test_by_hand() -> None:
    n = {"La": 100.0, "Ce": 130.0, "Pr": 110.0, "Nd": 60.0, "Gd": 20.0, "Tb": 25.0, "Dy": 22.0, "Ho": 12.0}
    ce_star = n["La"] ** (2 / 3) * n["Nd"] ** (1 / 3)
    pr_star = n["La"] ** (1 / 3) * n["Nd"] ** (2 / 3)
    tb_star = n["Gd"] ** (2 / 3) * n["Ho"] ** (1 / 3)
    dy_star = n["Gd"] ** (1 / 3) * n["Ho"] ** (2 / 3)
    t1 = np.sqrt((n["Ce"] / ce_star) * (n["Pr"] / pr_star))
    t3 = np.sqrt((n["Tb"] / tb_star) * (n["Dy"] / dy_star))
    out = tetrad_effect(pd.DataFrame({k: [v] for k, v in n.items()}))
    assert out["tetrad_t1"].iloc[0] == pytest.approx(t1, rel=1e-12)
    assert out["tetrad_t3"].iloc[0] == pytest.approx(t3, rel=1e-12)
    assert out["tetrad_te13"].iloc[0] == pytest.approx(np.sqrt(t1 * t3), rel=1e-12)
    assert out["tetrad_te13"].iloc[0] > 1.1  # an M-type pattern by Irber's criterion
    assert np.isnan(out["tetrad_t4"].iloc[0])  # Er, Tm, Yb, Lu absent


def test_worked_value_granite_fixture() -> None:
    """Worked value: the notes' granite fixture (ppm) normalised to CI chondrite (Palme & O'Neill 2014),
    with Irber's (1999) equations as documented for GCDkit's tetrad.r (Janoušek et al. 2006):
    La_N = 45/0.2414 = 186.41, Ce_N = 92/0.6194 = 148.53, Pr_N = 10.5/0.0939 = 111.82, Nd_N = 38/0.4737 = 80.22;
    Ce/Ce^t = 148.53/(186.41^(2/3)·80.22^(1/3)) = 1.0554, Pr/Pr^t = 111.82/(186.41^(1/3)·80.22^(2/3)) = 1.0524,
    t1 = √(1.0554·1.0524) = 1.0539; Gd_N = 6.9/0.2069 = 33.35, Tb_N = 1.1/0.03797 = 28.97,
    Dy_N = 6.8/0.2558 = 26.58, Ho_N = 1.4/0.05644 = 24.80; Tb/Tb^t = 28.97/(33.35^(2/3)·24.80^(1/3)) = 0.9588,
    Dy/Dy^t = 26.58/(33.35^(1/3)·24.80^(2/3)) = 0.9710, t3 = 0.9649; TE1,3 = √(1.0539·0.9649) = 1.0084
    (no significant tetrad effect, < 1.1)."""
    from critmin.geochem.normalise import normalise

    g = pd.DataFrame({"La": [45.0], "Ce": [92.0], "Pr": [10.5], "Nd": [38.0], "Gd": [6.9], "Tb": [1.1],
                      "Dy": [6.8], "Ho": [1.4]})
    out = tetrad_effect(normalise(g, "chondrite-palme-oneill-2014")).iloc[0]
    assert out["tetrad_t1"] == pytest.approx(1.0539, abs=5e-5)
    assert out["tetrad_t3"] == pytest.approx(0.9649, abs=5e-5)
    assert out["tetrad_te13"] == pytest.approx(1.0084, abs=5e-5)
