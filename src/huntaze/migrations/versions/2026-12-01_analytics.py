"""analytics: event indexes, time zone, daily rollups, spend per fan-day, watermarks, reports

Revision ID: 0011_analytics
Revises: 0010_persona
Create Date: 2026-12-01 16:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0011_analytics"
down_revision: str | None = "0010_persona"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organization.id"],
        name=op.f(f"fk_{table}_organization_id_organization"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("domain_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_domain_event_org_occurred_at", ["organization_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_domain_event_org_recorded_at", ["organization_id", "recorded_at"], unique=False
        )
        batch_op.create_index(
            "ix_domain_event_org_fan_occurred_at",
            ["organization_id", "fan_id", "occurred_at"],
            unique=False,
        )
    op.create_table(
        "analytics_setting",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("use_utc", sa.Boolean(), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        _org_fk("analytics_setting"),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_analytics_setting")),
    )
    op.create_table(
        "analytics_rollup",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        _org_fk("analytics_rollup"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_rollup")),
        sa.UniqueConstraint(
            "organization_id",
            "zone",
            "day",
            "creator_id",
            "source",
            "metric",
            name=op.f("uq_analytics_rollup_organization_id"),
        ),
    )
    with op.batch_alter_table("analytics_rollup", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analytics_rollup_creator_day", ["creator_id", "zone", "day"], unique=False
        )
    op.create_table(
        "analytics_fan_day",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("fan_id", sa.String(length=32), nullable=False),
        sa.Column("spent_cents", sa.BigInteger(), nullable=False),
        sa.Column("purchases", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        _org_fk("analytics_fan_day"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_fan_day")),
        sa.UniqueConstraint(
            "organization_id",
            "zone",
            "day",
            "creator_id",
            "fan_id",
            name=op.f("uq_analytics_fan_day_organization_id"),
        ),
    )
    with op.batch_alter_table("analytics_fan_day", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analytics_fan_day_creator_day", ["creator_id", "zone", "day"], unique=False
        )
    op.create_table(
        "analytics_watermark",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("recorded_through", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        _org_fk("analytics_watermark"),
        sa.PrimaryKeyConstraint("organization_id", "zone", name=op.f("pk_analytics_watermark")),
    )
    op.create_table(
        "analytics_report",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("blob_key", sa.String(length=300), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        _org_fk("analytics_report"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_report")),
        sa.UniqueConstraint(
            "organization_id",
            "creator_id",
            "month",
            name=op.f("uq_analytics_report_organization_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("analytics_report")
    op.drop_table("analytics_watermark")
    with op.batch_alter_table("analytics_fan_day", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_fan_day_creator_day")
    op.drop_table("analytics_fan_day")
    with op.batch_alter_table("analytics_rollup", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_rollup_creator_day")
    op.drop_table("analytics_rollup")
    op.drop_table("analytics_setting")
    with op.batch_alter_table("domain_event", schema=None) as batch_op:
        batch_op.drop_index("ix_domain_event_org_fan_occurred_at")
        batch_op.drop_index("ix_domain_event_org_recorded_at")
        batch_op.drop_index("ix_domain_event_org_occurred_at")
