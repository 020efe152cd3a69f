"""The event store's SQL table (DESIGN.md §4 "event store", §6 "Analytics").

Every domain event is one row: what happened (``kind``), to whom, when, and a small payload.
``dedupe_key`` is unique per organization, so an event recorded twice (a sync run again after a
crash) is stored once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, utcnow


class DomainEvent(IdMixin, Base):
    """One thing that happened, for rollups, dashboards and attribution."""

    __tablename__ = "domain_event"
    __table_args__ = (
        UniqueConstraint("organization_id", "dedupe_key"),
        Index("ix_domain_event_org_kind_occurred_at", "organization_id", "kind", "occurred_at"),
        Index("ix_domain_event_creator_occurred_at", "creator_id", "occurred_at"),
        # Rollups read a day of an organization's events, and the events recorded since.
        Index("ix_domain_event_org_occurred_at", "organization_id", "occurred_at"),
        Index("ix_domain_event_org_recorded_at", "organization_id", "recorded_at"),
        # A fan's earlier subscriptions (is this payment a renewal?).
        Index("ix_domain_event_org_fan_occurred_at", "organization_id", "fan_id", "occurred_at"),
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


class AnalyticsSetting(Base):
    """How an organization's days are cut: its time zone, or the platform's UTC."""

    __tablename__ = "analytics_setting"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    use_utc: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Rollup(IdMixin, Base):
    """One figure of one creator's day from one source (DESIGN.md §6 "Analytics").

    ``zone`` is the time zone the day was cut in; a day's rows are replaced whole when it is
    recomputed, so recomputing gives the same rows.
    """

    __tablename__ = "analytics_rollup"
    __table_args__ = (
        UniqueConstraint("organization_id", "zone", "day", "creator_id", "source", "metric"),
        Index("ix_analytics_rollup_creator_day", "creator_id", "zone", "day"),
    )

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    zone: Mapped[str] = mapped_column(String(64))
    day: Mapped[dt.date] = mapped_column(Date)
    creator_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(40))
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(BigInteger)


class FanDay(IdMixin, Base):
    """What one fan spent with one creator on one day (distinct spenders, top fans, LTV)."""

    __tablename__ = "analytics_fan_day"
    __table_args__ = (
        UniqueConstraint("organization_id", "zone", "day", "creator_id", "fan_id"),
        Index("ix_analytics_fan_day_creator_day", "creator_id", "zone", "day"),
    )

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    zone: Mapped[str] = mapped_column(String(64))
    day: Mapped[dt.date] = mapped_column(Date)
    creator_id: Mapped[str] = mapped_column(String(32))
    fan_id: Mapped[str] = mapped_column(String(32))
    spent_cents: Mapped[int] = mapped_column(BigInteger)
    purchases: Mapped[int] = mapped_column()
    subscriptions: Mapped[int] = mapped_column(default=0, server_default="0")
    """Subscription payments (new or renewal) among ``purchases`` (cohort retention)."""


class FanMonth(Base):
    """What one fan spent with one creator in one calendar month: the sum of the month's
    :class:`FanDay` rows, so a period's distinct spenders and top fans read a row per fan and
    month for the months it covers whole, and days only at its ragged ends."""

    __tablename__ = "analytics_fan_month"
    __table_args__ = (Index("ix_analytics_fan_month_creator_month", "creator_id", "zone", "month"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    """The first day of the month."""
    creator_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    fan_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    spent_cents: Mapped[int] = mapped_column(BigInteger)
    purchases: Mapped[int] = mapped_column()
    subscriptions: Mapped[int] = mapped_column()


class RollupWatermark(Base):
    """Up to which ``recorded_at`` an organization's events are in its rollups of one zone."""

    __tablename__ = "analytics_watermark"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    recorded_through: Mapped[dt.datetime] = mapped_column()


class MonthlyReport(IdMixin, Base):
    """A creator's monthly PDF report, stored in blob storage under ``blob_key``."""

    __tablename__ = "analytics_report"
    __table_args__ = (UniqueConstraint("organization_id", "creator_id", "month"),)

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    creator_id: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    blob_key: Mapped[str] = mapped_column(String(300))
    size_bytes: Mapped[int] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
