"""content: price ladders per folder and the history of prices, the ids platforms know vault
items by, planned posts of the content calendar and saved post ideas

Revision ID: 0016_content_plans
Revises: 0015_scripts
Create Date: 2026-12-01 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import huntaze.core.db

revision: str = "0016_content_plans"
down_revision: str | None = "0015_scripts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organization.id"],
        name=op.f(f"fk_{table}_organization_id_organization"),
        ondelete="CASCADE",
    )


def _creator_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["creator_id"],
        ["creator.id"],
        name=op.f(f"fk_{table}_creator_id_creator"),
        ondelete="CASCADE",
    )


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["user_account.id"],
        name=op.f(f"fk_{table}_{column}_user_account"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "vault_price_ladder",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("folder", sa.String(length=100), nullable=False),
        sa.Column("steps_cents", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("updated_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        _creator_fk("vault_price_ladder"),
        _org_fk("vault_price_ladder"),
        _user_fk("vault_price_ladder", "updated_by_user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_price_ladder")),
        sa.UniqueConstraint("creator_id", "folder", name=op.f("uq_vault_price_ladder_creator_id")),
    )
    op.create_index(
        op.f("ix_vault_price_ladder_organization_id"),
        "vault_price_ladder",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "vault_price_change",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("vault_item_id", sa.String(length=32), nullable=True),
        sa.Column("folder", sa.String(length=100), nullable=True),
        sa.Column("old_cents", sa.JSON(), nullable=False),
        sa.Column("new_cents", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("changed_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        _user_fk("vault_price_change", "changed_by_user_id"),
        _creator_fk("vault_price_change"),
        _org_fk("vault_price_change"),
        sa.ForeignKeyConstraint(
            ["vault_item_id"],
            ["vault_item.id"],
            name=op.f("fk_vault_price_change_vault_item_id_vault_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_price_change")),
    )
    op.create_index(
        "ix_vault_price_change_folder",
        "vault_price_change",
        ["creator_id", "folder", "changed_at"],
        unique=False,
    )
    op.create_index(
        "ix_vault_price_change_item",
        "vault_price_change",
        ["vault_item_id", "changed_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vault_price_change_organization_id"),
        "vault_price_change",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "vault_platform_media",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("vault_item_id", sa.String(length=32), nullable=False),
        sa.Column("platform_account_id", sa.String(length=32), nullable=False),
        sa.Column("platform_media_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        _org_fk("vault_platform_media"),
        sa.ForeignKeyConstraint(
            ["platform_account_id"],
            ["platform_account.id"],
            name=op.f("fk_vault_platform_media_platform_account_id_platform_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vault_item_id"],
            ["vault_item.id"],
            name=op.f("fk_vault_platform_media_vault_item_id_vault_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vault_platform_media")),
        sa.UniqueConstraint(
            "platform_account_id",
            "platform_media_id",
            name=op.f("uq_vault_platform_media_platform_account_id"),
        ),
    )
    op.create_index(
        op.f("ix_vault_platform_media_organization_id"),
        "vault_platform_media",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vault_platform_media_vault_item_id"),
        "vault_platform_media",
        ["vault_item_id"],
        unique=False,
    )
    op.create_table(
        "content_planned_post",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("scheduled_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("vault_item_id", sa.String(length=32), nullable=True),
        sa.Column("created_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        _user_fk("content_planned_post", "created_by_user_id"),
        _creator_fk("content_planned_post"),
        _org_fk("content_planned_post"),
        sa.ForeignKeyConstraint(
            ["vault_item_id"],
            ["vault_item.id"],
            name=op.f("fk_content_planned_post_vault_item_id_vault_item"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_planned_post")),
    )
    op.create_index(
        "ix_content_planned_post_creator_at",
        "content_planned_post",
        ["creator_id", "scheduled_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_content_planned_post_organization_id"),
        "content_planned_post",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "content_idea",
        sa.Column("organization_id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=240), nullable=False),
        sa.Column("content_type", sa.String(length=8), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("planned_post_id", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", huntaze.core.db.UTCDateTime(timezone=True), nullable=False),
        _creator_fk("content_idea"),
        _org_fk("content_idea"),
        sa.ForeignKeyConstraint(
            ["planned_post_id"],
            ["content_planned_post.id"],
            name=op.f("fk_content_idea_planned_post_id_content_planned_post"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_idea")),
    )
    op.create_index(
        "ix_content_idea_creator_state", "content_idea", ["creator_id", "state"], unique=False
    )
    op.create_index(
        op.f("ix_content_idea_organization_id"), "content_idea", ["organization_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_content_idea_organization_id"), table_name="content_idea")
    op.drop_index("ix_content_idea_creator_state", table_name="content_idea")
    op.drop_table("content_idea")
    op.drop_index(
        op.f("ix_content_planned_post_organization_id"), table_name="content_planned_post"
    )
    op.drop_index("ix_content_planned_post_creator_at", table_name="content_planned_post")
    op.drop_table("content_planned_post")
    op.drop_index(op.f("ix_vault_platform_media_vault_item_id"), table_name="vault_platform_media")
    op.drop_index(
        op.f("ix_vault_platform_media_organization_id"), table_name="vault_platform_media"
    )
    op.drop_table("vault_platform_media")
    op.drop_index(op.f("ix_vault_price_change_organization_id"), table_name="vault_price_change")
    op.drop_index("ix_vault_price_change_item", table_name="vault_price_change")
    op.drop_index("ix_vault_price_change_folder", table_name="vault_price_change")
    op.drop_table("vault_price_change")
    op.drop_index(op.f("ix_vault_price_ladder_organization_id"), table_name="vault_price_ladder")
    op.drop_table("vault_price_ladder")
