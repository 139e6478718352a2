"""Browser tests of the "Rock to supply" page against the real service (``critmin serve``, see conftest.py).

The page runs the bundled worked example ``india_carbonatite_ree`` (src/critmin/workflows/examples; every figure an
illustrative assumption unless its source is named there) through ``/api/workflows``: a tract drawn on the map,
fewer trials for speed, the partner's demand changed. It must show exactly the numbers the API stores for the run
and refuse bad input with the service's 400 detail. Every test also fails on requests to other hosts and on
uncaught page errors (``conftest.PageWatch``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

RUN_TIMEOUT_MS = 180_000
EXAMPLE = "india_carbonatite_ree"
STEPS = ("tract", "resource", "economic_filter", "project", "supply")
# Screen offsets (px from the map's top-left corner) of the drawn tract's vertices, clockwise; the map opens
# fitted to the example tract (~0.6° square over the Chhota Udaipur carbonatites).
TRACT_PIXELS = [(330, 110), (640, 130), (660, 330), (350, 350)]


def _api(page: Any, base: str, path: str) -> Any:
    response = page.request.get(f"{base}{path}")
    assert response.status == 200, (path, response.status, response.text())
    return response.json()


def _open(page: Any) -> None:
    page.goto("/#/workflow")
    page.wait_for_selector("#wf-tract-status[data-state='example']")
    page.wait_for_function("window.__mapIdle === true")


def _click_vertices(page: Any, pixels: list[tuple[int, int]]) -> list[list[float]]:
    """Click vertices on the map canvas; returns their lon/lat as the map unprojects them."""
    box = page.locator("#wf-map canvas").bounding_box()
    lonlat = []
    for i, (dx, dy) in enumerate(pixels, start=1):
        page.mouse.click(box["x"] + dx, box["y"] + dy)
        page.wait_for_function(f"document.querySelector('#wf-tract-status').dataset.vertices === '{i}'")
        lonlat.append(page.evaluate("([x, y]) => window.map.unproject([x, y]).toArray()", [dx, dy]))
    return lonlat


def _runs_total(page: Any, base: str) -> int:
    return int(_api(page, base, "/api/workflows/runs?limit=1")["total"])


def test_draw_tract_run_workflow_and_report(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    page = ui_page
    _open(page)
    example = next(e for e in _api(page, live_server, "/api/workflows/examples")["items"] if e["name"] == EXAMPLE)
    doc = example["document"]

    # step 1: the example's polygon and the knowledge-base deposits are drawn on the loaded map
    assert page.get_attribute("#wf-tract-status", "data-vertices") == str(len(doc["tract"]["polygon"]))
    page.wait_for_function("window.map.queryRenderedFeatures({layers: ['tract-fill']}).length > 0")
    page.wait_for_function("window.map.queryRenderedFeatures({layers: ['context-deposits']}).length > 0")
    # steps 2–5 are prefilled from the example's document
    assert page.input_value("#wf-trials") == str(doc["resource"]["trials"])
    assert page.input_value("#wf-demand") == str(doc["supply"]["demand_t"])
    assert doc["resource"]["deposit_number"]["method"] in page.inner_text("#wf-dn-method")
    assert page.inner_text("#wf-project-template") == doc["project"]["template"]
    page.screenshot(path=str(screenshot_dir / "workflow-example.png"))

    # draw a new tract: "Draw tract", four clicks, "Finish"
    page.click("#wf-draw")
    assert page.get_attribute("#wf-tract-status", "data-state") == "drawing"
    clicked = _click_vertices(page, TRACT_PIXELS)
    page.click("#wf-finish")
    assert page.get_attribute("#wf-tract-status", "data-state") == "drawn"
    assert "4 vertices" in page.inner_text("#wf-tract-status")
    page.wait_for_function("window.map.queryRenderedFeatures({layers: ['tract-fill']}).length > 0")

    page.fill("#wf-trials", "2000")
    page.fill("#wf-seed", "7")
    page.fill("#wf-demand", "8000")
    page.click("#wf-run")
    page.wait_for_selector("#wf-status[data-status='done']", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector("#wf-results")
    assert page.is_hidden("#wf-error")
    run_id = page.get_attribute("#wf-results", "data-run-id")
    assert page.get_attribute("#wf-run-panel", "data-run-id") == run_id
    assert f"run={run_id}" in page.url

    run = _api(page, live_server, f"/api/workflows/runs/{run_id}")
    assert run["status"] == "done"
    d = run["document"]
    assert d["resource"]["trials"] == 2000 and d["workflow"]["seed"] == 7 and d["supply"]["demand_t"] == 8000
    # the tract of the run is the polygon drawn on the map
    assert d["tract"]["name"] == "Tract drawn on the map"
    assert len(d["tract"]["polygon"]) == 4
    for (lon, lat), (x, y) in zip(d["tract"]["polygon"], clicked, strict=True):
        assert lon == pytest.approx(x, abs=1e-6) and lat == pytest.approx(y, abs=1e-6)

    # every step is done; the progress bar is full
    for key in STEPS:
        assert page.get_attribute(f"#wf-step-{key}", "data-status") == "done", key
        assert run["steps"][key]["status"] == "done"
    assert page.get_attribute("#wf-progress", "value") == "100"

    # key numbers: exactly the API's values (data-value), shown with the page's formatting
    res = run["result"]
    tract, resource, econ, project = res["tract"], res["resource"], res["economic_filter"], res["project"]

    def value(selector: str) -> float:
        return float(page.get_attribute(selector, "data-value"))

    assert value("#wf-tract-area") == tract["area_km2"]
    assert page.inner_text("#wf-tract-area") == f"{round(tract['area_km2']):,} km²"
    assert page.inner_text("#wf-known-deposits") == str(tract["known_deposits"])
    for q in ("p90", "p50", "p10"):
        assert value(f"#wf-contained-{q}") == resource["contained_t"][q], q
    assert value("#wf-p-any-economic") == econ["p_any_economic"]
    assert page.inner_text("#wf-p-any-economic") == f"{100 * econ['p_any_economic']:.1f} %"
    assert value("#wf-recovered-p50") == econ["recovered_t"]["p50"]
    npv = project["evaluation"]["npv"]
    assert value("#wf-npv") == npv
    assert page.inner_text("#wf-npv") == f"{npv / 1e6:,.1f} M {project['evaluation']['currency']}"
    if project["evaluation"]["irr"] is not None:
        assert page.inner_text("#wf-irr") == f"{100 * project['evaluation']['irr']:.1f} %"
    assert value("#wf-prob-negative") == project["montecarlo"]["summary"]["prob_negative"]

    # the final chart: q10–q90 band, median line and dashed before-line for HHI and HHI × WGI, per stage
    stages = list(res["supply"]["stages"])
    assert stages == doc["supply"]["stages"]
    assert page.get_attribute("#wf-impact-chart", "data-stage") == stages[0]
    for series in ("hhi", "hhi_wgi"):
        assert page.locator(f"#wf-impact-chart path.band-{series}").count() == 1
        assert page.locator(f"#wf-impact-chart path.median-{series}").count() == 1
        before = page.locator(f"#wf-impact-chart line.before-{series}")
        assert before.count() == 1 and before.get_attribute("stroke-dasharray")
        assert float(before.get_attribute("data-value")) == res["supply"]["stages"][stages[0]]["before"][series]
    for mark in ("band", "median", "before"):
        assert page.locator(f"#wf-reliance-chart .{mark}-reliance").count() == 1
    page.locator("#wf-impact").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "workflow-results.png"), full_page=True)
    page.select_option("#wf-stage", stages[-1])
    page.wait_for_selector(f"#wf-impact-chart[data-stage='{stages[-1]}']")
    last = res["supply"]["stages"][stages[-1]]
    assert value("#wf-hhi-before") == last["before"]["hhi"]
    assert value("#wf-reliance-before") == last["partner"]["import_reliance_before"]
    assert value("#wf-hhi-after") == last["after"]["hhi"]["q50"][-1]
    assert value("#wf-geopolrisk-before") == last["geopolrisk"]["before"]["geopolrisk"]
    assert value("#wf-geopolrisk-after") == last["geopolrisk"]["after"]["geopolrisk"]["q50"][-1]

    # the report is a PDF; the run-record link gives the provenance JSON of this run
    pdf = page.request.get(live_server + page.get_attribute("#wf-report-pdf", "href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"
    record = _api(page, live_server, page.get_attribute("#wf-provenance", "href"))
    assert record["run_id"] == int(run_id) and record["result_sha256"] == run["result_sha256"]

    # re-run without the cache: the page reports an identical result
    page.click("#wf-rerun")
    page.wait_for_selector("#wf-rerun-result[data-identical]", timeout=RUN_TIMEOUT_MS)
    assert page.get_attribute("#wf-rerun-result", "data-identical") == "true"
    rerun_id = page.get_attribute("#wf-rerun-result", "data-rerun-id")
    assert "identical result" in page.inner_text("#wf-rerun-result")
    again = _api(page, live_server, f"/api/workflows/runs/{rerun_id}/provenance")
    assert again["rerun_of"] == int(run_id) and again["identical_to_original"] is True
    assert again["result_sha256"] == run["result_sha256"]
    page.locator("#wf-actions").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "workflow-rerun.png"))

    # the same inputs again: every step comes from the step cache and says so
    page.click("#wf-run")
    page.wait_for_function("(old) => { const r = document.querySelector('#wf-results');"
                           " return r && r.dataset.runId !== old; }", arg=run_id, timeout=RUN_TIMEOUT_MS)
    cached_id = page.get_attribute("#wf-results", "data-run-id")
    cached = _api(page, live_server, f"/api/workflows/runs/{cached_id}")
    assert all(cached["steps"][key]["cached"] for key in STEPS)
    for key in STEPS:
        assert page.get_attribute(f"#wf-step-{key}", "data-cached") == "true", key
        assert page.is_visible(f"#wf-step-{key} .wf-cached")
    assert cached["result_sha256"] == run["result_sha256"]
    assert page.get_attribute("#wf-results", "data-sha256") == run["result_sha256"]


def test_bad_inputs_show_the_service_detail_and_create_no_run(ui_page: Any, live_server: str) -> None:
    page = ui_page
    _open(page)
    before = _runs_total(page, live_server)
    posted: list[tuple[str, int]] = []
    page.on("response", lambda r: posted.append((r.url, r.status))
            if r.request.method == "POST" and "/api/workflows/runs" in r.url else None)

    # an unfinished drawing is not submitted
    page.click("#wf-draw")
    _click_vertices(page, TRACT_PIXELS[:2])
    page.click("#wf-run")
    page.wait_for_selector("#wf-error:not([hidden])")
    assert "Finish the tract" in page.inner_text("#wf-error")
    assert posted == []

    # a tract "finished" with two vertices: the service refuses it and names the key
    page.click("#wf-finish")
    assert page.get_attribute("#wf-tract-status", "data-state") == "short"
    page.click("#wf-run")
    page.wait_for_function("document.querySelector('#wf-error').textContent.includes('tract.polygon')")
    assert "at least 3" in page.inner_text("#wf-error")
    assert posted and posted[-1][1] == 400

    # back to the example tract, with a negative partner demand
    page.click("#wf-reset")
    assert page.get_attribute("#wf-tract-status", "data-state") == "example"
    page.fill("#wf-demand", "-5")
    page.click("#wf-run")
    page.wait_for_function("document.querySelector('#wf-error').textContent.includes('supply.demand_t')")
    assert [status for _, status in posted] == [400, 400]
    assert page.is_hidden("#wf-run-panel")
    assert _runs_total(page, live_server) == before


def _prospectivity_run(base: str) -> dict[str, Any]:
    """A weights-of-evidence run over the Chhota Udaipur carbonatites (a synthetic categorical evidence layer in
    UTM 43N, 1 km cells: class 2 in a 40 × 40 km block around the deposits) submitted through /api/prospectivity."""
    import json
    import time
    from urllib.request import Request, urlopen

    import numpy as np
    import rasterio
    from affine import Affine
    from pyproj import Transformer

    def call(url: str, body: bytes | None = None, ctype: str = "application/json") -> Any:
        req = Request(url, data=body, method="POST" if body is not None else "GET",
                      headers={"Content-Type": ctype} if body is not None else {})
        with urlopen(req, timeout=60) as response:
            return json.load(response)

    x0, y0 = Transformer.from_crs("EPSG:4326", "EPSG:32643", always_xy=True).transform(73.6, 22.5)
    values = np.ones((100, 100), dtype="int16")
    values[20:60, 20:60] = 2
    with rasterio.MemoryFile() as mf:
        with mf.open(driver="GTiff", width=100, height=100, count=1, dtype="int16", crs="EPSG:32643",
                     transform=Affine(1000, 0, x0, 0, -1000, y0), nodata=-1) as dst:
            dst.write(values, 1)
        tif = mf.read()
    up = call(f"{base}/api/prospectivity/uploads?filename=alkaline.tif", tif, "image/tiff")
    points = [[74.06, 21.99], [74.00, 22.10], [74.03, 22.05], [73.95, 22.02], [74.10, 22.00], [73.75, 22.35]]
    deposits = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": c}} for c in points]}
    body = {"name": "Chhota Udaipur alkaline WoE", "deposits": deposits, "unit_cell_km2": 1.0, "count": "points",
            "layers": [{"upload": up["id"], "name": "alkaline", "weights_type": "categorical"}]}
    acc = call(f"{base}/api/prospectivity/runs", json.dumps(body).encode())
    for _ in range(600):
        d = call(f"{base}/api/prospectivity/runs/{acc['id']}")
        if d["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert d["status"] == "done", d["message"]
    return dict(d)


def test_tract_from_a_prospectivity_run(ui_page: Any, live_server: str) -> None:
    """Prospectivity → workflow: the tract is the top 20 % of a stored run's posterior, picked on the page."""
    prospect = _prospectivity_run(live_server)
    page = ui_page
    _open(page)
    page.wait_for_selector(f"#wf-prospect-run option[value='{prospect['id']}']", state="attached")
    page.select_option("#wf-prospect-run", str(prospect["id"]))
    page.fill("#wf-top-percent", "20")
    page.wait_for_selector("#wf-tract-status[data-state='prospect']")
    assert "top 20 %" in page.inner_text("#wf-tract-status")
    page.fill("#wf-trials", "2000")
    page.click("#wf-run")
    page.wait_for_selector("#wf-status[data-status='done'], #wf-status[data-status='failed']",
                           state="attached", timeout=RUN_TIMEOUT_MS)
    assert page.get_attribute("#wf-status", "data-status") == "done", page.inner_text("#wf-message")
    run_id = page.get_attribute("#wf-results", "data-run-id")
    run = _api(page, live_server, f"/api/workflows/runs/{run_id}")
    t = run["result"]["tract"]
    assert t["method"] == "prospectivity raster top 20 % of area"
    assert t["parameters"]["ties"] == "excluded" and t["parameters"]["cells"] == 1600  # the class-2 block
    assert t["area_km2"] == 1600.0 and t["known_deposits"] == 2
    assert t["parameters"]["source"].startswith(f"posterior of prospectivity run {prospect['id']}")
    assert float(page.get_attribute("#wf-tract-area", "data-value")) == t["area_km2"]
    assert page.evaluate("window.map.getSource('wf-result-tract').serialize().data.features.length") == 1
    page.click("#wf-reset")  # back to the example tract: the run is deselected
    assert page.get_attribute("#wf-tract-status", "data-state") == "example"
    assert page.eval_on_selector("#wf-prospect-run", "e => e.value") == ""
