"""Web sign-in: the account control signs in with a session cookie, unsafe requests carry the CSRF token,
sign-out ends the session."""

from __future__ import annotations

import pytest

from tests.ui.conftest import UI_PASSWORD, UI_USER

pytestmark = pytest.mark.browser


def test_sign_in_csrf_and_sign_out(ui_page) -> None:
    page = ui_page
    page.goto("/#/about")
    page.locator("#signin-open").click()
    page.fill("#signin-form input[name=username]", UI_USER)
    page.fill("#signin-form input[name=password]", "wrong password!")
    page.locator("#signin-form button[type=submit]").click()
    page.locator("#signin-error").filter(has_text="Wrong user or password").wait_for()
    page.fill("#signin-form input[name=password]", UI_PASSWORD)
    page.locator("#signin-form button[type=submit]").click()
    page.locator("#account").filter(has_text=f"{UI_USER} · gsi").wait_for()
    me = page.evaluate("() => fetch('/api/auth/me').then(r => r.json())")
    assert (me["username"], me["role"], me["via"]) == (UI_USER, "analyst", "session")
    # the page's fetch adds the CSRF token to unsafe requests; a request without it is refused
    made = page.evaluate("""() => fetch('/api/auth/tokens', {method: 'POST', headers: {'Content-Type':
        'application/json'}, body: JSON.stringify({name: 'from-ui'})}).then(r => r.status)""")
    assert made == 201
    raw = page.evaluate("""() => window.XMLHttpRequest && new Promise(res => { const x = new XMLHttpRequest();
        x.open('POST', '/api/auth/tokens'); x.setRequestHeader('Content-Type', 'application/json');
        x.onload = () => res(x.status); x.send(JSON.stringify({name: 'no-csrf'})); })""")
    assert raw == 403
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["critmin_session"]["httpOnly"] and cookies["critmin_session"]["sameSite"] == "Strict"
    page.locator("#signout").click()
    page.locator("#signin-open").wait_for()
    assert page.evaluate("() => fetch('/api/auth/me').then(r => r.json())") == {"anonymous": True}
