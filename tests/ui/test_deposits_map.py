"""Browser tests of the web UI against the real service with the bundled demo deposits.

Each test fails on any request to a host other than this machine and on any uncaught page error
(see ``conftest.PageWatch``). Screenshots go to tests/ui/screenshots/ for inspection.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.request import urlopen

import pytest

pytestmark = pytest.mark.browser

DEPOSIT_LAYERS = ["deposit-clusters", "deposit-points"]

# Sum of the sites that the rendered clusters and single points stand for (queryRenderedFeatures may
# return a feature once per tile it touches, so de-duplicate by cluster id / site id).
RENDERED_SITES_JS = """(layers) => {
  const seen = new Set();
  let sites = 0;
  for (const f of window.map.queryRenderedFeatures({ layers })) {
    const key = f.properties.cluster_id != null ? `c${f.properties.cluster_id}` : `s${f.properties.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sites += f.properties.point_count ?? 1;
  }
  return sites;
}"""


def _get_json(url: str) -> Any:
    with urlopen(url, timeout=30) as response:
        return json.load(response)


def _open_deposits(page: Any, hash_: str = "#/deposits") -> None:
    page.goto(f"/{hash_}")
    page.wait_for_function("window.__mapIdle === true")


def _wait_count_change(page: Any, old: str) -> str:
    page.wait_for_function(
        "(old) => { const el = document.querySelector('#result-count');"
        " return el && el.dataset.count !== undefined && el.dataset.count !== old && window.__mapIdle === true; }",
        arg=old,
    )
    return str(page.get_attribute("#result-count", "data-count"))


def _matched(collection: dict[str, Any]) -> int:
    return int(collection.get("numberMatched", len(collection["features"])))


@pytest.fixture(scope="module")
def demo_sites(live_server: str) -> dict[str, Any]:
    """The unfiltered GeoJSON of all sites the service holds."""
    return _get_json(f"{live_server}/api/deposits/sites.geojson?limit=100000")


@pytest.fixture(scope="module")
def demo_total(demo_sites: dict[str, Any]) -> int:
    return _matched(demo_sites)


def test_map_renders_all_demo_sites(
    ui_page: Any, live_server: str, demo_sites: dict[str, Any], demo_total: int, screenshot_dir: Path
) -> None:
    located = len(demo_sites["features"])
    assert located >= 100, f"the demo data should hold at least 100 located sites, the service has {located}"
    _open_deposits(ui_page)
    rendered = ui_page.evaluate(RENDERED_SITES_JS, DEPOSIT_LAYERS)
    ui_page.screenshot(path=str(screenshot_dir / "deposits-map.png"))
    assert rendered == located  # every located site is on the world view, as a point or inside a cluster
    assert ui_page.get_attribute("#result-count", "data-count") == str(demo_total)
    assert ui_page.get_attribute("#result-count", "data-mapped") == str(located)
    # basemap layers drawn from the bundled, offline GeoJSON; the boundary note comes from the service
    assert ui_page.evaluate("window.map.queryRenderedFeatures({layers: ['land']}).length") > 0
    assert ui_page.evaluate("window.map.queryRenderedFeatures({layers: ['boundaries']}).length") > 0
    config = _get_json(f"{live_server}/api/ui/config")
    assert ui_page.inner_text("#boundary-note") == config["boundary_note"]
    assert "indicative" in config["boundary_note"]


def test_commodity_filter_changes_the_count(
    ui_page: Any, live_server: str, demo_total: int, screenshot_dir: Path
) -> None:
    facets = _get_json(f"{live_server}/api/deposits/facets")
    counts = {f["value"]: f["count"] for f in facets["commodities"]}
    assert "Li" in counts, f"the demo data should contain lithium sites; commodities: {sorted(counts)}"
    li = _get_json(f"{live_server}/api/deposits/sites.geojson?commodity=Li&limit=100000")
    li_total = _matched(li)
    assert li_total == counts["Li"]  # facet count and filtered query agree
    assert 0 < li_total < demo_total

    _open_deposits(ui_page)
    ui_page.click("#filter-commodity [data-value='Li']")
    assert _wait_count_change(ui_page, str(demo_total)) == str(li_total)
    assert ui_page.evaluate(RENDERED_SITES_JS, DEPOSIT_LAYERS) == len(li["features"])
    assert "commodity=Li" in ui_page.url  # the filter state is in the URL, so the view can be shared
    ui_page.screenshot(path=str(screenshot_dir / "deposits-filter-li.png"))

    # free-text search narrows further; clearing filters returns to the full set
    name = max((f["properties"]["name"] or "" for f in li["features"]), key=len)
    url = f"{live_server}/api/deposits/sites.geojson?commodity=Li&limit=100000&q={quote(name)}"
    narrowed = _matched(_get_json(url))
    assert 1 <= narrowed < li_total
    ui_page.fill("#filter-q", name)
    assert _wait_count_change(ui_page, str(li_total)) == str(narrowed)
    ui_page.click("#filter-reset")
    assert _wait_count_change(ui_page, str(narrowed)) == str(demo_total)


def test_filter_from_url_and_map_view_toggle(ui_page: Any, live_server: str, demo_total: int) -> None:
    facets = _get_json(f"{live_server}/api/deposits/facets")
    country = next((c for c in facets["countries"] if c["count"] < demo_total), None)
    assert country is not None, f"the demo data should hold sites of more than one country: {facets['countries']}"
    _open_deposits(ui_page, f"#/deposits?country={quote(country['value'])}")
    assert ui_page.get_attribute("#result-count", "data-count") == str(country["count"])
    assert ui_page.eval_on_selector("#filter-country", "el => el.value") == country["value"]

    ui_page.click("#filter-reset")
    _wait_count_change(ui_page, str(country["count"]))
    # zoom far into an empty ocean area: "only sites in the map view" must drop the count to what the API says
    ui_page.evaluate("window.map.jumpTo({center: [-140, -45], zoom: 6})")
    ui_page.check("#filter-in-view")
    bbox = ui_page.evaluate(
        "(() => { const b = window.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    expected = _get_json(
        f"{live_server}/api/deposits/sites.geojson?limit=100000&bbox=" + ",".join(f"{v:.4f}" for v in bbox)
    )
    expected_n = _matched(expected)
    assert expected_n < demo_total
    assert _wait_count_change(ui_page, str(demo_total)) == str(expected_n)


def test_click_site_opens_detail_with_provenance(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    _open_deposits(ui_page)
    # click a single (unclustered) site on the map: zoom to the first listed site until it is drawn as a point
    site_id = ui_page.get_attribute("#result-list li >> nth=0", "data-site-id")
    site = _get_json(f"{live_server}/api/deposits/sites/{site_id}")
    ui_page.evaluate(
        "([lon, lat]) => { window.__mapIdle = false; window.map.once('idle', () => { window.__mapIdle = true; });"
        " window.map.jumpTo({center: [lon, lat], zoom: 14}); }",
        [site["lon"], site["lat"]],
    )
    ui_page.wait_for_function("window.__mapIdle === true")
    point = ui_page.evaluate(
        """(id) => { const f = window.map.queryRenderedFeatures({layers: ['deposit-points']})
                         .find((f) => String(f.properties.id) === id);
                     if (!f) return null;
                     const p = window.map.project(f.geometry.coordinates);
                     const r = window.map.getCanvas().getBoundingClientRect();
                     return [r.left + p.x, r.top + p.y]; }""",
        site_id,
    )
    assert point is not None, f"site {site_id} is not drawn as a point at zoom 14"
    ui_page.mouse.click(point[0], point[1])
    ui_page.wait_for_selector(f"#detail-panel[data-site-id='{site_id}']")
    assert ui_page.inner_text("#detail-name") == (site["name"] or site_id)
    provenance = ui_page.inner_text("#detail-provenance")
    assert "provenance" in provenance.lower()
    for key in ("dataset", "source"):
        if site["provenance"].get(key):
            assert str(site["provenance"][key]) in provenance
    if site["inventory"]:
        rows = ui_page.locator("#inventory-table tbody tr").count()
        assert rows == len(site["inventory"])
    ui_page.wait_for_function("window.map.loaded()")
    ui_page.screenshot(path=str(screenshot_dir / "deposits-detail.png"))
    ui_page.click("#detail-close")
    assert ui_page.locator("#detail-panel").count() == 0


def test_site_with_inventory_shows_table(
    ui_page: Any, live_server: str, demo_sites: dict[str, Any], screenshot_dir: Path
) -> None:
    """A site with resource figures shows them as a table (tonnage in Mt, grade in %)."""
    for feature in demo_sites["features"][:500]:
        site = _get_json(f"{live_server}/api/deposits/sites/{feature['properties']['id']}")
        rows = [r for r in site["inventory"] if r.get("ore_t")]
        if rows:
            break
    else:
        pytest.skip("no demo site carries an inventory with tonnage")
    ui_page.goto(f"/#/deposits?site={site['id']}")
    ui_page.wait_for_selector("#inventory-table")
    cells = ui_page.locator("#inventory-table tbody tr").first.locator("td").all_inner_texts()
    first = site["inventory"][0]
    if first.get("ore_t"):
        shown = float(cells[1].replace(",", ""))
        assert shown == pytest.approx(first["ore_t"] / 1e6, rel=0.01)
    ui_page.wait_for_function("window.__mapIdle === true")
    ui_page.screenshot(path=str(screenshot_dir / "deposits-inventory.png"))


def test_about_page_shows_version_and_sources(ui_page: Any, live_server: str, screenshot_dir: Path) -> None:
    health = _get_json(f"{live_server}/api/health")
    ui_page.goto("/#/about")
    ui_page.wait_for_function("document.querySelector('#about-version')?.textContent !== '…'")
    assert ui_page.inner_text("#about-version") == health["version"]
    assert ui_page.get_attribute("#link-docs", "href") == "/docs"
    assert ui_page.locator("#about-datasets .dataset").count() >= 1
    ui_page.screenshot(path=str(screenshot_dir / "about.png"), full_page=True)


def test_swagger_ui_is_self_hosted(ui_page: Any, screenshot_dir: Path) -> None:
    """/docs renders Swagger UI from the bundled swagger-ui-dist files (the page watch fails on any CDN request)."""
    ui_page.goto("/docs")
    ui_page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    ui_page.screenshot(path=str(screenshot_dir / "swagger.png"))
