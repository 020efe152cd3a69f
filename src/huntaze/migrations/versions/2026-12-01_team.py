"""team: agency settings, weekly shifts with creators and chatters, capacities, clocked time,
shift extensions and the routing queue's assignments

Revision ID: 0013_team
Revises: 0012_campaigns
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0013_team"
down_revision: str | None = "0012_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_settings",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("default_capacity", sa.Integer(), nullable=False),
        sa.Column("idle_clock_out_minutes", sa.Integer(), nullable=False),
        sa.Column("silent_reassign_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_settings_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_team_settings")),
    )
    op.create_table(
        "team_shift",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("end_time", sa.String(length=5), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("is_template", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_shift_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_shift")),
    )
    op.create_index(
        op.f("ix_team_shift_organization_id"), "team_shift", ["organization_id"], unique=False
    )
    op.create_table(
        "team_chatter",
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_team_chatter_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_chatter_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("membership_id", name=op.f("pk_team_chatter")),
    )
    op.create_index(
        op.f("ix_team_chatter_organization_id"), "team_chatter", ["organization_id"], unique=False
    )
    op.create_table(
        "team_shift_chatter",
        sa.Column("shift_id", sa.String(length=32), nullable=False),
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_team_shift_chatter_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_shift_chatter_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["team_shift.id"],
            name=op.f("fk_team_shift_chatter_shift_id_team_shift"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shift_id", "membership_id", name=op.f("pk_team_shift_chatter")),
    )
    op.create_index(
        op.f("ix_team_shift_chatter_organization_id"),
        "team_shift_chatter",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "team_shift_creator",
        sa.Column("shift_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creator.id"],
            name=op.f("fk_team_shift_creator_creator_id_creator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_shift_creator_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["team_shift.id"],
            name=op.f("fk_team_shift_creator_shift_id_team_shift"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shift_id", "creator_id", name=op.f("pk_team_shift_creator")),
    )
    op.create_index(
        op.f("ix_team_shift_creator_organization_id"),
        "team_shift_creator",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "team_shift_extension",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("creator_ids", sa.JSON(), nullable=False),
        sa.Column("until", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("granted_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_team_shift_extension_granted_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_team_shift_extension_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_shift_extension_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_shift_extension")),
    )
    op.create_index(
        op.f("ix_team_shift_extension_membership_id"),
        "team_shift_extension",
        ["membership_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_team_shift_extension_organization_id"),
        "team_shift_extension",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "team_time_entry",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("clocked_in_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("clocked_out_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("auto_clocked_out", sa.Boolean(), nullable=False),
        sa.Column("handover", sa.JSON(), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_team_time_entry_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_time_entry_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_time_entry")),
    )
    op.create_index(
        "ix_team_time_entry_member_in",
        "team_time_entry",
        ["membership_id", "clocked_in_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_team_time_entry_organization_id"),
        "team_time_entry",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "team_chat_assignment",
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("assigned_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("taken_over", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creator.id"],
            name=op.f("fk_team_chat_assignment_creator_id_creator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fan_id"],
            ["fan.id"],
            name=op.f("fk_team_chat_assignment_fan_id_fan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_team_chat_assignment_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_team_chat_assignment_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fan_id", name=op.f("pk_team_chat_assignment")),
    )
    op.create_index(
        "ix_team_chat_assignment_member", "team_chat_assignment", ["membership_id"], unique=False
    )
    op.create_index(
        op.f("ix_team_chat_assignment_organization_id"),
        "team_chat_assignment",
        ["organization_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_team_chat_assignment_organization_id"), table_name="team_chat_assignment"
    )
    op.drop_index("ix_team_chat_assignment_member", table_name="team_chat_assignment")
    op.drop_table("team_chat_assignment")
    op.drop_index(op.f("ix_team_time_entry_organization_id"), table_name="team_time_entry")
    op.drop_index("ix_team_time_entry_member_in", table_name="team_time_entry")
    op.drop_table("team_time_entry")
    op.drop_index(
        op.f("ix_team_shift_extension_organization_id"), table_name="team_shift_extension"
    )
    op.drop_index(op.f("ix_team_shift_extension_membership_id"), table_name="team_shift_extension")
    op.drop_table("team_shift_extension")
    op.drop_index(op.f("ix_team_shift_creator_organization_id"), table_name="team_shift_creator")
    op.drop_table("team_shift_creator")
    op.drop_index(op.f("ix_team_shift_chatter_organization_id"), table_name="team_shift_chatter")
    op.drop_table("team_shift_chatter")
    op.drop_index(op.f("ix_team_chatter_organization_id"), table_name="team_chatter")
    op.drop_table("team_chatter")
    op.drop_index(op.f("ix_team_shift_organization_id"), table_name="team_shift")
    op.drop_table("team_shift")
    op.drop_table("team_settings")
