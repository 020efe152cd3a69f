"""What a person does about a platform account that is stuck: check its connection, and once
it is fixed, send its waiting messages now instead of at the next scheduled retry
(DESIGN.md §6 "Send"; issue: an account in trouble shows a clear state and loses nothing).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.permissions import Permission
from huntaze.core.db import utcnow
from huntaze.core.tasks import enqueue_after_commit
from huntaze.creators.service import creators
from huntaze.outbox import circuit
from huntaze.outbox.repository import outbound_messages
from huntaze.outbox.tasks import (
    check_account_connection,
    check_account_connection_browser,
    wake_after_commit,
)
from huntaze.platforms.registry import driver as platform_driver


class AccountRecoveryService:
    """Connection checks and "send now" for one platform account."""

    def check_connection(self, session: Session, actor: Actor, account_id: str) -> None:
        """Ask a worker to log in to the account and record what it finds (link state)."""
        actor.require(Permission.OUTBOX_WRITE)
        account = creators.platform_account(session, actor.org, account_id)
        name = creators.connection_for(account).driver
        try:
            needs_browser = platform_driver(name).needs_browser
        except LookupError:
            needs_browser = False  # the check records the missing driver on the account
        func = check_account_connection_browser if needs_browser else check_account_connection
        enqueue_after_commit(session, func, actor.org, account.id)

    def retry_now(self, session: Session, actor: Actor, account_id: str) -> int:
        """Close the account's circuit and wake every message it has waiting; how many."""
        actor.require(Permission.OUTBOX_WRITE)
        account = creators.platform_account(session, actor.org, account_id)
        now = utcnow()
        circuit.close(session, account.id, now=now, reason="closed by hand: retry now")
        waiting = outbound_messages.queued_of_account(session, actor.org, account.id)
        driver = creators.connection_for(account).driver
        for message in waiting:
            message.next_attempt_at = now
            wake_after_commit(session, message.id, driver=driver)
        audit.record(
            session,
            actor,
            action="platform_account.retry_now",
            target_type="platform_account",
            target_id=account.id,
            after={"messages_woken": len(waiting)},
        )
        return len(waiting)


account_recovery = AccountRecoveryService()
