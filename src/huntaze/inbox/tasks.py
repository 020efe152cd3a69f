"""Queue tasks of the inbox (DESIGN.md §6 "Inbox sync").

``sync_platform_account`` syncs one account (its twin on the ``browser`` queue for connectors
that drive Chromium); :func:`sync_all_linked` runs every five minutes and queues one sync per
linked account. A sync already running for an account makes a second one return at once; both
are safe to run twice (see :mod:`huntaze.inbox.sync`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from huntaze.analytics.tasks import refresh_rollups
from huntaze.core.db import get_database
from huntaze.core.locks import LockTimeoutError
from huntaze.core.observability import get_logger
from huntaze.core.tasks import enqueue_after_commit, enqueue_now, periodic_task, task
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.service import creators
from huntaze.inbox.sync import sync_account
from huntaze.platforms.base import PlatformError
from huntaze.platforms.registry import driver as platform_driver

log = get_logger("huntaze.inbox.tasks")


def _run(organization_id: str, account_id: str) -> str:
    try:
        report = sync_account(trusted_org_id(organization_id), account_id)
    except LockTimeoutError:
        return "already syncing"
    except PlatformError as exc:
        # The cursor row keeps the error for the account page; the next run tries again.
        log.warning("inbox_sync_failed", account_id=account_id, error=exc.message)
        return f"failed: {exc.message}"
    if report.new_events:
        # The days the new events fall on are recomputed now, not at the next periodic refresh.
        enqueue_now(refresh_rollups, organization_id)
    return f"synced {sum(report.items.values())} items"


@task()
def sync_platform_account(organization_id: str, account_id: str) -> str:
    """Sync one account's fans, messages and statements (HTTP connectors)."""
    return _run(organization_id, account_id)


@task(queue="browser")
def sync_platform_account_browser(organization_id: str, account_id: str) -> str:
    """The same sync through a browser-driven connector."""
    return _run(organization_id, account_id)


def sync_after_commit(
    session: Session, organization_id: str, account_id: str, *, driver: str
) -> None:
    """Queue a sync of one account on the queue its driver needs, once ``session`` commits."""
    try:
        needs_browser = platform_driver(driver).needs_browser
    except LookupError:
        needs_browser = False
    func = sync_platform_account_browser if needs_browser else sync_platform_account
    enqueue_after_commit(session, func, organization_id, account_id)


def sync_if_linked(organization_id: str, account_id: str) -> bool:
    """Queue a sync of one account if it is linked (its connection was just verified), so that
    a newly connected account fills the inbox now rather than at the next round; whether it was
    queued."""
    with get_database().session_scope() as session:
        for org, linked_id, driver_name in creators.linked_accounts(session):
            if (org, linked_id) == (organization_id, account_id):
                sync_after_commit(session, org, linked_id, driver=driver_name)
                return True
    return False


@periodic_task(minute="*/5")
def sync_all_linked() -> int:
    """Every five minutes: queue a sync of every linked account; how many."""
    with get_database().session_scope() as session:
        linked = creators.linked_accounts(session)
        for organization_id, account_id, driver_name in linked:
            sync_after_commit(session, organization_id, account_id, driver=driver_name)
        return len(linked)
