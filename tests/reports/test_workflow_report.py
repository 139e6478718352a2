"""The rock-to-supply workflow report (critmin.reports.workflow): PDF and HTML of a stored run.

The run is the worked example ``examples/india_carbonatite_ree/workflow.toml`` with the bundled demo sites as the
knowledge base, saved and read back as a run directory. The PDF is checked through ``pdftotext``/``pdfinfo``/
``pdftoppm`` (Debian poppler-utils): every section heading, the key numbers formatted as in the template, the
provenance hashes, the page count, and drawn content in the area of every figure.
"""

from __future__ import annotations

import copy
import itertools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from critmin.plot.assessment import format_tonnes

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "india_carbonatite_ree" / "workflow.toml"
HEADINGS = ("Summary", "1 Tract", "Prospectivity", "2 Undiscovered resource", "3 Economic filter", "4 Project",
            "5 Supply impact", "Assumptions", "Provenance")
PAGES = (8, 16)
"""Sane range of the page count (11 at the time of writing: one page per section, two for the supply stages)."""
CONTENT_WIDTH_PT = (210 - 17 - 17) * 72 / 25.4
"""Width of the text block of the report's A4 page (assessment.css margins), where figures are 100 % wide."""
DPI = 40


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (Debian poppler-utils) is not installed")
    return path


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from critmin.deposits.demo import demo_sites_path
    from critmin.reports.workflow import write_workflow_report
    from critmin.workflows import load_workflow, run_workflow
    from critmin.workflows.archive import load_run, save_run

    if not EXAMPLE.exists():
        pytest.skip(f"worked example not found at {EXAMPLE}")
    sites = pd.read_csv(demo_sites_path(), usecols=["name", "lon", "lat", "deposit_type"], keep_default_na=False)
    result = run_workflow(load_workflow(EXAMPLE), sites=sites)
    out = tmp_path_factory.mktemp("workflow_report")
    run = load_run(save_run(result, out / "run", 1))
    paths = write_workflow_report(run, out / "report.pdf", html_path=out / "report.html")
    pdf = paths["pdf"]
    layout = _run(_poppler("pdftotext"), "-layout", str(pdf), "-")
    raw = _run(_poppler("pdftotext"), str(pdf), "-")
    info = _run(_poppler("pdfinfo"), str(pdf))
    return {"run": run, "paths": paths, "pdf": pdf, "html": paths["html"].read_text(encoding="utf-8"),
            "text": layout, "flat": " ".join(raw.split()), "info": info, "out": out}


def _m(x: float) -> str:
    return f"{x / 1e6:,.1f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def test_write_returns_both_paths(report: dict[str, Any]) -> None:
    assert set(report["paths"]) == {"pdf", "html"}
    assert report["pdf"].read_bytes()[:5] == b"%PDF-"


def test_every_section_heading_is_present(report: dict[str, Any]) -> None:
    text = report["text"]
    for h in HEADINGS:
        assert re.search(rf"^\s*{re.escape(h)}\s*$", text, re.M), h
    assert "drawn by hand" in report["flat"]                       # the example's tract is a drawn polygon


def test_page_count_is_sane(report: dict[str, Any]) -> None:
    pages = int(re.search(r"^Pages:\s+(\d+)", report["info"], re.M).group(1))  # type: ignore[union-attr]
    assert PAGES[0] <= pages <= PAGES[1]
    assert f"Page {pages} of {pages}" in report["text"]


def test_resource_and_economic_numbers_match_the_run(report: dict[str, Any]) -> None:
    text, s = report["text"], report["run"].steps
    res, econ = s["resource"], s["economic_filter"]
    for k in ("p90", "p50", "p10", "mean"):
        assert format_tonnes(res["contained_t"][k]) in text, k
        assert format_tonnes(res["ndpr"]["contained_t"][k]) in text, k
        assert format_tonnes(econ["recovered_t"][k]) in text, k
    assert _pct(econ["fraction_economic"]) in text and _pct(econ["p_any_economic"]) in text
    rep = econ["representative"]
    assert f"{format_tonnes(rep['ore_t'])} t" in text
    assert f"{format_tonnes(rep['contained_t'])} t / {format_tonnes(rep['recovered_t'])} t" in text


def test_project_numbers_match_the_run(report: dict[str, Any]) -> None:
    text, p = report["text"], report["run"].steps["project"]
    ev, mc = p["evaluation"], p["montecarlo"]["summary"]
    assert f"post-tax NPV {_m(ev['npv'])} US$ M" in report["flat"]
    assert f"attributable NPV {_m(ev['attributable']['npv'])} US$ M" in report["flat"]
    assert _pct(ev["irr"]) in text and p["kind"] in text
    for k in ("p90", "p50", "p10", "mean"):
        assert _m(mc[k]) in text and _m(mc[f"attributable_{k}"]) in text, k
    assert _pct(mc["prob_negative"]) in text


def test_supply_numbers_match_the_run(report: dict[str, Any]) -> None:
    text, sup = report["text"], report["run"].steps["supply"]
    i = 9                                                             # year 10 of the horizon
    assert f"Year 10 ({sup['years'][i]})" in text
    for name, st in sup["stages"].items():
        assert f"Stage: {name}" in text
        for key, label in (("hhi", r"^\s*HHI"), ("hhi_wgi", r"governance-weighted HHI")):
            before = f"{st['before'][key]:,.0f}"                      # integers with thousands separators
            median = f"{st['after'][key]['q50'][i]:,.0f}"
            assert re.search(rf"{label}\s+{re.escape(before)}\s+{re.escape(median)}\s", text, re.M), (name, key)
        assert _pct(st["partner"]["import_reliance_before"]) in text
        assert format_tonnes(st["disruption"]["shortfall_t_before"]) in text
    sep = sup["stages"]["separation"]["before"]
    assert f"{sep['hhi']:,.0f}" == "8,100" and "8,100" in text       # 90 % China (cited share), squared


def test_assumptions_print_the_workflow_document_and_its_sources(report: dict[str, Any]) -> None:
    flat, doc = report["flat"], report["run"].record["parameters"]
    for section in ("workflow", "tract", "resource", "economic_filter", "project", "supply"):
        assert f"[{section}]" in flat
    assert doc["supply"]["demand_source"] in flat
    assert doc["supply"]["disruption"]["import_share_source"] in flat
    assert doc["resource"]["ndpr_source"] in flat
    assert "disruption.import_share" in flat and "deposit_number.method" in flat
    assert str(doc["workflow"]["seed"]) in flat


def test_provenance_carries_every_hash(report: dict[str, Any]) -> None:
    text, rec = report["text"], report["run"].record
    for h in (rec["result_sha256"], rec["workflow_sha256"], *(v["sha256"] for v in rec["inputs"].values()),
              *(st["key"] for st in rec["steps"])):
        assert re.fullmatch(r"[0-9a-f]{64}", h)
        assert h in text, h
    assert rec["version"] in text and str(rec["seed"]) in text
    assert f"result {rec['result_sha256'][:16]}" in text             # running footer


def _figure_regions(pdf: Path, heights_pt: list[float]) -> dict[int, tuple[int, float, float]]:
    """Figure number → (page index, top, bottom) in points: the area above its caption ``Figure N.``."""
    bbox = _run(_poppler("pdftotext"), "-bbox", str(pdf), "-")
    word = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')
    scale = CONTENT_WIDTH_PT / 482.4                                   # figures are drawn 6.7 in wide
    out = {}
    for page, chunk in enumerate(bbox.split("<page ")[1:]):
        words = word.findall(chunk)
        for (y, w), (_, nxt) in itertools.pairwise(words):
            m = re.fullmatch(r"(\d+)\.", nxt)
            if w == "Figure" and m:
                n = int(m.group(1))
                out[n] = (page, float(y) - heights_pt[n - 1] * scale, float(y))
    return out


def test_every_figure_is_drawn(report: dict[str, Any]) -> None:
    from PIL import Image

    html, pdf, out = report["html"], report["pdf"], report["out"]
    heights = [float(h) for h in re.findall(r'<svg width="[\d.]+pt" height="([\d.]+)pt"', html)]
    n_stages = len(report["run"].steps["supply"]["stages"])
    assert len(heights) == html.count("<svg") == 6 + 2 * n_stages
    regions = _figure_regions(pdf, heights)
    assert sorted(regions) == list(range(1, len(heights) + 1))        # every figure has its caption in the PDF
    subprocess.run([_poppler("pdftoppm"), "-r", str(DPI), "-png", str(pdf), str(out / "page")], check=True)
    pngs = sorted(out.glob("page-*.png"))
    assert len(pngs) >= max(p for p, _, _ in regions.values()) + 1
    px = DPI / 72
    for n, (page, top, bottom) in regions.items():
        img = np.asarray(Image.open(pngs[page]).convert("RGB")).astype(int)
        area = img[max(0, int(top * px)):int(bottom * px)]
        assert area.shape[0] > 40, n
        ink = (area.min(axis=-1) < 200).mean()                        # anything not near-white
        colour = (area.max(axis=-1) - area.min(axis=-1) > 40).mean()   # data drawn in the palette's colours
        assert ink > 0.03, (n, ink)                                   # a blank area has neither
        assert colour > 0.004, (n, colour)


def test_html_is_self_contained(report: dict[str, Any]) -> None:
    html = report["html"]
    outside_citations = re.sub(r'<span class="cite">.*?</span>', "", html, flags=re.S)
    assert not re.search(r"https?://", outside_citations)
    assert not re.search(r"<(link|script|img|iframe|object)\b", html)
    assert not re.search(r"url\((?!#)", html)                            # only in-document references
    assert not re.search(r'(href|src)="(?!#|data:)', html)              # rasterised scatter: a data: URL


def test_raster_tract_shows_the_prospectivity_rule(report: dict[str, Any]) -> None:
    from critmin.reports.workflow import render_workflow_html
    from critmin.workflows.archive import StoredRun

    run = report["run"]
    result = copy.deepcopy(run.result)
    tract = result["steps"]["tract"]
    tract["method"] = "prospectivity raster top 5 % of area"
    tract["parameters"] = {"raster_sha256": "ab" * 32, "top_percent": 5.0, "cutoff": 0.8125, "cells": 12345,
                           "cell_km2": 0.25, "crs": "EPSG:32643", "deposit_types": []}
    html = render_workflow_html(StoredRun(run.root, run.record, result, run.arrays), figures=False)
    assert "drawn by hand" not in html and "<svg" not in html
    assert "top 5 % of the raster" in html and "0.8125" in html and "12,345" in html and "ab" * 32 in html


def test_supply_plot_metrics() -> None:
    from matplotlib.figure import Figure

    from critmin.plot.workflow import plot_supply_impact

    band = {"mean": [1.0, 0.9], "q10": [1.0, 0.8], "q50": [1.0, 0.9], "q90": [1.0, 1.0]}
    sup = {"years": [2030, 2031], "basis": "t", "stages": {"mine": {
        "before": {"hhi": 1.0, "hhi_wgi": 1.0, "top1_share": 1.0, "project_share": 0.0},
        "after": {k: band for k in ("hhi", "hhi_wgi", "top1_share", "project_share")}}}}
    assert len(plot_supply_impact(sup, "mine").axes) == 2
    assert len(plot_supply_impact(sup, "mine", "share").axes) == 2
    assert isinstance(plot_supply_impact(sup, "mine", "hhi_wgi"), Figure)
    with pytest.raises(ValueError, match="metric"):
        plot_supply_impact(sup, "mine", "nope")


def test_tract_map_of_a_multipolygon_without_deposits() -> None:
    from critmin.plot.workflow import plot_tract_map

    ring = [[2, 60], [3, 60], [3, 61], [2, 61], [2, 60]]
    hole = [[2.2, 60.2], [2.5, 60.2], [2.5, 60.5], [2.2, 60.2]]
    tract = {"name": "two parts", "area_km2": 100.0, "deposits": [],
             "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 60], [1, 60], [1, 61], [0, 60]]],
                                                                 [ring, hole]]}}
    ax = plot_tract_map(tract).axes[0]
    assert ax.get_xlabel().startswith("Longitude") and len(ax.lines) == 3    # two outlines and the hole
    assert ax.get_aspect() == pytest.approx(1 / np.cos(np.radians(60.5)), rel=0.01)
