"""``critmin econ``: evaluate (the JSON contract of issue 7), sensitivity, montecarlo, report, schedule, screens."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, as_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".." / "shared" / "checks" / "example_project.toml"
PROJECTS = ROOT / "src" / "critmin" / "reference" / "projects"
S2 = ROOT / ".." / "shared" / "data" / "economics" / "busch-lithium-deposits" / "Data_S2_lithium_deposit_database.xlsx"


def test_evaluate_json_contract(cli: Invoke) -> None:
    d = as_json(cli("econ", "evaluate", EXAMPLE, "--json"))
    for k in ("npv", "irr", "payback_years", "pre_tax", "attributable", "npv_by_rate", "unit_costs", "cash_flow"):
        assert k in d
    assert abs(d["npv"]) > 1e6  # currency units, not millions
    assert d["irr"] is None or -1 < d["irr"] < 5
    assert d["pre_tax"]["npv"] >= d["npv"]
    for k in ("npv", "irr", "payback_years", "npv_by_rate"):
        assert k in d["pre_tax"] and k in d["attributable"]
    assert d["npv_by_rate"]["0.08"] == pytest.approx(d["npv"])
    assert d["provenance"]["operation"] == "economics.evaluate"


def test_evaluate_table_and_csv(cli: Invoke, tmp_path: Path) -> None:
    res = cli("econ", "evaluate", PROJECTS / "arizaro_pea_2023.toml", "--table", "--csv", tmp_path / "cf.csv")
    assert "post-tax" in res.stdout and "annual cash flow" in res.stdout
    assert (tmp_path / "cf.csv").read_text().startswith("year,calendar_year,phase")


def test_evaluate_bad_input_exit_1(cli: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("capex_phasing = [0.5, 0.5]", "capex_phasing = [0.5, 0.6]"))
    res = cli("econ", "evaluate", bad, ok=False)
    assert res.exit_code == 1 and "costs.capex_phasing" in res.stderr and "bad.toml" in res.stderr


def test_sensitivity_and_montecarlo(cli: Invoke) -> None:
    s = as_json(cli("econ", "sensitivity", EXAMPLE, "--json", "--range", "0.1"))
    assert s["range"] == 0.1 and len(s["tornado"]) == 5 and "price" in s["spider"]["npv"]
    a = as_json(cli("econ", "montecarlo", EXAMPLE, "--draws", "2000", "--seed", "7", "--json"))
    b = as_json(cli("econ", "montecarlo", EXAMPLE, "--draws", "2000", "--seed", "7", "--json"))
    assert a["summary"] == b["summary"] and a["provenance"]["seed"] == 7
    assert sum(a["histogram"]["counts"]) == 2000
    assert {"p10", "p50", "p90", "prob_negative"} <= set(a["summary"])
    assert "P(NPV<0)" in cli("econ", "montecarlo", EXAMPLE, "--draws", "500", "--seed", "1").stdout


def test_report_pdf(cli: Invoke, tmp_path: Path) -> None:
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    cli("econ", "report", PROJECTS / "kangankunde_fs_2024.toml", "-o", pdf, "--html", html, "--draws", "500")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    text = html.read_text()
    assert "Against the published study" in text and "http://" not in text and "https://" not in text


def test_schedule_csv(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    cli("econ", "schedule", PROJECTS / "arizaro_pea_2023.toml", "-o", out)
    head = out.read_text().splitlines()[0]
    assert head == "commodity,stage,country,year,quantity,unit,basis,offtake_partner,offtake_fraction"
    res = cli("econ", "schedule", EXAMPLE, ok=False)
    assert res.exit_code == 1 and "project.country" in res.stderr


def test_screens_and_regimes(cli: Invoke) -> None:
    d = as_json(cli("econ", "screen", "lithium-intensity", S2, "--capacity-tpa", "25000", "--json"))
    assert d["screening_grade"] and d["capex_estimate_usd2022"]["median"] == pytest.approx(
        25_000 * d["capex_intensity_usd2022_per_tpa_lce"]["median"])
    assert as_json(cli("econ", "screen", "taylor", "10000000", "--json"))["life_years"] == pytest.approx(11.2468,
                                                                                                         rel=1e-4)
    assert "open_pit_small_capital" in cli("econ", "screen", "camm", "open_pit_small_capital", "5000").stdout
    regs = as_json(cli("econ", "regimes", "--json"))
    assert any(r["regime"] == "chile_corfo" and "royalty_bands" in r["terms"] for r in regs)


def test_esg_command(cli: Invoke, tmp_path: Path) -> None:
    doc = EXAMPLE.read_text() + """
[esg]
reviewer = "A. Analyst"
reviewed = "2026-11-26"
[esg.items.IFC-PS1]
status = "green"
evidence = "ESIA 2024, ch. 3"
"""
    p = tmp_path / "p.toml"
    p.write_text(doc)
    tomllib.loads(doc)
    d = as_json(cli("econ", "esg", p, "--json"))
    assert d["rating"] == "green" and d["assessed"] == 1 and d["reviewer"] == "A. Analyst"


def test_examples_copy(cli: Invoke, tmp_path: Path) -> None:
    cli("econ", "examples", "--copy-to", tmp_path)
    assert (tmp_path / "kangankunde_fs_2024.toml").exists()


def test_compare_projects(cli: Invoke) -> None:
    files = [PROJECTS / "arizaro_pea_2023.toml", PROJECTS / "kangankunde_fs_2024.toml"]
    rows = as_json(cli("econ", "compare", *files, "--json"))
    assert [r["project"] for r in rows] == ["Arizaro lithium brine (PEA 2023)",
                                            "Kangankunde rare earths Stage 1 (FS 2024)"]
    assert all(r["npv"] > 1e8 for r in rows)
    assert "side by side" in cli("econ", "compare", *files).stdout
