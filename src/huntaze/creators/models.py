"""Creators (with their persona) and their accounts on fan platforms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin


class Creator(IdMixin, TimestampMixin, Base):
    """A creator whose accounts the organization runs; the persona grounds every AI draft."""

    __tablename__ = "creator"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(80))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    tone: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    boundaries: Mapped[str] = mapped_column(Text, default="")
    emoji_use: Mapped[str] = mapped_column(String(16), default="light")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    price_min_cents: Mapped[int] = mapped_column(default=500)
    price_max_cents: Mapped[int] = mapped_column(default=5000)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # What reply drafting needs: price_min_cents is the floor no draft goes below.
    custom_min_cents: Mapped[int | None] = mapped_column(default=None)
    never_discount: Mapped[bool] = mapped_column(default=False)
    pet_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    avoid_topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    make_good: Mapped[str] = mapped_column(String(80), default="")


class PlatformAccount(IdMixin, TimestampMixin, Base):
    """A creator's account on one platform; the session secret is encrypted at rest."""

    __tablename__ = "platform_account"
    __table_args__ = (UniqueConstraint("organization_id", "platform", "handle"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(
        ForeignKey("creator.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(80))
    link_state: Mapped[str] = mapped_column(String(24), default="unlinked")
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    # Blob key of the page as it looked when the last error happened (browser connectors).
    last_screenshot_key: Mapped[str | None] = mapped_column(String(300), default=None)
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    connection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    session_secret_encrypted: Mapped[str | None] = mapped_column(Text, default=None)
