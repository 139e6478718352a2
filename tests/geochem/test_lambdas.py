"""O'Neill (2016) lambdas (doi:10.1093/petrology/egw047). Expected values: ../shared/notes/geochem.md §2
(pyrolite lambda_lnREE(params="ONeill2016"), ChondriteREE_ON normaliser, Eu excluded), and a plain
least-squares fit written out below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.geochem.elements import IONIC_RADII_VIII, REE
from critmin.geochem.lambdas import ONEILL_2016_PARAMS, lambdas
from critmin.geochem.references import get_reference

SAMPLES = pd.DataFrame.from_dict({
    "carbonatite": [12000, 21000, 2100, 6800, 700, 160, 380, 35, 140, 22, 48, 5.5, 30, 4.1],
    "IAC_clay": [180, 60, 45, 190, 48, 6, 60, 11, 70, 15, 42, 6.0, 38, 5.6],
    "granite": [45, 92, 10.5, 38, 7.8, 0.45, 6.9, 1.1, 6.8, 1.4, 4.1, 0.62, 4.2, 0.63],
    "MORB_like": [3.9, 12.0, 2.0, 11.0, 3.6, 1.3, 4.6, 0.85, 5.5, 1.2, 3.5, 0.52, 3.3, 0.50],
}, orient="index", columns=list(REE)).astype(float)

NOTES = {  # λ0, λ1, λ2, λ3 with params="ONeill2016" (notes §2)
    "carbonatite": (7.4738, 33.6673, -4.0828, -1066.3980),
    "IAC_clay": (5.6480, 2.4118, -8.0816, 550.1011),
    "granite": (3.8024, 11.5899, 61.4964, -417.0457),
    "MORB_like": (3.0339, -0.5043, -31.2279, -238.7676),
}


def test_against_notes_table() -> None:
    out = lambdas(SAMPLES)
    for sample, expected in NOTES.items():
        got = out.loc[sample, ["lambda0", "lambda1", "lambda2", "lambda3"]].to_numpy(dtype=float)
        np.testing.assert_allclose(got, expected, atol=1e-4)
    assert (out["lambda_n"] == 13).all() and (out["lambda_flag"] == "").all()


def test_by_hand_least_squares_and_lambda0_is_mean() -> None:
    ref = get_reference("chondrite-oneill-2016")
    els = [e for e in REE if e != "Eu"]
    y = np.log(SAMPLES.loc["granite", els].to_numpy() / ref[els].to_numpy())
    r = np.array([IONIC_RADII_VIII[e] for e in els])
    (b,), (g0, g1), (d0, d1, d2) = ONEILL_2016_PARAMS
    X = np.column_stack([np.ones_like(r), r - b, (r - g0) * (r - g1), (r - d0) * (r - d1) * (r - d2)])
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    got = lambdas(SAMPLES).loc["granite"]
    np.testing.assert_allclose(got[["lambda0", "lambda1", "lambda2", "lambda3"]].to_numpy(float), coef, rtol=1e-12)
    # orthogonal basis over the 13 REE: λ0 is the mean of ln(REE_N) (O'Neill 2016)
    assert got["lambda0"] == pytest.approx(y.mean(), rel=1e-12)
    assert got["lambda_rss"] == pytest.approx(((y - X @ coef) ** 2).sum(), rel=1e-9)


def test_fit_anomalies_match_notes() -> None:
    out = lambdas(SAMPLES, exclude_ce=True)  # notes §2: Ce and Eu excluded
    np.testing.assert_allclose(out["ce_anomaly_fit"], [0.9238, 0.1685, 1.0276, 1.0172], atol=1e-4)
    np.testing.assert_allclose(out["eu_anomaly_fit"], [0.9980, 0.3270, 0.1855, 0.9378], atol=1e-4)


def test_missing_values_grouped_by_pattern() -> None:
    big = pd.concat([SAMPLES] * 50, ignore_index=True)
    rng = np.random.default_rng(3)
    holes = rng.random(big.shape) < 0.1
    holed = big.mask(holes)
    out = lambdas(holed, min_elements=7)
    # each row equals an individual fit of that row alone
    for i in rng.choice(len(big), 12, replace=False):
        single = lambdas(holed.iloc[[i]], min_elements=7)
        np.testing.assert_allclose(out.iloc[i][["lambda0", "lambda3"]].to_numpy(float),
                                   single.iloc[0][["lambda0", "lambda3"]].to_numpy(float), rtol=1e-10)
    fitted = (~holes[:, [j for j, e in enumerate(REE) if e != "Eu"]]).sum(axis=1)
    assert ((out["lambda_flag"] == "too_few_elements") == (fitted < 7)).all()
    assert out.loc[fitted < 7, "lambda0"].isna().all()
    assert ((out["lambda_flag"] == "partial") == ((fitted < 13) & (fitted >= 7))).all()


def test_non_positive_values_are_missing_and_flagged() -> None:
    df = SAMPLES.copy()
    df.loc["granite", "Tm"] = 0.0
    out = lambdas(df)
    assert out.loc["granite", "lambda_n"] == 12 and out.loc["granite", "lambda_flag"] == "partial"
    with pytest.raises(InputError):
        lambdas(SAMPLES, min_elements=3)
    with pytest.raises(InputError, match="no REE column"):
        lambdas(pd.DataFrame({"Y": [1.0]}))
