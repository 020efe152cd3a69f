"""The fan row (DESIGN.md §6 "Inbox sync").

A fan is one person subscribed (now or before) to one of the organization's platform accounts,
identified there by ``platform_fan_id``. The platform's own figures (``platform_spent_cents``,
subscription dates) are kept as the platform gives them; the spend per type is recomputed from
the synced statement entries (``inbox.models.Earning``), so a chargeback lowers it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin


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
