"""Enqueue-after-commit and savepoints: only the outermost transaction decides (core/tasks.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huey import MemoryHuey
from sqlalchemy.orm import Session

from huntaze.core import tasks

calls: list[str] = []


@tasks.task()
def remember_in_savepoint_test(value: str) -> str:
    calls.append(value)
    return value


@pytest.fixture
def immediate_queue() -> Iterator[None]:
    tasks.use_huey(MemoryHuey("test-savepoints", immediate=True))
    calls.clear()
    yield
    tasks.use_huey(MemoryHuey("test-savepoints", immediate=True))


def test_a_rolled_back_savepoint_keeps_the_requests_pending_tasks(
    session: Session, immediate_queue: None
) -> None:
    tasks.enqueue_after_commit(session, remember_in_savepoint_test, "before the savepoint")
    savepoint = session.begin_nested()
    tasks.enqueue_after_commit(session, remember_in_savepoint_test, "inside the savepoint")
    savepoint.rollback()  # e.g. a unique-key race caught and handled by the service
    assert calls == []
    session.commit()
    assert "before the savepoint" in calls


def test_rolling_back_the_whole_transaction_still_drops_them(
    session: Session, immediate_queue: None
) -> None:
    tasks.enqueue_after_commit(session, remember_in_savepoint_test, "never")
    savepoint = session.begin_nested()
    savepoint.rollback()
    session.rollback()
    session.commit()
    assert calls == []


def test_a_released_savepoint_enqueues_nothing_before_the_commit(
    session: Session, immediate_queue: None
) -> None:
    tasks.enqueue_after_commit(session, remember_in_savepoint_test, "before the savepoint")
    with session.begin_nested():  # released here: SQLAlchemy calls after_commit for it too
        tasks.enqueue_after_commit(session, remember_in_savepoint_test, "inside the savepoint")
    assert calls == []  # a worker must never wake up for rows that are not committed yet
    session.commit()
    assert calls == ["before the savepoint", "inside the savepoint"]
