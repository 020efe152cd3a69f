"""Stored rule additions: the ORM table of an organization's and its creators' own rules.

(The engine's value types live in ``models.py``; this file holds the one database table.)
Each row is the YAML text of one rule set, validated on save (DESIGN.md §7).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin


class ComplianceRuleSet(IdMixin, TimestampMixin, Base):
    """An organization's rule additions (``creator_id`` empty) or one creator's."""

    __tablename__ = "compliance_rule_set"
    __table_args__ = (UniqueConstraint("organization_id", "creator_id"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str | None] = mapped_column(
        ForeignKey("creator.id", ondelete="CASCADE"), default=None
    )
    yaml_text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
