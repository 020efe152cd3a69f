"""Queue tasks of the outbox (DESIGN.md §6 "Send", §2.1).

``send_outbound_message(message_id)`` runs the send pipeline (:mod:`huntaze.outbox.sender`);
its twin ``send_outbound_message_browser`` is the same work on the ``browser`` queue, used when
the account's driver drives Chromium. Both carry only the id and are safe to run twice: the
compare-and-set claim lets one run send and makes the others return.

Rows keep moving when a worker dies or a wake-up is lost: :func:`recover_stuck` puts back rows
whose claim's lease lapsed in ``sending`` (their next try looks for the message on the platform
before sending again), and :func:`dispatch_due` wakes queued rows whose retry time has come. Both
run every minute from the scheduler and, every few seconds, from the watchdog thread of each
worker process (:mod:`huntaze.outbox.watchdog`), which wakes rows whose retry nobody took a
couple of seconds after it was due (a live worker claims its row the moment its retry is due),
so a dead worker's rows move on within seconds.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from huntaze.config import get_settings
from huntaze.core.db import get_database, utcnow
from huntaze.core.tasks import (
    enqueue_after_commit,
    enqueue_later,
    periodic_task,
    queues_idle,
    task,
)
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.service import creators
from huntaze.outbox import sender
from huntaze.outbox.repository import outbound_messages
from huntaze.platforms.registry import driver as platform_driver

DISPATCH_BATCH = 500
# A queued row with no retry time whose wake-up was lost is woken after this long; sooner when
# the queues are empty (see ``dispatch_due``).
LOST_WAKE_UP_AFTER = dt.timedelta(minutes=2)
STUCK_NOTE = "The worker stopped mid-send; the platform is checked before sending again."


@task()
def send_outbound_message(message_id: str) -> None:
    """Send one outbound message (a worker on the default queue)."""
    retry_in = sender.deliver(message_id)
    if retry_in is not None:
        enqueue_later(send_outbound_message, retry_in, message_id)


@task(queue="browser")
def send_outbound_message_browser(message_id: str) -> None:
    """Send one outbound message through a browser-driven connector."""
    retry_in = sender.deliver(message_id)
    if retry_in is not None:
        enqueue_later(send_outbound_message_browser, retry_in, message_id)


@task()
def check_account_connection(organization_id: str, account_id: str) -> str:
    """Log in to a platform account and record its link state; returns that state."""
    state = sender.check_connection(trusted_org_id(organization_id), account_id)
    _sync_when_linked(organization_id, account_id, state)
    return state


@task(queue="browser")
def check_account_connection_browser(organization_id: str, account_id: str) -> str:
    """The same check through a browser-driven connector."""
    state = sender.check_connection(trusted_org_id(organization_id), account_id)
    _sync_when_linked(organization_id, account_id, state)
    return state


def _sync_when_linked(organization_id: str, account_id: str, state: str) -> None:
    """A verified connection is the moment to pull the account's fans and chats."""
    if state != "linked":
        return
    from huntaze.inbox.tasks import sync_if_linked  # the inbox replies through the outbox

    sync_if_linked(organization_id, account_id)


def check_unverified_accounts() -> int:
    """Queue a connection check for every platform account still ``unlinked``; how many."""
    with get_database().session_scope() as session:
        unverified = creators.unverified_accounts(session)
        for org, account_id, driver_name in unverified:
            try:
                needs_browser = platform_driver(driver_name).needs_browser
            except LookupError:
                needs_browser = False
            func = check_account_connection_browser if needs_browser else check_account_connection
            enqueue_after_commit(session, func, org, account_id)
        return len(unverified)


def wake_after_commit(session: Session, message_id: str, *, driver: str) -> None:
    """Enqueue the send task on the queue the account's driver needs, once ``session`` commits."""
    try:
        needs_browser = platform_driver(driver).needs_browser
    except LookupError:
        needs_browser = False  # the send records the missing driver on the row and waits
    func = send_outbound_message_browser if needs_browser else send_outbound_message
    enqueue_after_commit(session, func, message_id)


def _wake(session: Session, rows: list[tuple[str, str, str]]) -> None:
    drivers: dict[str, str] = {}
    for message_id, org, account_id in rows:
        if account_id not in drivers:
            account = creators.platform_account(session, trusted_org_id(org), account_id)
            drivers[account_id] = creators.connection_for(account).driver
        wake_after_commit(session, message_id, driver=drivers[account_id])


def recover_stuck() -> int:
    """Put rows whose claim's lease lapsed in ``sending`` back in ``queued``; how many."""
    now = utcnow()
    legacy_before = now - dt.timedelta(seconds=get_settings().outbox_lease_s)
    with get_database().session_scope() as session:
        recovered: list[tuple[str, str, str]] = []
        for message_id in outbound_messages.lapsed_sending(
            session, now=now, legacy_before=legacy_before
        ):
            if outbound_messages.requeue_lapsed(
                session, message_id, now=now, legacy_before=legacy_before, note=STUCK_NOTE
            ):
                row = outbound_messages.by_id(session, message_id)
                assert row is not None
                recovered.append((row.id, row.organization_id, row.platform_account_id))
        _wake(session, recovered)
        return len(recovered)


def dispatch_due(*, overdue_s: float = 0.0) -> int:
    """Wake queued rows whose retry time passed ``overdue_s`` ago (or whose wake-up was lost);
    how many. Each woken row's retry time becomes now, so it is not woken again at once.

    A row queued without a retry time is waiting for the task enqueued with it; that task is
    lost when a worker dies between taking it off the queue and claiming the row. While tasks
    wait on the queues such a row may just be behind them, so it counts as lost after
    ``LOST_WAKE_UP_AFTER``; when the queues are empty nothing can be behind, and a row queued
    for longer than ``overdue_s`` (a lease, from the watchdog) has lost its task."""
    now = utcnow()
    due_before = now - dt.timedelta(seconds=overdue_s)
    lost_after = LOST_WAKE_UP_AFTER
    if overdue_s and queues_idle():
        lost_after = dt.timedelta(seconds=overdue_s)
    stale_before = now - lost_after
    with get_database().session_scope() as session:
        rows = [
            row
            for row in outbound_messages.due_queued(
                session, now=due_before, stale_before=stale_before, limit=DISPATCH_BATCH
            )
            if outbound_messages.mark_woken(
                session, row[0], due_before=due_before, stale_before=stale_before, now=now
            )
        ]
        _wake(session, rows)
        return len(rows)


@periodic_task(minute="*")
def recover_stuck_sends() -> int:
    """Every minute: recover rows whose worker died in ``sending`` (the watchdog is quicker)."""
    return recover_stuck()


@periodic_task(minute="*")
def dispatch_due_sends() -> int:
    """Every minute: wake queued rows whose retry is due."""
    return dispatch_due()
