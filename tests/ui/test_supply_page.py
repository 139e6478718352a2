"""Browser tests of the Supply chains page against the real service (``critmin serve``, see conftest.py).

Data: the shipped MCS 2024 world tables (USGS MCS 2024 data release, doi:10.5066/P144BA54). The page must show
exactly the numbers ``/api/supply`` returns; every test also fails on requests to other hosts and on uncaught page
errors (``conftest.PageWatch``). The scenario and criticality inputs are the page's own illustrative examples.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

pytestmark = pytest.mark.browser

TIMEOUT_MS = 120_000


def _get_json(url: str) -> Any:
    with urlopen(url, timeout=60) as response:
        return json.load(response)


def _wait(page: Any, predicate: str, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Poll ``page.evaluate(predicate)`` until truthy. (``wait_for_function`` evaluates strings inside the page,
    which the service's Content-Security-Policy, script-src 'self', forbids.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {predicate}")
        page.wait_for_timeout(100)


def _open(page: Any, query: str = "") -> None:
    page.goto(f"/#/supply{query}")
    page.wait_for_selector("#shares-table", timeout=TIMEOUT_MS)
    _wait(page, "() => window.__mapIdle === true")


def test_map_shares_and_concentration(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    _open(ui_page, "?commodity=REE&stage=mine&year=2023")
    api = _get_json(f"{live_server}/api/supply/concentration?" + urlencode(
        {"commodity": "REE", "stage": "mine", "year": 2023}))
    china = ui_page.inner_text("#shares-table tr[data-country='China'] td:nth-child(2)")
    assert china == f"{100 * api['shares']['China']:.1f} %"
    assert ui_page.inner_text("#top3-value") == f"{100 * api['top3_share']:.1f} %"
    # the choropleth colours producing countries: China's polygon (ISO numeric 156) is filled
    filled = ui_page.evaluate("""() => {
        const f = window.map.queryRenderedFeatures({layers: ['share-fill']});
        return f.filter(x => String(x.properties.iso_n3) === '156').length;
    }""")
    assert filled > 0
    assert ui_page.locator("#series-chart circle.pt-hhi").count() == 3  # 2021, 2022, 2023
    assert "separation" in ui_page.inner_text("#profile-table caption")
    ui_page.screenshot(path=str(screenshot_dir / "supply-map.png"))
    # switching commodity reloads shares
    ui_page.select_option("#supply-commodity", "Ga")
    _wait(ui_page, "() => document.querySelector('#shares-table caption')?.textContent.startsWith('Ga refinery')")


def test_matrix_scenario_and_sankey(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    _open(ui_page)
    ui_page.click("#crit-run")
    ui_page.wait_for_selector("#matrix-chart circle.matrix-point", timeout=TIMEOUT_MS)
    assert ui_page.locator("#matrix-chart circle.matrix-point").count() == 3
    assert ui_page.locator("#list-membership tbody tr").count() == 11
    ui_page.click("#scenario-run")
    ui_page.wait_for_selector("#mc-histogram rect.bar", timeout=TIMEOUT_MS)
    toml = ui_page.input_value("#scenario-toml")
    with urlopen(_post(f"{live_server}/api/supply/scenario", {"toml": toml}), timeout=60) as resp:
        api = json.load(resp)
    assert ui_page.inner_text("#scenario-lost") == f"{100 * api['lost_share']:.1f} %"
    assert ui_page.inner_text("#scenario-price") == f"{100 * api['price_change']:.0f} %"
    assert "stockpile cover" in ui_page.inner_text("#scenario-cover")
    ui_page.wait_for_selector("#ndfeb-sankey path.sankey-link", state="attached")
    # reduction and machining losses (separation recovery defaults to 1.0, so no separation loss)
    assert ui_page.locator("#ndfeb-sankey path.sankey-loss").count() == 2
    assert "Bottleneck: separation" in ui_page.inner_text("#ndfeb-summary")
    ui_page.select_option("#ndfeb-cap-stage", "separation")
    ui_page.click("#ndfeb-run")
    ui_page.wait_for_selector("p.capacity-effect")
    assert "China's share 90.0 %" in ui_page.inner_text("p.capacity-effect")
    ui_page.screenshot(path=str(screenshot_dir / "supply-tools.png"), full_page=True)


def test_bad_scenario_shows_error(ui_page: Any) -> None:
    _open(ui_page)
    ui_page.fill("#scenario-toml", "[scenario]\ncommodity = 'gallium'\n")
    ui_page.click("#scenario-run")
    ui_page.wait_for_selector("#scenario-error:not([hidden])")
    assert "missing table 'restriction'" in ui_page.inner_text("#scenario-error")


def _post(url: str, body: dict[str, Any]) -> Any:
    from urllib.request import Request

    return Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
