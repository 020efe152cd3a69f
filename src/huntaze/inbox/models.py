"""Synced chat messages, statement entries and sync cursors (DESIGN.md §6 "Inbox sync").

Each table is keyed by the platform's own id within the platform account (a unique constraint),
so syncing the same page twice inserts nothing twice, whatever the timing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin, utcnow


class ChatMessage(IdMixin, Base):
    """One message of a chat between a creator's account and a fan, either direction."""

    __tablename__ = "chat_message"
    __table_args__ = (
        UniqueConstraint("platform_account_id", "platform_message_id"),
        Index("ix_chat_message_fan_sent_at", "fan_id", "sent_at"),
    )

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE")
    )
    fan_id: Mapped[str] = mapped_column(ForeignKey("fan.id", ondelete="CASCADE"))
    platform_message_id: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime] = mapped_column()
    price_cents: Mapped[int | None] = mapped_column(default=None)
    purchased: Mapped[bool] = mapped_column(default=False)
    nonce: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    synced_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Earning(IdMixin, Base):
    """One statement entry of a platform account: what a fan paid, for what, and its status."""

    __tablename__ = "earning"
    __table_args__ = (
        UniqueConstraint("platform_account_id", "platform_entry_id"),
        Index("ix_earning_fan_occurred_at", "fan_id", "occurred_at"),
        Index("ix_earning_org_occurred_at", "organization_id", "occurred_at"),
    )

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE")
    )
    fan_id: Mapped[str | None] = mapped_column(
        ForeignKey("fan.id", ondelete="SET NULL"), default=None
    )
    platform_entry_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column()
    net_cents: Mapped[int | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    status: Mapped[str] = mapped_column(String(16), default="done")
    renewal: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[dt.datetime] = mapped_column()
    platform_message_id: Mapped[str | None] = mapped_column(String(64), default=None)


class SyncCursor(Base):
    """Where the last sync of one stream (fans, messages, earnings) of an account stopped."""

    __tablename__ = "sync_cursor"

    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE"), primary_key=True
    )
    stream: Mapped[str] = mapped_column(String(16), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    cursor: Mapped[str | None] = mapped_column(String(200), default=None)
    items_synced: Mapped[int] = mapped_column(default=0)
    synced_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class SavedReply(IdMixin, TimestampMixin, Base):
    """A saved reply (script) of one creator, or of the whole agency when ``creator_id`` is
    empty: a text with variables (``{fan_name}``, ``{last_purchase}``) and an optional price."""

    __tablename__ = "saved_reply"
    __table_args__ = (Index("ix_saved_reply_org_creator", "organization_id", "creator_id"),)

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    creator_id: Mapped[str | None] = mapped_column(
        ForeignKey("creator.id", ondelete="CASCADE"), default=None
    )
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    price_cents: Mapped[int | None] = mapped_column(default=None)
    usage_count: Mapped[int] = mapped_column(default=0)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )


class ReplyOrigin(Base):
    """How an inbox reply came to be written (DESIGN.md §6 "Send", provenance): typed by a
    person, an AI suggestion (its text as suggested and the edit distance to what was kept) or
    a saved reply, beside the outbound row's own author, approver and model fields."""

    __tablename__ = "reply_origin"

    outbound_message_id: Mapped[str] = mapped_column(
        ForeignKey("outbound_message.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    fan_id: Mapped[str | None] = mapped_column(
        ForeignKey("fan.id", ondelete="SET NULL"), default=None
    )
    origin: Mapped[str] = mapped_column(String(16))
    suggested_text: Mapped[str | None] = mapped_column(Text, default=None)
    edit_distance: Mapped[int | None] = mapped_column(default=None)
    intent: Mapped[str | None] = mapped_column(String(40), default=None)
    saved_reply_id: Mapped[str | None] = mapped_column(
        ForeignKey("saved_reply.id", ondelete="SET NULL"), default=None
    )
    replaces_id: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
