"""``critmin prospect``: weights, response, auc, curves, fuzzy, ahp, train and predict through the CLI.

References: Geoscience Australia MPM-WofE TESTDATA (Cloncurry IOCG, Apache-2.0): ``*_CT.csv`` weights and
``PosteriorProbability*.tif``; Saaty (2008) drinks example for AHP.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import rasterio

from tests.cli.conftest import Invoke, as_json
from tests.prospectivity.conftest import GA_DEPOSITS, GA_RESPONSE, write_points, write_tif

ROW_KEYS = {"class", "area_km2", "deposits", "w_plus", "s_w_plus", "w_minus", "s_w_minus", "contrast", "s_contrast",
            "studentized_contrast"}


def test_weights_json_contract_matches_ga(cli: Invoke) -> None:
    d = as_json(cli("prospect", "weights", "--evidence", GA_RESPONSE / "FaultDensity.tif", "--deposits", GA_DEPOSITS,
                    "--type", "categorical", "--unit-cell-km2", "1", "--count", "points", "--json"))
    assert set(d) >= {"rows", "summary"}
    for r in d["rows"]:
        assert ROW_KEYS | {"generalized_class", "generalized_weight", "generalized_s_weight"} <= set(r)
    ref = {float(r["CLASS"]): r for r in csv.DictReader(open(GA_RESPONSE / "FaultDensity_CT.csv"))}
    for r in d["rows"]:
        g = ref[float(r["class"])]
        for ours, theirs in (("w_plus", "WPLUS"), ("w_minus", "WMINUS"), ("contrast", "CONTRAST"),
                             ("studentized_contrast", "STUDC")):
            assert r[ours] == pytest.approx(float(g[theirs]), abs=1e-4)
    assert d["summary"]["n_deposits"] == 258 and d["summary"]["unit_cell_km2"] == 1


def test_weights_cumulative_generalised_csv(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "w.csv"
    res = cli("prospect", "weights", "--evidence", GA_RESPONSE / "Dist2Breccia.tif", "--deposits", GA_DEPOSITS,
              "--type", "ascending", "--generalize", "max-contrast", "--out", out, "--json")
    d = as_json(res)
    assert d["summary"]["generalization"]["rule"] == "max-contrast"
    assert all({"generalized_class", "generalized_weight"} <= set(r) for r in d["rows"])
    assert out.exists() and "generalized_weight" in out.read_text().splitlines()[0]


def test_response_writes_cogs_and_ci(cli: Invoke, tmp_path: Path) -> None:
    layers = []
    for name in ("Dist2Breccia", "Dist2Fault", "FaultDensity", "StratNo"):
        layers += ["--layer", f"{GA_RESPONSE / (name + '.tif')}:{GA_RESPONSE / (name + '_CT.csv')}"]
    d = as_json(cli("prospect", "response", *layers, "--deposits", GA_DEPOSITS, "--unit-cell-km2", "1", "--out",
                    tmp_path, "--json"))
    assert d["ci_test"]["n_observed"] == 258 and d["ci_test"]["ratio_n_over_t"] < 1
    with rasterio.open(d["outputs"]["posterior"]) as a, \
            rasterio.open(GA_RESPONSE / "PosteriorProbability.tif") as b:
        np.testing.assert_allclose(a.read(1), b.read(1), rtol=1e-6)
    assert (tmp_path / "response.json").exists()


def test_auc_and_curves(cli: Invoke, tmp_path: Path) -> None:
    pred = GA_RESPONSE / "PosteriorProbability.tif"
    a = as_json(cli("prospect", "auc", "--prediction", pred, "--deposits", GA_DEPOSITS, "--background", "all",
                    "--count", "points", "--json"))
    b = as_json(cli("prospect", "auc", "--prediction", pred, "--deposits", GA_DEPOSITS, "--background",
                    "non-deposit", "--count", "pixels", "--json", "--curves"))
    assert a["background"] == "all" and b["background"] == "non-deposit" and 0.5 < a["auc"] < 1
    assert a["auc"] != b["auc"] and "roc" in b and "roc" not in a
    fig = tmp_path / "curves.png"
    cli("prospect", "curves", "--prediction", pred, "--deposits", GA_DEPOSITS, "--out", fig, "--csv",
        tmp_path / "pa.csv")
    assert fig.stat().st_size > 10_000 and (tmp_path / "pa.csv").exists()


def test_bad_usage_and_input(cli: Invoke, tmp_path: Path) -> None:
    res = cli("prospect", "weights", "--evidence", GA_RESPONSE / "StratNo.tif", "--deposits", GA_DEPOSITS,
              "--type", "bogus", ok=False)
    assert res.exit_code == 2
    other = write_tif(tmp_path / "other.tif", np.ones((5, 5), np.uint8), crs="EPSG:32633")
    res = cli("prospect", "response", "--layer", f"{GA_RESPONSE / 'StratNo.tif'}:{GA_RESPONSE / 'StratNo_CT.csv'}",
              "--layer", f"{other}:{GA_RESPONSE / 'StratNo_CT.csv'}", "--deposits", GA_DEPOSITS, "--out",
              tmp_path / "o", ok=False)
    assert res.exit_code == 1 and "layer 'other' has CRS EPSG:32633" in res.stderr


def _synthetic(tmp_path: Path) -> tuple[list[Path], Path]:
    rng = np.random.default_rng(3)
    from scipy import ndimage

    a = ndimage.gaussian_filter(rng.normal(size=(60, 60)), 4).astype(np.float32)
    b = rng.normal(size=(60, 60)).astype(np.float32)
    pa = write_tif(tmp_path / "a.tif", a, origin=(0.0, 6000.0))
    pb = write_tif(tmp_path / "b.tif", b, origin=(0.0, 6000.0))
    r, c = np.nonzero(a > np.quantile(a, 0.97))
    pick = rng.choice(r.size, size=25, replace=False)
    pts = [(float(c[i] * 100 + 50), float(6000 - r[i] * 100 - 50)) for i in pick]
    return [pa, pb], write_points(tmp_path / "dep.gpkg", pts)


def test_train_predict_fuzzy_ahp(cli: Invoke, tmp_path: Path) -> None:
    (pa, pb), dep = _synthetic(tmp_path)
    model = tmp_path / "m.joblib"
    d = as_json(cli("prospect", "train", "--evidence", pa, "--evidence", pb, "--deposits", dep, "--model",
                    "logistic", "--negatives", "200", "--block-m", "1000", "--out", model, "--seed", "1", "--json"))
    assert d["features"] == ["a", "b"] and d["scores"]["spatial_block"]["auc_pooled"] > 0.7
    assert d["provenance"]["seed"] == 1
    out = tmp_path / "p.tif"
    cli("prospect", "predict", "--model", model, "--evidence", pa, "--evidence", pb, "--out", out)
    auc = as_json(cli("prospect", "auc", "--prediction", out, "--deposits", dep, "--json"))["auc"]
    assert auc > 0.8
    res = cli("prospect", "predict", "--model", model, "--evidence", pb, "--evidence", pa, "--out", out, ok=False)
    assert res.exit_code == 1 and "do not match the model's features" in res.stderr
    fz = tmp_path / "f.tif"
    f = as_json(cli("prospect", "fuzzy", "--layer", f"{pa}:large:0.5,3", "--layer", f"{pb}:linear:-2,2",
                    "--overlay", "gamma", "--gamma", "0.8", "--out", fz, "--json"))
    assert f["overlay"] == "gamma"
    with rasterio.open(fz) as src:
        v = src.read(1)
    assert np.nanmin(v) >= 0 and np.nanmax(v) <= 1
    m = tmp_path / "ahp.csv"
    m.write_text("name,geology,faults,magnetics\ngeology,1,3,5\nfaults,0.3333333333,1,3\n"
                 "magnetics,0.2,0.3333333333,1\n")
    w = as_json(cli("prospect", "ahp", "--matrix", m, "--json"))
    assert w["weights"]["geology"] > w["weights"]["faults"] > w["weights"]["magnetics"] and w["acceptable"]
    assert json.dumps(w)


def test_mask_nodata_and_outside_deposits_are_reported(cli: Invoke, tmp_path: Path) -> None:
    ev = np.ones((10, 10), np.float32)
    ev[:, 5:] = 2
    ev[0, 0] = -9999  # declared nodata
    e = write_tif(tmp_path / "geology.tif", ev, nodata=-9999)
    m = np.ones((10, 10), np.uint8)
    m[9, :] = 0  # 0 = outside the study area (0/1 mask)
    mask = write_tif(tmp_path / "mask.tif", m)
    pts = [(150.0, 850.0), (250.0, 750.0), (750.0, 850.0), (650.0, 550.0), (50.0, 50.0), (5e6, 5e6)]
    dep = write_points(tmp_path / "d.gpkg", pts)
    res = cli("prospect", "weights", "--evidence", e, "--deposits", dep, "--type", "unique", "--unit-cell-km2", "0.01",
              "--mask", mask, "--json")
    d = json.loads(res.stdout)
    assert d["summary"]["n_deposits"] == 4
    assert d["summary"]["study_area_units"] == pytest.approx(89)  # 100 - 10 (mask row) - 1 (nodata)
    assert "2 of 6 deposits fall outside" in res.stderr
    frac = write_tif(tmp_path / "frac.tif", ev + 0.5)
    res = cli("prospect", "weights", "--evidence", frac, "--deposits", dep, ok=False)
    assert res.exit_code == 1 and "layer 'frac' holds non-integer class values" in res.stderr
