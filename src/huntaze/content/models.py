"""The content tables (DESIGN.md §6 "Content pipeline"): vault items, price ladders per folder
and the history of prices, the ids platforms know items by, and planned posts.

A vault item is one image or video of a creator, stored as a blob (``storage/blobs.py``) with a
small JPEG thumbnail beside it for images. ``sha256`` is the content's hash: the same file
uploaded twice for one creator is one item (a unique constraint, so two uploads racing still
make one).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin, utcnow


class VaultItem(IdMixin, TimestampMixin, Base):
    """One media file in a creator's vault."""

    __tablename__ = "vault_item"
    __table_args__ = (
        UniqueConstraint("creator_id", "sha256"),
        Index("ix_vault_item_org_creator_folder", "organization_id", "creator_id", "folder"),
    )

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    media_type: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str] = mapped_column(String(255))
    thumbnail_key: Mapped[str | None] = mapped_column(String(255), default=None)
    width: Mapped[int | None] = mapped_column(default=None)
    height: Mapped[int | None] = mapped_column(default=None)
    folder: Mapped[str] = mapped_column(String(100), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    price_cents: Mapped[int | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(String(3), default="USD")

    @property
    def has_thumbnail(self) -> bool:
        """Whether a thumbnail blob exists (images); videos show a placeholder."""
        return self.thumbnail_key is not None


class PriceLadder(IdMixin, Base):
    """The prices a folder's items are offered at, in order: the first offer at the first step,
    each new offer to a fan who let the previous one pass at the next (the last step repeats)."""

    __tablename__ = "vault_price_ladder"
    __table_args__ = (UniqueConstraint("creator_id", "folder"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    folder: Mapped[str] = mapped_column(String(100))
    steps_cents: Mapped[list[int]] = mapped_column(JSON, default=list)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    updated_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PriceChange(IdMixin, Base):
    """One change of an item's price (``vault_item_id``) or of a folder's ladder (``folder``):
    what it was, what it became, who changed it and when."""

    __tablename__ = "vault_price_change"
    __table_args__ = (
        Index("ix_vault_price_change_item", "vault_item_id", "changed_at"),
        Index("ix_vault_price_change_folder", "creator_id", "folder", "changed_at"),
    )

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    vault_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("vault_item.id", ondelete="CASCADE"), default=None
    )
    folder: Mapped[str | None] = mapped_column(String(100), default=None)
    old_cents: Mapped[list[int]] = mapped_column(JSON, default=list)
    new_cents: Mapped[list[int]] = mapped_column(JSON, default=list)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    changed_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    changed_by: Mapped[str] = mapped_column(String(200), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlatformMedia(IdMixin, Base):
    """The id a platform account knows a vault item by (its own vault's media id), so that
    outbound messages naming that id are known to carry the item."""

    __tablename__ = "vault_platform_media"
    __table_args__ = (UniqueConstraint("platform_account_id", "platform_media_id"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    vault_item_id: Mapped[str] = mapped_column(
        ForeignKey("vault_item.id", ondelete="CASCADE"), index=True
    )
    platform_account_id: Mapped[str] = mapped_column(
        ForeignKey("platform_account.id", ondelete="CASCADE")
    )
    platform_media_id: Mapped[str] = mapped_column(String(64))


class PlannedPost(IdMixin, TimestampMixin, Base):
    """A post of a creator planned on the content calendar at a moment (UTC)."""

    __tablename__ = "content_planned_post"
    __table_args__ = (Index("ix_content_planned_post_creator_at", "creator_id", "scheduled_at"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    scheduled_at: Mapped[dt.datetime] = mapped_column()
    platform: Mapped[str] = mapped_column(String(16), default="onlyfans")
    caption: Mapped[str] = mapped_column(Text, default="")
    vault_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("vault_item.id", ondelete="SET NULL"), default=None
    )
    created_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )


class ContentIdea(IdMixin, TimestampMixin, Base):
    """An idea for a post a person saved: ``saved``, then ``planned`` (with its planned post)
    or ``discarded``."""

    __tablename__ = "content_idea"
    __table_args__ = (Index("ix_content_idea_creator_state", "creator_id", "state"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(240), default="")
    content_type: Mapped[str] = mapped_column(String(8))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16), default="template")
    state: Mapped[str] = mapped_column(String(12), default="saved")
    planned_post_id: Mapped[str | None] = mapped_column(
        ForeignKey("content_planned_post.id", ondelete="SET NULL"), default=None
    )
