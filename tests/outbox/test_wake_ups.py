"""A queued row whose task was lost (its worker died between taking the task off the queue and
claiming the row) is woken within a lease once nothing else waits on the queues."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from huey import MemoryHuey
from sqlalchemy.orm import Session
from tests.outbox.helpers import Agency, make_agency, make_message

from huntaze.core import tasks
from huntaze.core.db import utcnow
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.states import State
from huntaze.outbox.tasks import dispatch_due

LEASE_S = 10.0


@pytest.fixture
def queue() -> Iterator[MemoryHuey]:
    """A queue that holds tasks (nothing runs them), as a worker fleet's would."""
    held = MemoryHuey("wake-ups", immediate=False)
    tasks.use_huey(held)
    yield held
    tasks.reset_queues()


@pytest.fixture
def agency(session: Session) -> Agency:
    return make_agency(session, base_url="http://127.0.0.1:9", secret='{"token": "x"}')


def _queued_without_task(session: Session, agency: Agency, *, seconds_ago: float) -> str:
    message = make_message(session, agency, approve=True)
    message.state = State.QUEUED.value
    message.next_attempt_at = None
    session.flush()
    session.query(OutboundMessage).filter_by(id=message.id).update(
        {"updated_at": utcnow() - dt.timedelta(seconds=seconds_ago)}
    )
    session.commit()
    return message.id


def _send_tasks(queue: MemoryHuey, message_id: str) -> int:
    return sum(1 for task in queue.pending() if task.args == (message_id,))


def test_a_lost_task_is_woken_within_a_lease_when_the_queues_are_idle(
    session: Session, agency: Agency, queue: MemoryHuey
) -> None:
    lost = _queued_without_task(session, agency, seconds_ago=LEASE_S + 5)
    assert dispatch_due(overdue_s=LEASE_S) == 1
    assert _send_tasks(queue, lost) == 1
    session.expire_all()
    assert session.get(OutboundMessage, lost).next_attempt_at is not None  # type: ignore[union-attr]


def test_a_row_behind_a_busy_queue_is_left_to_its_own_task(
    session: Session, agency: Agency, queue: MemoryHuey
) -> None:
    waiting = _queued_without_task(session, agency, seconds_ago=LEASE_S + 5)
    other = _queued_without_task(session, agency, seconds_ago=0)
    from huntaze.outbox.tasks import send_outbound_message

    tasks.enqueue_now(send_outbound_message, other)  # the queue has work: rows may be behind it
    assert dispatch_due(overdue_s=LEASE_S) == 0
    assert _send_tasks(queue, waiting) == 0


def test_a_recent_row_is_not_taken_for_lost(
    session: Session, agency: Agency, queue: MemoryHuey
) -> None:
    fresh = _queued_without_task(session, agency, seconds_ago=1)
    assert dispatch_due(overdue_s=LEASE_S) == 0
    assert _send_tasks(queue, fresh) == 0
