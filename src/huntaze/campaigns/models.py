"""Segments, campaigns and the audience snapshot of a campaign (DESIGN.md §6 "Campaign").

A segment is a set of rules over the fans of one platform account, plus fans always included
and fans always excluded; it stays live (its members are whoever matches now). When a campaign
starts, its audience is frozen into :class:`CampaignRecipient`: one row per fan (a unique
constraint), in the treated group, the hold-out group or excluded with the reason. Each treated
recipient becomes one outbound message with an idempotency key made of the campaign and the fan,
so planning the same recipient twice (a killed worker, two workers) sends nothing twice.

A campaign may have A/B variants (:class:`CampaignVariant`, text and price each, with a split):
each treated fan is given one variant by a hash of the campaign and the fan, after the hold-out
is drawn. With a remainder phase, only ``test_percent`` of the treated fans get a variant at the
start; the others wait until ``test_hours`` have passed, then the variant that did best by the
stated metric (``winner_metric``) is chosen and the waiting fans get it. The idempotency key does
not name the variant, so a fan gets one message whatever phase plans it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from huntaze.core.db import Base, IdMixin, TimestampMixin


class Segment(IdMixin, TimestampMixin, Base):
    """Saved rules over the fans of one platform account."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(120))
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    include_fan_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    exclude_fan_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class Campaign(IdMixin, TimestampMixin, Base):
    """A mass message or PPV offer to a segment, and where its sending stands."""

    __tablename__ = "campaign"
    __table_args__ = (Index("ix_campaign_state", "state"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE")
    )
    segment_id: Mapped[str] = mapped_column(ForeignKey("segment.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    price_cents: Mapped[int | None] = mapped_column(default=None)
    media_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    schedule: Mapped[str] = mapped_column(String(16), default="now")
    send_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # For ``fan_local``: the wall-clock time each fan gets it in their own time zone.
    local_time: Mapped[str | None] = mapped_column(String(16), default=None)
    exclude_messaged_hours: Mapped[int | None] = mapped_column(default=None)
    holdout_percent: Mapped[int] = mapped_column(default=10)
    seed: Mapped[str] = mapped_column(String(32))
    batch_size: Mapped[int] = mapped_column(default=50)
    audience_count: Mapped[int] = mapped_column(default=0)
    holdout_count: Mapped[int] = mapped_column(default=0)
    excluded_count: Mapped[int] = mapped_column(default=0)
    planned_count: Mapped[int] = mapped_column(default=0)
    created_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    state_note: Mapped[str | None] = mapped_column(Text, default=None)
    # A/B variants: the metric and time that decide the winner, the share of the treated fans
    # in the test (the rest wait for the winner; 100: no remainder), and the winner once chosen.
    winner_metric: Mapped[str] = mapped_column(String(24), default="revenue_per_recipient")
    test_hours: Mapped[int] = mapped_column(default=24)
    test_percent: Mapped[int] = mapped_column(default=100)
    winner_variant_id: Mapped[str | None] = mapped_column(String(32), default=None)
    winner_chosen_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    winner_note: Mapped[str | None] = mapped_column(Text, default=None)
    # Loaded with the campaign in one more query per list (never one per campaign).
    variants: Mapped[list[CampaignVariant]] = relationship(
        order_by="CampaignVariant.position", lazy="selectin", cascade="all, delete-orphan"
    )


class CampaignVariant(IdMixin, Base):
    """One A/B variant of a campaign: its text, its price (PPV) and its share of the test."""

    __tablename__ = "campaign_variant"
    __table_args__ = (
        UniqueConstraint("campaign_id", "label"),
        Index("ix_campaign_variant_campaign_position", "campaign_id", "position"),
    )

    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    price_cents: Mapped[int | None] = mapped_column(default=None)
    split_percent: Mapped[int] = mapped_column()


class CampaignRecipient(IdMixin, Base):
    """One fan of a campaign's frozen audience: treated, held out or excluded, and its send."""

    __tablename__ = "campaign_recipient"
    __table_args__ = (
        UniqueConstraint("campaign_id", "fan_id"),
        # The next due recipients in order (the id too: no sort of every pending row per batch).
        Index("ix_campaign_recipient_due", "campaign_id", "state", "send_after", "id"),
    )

    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    fan_id: Mapped[str] = mapped_column(ForeignKey("fan.id", ondelete="CASCADE"))
    platform_fan_id: Mapped[str] = mapped_column(String(64))
    # The arm of the fan: treated | holdout | excluded.
    arm: Mapped[str] = mapped_column(String(16))
    # pending → queued (an outbound message exists) | refused (compliance) | cancelled;
    # waiting (the remainder of an A/B test) → pending once the winner is chosen;
    # held_out and excluded never move.
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200), default=None)
    send_after: Mapped[dt.datetime] = mapped_column()
    outbound_message_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # The A/B variant the fan gets (None: the campaign has no variants, or not chosen yet).
    variant_id: Mapped[str | None] = mapped_column(String(32), default=None)


class Automation(IdMixin, TimestampMixin, Base):
    """A triggered flow of one platform account: a welcome to each new subscriber, or a win-back
    some days after a subscription expired (DESIGN.md §6 "Campaign")."""

    __tablename__ = "automation"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(120))
    trigger: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    delay_hours: Mapped[int] = mapped_column(default=0)
    days_after_expiry: Mapped[int] = mapped_column(default=0)
    # At most this many automated messages per fan per 7 days, across every flow of the account.
    cap_per_week: Mapped[int] = mapped_column(default=2)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )


class AutomationSend(IdMixin, Base):
    """One fan reached (or held back by the frequency cap) by one trigger of an automation."""

    __tablename__ = "automation_send"
    __table_args__ = (
        UniqueConstraint("automation_id", "fan_id", "trigger_at"),
        Index("ix_automation_send_fan_at", "fan_id", "at"),
    )

    automation_id: Mapped[str] = mapped_column(ForeignKey("automation.id", ondelete="CASCADE"))
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(String(32))
    fan_id: Mapped[str] = mapped_column(ForeignKey("fan.id", ondelete="CASCADE"))
    # What fired it: the moment of the subscription (welcome) or of the expiry (win-back).
    trigger_at: Mapped[dt.datetime] = mapped_column()
    # queued (an outbound message exists) | capped (the frequency cap held it back) | refused
    state: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column()
    outbound_message_id: Mapped[str | None] = mapped_column(String(32), default=None)
