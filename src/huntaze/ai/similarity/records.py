"""The ``ai_example`` table: a creator's past replies and captions with how they performed.

DESIGN.md §4 ("embeddings") and §6 (reply flow): drafts are grounded in the creator's own
best-performing past replies. Each row keeps its text, outcome (purchase, tip, reply, none), a
0–1 performance score and the revenue it brought in cents, where it came from, and its embedding
as float16 bytes with the model that made it (NULL when the model was unavailable at the time;
search then embeds the text in memory, or ranks lexically).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, utcnow


class ExampleKind(StrEnum):
    """What the text was."""

    REPLY = "reply"
    CAPTION = "caption"


class ExampleOutcome(StrEnum):
    """What the fan did after it."""

    PURCHASE = "purchase"
    TIP = "tip"
    REPLY = "reply"
    NONE = "none"


class AIExample(IdMixin, Base):
    """One past reply or caption of a creator, with its outcome and embedding."""

    __tablename__ = "ai_example"
    # creator_id leads so that a lookup by organization and primary keys (the hits of a search)
    # uses the primary key: with organization_id first, SQLite's planner scans the creator's rows.
    __table_args__ = (
        Index(
            "ix_ai_example_creator_id_organization_id_created_at",
            "creator_id",
            "organization_id",
            "created_at",
        ),
    )

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    performance: Mapped[float] = mapped_column(Float, default=0.0)
    revenue_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    source_ref: Mapped[str | None] = mapped_column(String(200), default=None)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    embedding_model: Mapped[str | None] = mapped_column(String(120), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
