"""Fixtures for the browser tests of the web UI (Playwright driving Debian's Chromium).

The session starts the real service (``critmin serve``) in a subprocess on a free port against a
temporary SQLite database loaded with the bundled demo deposits, and launches Chromium once.
Every test gets a fresh page that records requests to non-local hosts and uncaught page errors;
either fails the test.

Needs: ``chromium`` on PATH (Debian package), the ``playwright`` Python package, and the built
frontend (``cd frontend && npm ci && npm run build``). Without them the tests are skipped with the
reason; CI turns such skips into failures.

``CRITMIN_UI_TEST_URL=http://127.0.0.1:8765`` runs the tests against an already running service
instead (it must hold the demo deposits).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

REPO = Path(__file__).resolve().parents[2]
UI_INDEX = REPO / "src" / "critmin" / "service" / "static" / "ui" / "index.html"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Flags for Debian's Chromium in a container without network (see docs/notes: ecosystem §2).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _critmin(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``critmin`` CLI of this interpreter; fail the session with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "critmin.cli.main", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"`critmin {' '.join(args)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


#: an analyst of GSI in the UI test store (tests/ui/test_signin.py)
UI_USER, UI_PASSWORD = "ui-analyst", "monazite-sands-1"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium); browser tests need it")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture(scope="session")
def built_frontend() -> Path:
    if not UI_INDEX.is_file():
        pytest.skip(f"the web UI is not built ({UI_INDEX} missing): run `cd frontend && npm ci && npm run build`")
    return UI_INDEX.parent


@pytest.fixture(scope="session")
def live_server(built_frontend: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``critmin serve`` on a free port, with the demo deposits in a temporary SQLite database."""
    if os.environ.get("CRITMIN_UI_TEST_URL"):
        yield os.environ["CRITMIN_UI_TEST_URL"].rstrip("/")
        return
    workdir = tmp_path_factory.mktemp("ui-service")
    env = {
        **os.environ,
        "CRITMIN_DATABASE_URL": f"sqlite:///{workdir / 'critmin.db'}",
        "CRITMIN_DATA_DIR": str(workdir),
        "NO_COLOR": "1",
    }
    _critmin(["db", "upgrade"], env)
    _critmin(["demo", "load"], env)
    _critmin(["users", "add", UI_USER, "--organisation", "gsi", "--role", "analyst", "--password-stdin"], env,
             stdin=UI_PASSWORD + "\n")
    port = _free_port()
    log = (workdir / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "critmin.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"`critmin serve` exited {proc.returncode}:\n{(workdir / 'serve.log').read_text()}")
            try:
                with urlopen(f"{base}/api/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"`critmin serve` did not answer in {SERVER_START_TIMEOUT_S} s:\n"
                            f"{(workdir / 'serve.log').read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def ui_browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageWatch:
    """What a page did that a test must not allow: requests off this machine, uncaught script errors."""

    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_request(self, request: Any) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
            self.external_requests.append(request.url)

    def check(self) -> None:
        assert not self.external_requests, f"requests to non-local hosts: {self.external_requests}"
        assert not self.page_errors, f"uncaught errors in the page: {self.page_errors}"


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def ui_page(ui_browser: Any, live_server: str, watch: PageWatch) -> Iterator[Any]:
    """A fresh 1400×850 page; fails the test on any non-local request or uncaught page error.

    The content-security policy is bypassed here because Playwright's own ``wait_for_function`` evaluates
    script in the page; ``test_csp.py`` visits every page under the real policy.
    """
    context = ui_browser.new_context(viewport={"width": 1400, "height": 850}, base_url=live_server, bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.on("request", watch.on_request)
    pg.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    yield pg
    context.close()
    watch.check()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
