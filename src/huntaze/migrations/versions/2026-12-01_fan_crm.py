"""fan CRM: notes (one pinned per fan), tags, custom fields and saved views of the fan list

Revision ID: 0014_fan_crm
Revises: 0013_team
Create Date: 2026-12-01 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0014_fan_crm"
down_revision: str | None = "0013_team"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fan_saved_view",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_fan_saved_view_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_fan_saved_view_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fan_saved_view")),
        sa.UniqueConstraint(
            "organization_id", "user_id", "name", name=op.f("uq_fan_saved_view_organization_id")
        ),
    )
    op.create_index(op.f("ix_fan_saved_view_user_id"), "fan_saved_view", ["user_id"], unique=False)

    op.create_table(
        "fan_field",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fan.id"], name=op.f("fk_fan_field_fan_id_fan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_fan_field_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fan_field")),
        sa.UniqueConstraint("fan_id", "key", name=op.f("uq_fan_field_fan_id")),
    )
    op.create_index(
        op.f("ix_fan_field_organization_id"), "fan_field", ["organization_id"], unique=False
    )

    op.create_table(
        "fan_note",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_label", sa.String(length=255), nullable=False),
        sa.Column("author_user_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_fan_note_author_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fan.id"], name=op.f("fk_fan_note_fan_id_fan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_fan_note_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fan_note")),
    )
    op.create_index(
        "ix_fan_note_fan_created_at", "fan_note", ["fan_id", "created_at"], unique=False
    )
    op.create_index(
        op.f("ix_fan_note_organization_id"), "fan_note", ["organization_id"], unique=False
    )

    op.create_table(
        "fan_tag",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["fan_id"], ["fan.id"], name=op.f("fk_fan_tag_fan_id_fan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_fan_tag_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fan_tag")),
        sa.UniqueConstraint("fan_id", "tag", name=op.f("uq_fan_tag_fan_id")),
    )
    op.create_index("ix_fan_tag_org_tag", "fan_tag", ["organization_id", "tag"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_fan_tag_org_tag", table_name="fan_tag")

    op.drop_table("fan_tag")
    op.drop_index(op.f("ix_fan_note_organization_id"), table_name="fan_note")
    op.drop_index("ix_fan_note_fan_created_at", table_name="fan_note")

    op.drop_table("fan_note")
    op.drop_index(op.f("ix_fan_field_organization_id"), table_name="fan_field")

    op.drop_table("fan_field")
    op.drop_index(op.f("ix_fan_saved_view_user_id"), table_name="fan_saved_view")

    op.drop_table("fan_saved_view")
