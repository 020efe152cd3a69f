"""inbox: saved replies (scripts) per creator or agency, and how each inbox reply was written
(AI suggestion and its edit distance, saved reply, typed)

Revision ID: 0015_scripts
Revises: 0014_fan_crm
Create Date: 2026-12-01 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0015_scripts"
down_revision: str | None = "0014_fan_crm"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_reply",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.Column("last_used_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_saved_reply_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creator.id"],
            name=op.f("fk_saved_reply_creator_id_creator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_saved_reply_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_reply")),
    )
    op.create_index(
        "ix_saved_reply_org_creator",
        "saved_reply",
        ["organization_id", "creator_id"],
        unique=False,
    )
    op.create_table(
        "reply_origin",
        sa.Column("outbound_message_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("suggested_text", sa.Text(), nullable=True),
        sa.Column("edit_distance", sa.Integer(), nullable=True),
        sa.Column("intent", sa.String(length=40), nullable=True),
        sa.Column("saved_reply_id", sa.String(length=32), nullable=True),
        sa.Column("replaces_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fan.id"], name=op.f("fk_reply_origin_fan_id_fan"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_reply_origin_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbound_message_id"],
            ["outbound_message.id"],
            name=op.f("fk_reply_origin_outbound_message_id_outbound_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_reply_id"],
            ["saved_reply.id"],
            name=op.f("fk_reply_origin_saved_reply_id_saved_reply"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("outbound_message_id", name=op.f("pk_reply_origin")),
    )
    op.create_index(
        op.f("ix_reply_origin_organization_id"),
        "reply_origin",
        ["organization_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reply_origin_organization_id"), table_name="reply_origin")
    op.drop_table("reply_origin")
    op.drop_index("ix_saved_reply_org_creator", table_name="saved_reply")
    op.drop_table("saved_reply")
