"""`huntaze up` on a fresh data dir: serves Huntaze and the simulator; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
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


# Two days of simulated history instead of the demo's 90 keep the test short; the conversations
# they hold are enough to see that the inbox fills at start.
UP_ENV = {"HUNTAZE_QUEUE_IMMEDIATE": "false", "HUNTAZE_DEMO_HISTORY_DAYS": "2"}


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


def _messages_synced(data_dir: Path) -> int:
    from sqlalchemy import func, select

    from huntaze.core.db import Database
    from huntaze.inbox.models import ChatMessage

    database = Database(f"sqlite:///{data_dir / 'huntaze.sqlite3'}")
    try:
        with database.session_scope() as session:
            return int(session.scalar(select(func.count()).select_from(ChatMessage)) or 0)
    finally:
        database.dispose()


def _wait_synced(data_dir: Path, timeout_s: float = 90) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _messages_synced(data_dir):
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow
def test_up_serves_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port, sim_port = free_port(), free_port()
    env = {**os.environ, **UP_ENV, "HUNTAZE_DATA_DIR": str(tmp_path)}
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
        # The inbox fills at start: the demo accounts are synced now, not at the first round.
        assert _wait_synced(tmp_path), "the demo fans' conversations were not synced at start"
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "demo@huntaze.local" in output
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{sim_port}/login", timeout=2)


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has exited; only its entry is left


@pytest.mark.slow
def test_up_killed_with_sigkill_leaves_no_process_behind(tmp_path: Path) -> None:
    port, sim_port = free_port(), free_port()
    env = {**os.environ, **UP_ENV, "HUNTAZE_DATA_DIR": str(tmp_path)}
    log = (tmp_path / "up.log").open("w")
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
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _wait_ok(f"http://127.0.0.1:{port}/readyz"), "Huntaze did not come up"
        assert _wait_ok(f"http://127.0.0.1:{sim_port}/login"), "the simulator did not come up"
        assert _wait_linked(tmp_path), "the demo accounts were not checked against the simulator"
        children = _children_of(process.pid)
        assert children, "the simulator should run as a child process"
        process.send_signal(signal.SIGKILL)  # no cleanup runs in `huntaze up` itself
        process.wait(timeout=10)
        deadline = time.monotonic() + 20
        while not all(_gone(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(_gone(pid) for pid in children), "a child of `huntaze up` outlived it"
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{sim_port}/login", timeout=2)
    # The worker's log lines show in `huntaze up` too (the queue's and the sender's).
    output = (tmp_path / "up.log").read_text()
    assert "INFO huey" in output and "check_account_connection" in output, output


def test_up_on_a_taken_port_says_so_and_exits_non_zero(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "huntaze", "up", "--port", str(port), "--simulator-port", "0"],
            env={**os.environ, "HUNTAZE_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert not (tmp_path / "huntaze.sqlite3").exists()  # it stopped before doing anything
