"""Browser tests of the Assessment page against the real service (``critmin serve``, see conftest.py).

Inputs are MapMark4's own example files (USGS-R/MapMark4, copied to ``<repo>/../shared/data/assessment/mapmark4``;
see SOURCES.md and LICENSE-NOTE.md there): ``ExampleGatm_synthetic_CuAu_71_deposits.csv`` (71 synthetic porphyry
Cu–Au deposits: ore t, Cu %, Au %) and ``ExampleDepEst1_southern_carbonate_ecaille_tract.csv`` (ten experts'
weights and N90/N50/N10; Zientek et al. 2014, USGS SIR 2010-5090-T, Table H1).
The page must show exactly the numbers the API stores for the run; every test also fails on requests to
other hosts and on uncaught page errors (``conftest.PageWatch``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

pytestmark = pytest.mark.browser

MAPMARK4 = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "assessment" / "mapmark4"
GT_CSV = MAPMARK4 / "ExampleGatm_synthetic_CuAu_71_deposits.csv"
EST_CSV = MAPMARK4 / "ExampleDepEst1_southern_carbonate_ecaille_tract.csv"
RUN_TIMEOUT_MS = 180_000

# Screen offsets (px from the map's top-left corner) of the tract vertices, clockwise.
TRACT_PIXELS = [(260, 120), (470, 140), (500, 320), (280, 330)]
STAT_KEYS = {"mean": "mean", "median": "median", "sd": "sd", "p_zero": "p_zero", "p_ge_mean": "p_ge_mean"}
EXCEEDANCE_KEYS = ("P90", "P50", "P10")


def _get_json(url: str) -> Any:
    with urlopen(url, timeout=30) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def example_files() -> tuple[Path, Path]:
    if not GT_CSV.is_file() or not EST_CSV.is_file():
        pytest.skip(f"MapMark4 example files not found under {MAPMARK4.resolve()}")
    return GT_CSV, EST_CSV


def _wait_text(page: Any, selector: str, fragment: str) -> None:
    """Wait until the element's text contains ``fragment``; on timeout, fail showing the text it has."""
    try:
        page.wait_for_function("([s, f]) => document.querySelector(s)?.textContent.includes(f)",
                               arg=[selector, fragment])
    except Exception:  # report what the page shows instead of a bare timeout
        pytest.fail(f"{selector} should contain {fragment!r}; it shows {page.inner_text(selector)!r}")


def _open_page(page: Any) -> None:
    page.goto("/#/assessment")
    page.wait_for_function("window.__mapIdle === true")


def _draw_tract(page: Any) -> list[list[float]]:
    """Zoom to peninsular India, click four vertices, close with "Finish"; returns the clicked lon/lat."""
    page.evaluate(
        "() => { window.__mapIdle = false; window.map.once('idle', () => { window.__mapIdle = true; });"
        " window.map.jumpTo({center: [78.5, 21.5], zoom: 4.5}); }"
    )
    page.wait_for_function("window.__mapIdle === true")
    box = page.locator("#map canvas").bounding_box()
    lonlat = []
    for i, (dx, dy) in enumerate(TRACT_PIXELS, start=1):
        page.mouse.click(box["x"] + dx, box["y"] + dy)
        page.wait_for_function(f"document.querySelector('#tract-status').dataset.vertices === '{i}'")
        lonlat.append(page.evaluate("([x, y]) => window.map.unproject([x, y]).toArray()", [dx, dy]))
    assert page.get_attribute("#tract-status", "data-state") == "drawing"
    page.click("#tract-finish")
    assert page.get_attribute("#tract-status", "data-state") == "closed"
    assert "4 vertices" in page.inner_text("#tract-status")
    return lonlat


def test_run_shows_api_statistics_and_charts(
    ui_page: Any, live_server: str, example_files: tuple[Path, Path], screenshot_dir: Path
) -> None:
    gt_csv, est_csv = example_files
    _open_page(ui_page)
    clicked = _draw_tract(ui_page)
    ui_page.wait_for_function("window.map.queryRenderedFeatures({layers: ['tract-fill']}).length > 0")
    ui_page.screenshot(path=str(screenshot_dir / "assessment-tract.png"))

    ui_page.set_input_files("#gt-file", str(gt_csv))
    _wait_text(ui_page, "#gt-summary", "71 deposits")
    assert "Cu, Au" in ui_page.inner_text("#gt-summary")
    ui_page.set_input_files("#est-file", str(est_csv))
    _wait_text(ui_page, "#est-summary", "10 experts")
    ui_page.fill("#trials", "2000")
    ui_page.fill("#seed", "1")
    ui_page.fill("#run-name", "UI test: southern carbonate tract, synthetic Cu–Au")
    ui_page.click("#run-button")
    ui_page.wait_for_selector("#run-panel[data-status='done']", timeout=RUN_TIMEOUT_MS)
    ui_page.wait_for_selector("#stats-table")
    run_id = ui_page.get_attribute("#run-panel", "data-run-id")
    assert ui_page.get_attribute("#run-results", "data-run-id") == run_id
    assert ui_page.get_attribute("#run-progress", "value") == "100"

    run = _get_json(f"{live_server}/api/assessment/runs/{run_id}")
    assert run["status"] == "done"
    assert run["trials"] == 2000 and run["seed"] == 1
    result = run["result"]
    assert result["quantities"] == ["ore", "Cu", "Au"]
    # the tract stored with the run is the polygon drawn on the map (closed ring)
    ring = run["tract"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    for (lon, lat), (x, y) in zip(ring[:4], clicked, strict=True):
        assert lon == pytest.approx(x, abs=1e-6) and lat == pytest.approx(y, abs=1e-6)

    # statistics table: one row per quantity, every cell carrying exactly the API's number
    rows = ui_page.locator("#stats-table tbody tr")
    assert [rows.nth(i).get_attribute("data-quantity") for i in range(rows.count())] == ["ore", "Cu", "Au"]
    assert ui_page.inner_text("#stats-table tbody tr[data-quantity='ore'] th") == "Ore"
    for q in ("ore", "Cu", "Au"):
        stats = result["statistics"][q]
        expected = {key: stats[field] for key, field in STAT_KEYS.items()}
        expected.update({key: stats["exceedance"][key] for key in EXCEEDANCE_KEYS})
        for key, value in expected.items():
            cell = ui_page.locator(f"#stats-table tr[data-quantity='{q}'] td[data-stat='{key}']")
            assert float(cell.get_attribute("data-value")) == value, (q, key)
            shown = float(cell.inner_text().replace(",", ""))
            # amounts: 4 significant digits; probabilities: 3 decimals
            tolerance = {"abs": 1e-3} if key in ("p_zero", "p_ge_mean") else {"rel": 1e-3}
            assert shown == pytest.approx(value, **tolerance), (q, key)
        # USGS convention: P90 ≤ P50 ≤ P10 and P90 is the 0.1 quantile
        assert stats["exceedance"]["P90"] == stats["quantiles"]["0.1"]
        assert stats["exceedance"]["P90"] <= stats["exceedance"]["P50"] <= stats["exceedance"]["P10"]
    assert "exceeded with probability 0.9" in ui_page.inner_text("#stats-note")

    # pmf: one bar per number of deposits in the support (ExampleDepEst1: 0–42, MapMark4's NB fit)
    pmf = _get_json(f"{live_server}/api/assessment/runs/{run_id}/pmf")
    bars = ui_page.locator("#pmf-chart rect.bar")
    assert bars.count() == len(pmf["n"]) == 43
    assert bars.first.get_attribute("data-n") == "0"
    # next to it, the experts' estimates the pmf was fitted to (the ten rows of ExampleDepEst1)
    assert ui_page.locator("#estimates-table tbody tr").count() == 10

    # GT scatter: one panel per element, one point per deposit with a positive grade
    gt = _get_json(f"{live_server}/api/assessment/runs/{run_id}/gt")
    assert gt["elements"] == ["Cu", "Au"]
    for el in gt["elements"]:
        positive = sum(1 for d in gt["deposits"] if (d["grades_pct"].get(el) or 0) > 0)
        assert ui_page.locator(f"#gt-scatter-{el} circle.point").count() == positive == 71

    # CCDF per quantity: the step line has one node per positive x of the API's CCDF, P90/P50/P10 marked
    ccdf = _get_json(f"{live_server}/api/assessment/runs/{run_id}/ccdf")
    assert ui_page.locator("#ccdf-charts svg.chart").count() == 3
    for q in ("ore", "Cu", "Au"):
        n_positive = sum(1 for x in ccdf["quantities"][q]["x"] if x > 0)
        assert ui_page.get_attribute(f"#ccdf-{q} path.ccdf-line", "data-points") == str(n_positive)
        assert ui_page.locator(f"#ccdf-{q} circle.ccdf-mark").count() == 3
    # axis titles carry the units
    assert "Ore tonnage (t" in ui_page.text_content("#gt-scatter-Cu")
    assert "Cu grade (%" in ui_page.text_content("#gt-scatter-Cu")
    assert "Au grade (g/t" in ui_page.text_content("#gt-scatter-Au")
    assert "Total contained Cu (t" in ui_page.text_content("#ccdf-Cu")

    # the run is listed among previous runs and marked active
    assert ui_page.locator(f"#run-list li[data-run-id='{run_id}'].active").count() == 1
    assert f"run={run_id}" in ui_page.url

    ui_page.screenshot(path=str(screenshot_dir / "assessment-run-top.png"))
    for name, selector in (("stats", "#stats-table"), ("pmf", "#pmf-chart"), ("gt", "#gt-scatter"),
                           ("ccdf", "#ccdf-charts")):
        ui_page.locator(selector).scroll_into_view_if_needed()
        ui_page.screenshot(path=str(screenshot_dir / f"assessment-{name}.png"))


def test_reopen_run_from_url(ui_page: Any, live_server: str, example_files: tuple[Path, Path]) -> None:
    """A finished run opened by its URL shows its tract and the same statistics (needs the run of the test above,
    or any finished run in the service)."""
    runs = [r for r in _get_json(f"{live_server}/api/assessment/runs")["items"] if r["status"] == "done"]
    if not runs:
        pytest.skip("no finished run in the service")
    run = _get_json(f"{live_server}/api/assessment/runs/{runs[0]['id']}")
    ui_page.goto(f"/#/assessment?run={run['id']}")
    ui_page.wait_for_selector(f"#run-results[data-run-id='{run['id']}']", timeout=RUN_TIMEOUT_MS)
    mean = ui_page.get_attribute("#stats-table tr[data-quantity='ore'] td[data-stat='mean']", "data-value")
    assert float(mean) == run["result"]["statistics"]["ore"]["mean"]
    if run["tract"] and run["tract"]["type"] == "Polygon":
        assert ui_page.get_attribute("#tract-status", "data-state") == "closed"


def test_bad_mark3_levels_are_refused_before_posting(
    ui_page: Any, example_files: tuple[Path, Path]
) -> None:
    gt_csv, _ = example_files
    _open_page(ui_page)
    posted: list[str] = []
    ui_page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    ui_page.set_input_files("#gt-file", str(gt_csv))
    _wait_text(ui_page, "#gt-summary", "71 deposits")
    ui_page.check("#pmf-source-mark3")
    ui_page.fill("#mark3", "1,2")
    ui_page.click("#run-button")
    assert "3, 5, 7 or 9" in ui_page.inner_text("#run-error")
    assert posted == []


def test_knowledge_base_gt_with_mark3_levels(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    """GT table from the demo knowledge base (REE inventories) and Mark3 levels 1,2,4, without a tract.

    Mark3 (1, 2, 4) is the issue's golden case: P(N = 0…4) = 0.067, 0.233, 0.300, 0.200, 0.200 (five bars).
    """
    _open_page(ui_page)
    ui_page.check("#gt-source-kb")
    ui_page.fill("#kb-commodity", "REE")
    ui_page.click("#kb-load")
    _wait_text(ui_page, "#kb-summary", "sites with ore tonnage")
    ui_page.check("#pmf-source-mark3")
    ui_page.fill("#mark3", "1,2,4")
    ui_page.fill("#trials", "500")
    ui_page.fill("#seed", "2")
    ui_page.fill("#run-name", "UI test: REE from the knowledge base, Mark3 1,2,4")
    ui_page.click("#run-button")
    ui_page.wait_for_selector("#run-results", timeout=RUN_TIMEOUT_MS)
    run_id = ui_page.get_attribute("#run-results", "data-run-id")
    run = _get_json(f"{live_server}/api/assessment/runs/{run_id}")
    assert run["inputs"]["gt"]["kind"] == "from_kb" and run["inputs"]["pmf"]["kind"] == "mark3"
    assert run["tract"] is None
    quantities = run["result"]["quantities"]
    assert quantities[0] == "ore"
    rows = ui_page.locator("#stats-table tbody tr")
    assert [rows.nth(i).get_attribute("data-quantity") for i in range(rows.count())] == quantities
    heights = ui_page.eval_on_selector_all("#pmf-chart rect.bar", "els => els.map((e) => e.dataset.n)")
    assert heights == ["0", "1", "2", "3", "4"]
    pmf = _get_json(f"{live_server}/api/assessment/runs/{run_id}/pmf")
    assert [round(p, 3) for p in pmf["probability"]] == [0.067, 0.233, 0.3, 0.2, 0.2]
    ui_page.locator("#pmf-chart").scroll_into_view_if_needed()
    ui_page.screenshot(path=str(screenshot_dir / "assessment-kb-mark3.png"))
