"""persona: what reply drafting needs (custom minimum, never-discount, pet names, avoided topics)

Revision ID: 0010_persona
Revises: 0009
Create Date: 2026-12-01 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_persona"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("creator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("custom_min_cents", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("never_discount", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("pet_names", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("avoid_topics", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("make_good", sa.String(length=80), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("creator", schema=None) as batch_op:
        for column in ("make_good", "avoid_topics", "pet_names", "never_discount"):
            batch_op.drop_column(column)
        batch_op.drop_column("custom_min_cents")
