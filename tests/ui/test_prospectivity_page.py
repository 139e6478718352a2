"""Browser test of the Prospectivity page against the real service (``critmin serve``, see conftest.py).

A weights-of-evidence run on EIS Toolkit's small WoE test set (../shared/data/prospectivity/eis-wofe-small,
EUPL-1.2) is submitted through the API; the page must show its posterior as a map image layer over the deposits,
the AUC the API stored, the CI test and the validation plots. Fails on requests to other hosts and page errors.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest

pytestmark = pytest.mark.browser

EIS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "prospectivity" / "eis-wofe-small"


def _call(url: str, body: bytes | None = None, content_type: str = "application/json") -> Any:
    req = Request(url, data=body, method="POST" if body is not None else "GET",
                  headers={"Content-Type": content_type} if body is not None else {})
    with urlopen(req, timeout=60) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def wofe_run(live_server: str) -> dict[str, Any]:
    import geopandas as gpd

    base = f"{live_server}/api/prospectivity"
    up = _call(f"{base}/uploads?filename=wofe_evidence_raster.tif", (EIS / "wofe_evidence_raster.tif").read_bytes(),
               "image/tiff")
    deposits = json.loads(gpd.read_file(EIS / "wofe_deposits.shp").to_crs(4326)[["geometry"]].to_json())
    body = {"name": "EIS small WoE", "layers": [{"upload": up["id"], "name": "geology", "weights_type": "categorical",
                                                 "generalize": "manual", "threshold": 1.0}],
            "deposits": deposits, "unit_cell_km2": 1.0, "count": "pixels"}
    acc = _call(f"{base}/runs", json.dumps(body).encode())
    for _ in range(1200):
        d = _call(f"{base}/runs/{acc['id']}")
        if d["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert d["status"] == "done", d["message"]
    return d


def test_result_raster_over_deposits_with_validation(ui_page: Any, wofe_run: dict[str, Any],
                                                     screenshot_dir: Path) -> None:
    page = ui_page
    rid = wofe_run["id"]
    page.goto(f"/#/prospectivity?run={rid}")
    page.wait_for_selector("#prospect-summary")
    page.wait_for_function("() => !!(window.map && window.map.getLayer('result-raster') && "
                           "window.map.getLayer('run-deposits'))")
    auc = wofe_run["result"]["validation"]["all"]["auc"]
    assert page.inner_text("#auc-all").strip() == f"{auc:.4f}".rstrip("0").rstrip(".") or \
        abs(float(page.inner_text("#auc-all")) - auc) < 5e-4
    assert "n = 16" in page.inner_text("#ci-test")
    page.wait_for_function("() => { const i = document.querySelector('#validation-plot'); "
                           "return i && i.complete && i.naturalWidth > 0; }")
    assert page.locator(f"[data-run='{rid}']").count() == 1
    # switching the map layer to the standard deviation keeps one image layer
    page.select_option("#raster-select", "posterior_std")
    page.wait_for_function("() => document.querySelector('#raster-legend').textContent.includes('Standard deviation')")
    page.screenshot(path=str(screenshot_dir / "prospectivity.png"))
