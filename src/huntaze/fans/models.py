"""The fan row (DESIGN.md §6 "Inbox sync").

A fan is one person subscribed (now or before) to one of the organization's platform accounts,
identified there by ``platform_fan_id``. The platform's own figures (``platform_spent_cents``,
subscription dates) are kept as the platform gives them; the spend per type is recomputed from
the synced statement entries (``inbox.models.Earning``), so a chargeback lowers it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin, utcnow


class Fan(IdMixin, TimestampMixin, Base):
    """A fan of one platform account."""

    __tablename__ = "fan"
    __table_args__ = (
        UniqueConstraint("platform_account_id", "platform_fan_id"),
        Index("ix_fan_org_last_message_at", "organization_id", "last_message_at"),
        Index("ix_fan_org_creator", "organization_id", "creator_id"),
    )

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE")
    )
    platform_fan_id: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    subscribed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    platform_spent_cents: Mapped[int] = mapped_column(default=0)
    spend_is_net: Mapped[bool] = mapped_column(default=False)
    spent_subscription_cents: Mapped[int] = mapped_column(default=0)
    spent_tip_cents: Mapped[int] = mapped_column(default=0)
    spent_ppv_cents: Mapped[int] = mapped_column(default=0)
    spent_message_cents: Mapped[int] = mapped_column(default=0)
    spent_other_cents: Mapped[int] = mapped_column(default=0)
    last_purchase_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_message_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    unread_count: Mapped[int] = mapped_column(default=0)
    opted_out: Mapped[bool] = mapped_column(default=False)
    time_zone: Mapped[str | None] = mapped_column(String(64), default=None)

    @property
    def total_spent_cents(self) -> int:
        """What the synced statements say the fan paid, chargebacks excluded."""
        return (
            self.spent_subscription_cents
            + self.spent_tip_cents
            + self.spent_ppv_cents
            + self.spent_message_cents
            + self.spent_other_cents
        )


# The fan CRM (issue 15): what people add to a fan beside what the platform says. -------------

NOTE_MAX = 4000
TAG_MAX = 40
FIELD_KEY_MAX = 40
FIELD_VALUE_MAX = 500
VIEW_NAME_MAX = 60
VIEW_QUERY_MAX = 1000


class FanNote(IdMixin, TimestampMixin, Base):
    """A note on a fan: free notes by anyone who works the fan, and at most one pinned note
    (the fan's profile, from a template) that only managers edit."""

    __tablename__ = "fan_note"
    __table_args__ = (Index("ix_fan_note_fan_created_at", "fan_id", "created_at"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    fan_id: Mapped[str] = mapped_column(ForeignKey("fan.id", ondelete="CASCADE"))
    pinned: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)
    author_label: Mapped[str] = mapped_column(String(255), default="")
    author_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )


class FanTag(IdMixin, Base):
    """A tag on a fan (``whale``, ``likes-feet``): lower-case, unique per fan."""

    __tablename__ = "fan_tag"
    __table_args__ = (
        UniqueConstraint("fan_id", "tag"),
        Index("ix_fan_tag_org_tag", "organization_id", "tag"),
    )

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    fan_id: Mapped[str] = mapped_column(ForeignKey("fan.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(TAG_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FanField(IdMixin, TimestampMixin, Base):
    """A custom field of a fan: a short key and its value, one value per key."""

    __tablename__ = "fan_field"
    __table_args__ = (UniqueConstraint("fan_id", "key"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    fan_id: Mapped[str] = mapped_column(ForeignKey("fan.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(FIELD_KEY_MAX))
    value: Mapped[str] = mapped_column(String(FIELD_VALUE_MAX))


class FanSavedView(IdMixin, Base):
    """A named set of fan-list filters one person saved (the list's query string)."""

    __tablename__ = "fan_saved_view"
    __table_args__ = (UniqueConstraint("organization_id", "user_id", "name"),)

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(VIEW_NAME_MAX))
    query: Mapped[str] = mapped_column(String(VIEW_QUERY_MAX))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
