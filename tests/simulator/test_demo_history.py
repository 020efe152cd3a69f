"""The demo's simulator accounts come with days of simulated life (``make up`` asks for 90), so
the demo inbox opens on real conversations; an existing world is never advanced again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.models import Message
from huntaze.simulator.seeding import ensure_demo_accounts
from huntaze.simulator.state import EPOCH, get_now


def _clock_and_messages(path: Path) -> tuple[dt.datetime, int]:
    db = SimulatorDatabase(path)
    try:
        with db.session() as session:
            return get_now(session), int(session.scalar(select(func.count(Message.id))) or 0)
    finally:
        db.dispose()


def test_a_fresh_demo_world_lives_its_history_days_once(tmp_path: Path) -> None:
    path = tmp_path / "sim.sqlite3"
    told: list[int] = []

    ensure_demo_accounts(
        path, creators=1, fans_per_creator=30, history_days=3, progress=told.append
    )
    now, messages = _clock_and_messages(path)
    ensure_demo_accounts(path, creators=1, fans_per_creator=30, history_days=3)

    assert told == [1, 1, 1]
    assert now == EPOCH + dt.timedelta(days=3)
    assert messages > 0
    assert _clock_and_messages(path) == (now, messages)  # an existing world stays as it was
