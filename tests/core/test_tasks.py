"""The queue: enqueue after commit, nothing on rollback, real consumers on SQLite and Redis."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from huey import MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.conftest import REDIS_URL

from huntaze.accounts.models import LoginSession, Organization, User
from huntaze.core import tasks
from huntaze.core.db import Database, utcnow

calls: list[str] = []


@tasks.task()
def remember(value: str) -> str:
    calls.append(value)
    return value


@pytest.fixture
def immediate_queue() -> Iterator[None]:
    tasks.use_huey(MemoryHuey("test", immediate=True))
    calls.clear()
    yield
    tasks.use_huey(MemoryHuey("test", immediate=True))


def test_enqueue_waits_for_commit(session: Session, immediate_queue: None) -> None:
    tasks.enqueue_after_commit(session, remember, "after-commit")
    assert calls == []
    session.commit()
    assert calls == ["after-commit"]


def test_rollback_drops_pending_tasks(session: Session, immediate_queue: None) -> None:
    tasks.enqueue_after_commit(session, remember, "never")
    session.rollback()
    session.commit()
    assert calls == []


def _run_worker(data_dir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "huntaze",
            "worker",
            "--threads",
            "1",
            "--no-periodic",
            "--data-dir",
            str(data_dir),
        ],
        env={**os.environ, **env, "HUNTAZE_QUEUE_IMMEDIATE": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _expired_session_count(database: Database) -> int:
    with database.session_scope() as session:
        return len(session.scalars(select(LoginSession)).all())


def _add_expired_session(database: Database) -> None:
    long_ago = utcnow() - dt.timedelta(days=30)
    with database.session_scope() as session:
        org = Organization(name="Queue Org")
        user = User(email="queue@example.com", name="Q", password_hash="x")
        session.add_all([org, user])
        session.flush()
        session.add(
            LoginSession(
                user_id=user.id,
                organization_id=org.id,
                token_hash="h" * 64,
                csrf_token="c",
                created_at=long_ago,
                expires_at=long_ago,
            )
        )


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_worker_process_consumes_the_queue(tmp_path: Path, backend: str) -> None:
    """A separate `huntaze worker` process runs a task put on the queue by this process."""
    if backend == "redis" and not REDIS_URL:
        pytest.skip("HUNTAZE_TEST_REDIS_URL not set")
    env = {"HUNTAZE_REDIS_URL": REDIS_URL if backend == "redis" else ""}
    queue = (
        RedisHuey("huntaze", url=REDIS_URL)
        if backend == "redis"
        else SqliteHuey("huntaze", filename=str(tmp_path / "queue.sqlite3"))
    )
    queue.flush()
    migrate = subprocess.run(
        [sys.executable, "-m", "huntaze", "migrate", "--data-dir", str(tmp_path)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    database = Database(f"sqlite:///{tmp_path / 'huntaze.sqlite3'}")
    _add_expired_session(database)
    tasks.use_huey(queue)
    worker = _run_worker(tmp_path, env)
    try:
        from huntaze.accounts.tasks import purge_ended_sessions

        tasks.enqueue_now(purge_ended_sessions)
        deadline = time.monotonic() + 30
        while _expired_session_count(database) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _expired_session_count(database) == 0, "the worker did not run the task"
        assert queue.pending_count() == 0
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        tasks.use_huey(MemoryHuey("test", immediate=True))
        database.dispose()
