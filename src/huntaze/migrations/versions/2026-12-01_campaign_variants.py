"""campaign variants: A/B variants of a campaign with a split, the winner's metric, time and
test share; each recipient's variant; an index on the outbox's source (a campaign's messages);
the due-recipients index ordered by id too (a batch no longer sorts every pending recipient)

Revision ID: 0018_campaign_variants
Revises: 0017_analytics_spenders
Create Date: 2026-12-01 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0018_campaign_variants"
down_revision: str | None = "0017_analytics_spenders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "winner_metric",
                sa.String(length=24),
                nullable=False,
                server_default="revenue_per_recipient",
            )
        )
        batch_op.add_column(
            sa.Column("test_hours", sa.Integer(), nullable=False, server_default="24")
        )
        batch_op.add_column(
            sa.Column("test_percent", sa.Integer(), nullable=False, server_default="100")
        )
        batch_op.add_column(sa.Column("winner_variant_id", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("winner_chosen_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("winner_note", sa.Text(), nullable=True))
    op.create_table(
        "campaign_variant",
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("split_percent", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_variant_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_campaign_variant_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_variant")),
        sa.UniqueConstraint("campaign_id", "label", name=op.f("uq_campaign_variant_campaign_id")),
    )
    with op.batch_alter_table("campaign_variant", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_variant_campaign_position", ["campaign_id", "position"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_variant_organization_id"), ["organization_id"], unique=False
        )
    with op.batch_alter_table("campaign_recipient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("variant_id", sa.String(length=32), nullable=True))
        batch_op.drop_index("ix_campaign_recipient_campaign_state")
        batch_op.create_index(
            "ix_campaign_recipient_due", ["campaign_id", "state", "send_after", "id"], unique=False
        )
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbound_message_source", ["source_kind", "source_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_message_source")
    with op.batch_alter_table("campaign_recipient", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_recipient_due")
        batch_op.create_index(
            "ix_campaign_recipient_campaign_state",
            ["campaign_id", "state", "send_after"],
            unique=False,
        )
        batch_op.drop_column("variant_id")
    with op.batch_alter_table("campaign_variant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_variant_organization_id"))
        batch_op.drop_index("ix_campaign_variant_campaign_position")
    op.drop_table("campaign_variant")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("winner_note")
        batch_op.drop_column("winner_chosen_at")
        batch_op.drop_column("winner_variant_id")
        batch_op.drop_column("test_percent")
        batch_op.drop_column("test_hours")
        batch_op.drop_column("winner_metric")
