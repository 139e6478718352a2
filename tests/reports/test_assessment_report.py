"""``critmin assess report``: the PDF/HTML assessment report (critmin.reports).

Inputs: MapMark4's ExampleGatm synthetic Cu–Au GT table (71 deposits) and ExampleDepEst1 estimates (Ellefsen 2017,
USGS TM 7-C14; ../shared/data/assessment/mapmark4). The PDF is checked through ``pdftotext``/``pdfinfo``
(Debian poppler-utils). USGS convention: P90 = amount exceeded with probability 0.9.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.plot.assessment import format_tonnes
from critmin.provenance import sha256_file

MM = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
EST1 = MM / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"
GT71 = MM / "ExampleGatm_synthetic_CuAu_71_deposits.csv"
TRACT = "Southern carbonate ecaille"
PAGES_WITH_FILTER = 7
"""One page each: summary, pmf, GT model, marginal fits, totals + moment check, economic filter, provenance."""


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (Debian poppler-utils) is not installed")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not MM.exists():
        pytest.skip(f"shared test data not found at {MM}")
    out = tmp_path_factory.mktemp("report")
    pdf, html = out / "report.pdf", out / "report.html"
    res = CliRunner().invoke(app, ["assess", "report", "--gt", str(GT71), "--estimates", str(EST1), "--trials",
                                   "2000", "--seed", "7", "--filter", "--tract", TRACT, "--out", str(pdf),
                                   "--html", str(html), "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    text = subprocess.run([_poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    info = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return {"doc": doc, "pdf": pdf, "html": html, "text": text, "info": info}


def test_pdf_exists_and_has_the_expected_pages(report: dict[str, Any]) -> None:
    assert report["pdf"].read_bytes()[:5] == b"%PDF-"
    pages = int(re.search(r"^Pages:\s+(\d+)", report["info"], re.M).group(1))  # type: ignore[union-attr]
    assert pages == PAGES_WITH_FILTER
    assert f"Page {pages} of {pages}" in report["text"]


def test_pdf_names_the_tract_and_the_usgs_exceedance_values(report: dict[str, Any]) -> None:
    text, stats = report["text"], report["doc"]["statistics"]
    assert TRACT in text
    assert "exceeded with probability 0.9" in text                       # the convention is spelled out
    for q in ("ore", "Cu", "Au"):
        for k in ("P90", "P50", "P10"):
            assert format_tonnes(stats[q]["exceedance"][k]) in text, (q, k)
    assert "Economic filter" in text and "Moment check" in text and "10.6613" in text  # NB mean (TM 7-C14)


def test_pdf_carries_the_provenance_hashes(report: dict[str, Any]) -> None:
    text, prov = report["text"], report["doc"]["provenance"]
    assert re.fullmatch(r"[0-9a-f]{64}", prov["inputs_sha256"])
    assert prov["inputs_sha256"] in text
    assert sha256_file(GT71) in text and sha256_file(EST1) in text
    assert "--seed 7" in text and "critmin assess report" in text


def test_html_is_self_contained(report: dict[str, Any]) -> None:
    html = report["html"].read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    assert not re.search(r"<(link|script|img)\b", html)
    assert not re.search(r"url\((?!#)", html)                            # only in-document references
    assert html.count("<svg") == 5                                        # pmf, GT, marginals, CCDF, filter
    assert TRACT in html


def test_report_without_filter_has_no_economic_section() -> None:
    from critmin.assessment import fit_negative_binomial, read_estimates, read_gt
    from critmin.assessment.run import run_assessment
    from critmin.reports import render_assessment_html

    run = run_assessment(fit_negative_binomial(read_estimates(EST1)), read_gt(GT71), trials=300, seed=2,
                         tract=TRACT)
    html = render_assessment_html(run, figures=False)
    assert 'id="economic"' not in html and "not applied" in html
    assert run.provenance.inputs_sha256 in html


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["assess", "report", "--gt", str(GT71), "--trials", "10", "--out",
                                   str(tmp_path / "r.pdf")])
    assert res.exit_code == 2 and not (tmp_path / "r.pdf").exists()
