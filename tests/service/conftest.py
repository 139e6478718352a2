"""Service fixtures: a TestClient and a live uvicorn server on a seeded store (both backends)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from critmin.service.app import create_app
from critmin.store.sites import import_sites
from tests.store.factories import world


@pytest.fixture
def seeded(db):
    with db.transaction() as s:
        import_sites(s, world(), organisation="gsi")
    return db


@pytest.fixture
def client(seeded) -> Iterator[TestClient]:
    with TestClient(create_app(seeded)) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(seeded) -> Iterator[str]:
    """``critmin serve`` in a subprocess on a free loopback port (GDAL holds the GIL while it reads,
    so the server must not share the test's process)."""
    port = _free_port()
    env = {**os.environ, "CRITMIN_DATABASE_URL": seeded.url}
    proc = subprocess.Popen([sys.executable, "-m", "critmin.cli.main", "serve", "--host", "127.0.0.1", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                raise AssertionError(f"critmin serve exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(f"{url}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()
