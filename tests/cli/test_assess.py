"""``critmin assess``: pmf, simulate, summarize, filter, aggregate through the CLI.

Reference values: MapMark4 user's guide (Ellefsen 2017, USGS TM 7-C14) for the negative-binomial fit of
ExampleDepEst1; Root, Menzie & Scott 1992 (Nonrenewable Resources 1(2)) Table 3 and the MapMark4GUI sample run
(TM 7-C18) for Mark3; MapMark4's Poisson(5) test (../shared/notes/assessment.md §2 V1); the MapMark4GUI porphyry
run's ``_05_SIM_EF.csv``; the USGS ATA test pmfs (MapWizard aggregate-results).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.conftest import Invoke, as_json

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment"
MM = DATA / "mapmark4"
EST1 = MM / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"
GT71 = MM / "ExampleGatm_synthetic_CuAu_71_deposits.csv"
SIM_EF = DATA / "mapmark4gui-porphyry-run" / "porphyry_cu_05_SIM_EF.csv"
AGG = DATA / "mapwizard" / "aggregate-results"
STAT_KEYS = {"mean", "median", "sd", "p_zero", "p_ge_mean", "quantiles", "exceedance"}
LEVELS = {"0.01", "0.05", "0.1", "0.25", "0.5", "0.75", "0.9", "0.95", "0.99"}


def _check_stats(stats: dict, quantities: list[str]) -> None:
    assert list(stats) == quantities
    for q in quantities:
        s = stats[q]
        assert STAT_KEYS <= set(s)
        assert LEVELS <= set(s["quantiles"])
        assert {"P99", "P90", "P50", "P10", "P1"} <= set(s["exceedance"])
        assert s["exceedance"]["P90"] == s["quantiles"]["0.1"]        # USGS: P90 = 0.1 quantile
        assert s["exceedance"]["P10"] == s["quantiles"]["0.9"]


# ------------------------------------------------------------------------------------------------ pmf

def test_pmf_negative_binomial_golden_numbers(cli: Invoke) -> None:
    d = as_json(cli("assess", "pmf", "--estimates", EST1, "--method", "negative-binomial", "--json"))
    # MapMark4 user's guide (TM 7-C14): mean 10.6613, variance 43.0923, sd 6.56447, mode 7, 0-42, entropy 3.19684
    assert d["mean"] == pytest.approx(10.6613, abs=5e-5)
    assert d["variance"] == pytest.approx(43.0923, abs=5e-4)
    assert d["sd"] == pytest.approx(6.56447, abs=5e-6)
    assert (d["mode"], d["min"], d["max"]) == (7, 0, 42)
    assert d["entropy"] == pytest.approx(3.19684, abs=5e-6)
    assert len(d["probabilities"]) == 43 and sum(d["probabilities"]) == pytest.approx(1.0, abs=1e-12)
    assert d["probabilities"][0] == pytest.approx(0.00787, abs=5e-6)
    assert d["probabilities"][1] == pytest.approx(0.0204, abs=5e-5)
    assert d["method"] and "provenance" in d


def test_pmf_mark3_tables(cli: Invoke) -> None:
    d = as_json(cli("assess", "pmf", "--mark3", "1,2,4", "--json"))
    assert d["probabilities"] == pytest.approx([0.067, 0.233, 0.300, 0.200, 0.200], abs=6e-4)  # Root et al. 1992
    b = as_json(cli("assess", "pmf", "--mark3", "0,2,2", "--json"))
    assert b["probabilities"] == pytest.approx([0.2, 0.2, 0.6], abs=1e-12)
    five = as_json(cli("assess", "pmf", "--mark3", "0,1,2,3,4", "--method", "mark3", "--json"))
    assert five["probabilities"] == pytest.approx([0.3, 0.4, 0.225, 0.045, 0.03], abs=1e-12)  # MapMark4GUI run
    assert five["mean"] == pytest.approx(1.105) and five["variance"] == pytest.approx(0.963975)
    assert five["entropy"] == pytest.approx(1.30808, abs=5e-6)


def test_pmf_poisson_and_files(cli: Invoke, tmp_path: Path) -> None:
    d = as_json(cli("assess", "pmf", "--method", "poisson", "--mean", "5", "--json"))
    assert (d["min"], d["max"]) == (0, 15)                                   # MapMark4 Poisson(5) test
    assert d["probabilities"][0] == pytest.approx(0.00674, abs=5e-6)
    assert d["probabilities"][-1] == pytest.approx(0.000157, abs=5e-7)
    out = tmp_path / "T_03_PMF_Probs.csv"
    cli("assess", "pmf", "--mark3", "1,2,4", "--out", out)
    again = as_json(cli("assess", "pmf", "--pmf", out, "--json"))
    assert again["probabilities"] == pytest.approx([0.0666667, 0.2333333, 0.3, 0.2, 0.2], abs=1e-6)
    text = cli("assess", "pmf", "--mark3", "1,2,4").stdout
    assert "mode 2" in text and "support 0-4" in text


# ------------------------------------------------------------------------------------------- simulate

def _simulate(cli: Invoke, *extra: str | Path) -> dict:
    return as_json(cli("assess", "simulate", "--gt", GT71, "--estimates", EST1, "--trials", "3000", "--json",
                       *extra))


def test_simulate_json_shape_and_seed(cli: Invoke) -> None:
    a = _simulate(cli, "--seed", "1")
    _check_stats(a["statistics"], ["ore", "Cu", "Au"])
    assert a["trials"] == 3000 and a["seed"] == 1
    assert a["pmf"]["mean"] == pytest.approx(10.6613, abs=5e-5) and a["pmf"]["method"]
    assert {"rows", "passed", "max_abs_z"} <= set(a["moment_check"]) and a["moment_check"]["passed"]
    assert a["provenance"]["seed"] == 1
    b = _simulate(cli, "--seed", "1")
    c = _simulate(cli, "--seed", "2")
    assert a["statistics"] == b["statistics"]                     # bit-identical with the same seed
    assert a["statistics"]["Cu"]["mean"] != c["statistics"]["Cu"]["mean"]


def test_simulate_out_files_round_trip_through_summarize(cli: Invoke, tmp_path: Path) -> None:
    d = as_json(cli("assess", "simulate", "--gt", GT71, "--mark3", "0,1,2,3,4", "--tonnage-pdf", "kde",
                    "--truncate", "--trials", "2000", "--seed", "4", "--out", tmp_path, "--run-id", "T1", "--json"))
    names = sorted(Path(f).name for f in d["files"])
    assert names == ["T1_03_PMF_Probs.csv", "T1_05_SIM_EF.csv", "T1_07_SIM_Contained_Totals.csv",
                     "T1_08_SIM_Contained_Stats.csv"]
    s = as_json(cli("assess", "summarize", tmp_path / "T1_05_SIM_EF.csv", "--json"))
    assert s["trials"] == 2000
    for q in ("ore", "Cu", "Au"):
        assert s["statistics"][q]["mean"] == pytest.approx(d["statistics"][q]["mean"], rel=1e-12)
        assert s["statistics"][q]["p_zero"] == d["statistics"][q]["p_zero"]


# ------------------------------------------------------------------------------------------ summarize

def test_summarize_the_mapmark4gui_run(cli: Invoke) -> None:
    d = as_json(cli("assess", "summarize", SIM_EF, "--json"))
    _check_stats(d["statistics"], ["ore", "Cu", "Mo", "Au", "Ag"])      # "Cu _MetricTons" -> Cu; no gangue
    raw = pd.read_csv(SIM_EF)
    per_trial = raw.groupby("Simulation.Index")["Number.of.Deposits"].first()
    assert d["trials"] == 20000 == len(per_trial)
    assert d["statistics"]["Cu"]["p_zero"] == pytest.approx((per_trial == 0).mean(), abs=1e-12)
    cu = raw.groupby("Simulation.Index")["Cu _MetricTons"].sum()
    assert d["statistics"]["Cu"]["mean"] == pytest.approx(cu.mean(), rel=1e-12)
    assert d["statistics"]["ore"]["quantiles"]["0.5"] == pytest.approx(
        raw.groupby("Simulation.Index")["Ore_mT"].sum().median(), rel=1e-12)


# --------------------------------------------------------------------------------------------- filter

def test_filter_the_mapmark4gui_run(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "ef.csv"
    a = as_json(cli("assess", "filter", SIM_EF, "--seed", "3", "--out", out, "--json"))
    b = as_json(cli("assess", "filter", SIM_EF, "--seed", "3", "--json"))
    assert a["n_trials"] == 20000 and a["n_deposits"] == 22208
    _check_stats(a["statistics"]["contained"], ["ore", "Cu", "Mo", "Au", "Ag"])
    _check_stats(a["statistics"]["recovered"], ["ore", "Cu", "Mo", "Au", "Ag"])
    for q in ("Cu", "Mo", "Au", "Ag"):
        assert a["statistics"]["recovered"][q]["mean"] <= a["statistics"]["contained"][q]["mean"]
    assert a["statistics"]["recovered"] == b["statistics"]["recovered"]
    assert 0 < a["fraction_economic"] < 1
    assert set(a["mine_methods"]) <= {"open_pit", "block_caving"}
    dep = pd.read_csv(out)
    assert len(dep) == 22208 and (dep["economic"] == (dep["npv_usd"] > 0)).all()
    cheap = as_json(cli("assess", "filter", SIM_EF, "--seed", "3", "--price", "Cu=20000", "--json"))
    assert cheap["n_economic"] > a["n_economic"]


# ------------------------------------------------------------------------------------------ aggregate

def test_aggregate_pmf_files(cli: Invoke) -> None:
    files = [AGG / "SampleFiles" / f"Conduit1_03_PMF_Probs{i}.csv" for i in range(1, 8)]
    names = ",".join(f"T{i}" for i in range(1, 8))
    ind = as_json(cli("assess", "aggregate", *files, "--names", names, "--trials", "20000", "--seed", "1",
                      "--json"))
    assert ind["method"] == "independent" and ind["tracts"] == names.split(",")
    assert ind["statistics"]["n_deposits"]["mean"] == pytest.approx(7 * 5.6895, abs=0.15)
    cor = as_json(cli("assess", "aggregate", *files, "--names", names, "--correlation", AGG / "CorrelationTab.csv",
                      "--seed", "1", "--json"))
    off = [v for i, row in enumerate(cor["achieved_rank_correlation"]) for j, v in enumerate(row) if i != j]
    assert all(abs(v - 0.75) < 0.02 for v in off), off
    assert cor["statistics"]["n_deposits"]["sd"] > 2 * ind["statistics"]["n_deposits"]["sd"]


# ---------------------------------------------------------------------------------- bad input, usage

def test_bad_input_exits_1_naming_the_row(cli: Invoke, tmp_path: Path) -> None:
    est = tmp_path / "est.csv"
    est.write_text("Name,Weight,N90,N50,N10\na,1,1,2,5\nb,1,6,2,9\n")
    res = cli("assess", "pmf", "--estimates", est, "--json", ok=False)
    assert res.exit_code == 1
    assert "row 2" in res.stderr and "est.csv" in res.stderr
    gt = tmp_path / "gt.csv"
    rows = "\n".join(f"D{i},N{i},{1e6 * (i + 1)},{0.5 if i != 6 else 140},0.0001" for i in range(25))
    gt.write_text("ID,Name,Ore,Cu,Au\n" + rows + "\n")
    res = cli("assess", "simulate", "--gt", gt, "--mark3", "1,2,4", "--trials", "100", "--seed", "1", ok=False)
    assert res.exit_code == 1 and "row 7" in res.stderr and "Cu" in res.stderr
    res = cli("assess", "pmf", "--mark3", "4,2,1", ok=False)
    assert res.exit_code == 1


@pytest.mark.parametrize("args", [
    ["assess", "pmf", "--mark3", "one,two,four"],
    ["assess", "pmf", "--mark3", "1,2,4", "--estimates", str(EST1)],
    ["assess", "pmf", "--estimates", str(EST1), "--method", "binomial"],
    ["assess", "pmf"],
    ["assess", "simulate", "--gt", str(GT71), "--mark3", "1,2,4", "--tonnage-pdf", "gamma"],
    ["assess", "filter", str(SIM_EF), "--geometry", "round"],
    ["assess", "filter", str(SIM_EF), "--price", "Cu"],
    ["assess", "summarize", "no-such-file.csv"],
])
def test_usage_errors_exit_2(cli: Invoke, args: list[str]) -> None:
    res = cli(*args, ok=False)
    assert res.exit_code == 2, res.output


def test_exit_codes_through_the_real_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "CRITMIN_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    run = [sys.executable, "-m", "critmin.cli.main", "assess", "pmf"]
    ok = subprocess.run([*run, "--mark3", "1,2,4", "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0 and json.loads(ok.stdout)["max"] == 4
    usage = subprocess.run([*run, "--mark3", "x"], env=env, capture_output=True, text=True, timeout=300)
    assert usage.returncode == 2 and "--mark3" in usage.stderr
    bad = subprocess.run([*run, "--mark3", "1,2"], env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "error" in bad.stderr
