"""fans, synced chat messages and statement entries, sync cursors, domain events

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:00:52.229576
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "domain_event",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=True),
        sa.Column("platform_account_id", sa.String(length=32), nullable=True),
        sa.Column("fan_id", sa.String(length=32), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_domain_event_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_event")),
        sa.UniqueConstraint(
            "organization_id", "dedupe_key", name=op.f("uq_domain_event_organization_id")
        ),
    )
    with op.batch_alter_table("domain_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_domain_event_creator_occurred_at", ["creator_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_domain_event_org_kind_occurred_at",
            ["organization_id", "kind", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "fan",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("platform_fan_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("subscribed_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("platform_spent_cents", sa.Integer(), nullable=False),
        sa.Column("spend_is_net", sa.Boolean(), nullable=False),
        sa.Column("spent_subscription_cents", sa.Integer(), nullable=False),
        sa.Column("spent_tip_cents", sa.Integer(), nullable=False),
        sa.Column("spent_ppv_cents", sa.Integer(), nullable=False),
        sa.Column("spent_message_cents", sa.Integer(), nullable=False),
        sa.Column("spent_other_cents", sa.Integer(), nullable=False),
        sa.Column("last_purchase_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_inbound_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unread_count", sa.Integer(), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creator.id"],
            name=op.f("fk_fan_creator_id_creator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_fan_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_fan_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fan")),
        sa.UniqueConstraint(
            "platform_account_id", "platform_fan_id", name=op.f("uq_fan_platform_account_id")
        ),
    )
    with op.batch_alter_table("fan", schema=None) as batch_op:
        batch_op.create_index("ix_fan_org_creator", ["organization_id", "creator_id"], unique=False)
        batch_op.create_index(
            "ix_fan_org_last_message_at", ["organization_id", "last_message_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fan_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "sync_cursor",
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("stream", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=True),
        sa.Column("items_synced", sa.Integer(), nullable=False),
        sa.Column("synced_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_sync_cursor_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_sync_cursor_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform_account_id", "stream", name=op.f("pk_sync_cursor")),
    )
    with op.batch_alter_table("sync_cursor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_cursor_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "chat_message",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("platform_message_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("purchased", sa.Boolean(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.Column("synced_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fan.id"], name=op.f("fk_chat_message_fan_id_fan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_chat_message_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_chat_message_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_message")),
        sa.UniqueConstraint(
            "platform_account_id",
            "platform_message_id",
            name=op.f("uq_chat_message_platform_account_id"),
        ),
    )
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.create_index("ix_chat_message_fan_sent_at", ["fan_id", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_message_nonce"), ["nonce"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_chat_message_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "earning",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=True),
        sa.Column("platform_entry_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("net_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("renewal", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("platform_message_id", sa.String(length=64), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fan.id"], name=op.f("fk_earning_fan_id_fan"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_earning_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_earning_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_earning")),
        sa.UniqueConstraint(
            "platform_account_id", "platform_entry_id", name=op.f("uq_earning_platform_account_id")
        ),
    )
    with op.batch_alter_table("earning", schema=None) as batch_op:
        batch_op.create_index("ix_earning_fan_occurred_at", ["fan_id", "occurred_at"], unique=False)
        batch_op.create_index(
            "ix_earning_org_occurred_at", ["organization_id", "occurred_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("earning", schema=None) as batch_op:
        batch_op.drop_index("ix_earning_org_occurred_at")
        batch_op.drop_index("ix_earning_fan_occurred_at")

    op.drop_table("earning")
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_message_organization_id"))
        batch_op.drop_index(batch_op.f("ix_chat_message_nonce"))
        batch_op.drop_index("ix_chat_message_fan_sent_at")

    op.drop_table("chat_message")
    with op.batch_alter_table("sync_cursor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_cursor_organization_id"))

    op.drop_table("sync_cursor")
    with op.batch_alter_table("fan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fan_organization_id"))
        batch_op.drop_index("ix_fan_org_last_message_at")
        batch_op.drop_index("ix_fan_org_creator")

    op.drop_table("fan")
    with op.batch_alter_table("domain_event", schema=None) as batch_op:
        batch_op.drop_index("ix_domain_event_org_kind_occurred_at")
        batch_op.drop_index("ix_domain_event_creator_occurred_at")

    op.drop_table("domain_event")
