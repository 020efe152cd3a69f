"""The AI stack's tables: one row per provider call, and each organization's AI settings.

DESIGN.md §4 (LLM): every call is recorded with its task, provider, model, tokens, latency, cost
and outcome, so usage and cost can be shown per organization, creator and task and monthly caps
enforced. Settings hold provider configs whose API keys are Fernet-encrypted inside the JSON
(``huntaze.core.security.encrypt_secret``); no key is ever stored in plain text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin, utcnow


class AIUsage(IdMixin, Base):
    """One provider call (or the template fallback) made for a task of an organization."""

    __tablename__ = "ai_usage"
    __table_args__ = (
        Index("ix_ai_usage_organization_id_created_at", "organization_id", "created_at"),
    )

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    creator_id: Mapped[str | None] = mapped_column(
        ForeignKey("creator.id", ondelete="SET NULL"), default=None
    )
    task: Mapped[str] = mapped_column(String(80))
    provider: Mapped[str] = mapped_column(String(80))
    model: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(40))
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    cost_micro_usd: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AIOrganizationSettings(IdMixin, TimestampMixin, Base):
    """An organization's providers, per-task routes and caps; API keys encrypted in the JSON."""

    __tablename__ = "ai_organization_settings"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), unique=True
    )
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(200))
