"""The event store's SQL table (DESIGN.md §4 "event store", §6 "Analytics").

Every domain event is one row: what happened (``kind``), to whom, when, and a small payload.
``dedupe_key`` is unique per organization, so an event recorded twice (a sync run again after a
crash) is stored once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, utcnow


class DomainEvent(IdMixin, Base):
    """One thing that happened, for rollups, dashboards and attribution."""

    __tablename__ = "domain_event"
    __table_args__ = (
        UniqueConstraint("organization_id", "dedupe_key"),
        Index("ix_domain_event_org_kind_occurred_at", "organization_id", "kind", "occurred_at"),
        Index("ix_domain_event_creator_occurred_at", "creator_id", "occurred_at"),
    )

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[dt.datetime] = mapped_column()
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    creator_id: Mapped[str | None] = mapped_column(String(32), default=None)
    platform_account_id: Mapped[str | None] = mapped_column(String(32), default=None)
    fan_id: Mapped[str | None] = mapped_column(String(32), default=None)
    amount_cents: Mapped[int | None] = mapped_column(default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
