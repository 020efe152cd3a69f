"""`huntaze up` on a fresh data dir: serves Huntaze and the simulator; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.live_server import free_port


def _wait_ok(url: str, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def _link_states(data_dir: Path) -> set[str]:
    from sqlalchemy import select

    from huntaze.core.db import Database
    from huntaze.creators.models import PlatformAccount

    database = Database(f"sqlite:///{data_dir / 'huntaze.sqlite3'}")
    try:
        with database.session_scope() as session:
            return set(session.scalars(select(PlatformAccount.link_state)).all())
    finally:
        database.dispose()


def _wait_linked(data_dir: Path, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _link_states(data_dir) == {"linked"}:
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow
def test_up_serves_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port, sim_port = free_port(), free_port()
    env = {**os.environ, "HUNTAZE_QUEUE_IMMEDIATE": "false", "HUNTAZE_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "huntaze",
            "up",
            "--port",
            str(port),
            "--simulator-port",
            str(sim_port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert _wait_ok(f"http://127.0.0.1:{port}/readyz"), "Huntaze did not come up"
        assert _wait_ok(f"http://127.0.0.1:{sim_port}/login"), "the simulator did not come up"
        login = httpx.post(f"http://127.0.0.1:{port}/login", timeout=5)
        assert login.status_code == 422  # the login form answers (fields missing)
        assert _wait_linked(tmp_path), "the demo accounts were not checked against the simulator"
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "demo@huntaze.local" in output
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{sim_port}/login", timeout=2)
