"""Two ``huntaze browser-worker`` processes serving 4 accounts never act on one account at once.

DESIGN.md §3 "browser pool", §6 "Send": the cross-process per-account lock (``core/locks.py``,
file locks under the shared data dir here) serialises work per account. Each task reports, from
inside the lock, when it started and ended and in which process; no two intervals of one
account may overlap, and both processes must have done work.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.live_server import CHROMIUM, serve
from tests.platforms.browser.conftest import ADMIN
from tests.platforms.browser.probe_tasks import run_connector_action, seal_connection

from huntaze.config import Settings
from huntaze.core.tasks import build_huey, enqueue_now, reset_queues, use_huey
from huntaze.platforms.browser.memory import chromium_rss_bytes
from huntaze.platforms.registry import AccountConnection
from huntaze.simulator import SimulatorSettings, create_simulator_app
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.seeding import seed_simulator

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ACCOUNTS = 4
REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def simulator_url(tmp_path: Path) -> Iterator[str]:
    db = SimulatorDatabase(tmp_path / "sim.sqlite3")
    seed_simulator(db, seed=3, creators=ACCOUNTS, fans_per_creator=8)
    db.dispose()
    settings = SimulatorSettings(db_path=tmp_path / "sim.sqlite3", admin_token="test-admin")
    with serve(create_simulator_app(settings)) as url:
        yield url


def wait_until_browsers_run(workers: list[subprocess.Popen[bytes]]) -> None:
    """Both workers have launched Chromium (so both are consuming before tasks arrive)."""
    deadline = time.monotonic() + 120
    while not all(chromium_rss_bytes(w.pid) for w in workers):
        assert all(w.poll() is None for w in workers), "a browser-worker exited"
        assert time.monotonic() < deadline, "the browser-workers did not start Chromium"
        time.sleep(0.2)


def test_two_workers_never_act_on_one_account_at_once(tmp_path: Path, simulator_url: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian Chromium is not installed")
    data_dir = tmp_path / "data"
    use_huey(build_huey(Settings(data_dir=data_dir, queue_immediate=False), "browser"), "browser")
    env = {**os.environ, "HUNTAZE_QUEUE_IMMEDIATE": "false", "HUNTAZE_DATA_DIR": str(data_dir)}
    # The real browser worker, started with the test's probe task declared (probe_worker.py).
    probe = "tests.platforms.browser.probe_worker"
    command = [sys.executable, "-m", probe, "browser-worker", "--threads", "2"]
    workers = [
        subprocess.Popen(
            [*command, "--max-contexts", "2", "--data-dir", str(data_dir)],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        wait_until_browsers_run(workers)
        accounts = httpx.get(f"{simulator_url}/_admin/accounts", headers=ADMIN).json()["accounts"]
        sealed = [
            seal_connection(
                AccountConnection(
                    account_id=f"acct-{a['username']}",
                    platform="simulator",
                    handle=a["username"],
                    driver="simulator_browser",
                    base_url=simulator_url,
                    skin=a["skin"],
                    secret={
                        "username": a["username"],
                        "password": a["password"],
                        "otp_code": a["otp_code"],
                    },
                )
            )
            for a in accounts[:ACCOUNTS]
        ]
        actions = ("check_session", "fans_since", "earnings_since")
        results = [
            enqueue_now(run_connector_action, sealed[i % ACCOUNTS], actions[(i // ACCOUNTS) % 3])
            for i in range(ACCOUNTS * 6)
        ]
        done = [r.get(blocking=True, timeout=240) for r in results]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        reset_queues()

    assert [d for d in done if not d["count"]] == []
    assert len({d["pid"] for d in done}) == 2
    for account in {d["account_id"] for d in done}:
        spans = sorted((d["started_at"], d["ended_at"]) for d in done if d["account_id"] == account)
        for (_start, end), (next_start, _end) in itertools.pairwise(spans):
            assert end <= next_start, f"two workers acted on {account} at once"
