"""Every page of the UI works under the service's real content-security policy (no violation, no error)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_every_page_renders_under_the_content_security_policy(ui_browser, live_server) -> None:
    context = ui_browser.new_context(viewport={"width": 1400, "height": 850})
    violations: list[str] = []
    errors: list[str] = []
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        page.locator("#nav a").first.wait_for()
        hrefs = [h for h in page.locator("#nav a").evaluate_all("els => els.map(e => e.getAttribute('href'))") if h]
        assert len(hrefs) >= 7, hrefs
        page.close()
        for href in hrefs:
            page = context.new_page()
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            page.on("pageerror", lambda e, href=href: errors.append(f"{href}: {e}"))
            page.goto(f"{live_server}/{href.lstrip('/')}")
            expect(page.locator("#main")).to_contain_text(re.compile(r"\w{3}"), timeout=30_000)
            page.close()
    finally:
        context.close()
    assert not violations, f"content-security-policy violations: {violations}"
    assert not errors, f"uncaught errors: {errors}"
