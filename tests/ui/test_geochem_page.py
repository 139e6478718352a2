"""Browser tests of the Geochemistry page against the real service (``critmin serve``, see conftest.py).

Inputs: a five-sample assay CSV written by the test (sample_id, lat, lon, La_ppm … Lu_ppm, Y_ppm; invented
concentrations at invented sites in India, values only need to be distinct and plausible), and Geoscience
Australia's QA/QC data set ``<repo>/../shared/data/geochem/ga-qaqc/Dataset.xlsx`` (real CRMs, replicates and
``<DL`` strings, no unit suffixes: uploaded with units = ppm; see SOURCES.md there).
The page must show exactly the numbers the API computes; every test also fails on requests to other hosts and
on uncaught page errors (``conftest.PageWatch``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.request import urlopen

import pytest

pytestmark = pytest.mark.browser

GA_XLSX = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geochem" / "ga-qaqc" / "Dataset.xlsx"
LOAD_TIMEOUT_MS = 180_000

REE_14 = ["La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu"]
# sample_id, lat, lon, then La … Lu and Y in ppm
SAMPLES = [
    ("AMB-01", 22.05, 74.07, [2850, 4900, 470, 1520, 160, 38, 95, 9.8, 42, 7.1, 16, 1.9, 9.5, 1.3, 160]),
    ("KMT-02", 25.45, 72.62, [610, 1180, 128, 455, 78, 4.1, 66, 10.5, 64, 13.2, 39, 5.8, 38, 5.6, 360]),
    ("SIV-03", 11.35, 78.95, [95, 205, 23, 88, 17, 3.2, 14, 2.2, 12.5, 2.5, 7.1, 1.05, 6.8, 1.0, 68]),
    ("KNR-04", 13.20, 76.50, [38, 71, 8.6, 33, 6.4, 1.4, 5.9, 0.92, 5.6, 1.15, 3.3, 0.49, 3.2, 0.48, 31]),
    ("PBN-05", 20.95, 85.10, [410, 690, 81, 300, 52, 6.9, 41, 6.1, 35, 6.8, 19, 2.7, 17, 2.4, 190]),
]
TABLE_KEYS = ["treo_ppm", "ndpr_pct", "eu_anomaly", "ce_anomaly", "la_yb_n", "lambda0", "lambda1", "lambda2", "lambda3"]


def _get_json(url: str) -> Any:
    with urlopen(url, timeout=120) as response:
        return json.load(response)


def _write_csv(path: Path) -> Path:
    header = ["sample_id", "lat", "lon", *(f"{el}_ppm" for el in REE_14), "Y_ppm"]
    lines = [",".join(header)]
    for sid, lat, lon, values in SAMPLES:
        lines.append(",".join([sid, str(lat), str(lon), *(str(v) for v in values)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _upload(page: Any, path: Path, units: str = "") -> str:
    page.set_input_files("#geochem-file", str(path))
    page.select_option("#geochem-units", units)
    page.click("#geochem-upload")
    try:
        page.wait_for_selector("#geochem-upload-status[data-dataset-id]", timeout=LOAD_TIMEOUT_MS)
    except Exception:
        pytest.fail(f"upload did not finish; status shows {page.inner_text('#geochem-upload-status')!r}")
    dataset_id = page.get_attribute("#geochem-upload-status", "data-dataset-id")
    page.wait_for_selector(f".geochem-main[data-loaded='{dataset_id}']", timeout=LOAD_TIMEOUT_MS)
    return str(dataset_id)


def _table_values(page: Any, key: str) -> dict[str, float | None]:
    """label → data-value of the metrics table's column ``key``."""
    cells = page.eval_on_selector_all(
        f"#metrics-table tbody tr td[data-key='{key}']",
        "cells => cells.map(c => [c.parentElement.dataset.label, c.dataset.value])",
    )
    return {label: (float(v) if v != "" else None) for label, v in cells}


def _check_table_against_api(page: Any, metrics: dict[str, Any]) -> None:
    rows = {r["label"]: r for r in metrics["rows"]}
    for key in TABLE_KEYS:
        shown = _table_values(page, key)
        assert set(shown) == set(rows), key
        for label, value in shown.items():
            expected = rows[label][key]
            if expected is None:
                assert value is None, (label, key)
            else:
                assert value == expected, (label, key)  # the exact float the API sent


@pytest.fixture
def assay_csv(tmp_path: Path) -> Path:
    return _write_csv(tmp_path / "india_ree_5.csv")


def test_upload_csv_metrics_diagram_map(ui_page: Any, live_server: str, assay_csv: Path, screenshot_dir: Path) -> None:
    ui_page.goto("/#/geochem")
    ui_page.wait_for_selector("#normaliser option[value='chondrite-palme-oneill-2014']", state="attached")
    assert ui_page.input_value("#normaliser") == "chondrite-palme-oneill-2014"
    refs = _get_json(f"{live_server}/api/geochem/references")
    assert ui_page.locator("#normaliser option").count() == len(refs["items"]) >= 8

    dataset_id = _upload(ui_page, assay_csv)
    assert "5 samples" in ui_page.inner_text("#geochem-upload-status")
    assert ui_page.locator(f"#geochem-datasets li[data-dataset-id='{dataset_id}'].active").count() == 1
    assert f"dataset={dataset_id}" in ui_page.url
    dataset = _get_json(f"{live_server}/api/geochem/datasets/{dataset_id}")
    assert dataset["n_samples"] == 5 and dataset["has_coordinates"] is True

    # metrics table: one row per sample, each cell carrying exactly the API's number
    metrics = _get_json(f"{live_server}/api/geochem/datasets/{dataset_id}/metrics")
    assert metrics["normaliser"] == "chondrite-palme-oneill-2014"
    assert [r["label"] for r in metrics["rows"]] == [s[0] for s in SAMPLES]
    assert ui_page.locator("#metrics-table tbody tr").count() == 5
    _check_table_against_api(ui_page, metrics)
    # shown text: 4 significant digits of the same value
    amb = next(r for r in metrics["rows"] if r["label"] == "AMB-01")
    shown = ui_page.inner_text("#metrics-table tr[data-label='AMB-01'] td[data-key='treo_ppm']")
    assert float(shown.replace(",", "")) == pytest.approx(amb["treo_ppm"], rel=5e-4)
    assert amb["treo_ppm"] > 10_000  # the carbonatite-like sample is the richest
    # CSV download link points at the API's CSV for the same normaliser
    href = ui_page.get_attribute("#metrics-csv", "href")
    with urlopen(f"{live_server}{href}", timeout=60) as response:
        csv_lines = response.read().decode("utf-8").strip().splitlines()
    assert len(csv_lines) == 6 and "treo_ppm" in csv_lines[0]

    # sorting: first click on TREO sorts largest first
    ui_page.click("#metrics-table th[data-key='treo_ppm']")
    order = ui_page.eval_on_selector_all("#metrics-table tbody tr", "rows => rows.map(r => r.dataset.label)")
    expected_order = [r["label"] for r in sorted(metrics["rows"], key=lambda r: -r["treo_ppm"])]
    assert order == expected_order
    assert ui_page.get_attribute("#metrics-table th[data-key='treo_ppm']", "aria-sort") == "descending"

    # REE diagram: one line per sample, 14 points each (La … Lu without Pm), the Pm slot left empty
    ui_page.wait_for_selector("#ree-diagram path.ree-line")
    lines = ui_page.locator("#ree-diagram path.ree-line")
    assert lines.count() == 5
    for i in range(5):
        assert lines.nth(i).get_attribute("data-points") == "14"
        d = lines.nth(i).get_attribute("d")
        assert d.count("M") == 1 and d.count("L") == 13  # one unbroken line through 14 points
    xs = ui_page.eval_on_selector_all(
        "#ree-diagram g.ree-series[data-sample='AMB-01'] circle.ree-point",
        "cs => Object.fromEntries(cs.map(c => [c.dataset.element, Number(c.getAttribute('cx'))]))",
    )
    assert list(xs) == REE_14
    step = xs["Ce"] - xs["La"]
    assert xs["Pr"] - xs["Ce"] == pytest.approx(step, abs=0.11)
    assert xs["Nd"] - xs["Pr"] == pytest.approx(2 * step, abs=0.2)  # the Pm gap
    assert xs["Sm"] - xs["Nd"] == pytest.approx(step, abs=0.11)
    assert "Pm" in ui_page.text_content("#ree-diagram")
    # the y positions follow the API's normalised values on a log axis: La/Lu of AMB-01
    norm = _get_json(f"{live_server}/api/geochem/datasets/{dataset_id}/normalised?samples=0")["samples"][0]["values"]
    ys = ui_page.eval_on_selector_all(
        "#ree-diagram g.ree-series[data-sample='AMB-01'] circle.ree-point",
        "cs => Object.fromEntries(cs.map(c => [c.dataset.element, Number(c.getAttribute('cy'))]))",
    )
    ratio = (ys["Lu"] - ys["La"]) / (ys["Lu"] - ys["Eu"])
    expected_ratio = math.log10(norm["La"] / norm["Lu"]) / math.log10(norm["Eu"] / norm["Lu"])
    assert ratio == pytest.approx(expected_ratio, abs=0.01)
    # unticking a sample removes its line
    ui_page.uncheck("#metrics-table tr[data-label='KNR-04'] input.plot-sample")
    ui_page.wait_for_function("document.querySelectorAll('#ree-diagram path.ree-line').length === 4")
    ui_page.check("#metrics-table tr[data-label='KNR-04'] input.plot-sample")
    ui_page.wait_for_function("document.querySelectorAll('#ree-diagram path.ree-line').length === 5")

    # map: five circles, coloured by TREO, legend with the API's range
    ui_page.wait_for_function("window.__mapIdle === true")
    drawn = ui_page.evaluate(
        "() => [...new Set(window.map.queryRenderedFeatures({layers: ['geochem-samples']})"
        ".map(f => f.properties.row))].length"
    )
    assert drawn == 5
    geo = _get_json(f"{live_server}/api/geochem/datasets/{dataset_id}/samples.geojson?metric=treo_ppm")
    values = [f["properties"]["value"] for f in geo["features"]]
    assert float(ui_page.get_attribute("#geochem-legend", "data-min")) == min(values)
    assert float(ui_page.get_attribute("#geochem-legend", "data-max")) == max(values)
    assert "TREO (ppm)" in ui_page.inner_text("#geochem-legend")
    ui_page.screenshot(path=str(screenshot_dir / "geochem-csv-top.png"))
    ui_page.locator("#ree-section").scroll_into_view_if_needed()
    ui_page.screenshot(path=str(screenshot_dir / "geochem-ree.png"))

    # colour by another metric: the legend follows
    ui_page.evaluate("() => { window.__mapIdle = false; }")
    ui_page.select_option("#map-metric", "eu_anomaly")
    ui_page.wait_for_function("document.querySelector('#geochem-legend').dataset.metric === 'Eu/Eu*'")
    eu = [r["eu_anomaly"] for r in metrics["rows"]]
    assert float(ui_page.get_attribute("#geochem-legend", "data-min")) == min(eu)

    # another normaliser: the table shows that normaliser's anomalies
    ucc = "ucc-rudnick-gao-2003"
    ui_page.select_option("#normaliser", ucc)
    ui_page.wait_for_function(f"location.hash.includes('normalise={ucc}')")
    ui_page.wait_for_selector(f".geochem-main[data-loaded='{dataset_id}']")
    ui_page.wait_for_function(
        "document.querySelector('#metrics-note')?.textContent.includes('ucc-rudnick-gao-2003')"
    )
    metrics_ucc = _get_json(f"{live_server}/api/geochem/datasets/{dataset_id}/metrics?normalise={quote(ucc)}")
    assert metrics_ucc["rows"][0]["eu_anomaly"] != metrics["rows"][0]["eu_anomaly"]
    _check_table_against_api(ui_page, metrics_ucc)


def test_ga_dataset_qaqc(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    if not GA_XLSX.is_file():
        pytest.skip(f"GA QA/QC data set not found at {GA_XLSX.resolve()}")
    ui_page.goto("/#/geochem")
    ui_page.wait_for_selector("#normaliser option", state="attached")
    dataset_id = _upload(ui_page, GA_XLSX, units="ppm")
    ui_page.wait_for_selector("#crm-table tbody tr", timeout=LOAD_TIMEOUT_MS)
    qaqc = _get_json(f"{live_server}/api/geochem/datasets/{dataset_id}/qaqc")
    certified = [r for r in qaqc["crm"] if r["certified"] is not None]
    assert certified, "the GA data set holds certified reference materials"
    rows = ui_page.locator("#crm-table tbody tr")
    assert rows.count() == len(certified)
    # one check: the bias of the first certified material × element is the API's
    first = certified[0]
    row = f"#crm-table tbody tr[data-material='{first['material']}'][data-element='{first['element']}']"
    cell = ui_page.locator(f"{row} td[data-key='bias_pct']").first
    assert float(cell.get_attribute("data-value")) == first["bias_pct"]
    # per-batch status as the API gives it
    batch = qaqc["batches"][0]
    assert ui_page.text_content(f"#qaqc-batches tr[data-batch='{batch['batch']}'] .status-pill") == batch["status"]
    # control chart of a certified material: centre and ±2SD/±3SD lines, one point per uncensored result
    ui_page.wait_for_selector("#control-chart circle.control-point")
    assert ui_page.locator("#control-chart line.limit").count() == 5
    assert int(ui_page.get_attribute("#control-chart", "data-points")) == ui_page.locator(
        "#control-chart circle.control-point").count() > 0
    # no coordinates → no map
    assert ui_page.locator("#geochem-map-section").is_hidden()
    assert "1,576 samples" in ui_page.inner_text("#dataset-summary")
    ui_page.locator("#qaqc-section").scroll_into_view_if_needed()
    ui_page.screenshot(path=str(screenshot_dir / "geochem-qaqc.png"))
