"""campaigns: saved segments, campaigns, the frozen audience of each campaign, automations

Revision ID: 0012_campaigns
Revises: 0011_analytics
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0012_campaigns"
down_revision: str | None = "0011_analytics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "segment",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("include_fan_ids", sa.JSON(), nullable=False),
        sa.Column("exclude_fan_ids", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_segment_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_segment_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_segment_organization_id")),
    )
    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_segment_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "campaign",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("segment_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("media_ids", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("schedule", sa.String(length=16), nullable=False),
        sa.Column("send_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("local_time", sa.String(length=16), nullable=True),
        sa.Column("exclude_messaged_hours", sa.Integer(), nullable=True),
        sa.Column("holdout_percent", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=32), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("audience_count", sa.Integer(), nullable=False),
        sa.Column("holdout_count", sa.Integer(), nullable=False),
        sa.Column("excluded_count", sa.Integer(), nullable=False),
        sa.Column("planned_count", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("started_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("state_note", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_campaign_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_campaign_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_campaign_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_campaign_segment_id_segment"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index("ix_campaign_state", ["state"], unique=False)

    op.create_table(
        "campaign_recipient",
        sa.Column("campaign_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("platform_fan_id", sa.String(length=64), nullable=False),
        sa.Column("arm", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("send_after", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outbound_message_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_recipient_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fan_id"],
            ["fan.id"],
            name=op.f("fk_campaign_recipient_fan_id_fan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_campaign_recipient_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_recipient")),
        sa.UniqueConstraint(
            "campaign_id", "fan_id", name=op.f("uq_campaign_recipient_campaign_id")
        ),
    )
    with op.batch_alter_table("campaign_recipient", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_recipient_campaign_state",
            ["campaign_id", "state", "send_after"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_recipient_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "automation",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("delay_hours", sa.Integer(), nullable=False),
        sa.Column("days_after_expiry", sa.Integer(), nullable=False),
        sa.Column("cap_per_week", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_automation_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_automation_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_automation_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation")),
    )
    with op.batch_alter_table("automation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_automation_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "automation_send",
        sa.Column("automation_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("trigger_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outbound_message_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["automation_id"],
            ["automation.id"],
            name=op.f("fk_automation_send_automation_id_automation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fan.id"], name=op.f("fk_automation_send_fan_id_fan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_automation_send_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_send")),
        sa.UniqueConstraint(
            "automation_id", "fan_id", "trigger_at", name=op.f("uq_automation_send_automation_id")
        ),
    )
    with op.batch_alter_table("automation_send", schema=None) as batch_op:
        batch_op.create_index("ix_automation_send_fan_at", ["fan_id", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_automation_send_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("automation_send", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_automation_send_organization_id"))
        batch_op.drop_index("ix_automation_send_fan_at")
    op.drop_table("automation_send")
    with op.batch_alter_table("automation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_automation_organization_id"))
    op.drop_table("automation")
    with op.batch_alter_table("campaign_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_recipient_organization_id"))
        batch_op.drop_index("ix_campaign_recipient_campaign_state")
    op.drop_table("campaign_recipient")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_state")
        batch_op.drop_index(batch_op.f("ix_campaign_organization_id"))
    op.drop_table("campaign")
    with op.batch_alter_table("segment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segment_organization_id"))
    op.drop_table("segment")
