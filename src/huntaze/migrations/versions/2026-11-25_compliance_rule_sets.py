"""compliance rule sets of organizations and creators

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_rule_set",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=True),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creator.id"],
            name=op.f("fk_compliance_rule_set_creator_id_creator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_compliance_rule_set_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_rule_set")),
        sa.UniqueConstraint(
            "organization_id", "creator_id", name=op.f("uq_compliance_rule_set_organization_id")
        ),
    )
    with op.batch_alter_table("compliance_rule_set", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_compliance_rule_set_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("compliance_rule_set", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_rule_set_organization_id"))
    op.drop_table("compliance_rule_set")
