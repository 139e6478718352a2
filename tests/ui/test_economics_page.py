"""Browser test of the Economics page against the real service (``critmin serve``, see conftest.py).

Inputs: the bundled example projects (Kangankunde FS 2024 and Arizaro PEA 2023, ``critmin/reference/projects``).
The page must show exactly the numbers the API computes for the same project document; the test also fails on
requests to other hosts and on uncaught page errors (``conftest.PageWatch``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

pytestmark = pytest.mark.browser

TIMEOUT_MS = 120_000
ROOT = Path(__file__).resolve().parents[2]


def _post(url: str, body: Any) -> Any:
    req = Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    with urlopen(req, timeout=120) as response:
        return json.load(response)


def _get(url: str) -> Any:
    with urlopen(url, timeout=120) as response:
        return json.load(response)


def _value(page: Any, selector: str) -> float:
    return float(page.get_attribute(selector, "data-value"))


def _load_example(page: Any, live_server: str, file: str) -> dict[str, Any]:
    """Select a bundled example and wait until the page shows its evaluation; returns the API's evaluation."""
    doc = {e["file"]: e["project"] for e in _get(f"{live_server}/api/economics/examples")}[file]
    api: dict[str, Any] = _post(f"{live_server}/api/economics/evaluate", {"project": doc})
    page.select_option("#econ-example", file)
    _wait_loaded(page, api)
    return api


def _wait_loaded(page: Any, api: dict[str, Any]) -> None:
    want = api["provenance"]["inputs_sha256"]
    try:
        page.wait_for_selector(f"#econ-results[data-loaded='{want}']", timeout=TIMEOUT_MS)
    except Exception:
        shown = page.get_attribute("#econ-results", "data-loaded")
        pytest.fail(f"page shows inputs {shown!r}, expected {want!r}; error box: {page.inner_text('#econ-error')!r}")


def _wait_count(page: Any, selector: str, more_than: int) -> None:
    for _ in range(600):
        if page.locator(selector).count() > more_than:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{selector}: still {page.locator(selector).count()} elements")


def test_economics_page_end_to_end(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    ui_page.goto("/#/economics")
    ui_page.wait_for_selector("#econ-example[data-ready='1']", timeout=TIMEOUT_MS)
    examples = {e["file"]: e["project"] for e in _get(f"{live_server}/api/economics/examples")}
    doc = examples["kangankunde_fs_2024.toml"]

    # evaluation: headline numbers and the cash-flow table equal the API's for the same document
    api = _load_example(ui_page, live_server, "kangankunde_fs_2024.toml")
    assert _value(ui_page, "#econ-headline dd[data-key='npv']") == api["npv"]
    assert _value(ui_page, "#econ-headline dd[data-key='irr']") == api["irr"]
    assert _value(ui_page, "#econ-headline dd[data-key='attributable_npv']") == api["attributable"]["npv"]
    assert ui_page.locator("#cashflow-chart rect.fcf-bar").count() == len(api["cash_flow"]) == 48
    cells = ui_page.eval_on_selector_all("#cashflow-table tr[data-row='post_tax_fcf'] td",
                                         "cs => cs.map(c => Number(c.dataset.value))")
    assert cells == [r["post_tax_fcf"] for r in api["cash_flow"]]
    assert ui_page.input_value("#f-price") == "13600"
    ui_page.screenshot(path=str(screenshot_dir / "economics-evaluation.png"), full_page=True)

    # the inputs form changes the document sent to the API
    ui_page.fill("#f-price", "20000")
    ui_page.click("#econ-evaluate")
    changed = json.loads(json.dumps(doc))
    changed["price"]["flat"] = 20000
    api2 = _post(f"{live_server}/api/economics/evaluate", {"project": changed})
    _wait_loaded(ui_page, api2)
    assert _value(ui_page, "#econ-headline dd[data-key='npv']") == api2["npv"]
    assert api2["npv"] > api["npv"]

    # risk: tornado (5 drivers x 2 bars) and a seeded Monte Carlo identical to the API's
    ui_page.fill("#mc-draws", "2000")
    ui_page.fill("#mc-seed", "5")
    ui_page.click("#econ-risk-run")
    ui_page.wait_for_selector("#econ-risk-out[data-loaded='1']", timeout=TIMEOUT_MS)
    assert ui_page.locator("#tornado-chart rect.tornado-bar").count() == 10
    mc = _post(f"{live_server}/api/economics/montecarlo", {"project": changed, "draws": 2000, "seed": 5, "bins": 40})
    assert _value(ui_page, "#mc-summary dd[data-key='p50']") == mc["summary"]["p50"]
    assert sum(int(c) for c in ui_page.eval_on_selector_all("#mc-histogram rect.mc-bin",
                                                           "rs => rs.map(r => r.dataset.count)")) == 2000

    # ESG screen: a red OECD red flag escalates the screen to red
    ui_page.fill("#esg-reviewer", "A. Analyst")
    ui_page.select_option("select.esg-status[data-item='IFC-PS1']", "green")
    ui_page.fill("input.esg-evidence[data-item='IFC-PS1']", "FS 2024 ESIA summary")
    ui_page.select_option("select.esg-status[data-item='OECD-RF-TAXES']", "red")
    ui_page.fill("input.esg-evidence[data-item='OECD-RF-TAXES']", "test entry")
    ui_page.click("#esg-score")
    ui_page.wait_for_selector("#esg-result[data-rating='red']", timeout=TIMEOUT_MS)

    # supply impact: one row per production year from critmin.supply
    ui_page.click("#supply-run")
    ui_page.wait_for_selector("#supply-table tbody tr", timeout=TIMEOUT_MS)
    assert ui_page.locator("#supply-table tbody tr").count() == 45
    before = _value(ui_page, "#supply-table tr[data-year='2028'] td:nth-child(4)")
    after = _value(ui_page, "#supply-table tr[data-year='2028'] td:nth-child(5)")
    assert after < before  # a new producer outside the dominant country lowers the HHI

    # compare: store two projects and compare them side by side
    ui_page.click("#econ-save")
    ui_page.wait_for_selector("#econ-stored li", timeout=TIMEOUT_MS)
    _load_example(ui_page, live_server, "arizaro_pea_2023.toml")
    n_before = ui_page.locator("#econ-stored li").count()
    ui_page.click("#econ-save")
    _wait_count(ui_page, "#econ-stored li", n_before)
    boxes = ui_page.locator("input.econ-pick")
    boxes.nth(0).check()
    boxes.nth(1).check()
    ui_page.click("#econ-compare-btn")
    ui_page.wait_for_selector("#compare-table tbody tr", timeout=TIMEOUT_MS)
    assert ui_page.locator("#compare-table tbody tr").count() == 2
    names = ui_page.inner_text("#compare-table")
    assert "Arizaro" in names and "Kangankunde" in names
    ui_page.screenshot(path=str(screenshot_dir / "economics-compare.png"), full_page=True)


def test_bad_project_text_names_the_key(ui_page: Any) -> None:
    ui_page.goto("/#/economics")
    ui_page.wait_for_selector("#econ-example[data-ready='1']", timeout=TIMEOUT_MS)
    text = (ROOT / ".." / "shared" / "checks" / "example_project.toml").read_text()
    ui_page.click("#econ-inputs details summary")
    ui_page.fill("#econ-text", text.replace("capex_phasing = [0.5, 0.5]", "capex_phasing = [0.5, 0.7]"))
    ui_page.click("#econ-load-text")
    ui_page.wait_for_selector("#econ-error:not([hidden])", timeout=TIMEOUT_MS)
    assert "costs.capex_phasing" in ui_page.inner_text("#econ-error")
