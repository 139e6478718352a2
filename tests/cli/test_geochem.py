"""``critmin geochem``: characterise, references, qaqc, anomalies through the CLI.

Data: the two REE samples of the geochem contract check (``../shared/checks/contracts``,
``check_geochem_characterise_shape``); Geoscience Australia's QA/QC example ``Dataset.xlsx`` (eCat 147731,
Apache-2.0; CRMs Till-1, Till-2, WG-1, NAFS 01, CAT 01, "rpt" replicates, "<DL" strings); the CSIRO-AGE
laterites (Smith 1987, doi:10.25919/9dsm-wr21, CC BY 4.0). Reference values: the four-sample table of
``../shared/notes/geochem.md`` §3.3 (granite, Palme & O'Neill 2014 chondrite) and §2 (lambdas,
``params="ONeill2016"`` on O'Neill's 2016 chondrite).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli.conftest import Invoke, as_json

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geochem"
GA = DATA / "ga-qaqc" / "Dataset.xlsx"
LATERITES = DATA / "csiro-laterites" / "laterites.xlsx"
REE = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y"]
CONTRACT_ROWS = [[120, 250, 28, 105, 18, 3.2, 14, 2.0, 11, 2.1, 6.0, 0.85, 5.5, 0.8, 55],
                 [1500, 2900, 300, 1000, 120, 30, 80, 9, 40, 7, 18, 2.2, 12, 1.7, 180]]
CONTRACT_COLUMNS = ["sample_id", "treo_ppm", "ndpr_pct", "eu_anomaly", "ce_anomaly", "lambda0", "lambda1", "lambda2",
                    "lambda3"]
# notes §2: granite (ppm); Y used for TREO
GRANITE = [45, 92, 10.5, 38, 7.8, 0.45, 6.9, 1.1, 6.8, 1.4, 4.1, 0.62, 4.2, 0.63, 40]


def _write(path: Path, rows: list[list[object]], ids: list[str], header: list[str] | None = None) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header or ["sample_id"] + [f"{e}_ppm" for e in REE])
        for i, r in zip(ids, rows, strict=True):
            w.writerow([i, *r])
    return path


@pytest.fixture
def contract_csv(tmp_path: Path) -> Path:
    return _write(tmp_path / "ree.csv", CONTRACT_ROWS, ["S0", "S1"])


# ------------------------------------------------------------------------------------------- characterise


def test_characterise_writes_contract_columns(cli: Invoke, contract_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    cli("geochem", "characterise", contract_csv, "--out", out)
    got = pd.read_csv(out)
    assert list(got["sample_id"]) == ["S0", "S1"]
    assert set(CONTRACT_COLUMNS) <= set(got.columns)
    assert got.columns[0] == "sample_id"  # input id columns first
    # TREO (industry oxide set, Y2O3 included) by hand for S0 from the oxide factors M(oxide)/(n·M(el)) (notes §3.1)
    f = {"La": 1.1728, "Ce": 1.2284, "Pr": 1.2082, "Nd": 1.1664, "Sm": 1.1596, "Eu": 1.1579, "Gd": 1.1526,
         "Tb": 1.1762, "Dy": 1.1477, "Ho": 1.1455, "Er": 1.1435, "Tm": 1.1421, "Yb": 1.1387, "Lu": 1.1372,
         "Y": 1.2699}
    treo = sum(v * f[e] for e, v in zip(REE, CONTRACT_ROWS[0], strict=True))
    assert got.loc[0, "treo_ppm"] == pytest.approx(treo, rel=1e-4)
    ndpr = 100 * (105 * f["Nd"] + 28 * f["Pr"]) / treo
    assert got.loc[0, "ndpr_pct"] == pytest.approx(ndpr, rel=1e-4)
    # Eu/Eu* geometric on Palme & O'Neill (2014) chondrite (Sm 0.1536, Eu 0.05883, Gd 0.2069; notes §1.1)
    eu = (3.2 / 0.05883) / math.sqrt((18 / 0.1536) * (14 / 0.2069))
    assert got.loc[0, "eu_anomaly"] == pytest.approx(eu, rel=1e-4)
    ce = (250 / 0.6194) / math.sqrt((120 / 0.2414) * (28 / 0.0939))
    assert got.loc[0, "ce_anomaly"] == pytest.approx(ce, rel=1e-4)
    assert (got["lambda0"] > 0).all() and got["lambda1"].notna().all()
    meta = json.loads((tmp_path / "m.csv.meta.json").read_text())
    assert meta["normaliser"] == "chondrite-palme-oneill-2014"
    assert meta["lambda_reference"] == "chondrite-oneill-2016"
    assert meta["run"]["operation"] == "geochem.characterise" and len(meta["run"]["inputs_sha256"]) == 64


def test_characterise_golden_granite_json(cli: Invoke, tmp_path: Path) -> None:
    src = _write(tmp_path / "granite.csv", [GRANITE], ["granite"])
    d = as_json(cli("geochem", "characterise", src, "--json"))
    assert d["rows"] == 1 and d["out"] is None
    s = d["samples"][0]
    # notes §3.3 (granite): TREO 312.71, NdPr 18.231 %, Eu/Eu* 0.1859, Ce/Ce* 1.0288, (La/Yb)N 7.4876
    assert s["treo_ppm"] == pytest.approx(312.71, abs=0.01)
    assert s["ndpr_pct"] == pytest.approx(18.231, abs=0.001)
    assert s["eu_anomaly"] == pytest.approx(0.1859, abs=1e-4)
    assert s["ce_anomaly"] == pytest.approx(1.0288, abs=1e-4)
    assert s["la_yb_n"] == pytest.approx(7.4876, abs=1e-4)
    # notes §2: lambdas with O'Neill (2016) parameters on ChondriteREE_ON, Eu excluded
    assert [s[f"lambda{i}"] for i in range(4)] == pytest.approx([3.8024, 11.5899, 61.4964, -417.0457], abs=1e-4)
    meta = d["metadata"]
    # the defaults are stated
    for key, value in (("normaliser", "chondrite-palme-oneill-2014"), ("oxide_set", "industry"),
                       ("eu_definition", "geometric"), ("ce_definition", "geometric"), ("below_detection", "half")):
        assert meta[key] == value
    assert set(d["summary"]) >= {"treo_ppm", "lambda0"}


def test_characterise_normaliser_changes_anomalies_not_lambdas(cli: Invoke, contract_csv: Path) -> None:
    a = as_json(cli("geochem", "characterise", contract_csv, "--json"))["samples"]
    b = as_json(cli("geochem", "characterise", contract_csv, "--normalise", "chondrite-mcdonough-sun-1995",
                    "--json"))["samples"]
    # McDonough & Sun (1995) publish the REE in ppb: converted at load, so Eu/Eu* stays of order 1
    assert 0.3 < b[0]["eu_anomaly"] < 1.5 and b[0]["eu_anomaly"] != pytest.approx(a[0]["eu_anomaly"], rel=1e-6)
    assert b[0]["la_yb_n"] != pytest.approx(a[0]["la_yb_n"], rel=1e-6)
    for i in range(4):  # lambdas are always on O'Neill's chondrite
        assert b[0][f"lambda{i}"] == pytest.approx(a[0][f"lambda{i}"], rel=1e-12)


def test_characterise_oxide_set_and_prices(cli: Invoke, contract_csv: Path, tmp_path: Path) -> None:
    ind = as_json(cli("geochem", "characterise", contract_csv, "--json"))["samples"][0]
    ses = as_json(cli("geochem", "characterise", contract_csv, "--oxide-set", "sesquioxide", "--json"))
    assert ses["metadata"]["oxide_set"] == "sesquioxide"
    assert ses["samples"][0]["treo_ppm"] < ind["treo_ppm"]  # Ce2O3 < CeO2 per ppm Ce
    prices = tmp_path / "prices.csv"
    ox = ["La2O3", "CeO2", "Pr6O11", "Nd2O3", "Sm2O3", "Eu2O3", "Gd2O3", "Tb4O7", "Dy2O3", "Ho2O3", "Er2O3",
          "Tm2O3", "Yb2O3", "Lu2O3", "Y2O3"]
    pd.DataFrame({"oxide": ox, "usd_per_kg": [1.0] * len(ox), "date": "2026-01-01",
                  "basis": "test prices, 1 USD/kg each"}).to_csv(prices, index=False)
    d = as_json(cli("geochem", "characterise", contract_csv, "--prices", prices, "--json"))
    s = d["samples"][0]
    # every oxide at 1 USD/kg: basket price 1 USD/kg TREO, in-situ value = TREO ppm × 1e-3 USD/t
    assert s["basket_usd_per_kg"] == pytest.approx(1.0, rel=1e-9)
    assert s["insitu_usd_per_t"] == pytest.approx(ind["treo_ppm"] * 1e-3, rel=1e-9)
    assert d["metadata"]["prices"]["date"] == "2026-01-01"


def test_characterise_console_summary(cli: Invoke, contract_csv: Path) -> None:
    res = cli("geochem", "characterise", contract_csv)
    assert "S0" in res.stdout and "S1" in res.stdout and "TREO" in res.stdout


# ------------------------------------------------------------------------------------------- references


def test_references_lists_names_with_citations(cli: Invoke) -> None:
    text = cli("geochem", "references").stdout
    names = ["chondrite-palme-oneill-2014", "chondrite-mcdonough-sun-1995", "chondrite-sun-mcdonough-1989",
             "chondrite-oneill-2016", "primitive-mantle-mcdonough-sun-1995", "ucc-rudnick-gao-2003",
             "ucc-taylor-mclennan-1985", "paas-taylor-mclennan-1985"]
    for n in names:
        assert n in text
    assert "10.1093/petrology/egw047" in text  # O'Neill (2016)
    d = as_json(cli("geochem", "references", "--json"))
    assert d["default"] == "chondrite-palme-oneill-2014"
    by_name = {r["name"]: r for r in d["references"]}
    assert set(names) <= set(by_name)
    assert by_name["ucc-rudnick-gao-2003"]["doi"] == "10.1016/B0-08-043751-6/03016-4"
    assert "ppb" in by_name["chondrite-mcdonough-sun-1995"]["units"]
    assert all(r["citation"] for r in d["references"])


# ------------------------------------------------------------------------------------------- qaqc


@pytest.fixture(scope="module")
def ga_qaqc(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """One run of ``critmin geochem qaqc`` on the GA data set (reading the workbook takes seconds)."""
    from typer.testing import CliRunner

    from critmin.cli.main import app

    out = tmp_path_factory.mktemp("qaqc")
    res = CliRunner().invoke(app, ["geochem", "qaqc", str(GA), "--units", "ppm", "--out", str(out), "--json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout), out


def test_qaqc_ga_dataset(ga_qaqc: tuple[dict, Path]) -> None:
    d, out = ga_qaqc
    assert d["rows"] == 1576
    assert "crm_points" not in d and "classes" not in d  # per-row tables only with --full
    crm = pd.DataFrame(d["crm"])
    # Till-1 is inserted 182 times (notes §4); its La results are all reported
    till1_la = crm[(crm["material"].str.upper() == "TILL-1") & (crm["element"] == "La")].iloc[0]
    assert till1_la["n"] + till1_la["n_censored"] == 182
    # hand calculation from the workbook: mean of Till-1 La and bias against the certified 28 ppm
    # (Lynch 1996, Geostandards Newsletter 20:277, bundled crm_certified_values)
    raw = pd.read_excel(GA)
    la = pd.to_numeric(raw.loc[raw["SampleNo"].astype(str).str.strip() == "Till-1", "La"], errors="coerce")
    assert till1_la["mean"] == pytest.approx(la.mean(), rel=1e-9)
    assert till1_la["certified"] == 28
    assert till1_la["bias_pct"] == pytest.approx(100 * (la.mean() - 28) / 28, rel=1e-9)
    dup = pd.DataFrame(d["duplicates"])
    assert (dup["n_pairs"] > 0).any()
    assert {"batches", "crm", "duplicates", "blanks", "metadata", "run"} <= set(d)
    for name in ("batches", "crm", "crm_points", "duplicates", "duplicate_pairs", "blanks", "classes"):
        assert (out / f"{name}.csv").exists()
    rep = json.loads((out / "report.json").read_text())
    assert rep["run"]["operation"] == "geochem.qaqc_report"


def test_qaqc_duplicate_pair_by_hand(ga_qaqc: tuple[dict, Path]) -> None:
    _, out = ga_qaqc
    pairs = pd.read_csv(out / "duplicate_pairs.csv", dtype={"original_id": str, "duplicate_id": str})
    raw = pd.read_excel(GA)
    ids = raw["SampleNo"].astype(str).str.strip()
    p = pairs[(pairs["element"] == "La") & pairs["used"]].iloc[0]
    a = float(raw.loc[ids == str(p["original_id"]).strip(), "La"].iloc[0])
    b = float(raw.loc[ids == str(p["duplicate_id"]).strip(), "La"].iloc[0])
    assert (p["a"], p["b"]) == pytest.approx((a, b))
    assert p["hard_pct"] == pytest.approx(100 * abs(a - b) / (a + b), rel=1e-9)  # Abzalov (2008) HARD


def test_qaqc_run_length_batches(cli: Invoke) -> None:
    d = as_json(cli("geochem", "qaqc", GA, "--units", "ppm", "--run-length", "400", "--json"))
    assert len(d["batches"]) == 4  # 1576 rows in runs of 400
    assert sum(b["n_rows"] for b in d["batches"]) == 1576


def test_qaqc_tolerance_and_no_certificate(cli: Invoke) -> None:
    """TILL values carry no certificate SD: accuracy is judged against ±--tolerance-pct of the certified
    value; in-house standards (WG-1, NAFS 01, CAT 01) are "no certificate", never failures."""
    d = as_json(cli("geochem", "qaqc", GA, "--units", "ppm", "--tolerance-pct", "20", "--json"))
    crm = pd.DataFrame(d["crm"])
    failed = crm[crm["status"] == "fail"]
    assert list(zip(failed["material"], failed["element"], strict=True)) == [("TILL-2", "Eu")]  # +28.6 %
    assert set(crm.loc[crm["kind"] == "standard", "status"]) <= {"no certificate", "no data"}
    assert d["batches"][0]["crm_fail"] == 1 and d["metadata"]["tolerance_pct"] == 20


def test_qaqc_plots(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "qa"
    cli("geochem", "qaqc", GA, "--units", "ppm", "--columns", "La,Yb", "--out", out, "--plots")
    plots = sorted(p.name for p in (out / "plots").glob("*.png"))
    assert "control_TILL-1_La.png" in plots and "control_TILL-2_Yb.png" in plots
    assert "duplicates_replicate_La.png" in plots
    assert not any("_Ce" in p for p in plots)
    assert set(pd.read_csv(out / "crm.csv")["element"]) == {"La", "Yb"}


# ------------------------------------------------------------------------------------------- anomalies


def test_anomalies_mad_by_class_on_laterites(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "flags.csv"
    d = as_json(cli("geochem", "anomalies", LATERITES, "--units", "pct", "--method", "mad", "--by", "TYPE",
                    "--columns", "Cu_ppm,As_ppm", "--out", out, "--json"))
    th = pd.DataFrame(d["thresholds"])
    assert set(th["column"]) == {"Cu_ppm", "As_ppm"}
    assert d["metadata"]["method"] == "mad" and d["metadata"]["log10"] is True
    # hand check for one class: threshold = 10^(median + 2·1.4826·MAD) of log10 Cu in class LN
    raw = pd.read_excel(LATERITES)
    v = np.log10(raw.loc[(raw["TYPE"] == "LN") & (raw["Cu_ppm"] > 0), "Cu_ppm"].to_numpy(dtype=float))
    med = np.median(v)
    mad = 1.482602218505602 * np.median(np.abs(v - med))
    row = th[(th["class"] == "LN") & (th["column"] == "Cu_ppm")].iloc[0]
    assert row["threshold"] == pytest.approx(10 ** (med + 2 * mad), rel=1e-9)
    flags = pd.read_csv(out)
    assert len(flags) == 7742 and {"SampNo", "TYPE", "Cu_ppm_anomaly", "any_anomaly"} <= set(flags.columns)
    ln = flags[(flags["TYPE"] == "LN") & (flags["Cu_ppm_anomaly"] == True)]  # noqa: E712
    assert len(ln) == row["n_anomalous"]
    assert (tmp_path / "flags_thresholds.csv").exists()
    assert d["n_anomalous_samples"] == int(flags["any_anomaly"].sum())


@pytest.mark.parametrize("method", ["tukey", "ca"])
def test_anomalies_univariate_methods(cli: Invoke, method: str) -> None:
    d = as_json(cli("geochem", "anomalies", LATERITES, "--units", "pct", "--method", method, "--columns",
                    "Cu_ppm", "--json"))
    (row,) = d["thresholds"]
    raw = pd.read_excel(LATERITES)["Cu_ppm"].to_numpy(dtype=float)
    cu = raw[np.isfinite(raw) & (raw > 0)]
    assert row["n"] == cu.size == 6699
    assert row["n_anomalous"] == int((cu > row["threshold"]).sum())
    if method == "tukey":  # upper inner fence on log10 values: 10^(Q3 + 1.5·IQR)
        q1, q3 = np.percentile(np.log10(cu), [25, 75])
        assert row["threshold"] == pytest.approx(10 ** (q3 + 1.5 * (q3 - q1)), rel=1e-9)
    else:
        assert np.median(cu) < row["threshold"] < cu.max()


def test_anomalies_mcd(cli: Invoke) -> None:
    d = as_json(cli("geochem", "anomalies", LATERITES, "--units", "pct", "--method", "mcd", "--columns",
                    "Cu_ppm,Pb_ppm,Zn_ppm,Ni_ppm", "--json"))
    (row,) = d["thresholds"]
    # 4 parts → 3 ilr coordinates: cut-off √χ²(3, 0.975) = 3.058 (notes §3.6)
    assert row["threshold"] == pytest.approx(3.0575, abs=1e-3)
    assert 0 < row["n_anomalous"] < row["n"]


def test_anomalies_plots(cli: Invoke, tmp_path: Path) -> None:
    cli("geochem", "anomalies", LATERITES, "--units", "pct", "--method", "tukey", "--by", "TYPE", "--columns",
        "Cu_ppm", "--plots", tmp_path / "p")
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["hist_Cu_ppm.png", "prob_Cu_ppm.png"]


# ------------------------------------------------------------------------------------------- bad input / usage


def test_units_not_determinable_exit_1_lists_columns(cli: Invoke) -> None:
    res = cli("geochem", "anomalies", LATERITES, "--method", "mad", ok=False)
    assert res.exit_code == 1
    assert "laterites.xlsx" in res.stderr and "SiO2" in res.stderr and "--units" in res.stderr


def test_text_in_numeric_cell_exit_1_names_file_row_column(cli: Invoke, tmp_path: Path) -> None:
    rows = [list(r) for r in CONTRACT_ROWS]
    rows[1][3] = "abc"  # Nd of the second data row
    src = _write(tmp_path / "bad.csv", rows, ["S0", "S1"])
    res = cli("geochem", "characterise", src, "--out", tmp_path / "m.csv", ok=False)
    assert res.exit_code == 1
    assert "bad.csv" in res.stderr and "row 2" in res.stderr and "Nd_ppm" in res.stderr
    assert not (tmp_path / "m.csv").exists()


def test_duplicated_columns_exit_1(cli: Invoke, tmp_path: Path) -> None:
    header = ["sample_id", *[f"{e}_ppm" for e in REE[:-1]], "La_ppm"]
    src = _write(tmp_path / "dup.csv", [[*r[:-1], r[0]] for r in CONTRACT_ROWS], ["S0", "S1"], header)
    res = cli("geochem", "characterise", src, ok=False)
    assert res.exit_code == 1 and "dup.csv" in res.stderr and "La_ppm" in res.stderr


def test_unknown_reference_exit_1(cli: Invoke, contract_csv: Path) -> None:
    res = cli("geochem", "characterise", contract_csv, "--normalise", "Chondrite_McDonough1995", ok=False)
    assert res.exit_code == 1 and "chondrite-palme-oneill-2014" in res.stderr


def test_bad_price_table_exit_1(cli: Invoke, contract_csv: Path, tmp_path: Path) -> None:
    prices = tmp_path / "p.csv"
    pd.DataFrame({"oxide": ["La2O3"], "usd_per_kg": [1.0]}).to_csv(prices, index=False)
    res = cli("geochem", "characterise", contract_csv, "--prices", prices, ok=False)
    assert res.exit_code == 1 and "p.csv" in res.stderr and "date" in res.stderr


def test_bad_crm_table_exit_1(cli: Invoke, tmp_path: Path) -> None:
    t = tmp_path / "crm.csv"
    t.write_text("crm,element,value,unit\nTILL-1,La,28,ppm\nTILL-1,Ce,seventy,ppm\n")
    res = cli("geochem", "qaqc", GA, "--units", "ppm", "--crm-table", t, ok=False)
    assert res.exit_code == 1 and "crm.csv" in res.stderr and "row 2" in res.stderr and "'value'" in res.stderr


@pytest.mark.parametrize("args", [
    ["characterise"],                                                        # missing FILE
    ["characterise", "{src}", "--oxide-set", "hexoxide"],
    ["characterise", "{src}", "--below", "third"],
    ["characterise", "{src}", "--no-such-option"],
    ["anomalies", "{src}"],                                                  # --method is required
    ["anomalies", "{src}", "--method", "zscore"],
    ["qaqc", "{src}", "--batch-column", "Time", "--run-length", "10"],
    ["qaqc", "{src}", "--run-length", "0"],
    ["qaqc", "{src}", "--plots"],                                            # --plots needs --out
    ["characterise", "/no/such/file.csv"],
])
def test_usage_errors_exit_2(cli: Invoke, contract_csv: Path, args: list[str]) -> None:
    res = cli("geochem", *[a.replace("{src}", str(contract_csv)) for a in args], ok=False)
    assert res.exit_code == 2, res.output
