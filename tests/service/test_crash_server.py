"""Crash safety of the service: SIGKILL the server while clients upload; afterwards the store is consistent
(every stored dataset readable, no half-written row) and the service works again (both stores)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import httpx
from sqlalchemy import text

from critmin.store.tables import GeochemDataset
from tests.service.conftest import _free_port

ASSAYS = ("sample_id,La_ppm,Ce_ppm,Nd_ppm\n" + "".join(f"S{i},{100 + i},{200 + i},{90 + i}\n" for i in range(3000)))


def _serve(db_url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "CRITMIN_DATABASE_URL": db_url, "CRITMIN_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "critmin.cli.main", "serve", "--host", "127.0.0.1", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{url}/api/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("critmin serve did not start")


def _uploader(url: str, stop: threading.Event, accepted: list[int]) -> None:
    with httpx.Client(base_url=url, timeout=30) as c:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = c.post("/api/geochem/datasets", files={"file": (f"a{i}.csv", ASSAYS.encode())},
                           data={"name": f"upload {i}"})
                if r.status_code in (200, 201):
                    accepted.append(int(r.json()["id"]))
            except httpx.HTTPError:
                return


def test_sigkill_during_uploads_leaves_a_consistent_store(db, tmp_path) -> None:
    proc, url = _serve(db.url, tmp_path)
    stop, accepted = threading.Event(), []
    threads = [threading.Thread(target=_uploader, args=(url, stop, accepted)) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while len(accepted) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.7)  # uploads are in flight
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(accepted) >= 3
    db.dispose()
    with db.session() as s:
        if db.backend == "sqlite":
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        rows = s.query(GeochemDataset).all()
    ids = {r.id for r in rows}
    assert set(accepted) <= ids  # every acknowledged upload survived the kill
    for r in rows:  # and every stored row is complete: its artefacts exist
        assert r.artefact_dir and Path(r.artefact_dir).is_dir(), r.id
    proc, url = _serve(db.url, tmp_path)
    try:
        for ds in sorted(ids)[-3:]:
            got = httpx.get(f"{url}/api/geochem/datasets/{ds}/metrics", timeout=60)
            assert got.status_code == 200, got.text
        again = httpx.post(f"{url}/api/geochem/datasets", files={"file": ("again.csv", ASSAYS.encode())},
                           data={"name": "after the crash"}, timeout=60)
        assert again.status_code in (200, 201), again.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
