"""outbox: outbound_message and outbox_circuit (DESIGN.md §2.1, §6 "Send")

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:05:17.414709
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbound_message",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("platform_fan_id", sa.String(length=64), nullable=True),
        sa.Column("recipient_fan_ids", sa.JSON(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("media_ids", sa.JSON(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("publish_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("compliance_outcome", sa.String(length=8), nullable=False),
        sa.Column("compliance_verdict", sa.JSON(), nullable=False),
        sa.Column("compliance_overridden", sa.Boolean(), nullable=False),
        sa.Column("author_kind", sa.String(length=24), nullable=False),
        sa.Column("author_user_id", sa.String(length=32), nullable=True),
        sa.Column("approved_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("approved_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ai_model", sa.String(length=120), nullable=True),
        sa.Column("ai_prompt_version", sa.String(length=64), nullable=True),
        sa.Column("source_kind", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("send_started_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("platform_message_id", sa.String(length=64), nullable=True),
        sa.Column("sent_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_outbound_message_approved_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_outbound_message_author_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_outbound_message_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_outbound_message_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_message")),
        sa.UniqueConstraint(
            "organization_id",
            "idempotency_key",
            name=op.f("uq_outbound_message_organization_id"),
        ),
    )
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbound_message_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbound_message_platform_account_id"),
            ["platform_account_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_outbound_message_state_claimed_at", ["state", "claimed_at"], unique=False
        )
    op.create_table(
        "outbox_circuit",
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("open_until", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_outbox_circuit_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform_account_id", name=op.f("pk_outbox_circuit")),
    )


def downgrade() -> None:
    op.drop_table("outbox_circuit")
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_message_state_claimed_at")
        batch_op.drop_index(batch_op.f("ix_outbound_message_platform_account_id"))
        batch_op.drop_index(batch_op.f("ix_outbound_message_organization_id"))
    op.drop_table("outbound_message")
