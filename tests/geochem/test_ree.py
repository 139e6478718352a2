"""REE metrics against the four-sample golden table of ../shared/notes/geochem.md §3.3 (Chondrite_PON =
Palme & O'Neill 2014 normalisation; computed by an independent implementation), with the granite recomputed
by hand below from the formulas and pinned atomic masses."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from critmin.errors import InputError
from critmin.geochem.characterise import characterise
from critmin.geochem.ree import PriceTable, ree_metrics

COLS = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y"]
SAMPLES = pd.DataFrame.from_dict({  # notes §2, synthetic fixture samples (ppm)
    "carbonatite": [12000, 21000, 2100, 6800, 700, 160, 380, 35, 140, 22, 48, 5.5, 30, 4.1, 300],
    "IAC_clay": [180, 60, 45, 190, 48, 6, 60, 11, 70, 15, 42, 6.0, 38, 5.6, 450],
    "granite": [45, 92, 10.5, 38, 7.8, 0.45, 6.9, 1.1, 6.8, 1.4, 4.1, 0.62, 4.2, 0.63, 40],
    "MORB_like": [3.9, 12.0, 2.0, 11.0, 3.6, 1.3, 4.6, 0.85, 5.5, 1.2, 3.5, 0.52, 3.3, 0.50, 28],
}, orient="index", columns=COLS).astype(float)

GOLDEN = {  # metric: (carbonatite, IAC_clay, granite, MORB_like), notes §3.3
    "treo_ppm": (52480.45, 1478.99, 312.71, 98.71),
    "lreo_pct": (95.917, 37.916, 71.247, 35.013),
    "hreo_pct": (4.083, 62.084, 28.753, 64.988),
    "hreo_usgs_pct": (1.349, 53.174, 23.151, 53.862),
    "ndpr_pct": (19.947, 18.660, 18.231, 15.446),
    "creo_pct": (16.577, 60.400, 33.494, 57.953),
    "outlook_coefficient": (0.3553, 6.1717, 0.9150, 2.8624),
    "rey_def_rel_pct": (17.114, 62.694, 34.856, 61.331),
    "eu_anomaly_geometric": (0.9401, 0.3388, 0.1859, 0.9680),
    "eu_anomaly_arithmetic": (0.8507, 0.3386, 0.1818, 0.9677),
    "eu_anomaly_sm_tb": (1.0167, 0.3347, 0.1816, 0.9574),
    "ce_anomaly_geometric": (1.0168, 0.1620, 1.0288, 1.0444),
    "ce_anomaly_lawrence": (0.9731, 0.1692, 0.9529, 0.9917),
    "ce_anomaly_arithmetic": (0.9408, 0.1582, 0.9961, 1.0345),
    "la_yb_n": (279.536, 3.3103, 7.4876, 0.8259),
    "la_sm_n": (10.9078, 2.3861, 3.6709, 0.6893),
    "gd_yb_n": (10.3280, 1.2874, 1.3395, 1.1366),
}


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    return ree_metrics(SAMPLES)


@pytest.mark.parametrize("metric", list(GOLDEN))
def test_golden_table(metrics: pd.DataFrame, metric: str) -> None:
    for sample, expected in zip(SAMPLES.index, GOLDEN[metric], strict=True):
        decimals = len(f"{expected}".split(".")[1])
        assert metrics.loc[sample, metric] == pytest.approx(expected, abs=0.6 * 10 ** -decimals), (sample, metric)


def test_granite_by_hand(metrics: pd.DataFrame) -> None:
    g = SAMPLES.loc["granite"]
    m = {"La": 138.90547, "Ce": 140.116, "Pr": 140.90766, "Nd": 144.242, "Sm": 150.36, "Eu": 151.964,
         "Gd": 157.25, "Tb": 158.925354, "Dy": 162.5, "Ho": 164.930329, "Er": 167.259, "Tm": 168.934219,
         "Yb": 173.045, "Lu": 174.9668, "Y": 88.905838, "O": 15.999}  # IUPAC 2021

    def ox(el: str, n: int, k: int) -> float:  # ppm of oxide El_n O_k from ppm El
        return g[el] * (n * m[el] + k * m["O"]) / (n * m[el])

    oxides = {"La": ox("La", 2, 3), "Ce": ox("Ce", 1, 2), "Pr": ox("Pr", 6, 11), "Nd": ox("Nd", 2, 3),
              "Sm": ox("Sm", 2, 3), "Eu": ox("Eu", 2, 3), "Gd": ox("Gd", 2, 3), "Tb": ox("Tb", 4, 7),
              "Dy": ox("Dy", 2, 3), "Ho": ox("Ho", 2, 3), "Er": ox("Er", 2, 3), "Tm": ox("Tm", 2, 3),
              "Yb": ox("Yb", 2, 3), "Lu": ox("Lu", 2, 3), "Y": ox("Y", 2, 3)}
    treo = sum(oxides.values())
    assert metrics.loc["granite", "treo_ppm"] == pytest.approx(treo, rel=1e-12)
    assert treo == pytest.approx(312.71, abs=0.005)
    lreo = oxides["La"] + oxides["Ce"] + oxides["Pr"] + oxides["Nd"]
    assert metrics.loc["granite", "lreo_pct"] == pytest.approx(100 * lreo / treo, rel=1e-12)
    assert metrics.loc["granite", "ndpr_pct"] == pytest.approx(100 * (oxides["Nd"] + oxides["Pr"]) / treo, rel=1e-12)
    creo = oxides["Nd"] + oxides["Eu"] + oxides["Tb"] + oxides["Dy"] + oxides["Y"]
    assert metrics.loc["granite", "creo_pct"] == pytest.approx(100 * creo / treo, rel=1e-12)
    crit = g["Nd"] + g["Eu"] + g["Tb"] + g["Dy"] + g["Er"] + g["Y"]  # Seredin & Dai (2012)
    exc = g["Ce"] + g["Ho"] + g["Tm"] + g["Yb"] + g["Lu"]
    assert metrics.loc["granite", "outlook_coefficient"] == pytest.approx(crit / exc, rel=1e-12)
    assert metrics.loc["granite", "rey_def_rel_pct"] == pytest.approx(100 * crit / g.sum(), rel=1e-12)
    # Palme & O'Neill (2014) CI chondrite, ppm
    ci = {"La": 0.2414, "Ce": 0.6194, "Pr": 0.0939, "Nd": 0.4737, "Sm": 0.1536, "Eu": 0.05883, "Gd": 0.2069,
          "Yb": 0.1687}
    n = {k: g[k] / v for k, v in ci.items()}
    assert metrics.loc["granite", "eu_anomaly"] == pytest.approx(n["Eu"] / math.sqrt(n["Sm"] * n["Gd"]), rel=1e-12)
    assert metrics.loc["granite", "ce_anomaly"] == pytest.approx(n["Ce"] / math.sqrt(n["La"] * n["Pr"]), rel=1e-12)
    assert metrics.loc["granite", "la_yb_n"] == pytest.approx(n["La"] / n["Yb"], rel=1e-12)


def test_metadata_and_conventions(metrics: pd.DataFrame) -> None:
    meta = metrics.attrs["critmin"]
    assert meta["normaliser"] == "chondrite-palme-oneill-2014" and meta["oxide_set"] == "industry"
    assert meta["eu_definition"] == "geometric" and meta["oxides"]["Ce"] == "CeO2"
    assert meta["absent_elements"] == ["Sc"]
    for conv in ("industry", "usgs", "ce_y_group", "seredin_dai"):
        assert f"lreo_{conv}_ppm" in metrics.columns and f"hreo_{conv}_ppm" in metrics.columns
    total = metrics[["lreo_seredin_dai_ppm", "mreo_seredin_dai_ppm", "hreo_seredin_dai_ppm"]].sum(axis=1)
    np.testing.assert_allclose(total, metrics["treo_ppm"], rtol=1e-12)
    # sesquioxide set: Ce-rich carbonatite TREO falls by ~1,200 ppm (notes §3.2)
    ses = ree_metrics(SAMPLES, oxide_set="sesquioxide")
    diff = metrics.loc["carbonatite", "treo_ppm"] - ses.loc["carbonatite", "treo_ppm"]
    assert 1100 < diff < 1300
    assert ree_metrics(SAMPLES, eu_definition="arithmetic")["eu_anomaly"].iloc[0] == pytest.approx(0.8507, abs=1e-4)
    assert list(metrics["enrichment_type"]) == ["L", "H", "H", "H"]  # La_N/Lu_N on UCC (Taylor & McLennan 1985)


def test_prices() -> None:
    prices = PriceTable({k: 1.0 for k in ("La2O3", "CeO2", "Pr6O11", "Nd2O3", "Sm2O3", "Eu2O3", "Gd2O3",
                                          "Tb4O7", "Dy2O3", "Ho2O3", "Er2O3", "Tm2O3", "Yb2O3", "Lu2O3")}
                        | {"Y2O3": 0.0}, date="2024-01-01", basis="test basis, not a market price")
    m = ree_metrics(SAMPLES, prices=prices)
    g = m.loc["granite"]
    assert g["basket_usd_per_kg"] == pytest.approx((g["treo_ppm"] - 40 * 1.26993) / g["treo_ppm"], rel=1e-3)
    assert g["insitu_usd_per_t"] == pytest.approx(g["basket_usd_per_kg"] * g["treo_ppm"] * 1e-3, rel=1e-12)
    assert m.attrs["critmin"]["prices"]["date"] == "2024-01-01"
    with pytest.raises(InputError, match="date and a basis"):
        PriceTable({"Nd2O3": 1.0}, date="", basis="")
    with pytest.raises(InputError, match="no price for"):
        ree_metrics(SAMPLES, prices=PriceTable({"Nd2O3": 1.0}, date="2024", basis="x"))


def test_missing_and_censored_are_flagged_never_silent() -> None:
    df = SAMPLES.copy()
    df.loc["granite", "Sm"] = np.nan
    cens = pd.DataFrame("", index=df.index, columns=COLS)
    cens.loc["MORB_like", "Eu"] = "<"
    m = ree_metrics(df, censored=cens)
    assert np.isnan(m.loc["granite", "eu_anomaly"]) and m.loc["granite", "eu_anomaly_flag"] == "missing"
    assert m.loc["granite", "treo_flag"] == "missing"  # partial sum, said so
    assert m.loc["granite", "treo_ppm"] < ree_metrics(SAMPLES).loc["granite", "treo_ppm"]
    assert m.loc["MORB_like", "eu_anomaly_flag"] == "censored" and m.loc["MORB_like", "treo_flag"] == "censored"
    assert m.loc["carbonatite", "treo_flag"] == "" and m.loc["carbonatite", "la_yb_n_flag"] == ""
    # a zero makes ratios undefined: NaN and flagged, not inf
    z = SAMPLES.copy()
    z.loc["granite", "Gd"] = 0.0
    mz = ree_metrics(z)
    assert np.isnan(mz.loc["granite", "eu_anomaly"]) and mz.loc["granite", "eu_anomaly_flag"] == "missing"


@pytest.mark.parametrize(("frame", "match"), [
    (SAMPLES.assign(La=["12", "x", "1", "2"]), "text 'x'"),
    (SAMPLES.assign(Nd=[1.0, -2.0, 1.0, 1.0]), "negative value"),
])
def test_bad_input(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(InputError, match=match) as exc:
        ree_metrics(frame)
    assert exc.value.row == 2
    dup = pd.concat([SAMPLES, SAMPLES[["La"]]], axis=1)
    with pytest.raises(InputError, match="duplicated"):
        ree_metrics(dup)
    with pytest.raises(InputError, match="eu_definition"):
        ree_metrics(SAMPLES, eu_definition="median")  # type: ignore[arg-type]


def test_characterise_end_to_end(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from critmin.geochem.assays import read_assays

    p = tmp_path / "ree.csv"
    rows = ["sample_id," + ",".join(f"{e}_ppm" for e in COLS)]
    for name, r in SAMPLES.iterrows():
        rows.append(name + "," + ",".join(str(v) for v in r))
    rows[-1] = rows[-1].replace(",1.3,", ",<2,", 1)  # MORB_like Eu below a DL of 2 ppm
    p.write_text("\n".join(rows) + "\n")
    out = characterise(read_assays(p))
    for col in ("sample_id", "treo_ppm", "ndpr_pct", "eu_anomaly", "ce_anomaly", "lambda0", "lambda1", "lambda2",
                "lambda3", "treo_flag", "eu_anomaly_flag", "lambda_flag"):
        assert col in out.columns
    assert list(out["sample_id"]) == list(SAMPLES.index)
    assert out.loc[2, "treo_ppm"] == pytest.approx(312.71, abs=0.005)
    assert out.loc[3, "eu_anomaly_flag"] == "censored" and out.loc[2, "eu_anomaly_flag"] == ""
    assert out.attrs["critmin"]["lambda_reference"] == "chondrite-oneill-2016"
