"""All SQL of the inbox domain, tenant-scoped (DESIGN.md §8.2)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from huntaze.core.db import utcnow
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.fans.service import FanSpend
from huntaze.inbox.models import ChatMessage, Earning, ReplyOrigin, SavedReply, SyncCursor

REVENUE_STATUSES = ("done", "pending")


class ChatMessageRepository(TenantRepository[ChatMessage]):
    """Synced chat messages."""

    model = ChatMessage
    not_found_message = "There is no such message in this organization."

    def of_fan(
        self, session: Session, org: OrgId, fan_id: str, *, limit: int, before: str | None
    ) -> Sequence[ChatMessage]:
        """The fan's latest messages, newest first (``before``: a message id to page back from)."""
        stmt = self.scoped(org).where(ChatMessage.fan_id == fan_id)
        if before:
            anchor = self.find(session, org, before)
            if anchor is not None:
                stmt = stmt.where(ChatMessage.sent_at < anchor.sent_at)
        order = (ChatMessage.sent_at.desc(), ChatMessage.id.desc())
        return session.scalars(stmt.order_by(*order).limit(limit)).all()

    def mark_purchased(
        self, session: Session, org: OrgId, account_id: str, platform_message_ids: Iterable[str]
    ) -> None:
        """Record that these PPV messages were bought."""
        ids = sorted(set(platform_message_ids))
        if not ids:
            return
        stmt = in_organization(update(ChatMessage), org, ChatMessage).where(
            ChatMessage.platform_account_id == account_id,
            ChatMessage.platform_message_id.in_(ids),
            ChatMessage.purchased.is_(False),
        )
        session.execute(stmt.values(purchased=True))


class EarningRepository(TenantRepository[Earning]):
    """Synced statement entries."""

    model = Earning

    def statuses(
        self, session: Session, org: OrgId, account_id: str, entry_ids: Iterable[str]
    ) -> dict[str, str]:
        """The stored status of these entries, by platform entry id."""
        ids = sorted(set(entry_ids))
        if not ids:
            return {}
        stmt = in_organization(
            select(Earning.platform_entry_id, Earning.status), org, Earning
        ).where(Earning.platform_account_id == account_id, Earning.platform_entry_id.in_(ids))
        return {entry: status for entry, status in session.execute(stmt)}

    def set_status(
        self, session: Session, org: OrgId, account_id: str, entry_id: str, status: str
    ) -> None:
        """Change one entry's status (a chargeback, a payment settled)."""
        stmt = in_organization(update(Earning), org, Earning).where(
            Earning.platform_account_id == account_id, Earning.platform_entry_id == entry_id
        )
        session.execute(stmt.values(status=status))

    def last_of_fan(self, session: Session, org: OrgId, fan_id: str) -> Earning | None:
        """The fan's latest purchase that counts as revenue, if any."""
        stmt = self.scoped(org).where(
            Earning.fan_id == fan_id, Earning.status.in_(REVENUE_STATUSES)
        )
        order = (Earning.occurred_at.desc(), Earning.id.desc())
        return session.scalars(stmt.order_by(*order).limit(1)).first()

    def spend_by_fan(
        self, session: Session, org: OrgId, fan_ids: Iterable[str]
    ) -> dict[str, FanSpend]:
        """Per fan: revenue by kind and the last purchase time, chargebacks excluded."""
        ids = sorted(set(fan_ids))
        if not ids:
            return {}
        stmt = in_organization(
            select(
                Earning.fan_id,
                Earning.kind,
                func.sum(Earning.amount_cents),
                func.max(Earning.occurred_at),
            ),
            org,
            Earning,
        ).where(Earning.fan_id.in_(ids), Earning.status.in_(REVENUE_STATUSES))
        found = {fan_id: FanSpend() for fan_id in ids}
        for fan_id, kind, total, last in session.execute(
            stmt.group_by(Earning.fan_id, Earning.kind)
        ):
            if fan_id is None:
                continue
            spend = found[fan_id]
            spend.by_kind[kind] = int(total or 0)
            if last is not None and (
                spend.last_purchase_at is None or last > spend.last_purchase_at
            ):
                spend.last_purchase_at = last
        return found


class SavedReplyRepository(TenantRepository[SavedReply]):
    """Saved replies."""

    model = SavedReply
    not_found_message = "There is no such saved reply in this organization."

    def usable_for(
        self, session: Session, org: OrgId, creator_id: str | None
    ) -> Sequence[SavedReply]:
        """The agency's scripts and, with ``creator_id``, that creator's (every one without)."""
        stmt = self.scoped(org)
        if creator_id is not None:
            stmt = stmt.where(
                or_(SavedReply.creator_id.is_(None), SavedReply.creator_id == creator_id)
            )
        order = (SavedReply.usage_count.desc(), SavedReply.title, SavedReply.id)
        return session.scalars(stmt.order_by(*order).limit(200)).all()

    def by_ids(self, session: Session, org: OrgId, ids: Iterable[str]) -> Sequence[SavedReply]:
        """These scripts of the organization (the missing ones are left out)."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        return session.scalars(self.scoped(org).where(SavedReply.id.in_(wanted))).all()


class ReplyOriginRepository:
    """How inbox replies were written."""

    def add(self, session: Session, origin: ReplyOrigin) -> None:
        """Record how one reply was written."""
        session.add(origin)
        session.flush()

    def of_messages(
        self, session: Session, org: OrgId, message_ids: Iterable[str]
    ) -> dict[str, ReplyOrigin]:
        """The origin of each of these outbound messages that has one, by message id."""
        ids = sorted(set(message_ids))
        if not ids:
            return {}
        stmt = in_organization(select(ReplyOrigin), org, ReplyOrigin).where(
            ReplyOrigin.outbound_message_id.in_(ids)
        )
        return {o.outbound_message_id: o for o in session.scalars(stmt)}


class SyncCursorRepository:
    """Where each stream of each account stopped."""

    def get(self, session: Session, org: OrgId, account_id: str, stream: str) -> SyncCursor | None:
        """The cursor row of one stream, if the stream was ever synced."""
        stmt = in_organization(select(SyncCursor), org, SyncCursor).where(
            SyncCursor.platform_account_id == account_id, SyncCursor.stream == stream
        )
        return session.scalars(stmt).one_or_none()

    def of_account(self, session: Session, org: OrgId, account_id: str) -> Sequence[SyncCursor]:
        """Every stream's cursor of one account."""
        stmt = in_organization(select(SyncCursor), org, SyncCursor).where(
            SyncCursor.platform_account_id == account_id
        )
        return session.scalars(stmt.order_by(SyncCursor.stream)).all()

    def of_organization(self, session: Session, org: OrgId) -> Sequence[SyncCursor]:
        """Every stream's cursor of every account of the organization."""
        stmt = in_organization(select(SyncCursor), org, SyncCursor)
        return session.scalars(
            stmt.order_by(SyncCursor.platform_account_id, SyncCursor.stream)
        ).all()

    def advance(
        self,
        session: Session,
        org: OrgId,
        account_id: str,
        stream: str,
        *,
        cursor: str | None,
        items: int,
    ) -> None:
        """Record a synced page: the new cursor (kept when the platform gave none) and count."""
        row = self.get(session, org, account_id, stream)
        if row is None:
            row = SyncCursor(platform_account_id=account_id, stream=stream, organization_id=org)
            row.items_synced = 0
            session.add(row)
        if cursor is not None:
            row.cursor = cursor
        row.items_synced = (row.items_synced or 0) + items
        row.synced_at = utcnow()
        row.last_error = None
        session.flush()

    def fail(self, session: Session, org: OrgId, account_id: str, stream: str, error: str) -> None:
        """Record why a stream's sync stopped (shown on the account)."""
        row = self.get(session, org, account_id, stream)
        if row is None:
            row = SyncCursor(platform_account_id=account_id, stream=stream, organization_id=org)
            row.items_synced = 0
            session.add(row)
        row.last_error = error[:2000]
        session.flush()


chat_messages_repo = ChatMessageRepository()
earnings_repo = EarningRepository()
sync_cursors = SyncCursorRepository()
saved_replies = SavedReplyRepository()
reply_origins = ReplyOriginRepository()
