"""The vault item row (DESIGN.md §6 "Content pipeline": assets).

One image or video of a creator, stored as a blob (``storage/blobs.py``) with a small JPEG
thumbnail beside it for images. ``sha256`` is the content's hash: the same file uploaded twice
for one creator is one item (a unique constraint, so two uploads racing still make one).
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin


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
