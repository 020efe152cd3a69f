"""analytics: spend per fan and month (distinct spenders and top fans of a period read months,
not days), subscription payments per fan-day and fan-month (cohort retention)

The months are filled from the fan-days already there; the watermarks are cleared so that the
next refresh recomputes every day once, which fills the subscription payments of the days
rolled up before this revision.

Revision ID: 0017_analytics_spenders
Revises: 0016_content_plans
Create Date: 2026-12-01 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_analytics_spenders"
down_revision: str | None = "0016_content_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("analytics_fan_day", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subscriptions", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "analytics_fan_month",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("spent_cents", sa.BigInteger(), nullable=False),
        sa.Column("purchases", sa.Integer(), nullable=False),
        sa.Column("subscriptions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_analytics_fan_month_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "organization_id",
            "zone",
            "month",
            "creator_id",
            "fan_id",
            name=op.f("pk_analytics_fan_month"),
        ),
    )
    with op.batch_alter_table("analytics_fan_month", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analytics_fan_month_creator_month", ["creator_id", "zone", "month"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        month = "CAST(date_trunc('month', day) AS DATE)"
    else:
        month = "date(day, 'start of month')"
    op.execute(
        "INSERT INTO analytics_fan_month (organization_id, zone, month, creator_id, fan_id, "
        "spent_cents, purchases, subscriptions) "
        f"SELECT organization_id, zone, {month}, creator_id, fan_id, SUM(spent_cents), "
        "SUM(purchases), SUM(subscriptions) FROM analytics_fan_day "
        f"GROUP BY organization_id, zone, {month}, creator_id, fan_id"
    )
    op.execute("DELETE FROM analytics_watermark")


def downgrade() -> None:
    with op.batch_alter_table("analytics_fan_month", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_fan_month_creator_month")
    op.drop_table("analytics_fan_month")
    with op.batch_alter_table("analytics_fan_day", schema=None) as batch_op:
        batch_op.drop_column("subscriptions")
