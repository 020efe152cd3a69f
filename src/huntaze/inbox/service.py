"""The inbox service: what people read of synced chats, and asking for a sync (DESIGN.md §6)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.creators.models import PlatformAccount
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage, SyncCursor
from huntaze.inbox.repository import chat_messages_repo, sync_cursors
from huntaze.inbox.tasks import sync_after_commit


class InboxService:
    """Reads synced conversations; queues syncs."""

    def messages(
        self,
        session: Session,
        actor: Actor,
        fan: Fan,
        *,
        limit: int = 50,
        before: str | None = None,
    ) -> Sequence[ChatMessage]:
        """The fan's latest messages, newest first."""
        actor.require(Permission.FANS_READ)
        return chat_messages_repo.of_fan(session, actor.org, fan.id, limit=limit, before=before)

    def sync_status(self, session: Session, actor: Actor) -> dict[str, list[SyncCursor]]:
        """Where each account's streams stand, by account id."""
        actor.require(Permission.FANS_READ)
        grouped: dict[str, list[SyncCursor]] = {}
        for cursor in sync_cursors.of_organization(session, actor.org):
            grouped.setdefault(cursor.platform_account_id, []).append(cursor)
        return grouped

    def request_sync(
        self, session: Session, actor: Actor, account: PlatformAccount
    ) -> Sequence[SyncCursor]:
        """Queue a sync of ``account`` now (after commit); where its streams stand."""
        actor.require(Permission.INBOX_SYNC)
        driver = creators.connection_for(account).driver
        sync_after_commit(session, actor.org, account.id, driver=driver)
        return sync_cursors.of_account(session, actor.org, account.id)


inbox = InboxService()
