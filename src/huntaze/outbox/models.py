"""The outbound message row: every action on a platform's write side (DESIGN.md §2.1, §6 "Send").

A message, a PPV offer, a mass message or a post is one row with its state machine
(:mod:`huntaze.outbox.states`), an idempotency key unique per organization, the nonce sent to the
platform, the compliance verdict it was checked against and its provenance (who or what wrote it,
who approved it and when, which model and prompt version).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin, utcnow


class OutboundMessage(IdMixin, TimestampMixin, Base):
    """One outbound action and everything needed to send it exactly once."""

    __tablename__ = "outbound_message"
    __table_args__ = (
        UniqueConstraint("organization_id", "idempotency_key"),
        Index("ix_outbound_message_state_claimed_at", "state", "claimed_at"),
        Index("ix_outbound_message_state_lease_until", "state", "lease_until"),
        # A source's messages by state (a campaign's progress, its in-flight count, a cancel).
        Index("ix_outbound_message_source", "source_kind", "source_id", "state"),
    )

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    idempotency_key: Mapped[str] = mapped_column(String(128))
    nonce: Mapped[str] = mapped_column(String(64))

    platform_fan_id: Mapped[str | None] = mapped_column(String(64), default=None)
    recipient_fan_ids: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    text: Mapped[str] = mapped_column(Text)
    media_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    price_cents: Mapped[int | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    publish_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    compliance_outcome: Mapped[str] = mapped_column(String(8))
    compliance_verdict: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    compliance_overridden: Mapped[bool] = mapped_column(default=False)

    author_kind: Mapped[str] = mapped_column(String(24))
    author_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    approved_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    approved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ai_model: Mapped[str | None] = mapped_column(String(120), default=None)
    ai_prompt_version: Mapped[str | None] = mapped_column(String(64), default=None)
    source_kind: Mapped[str | None] = mapped_column(String(32), default=None)
    source_id: Mapped[str | None] = mapped_column(String(64), default=None)

    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # While ``sending``: the claim's lease, renewed by the live worker that holds it; once it
    # has lapsed, the watchdog puts the row back in ``queued`` (DESIGN.md §6 "Send").
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    send_started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    platform_message_id: Mapped[str | None] = mapped_column(String(64), default=None)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class OutboxCircuit(Base):
    """The circuit breaker of one platform account: shared by every worker through the database.

    ``closed`` sends; after ``failures`` consecutive signs of platform trouble reach the threshold
    it is ``open`` (nothing is sent) until ``open_until``; then ``half_open``: exactly one send,
    the probe, holds ``probe_until`` while it runs and closes or reopens the circuit. ``since`` and
    ``reason`` say when and why it entered its state (:mod:`huntaze.outbox.circuit`).
    """

    __tablename__ = "outbox_circuit"

    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), default="closed")
    since: Mapped[dt.datetime | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    failures: Mapped[int] = mapped_column(default=0)
    open_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    probe_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
