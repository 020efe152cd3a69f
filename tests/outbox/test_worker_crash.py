"""A worker process killed with SIGKILL mid-send: after recovery the fan has the message once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.outbox.helpers import make_agency, make_message
from tests.platforms.live_simulator import LiveSimulator, live_simulator

from huntaze.config import Settings
from huntaze.core import db as core_db
from huntaze.core import migrations
from huntaze.core.tasks import build_huey, reset_queues, use_huey
from huntaze.outbox import tasks as outbox_tasks
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.states import State


def wait_for(check: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[LiveSimulator]:
    with live_simulator(tmp_path) as running:
        yield running


@pytest.mark.slow
def test_worker_killed_mid_send_delivers_exactly_once(tmp_path: Path, sim: LiveSimulator) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = core_db.Database(f"sqlite:///{data_dir / 'huntaze.sqlite3'}")
    migrations.upgrade(database.engine)
    use_huey(build_huey(Settings(data_dir=data_dir, queue_immediate=False)))
    try:
        with database.session_scope() as session:
            agency = make_agency(session, base_url=sim.url, secret=sim.secret_json())
            message = make_message(
                session, agency, fan_id=sim.active_fan_id(), approve=True, queue=True
            )
            message_id, nonce = message.id, message.nonce
    finally:
        reset_queues()
    sim.fault("latency", params={"ms": 2500})

    env = os.environ | {
        "HUNTAZE_DATA_DIR": str(data_dir),
        "HUNTAZE_DATABASE_URL": "",
        "HUNTAZE_QUEUE_IMMEDIATE": "false",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "huntaze", "worker", "--threads", "1", "--no-periodic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def state() -> str:
            with database.session_scope() as session:
                return str(
                    session.scalar(
                        select(OutboundMessage.state).where(OutboundMessage.id == message_id)
                    )
                )

        wait_for(lambda: state() == State.SENDING, "the worker to claim the message")
        wait_for(
            lambda: any(f["fired"] for f in sim.admin("GET", "/accounts/creator1/faults")["items"]),
            "the send request to reach the platform",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    sim.clear_faults()
    # Give the platform the time to finish (or drop) the request the dead worker started: the
    # row is stuck in sending either way, and the platform may or may not have the message.
    time.sleep(3.5)
    assert state() == State.SENDING
    assert sim.deliveries(nonce=nonce) in (0, 1)

    core_db.set_database(database)
    try:
        assert outbox_tasks.recover_stuck(older_than_s=0) == 1  # wakes the send (run inline)
    finally:
        core_db.set_database(None)
    with database.session_scope() as session:
        row = session.get(OutboundMessage, message_id)
        assert row is not None
        assert row.state == State.SENT, row.last_error
        delivered = sim.admin("GET", "/accounts/creator1/deliveries", params={"nonce": nonce})
        assert row.platform_message_id == str(delivered["messages"][0]["id"])
    assert sim.deliveries(nonce=nonce) == 1
    database.dispose()
