"""The vault service: a creator's images and videos (DESIGN.md §6 "Content pipeline").

An upload is streamed to the blob store chunk by chunk (never whole in memory), its type sniffed
from its first bytes, its size held to the limit of its kind, its SHA-256 computed on the way.
The same content uploaded twice for one creator is one item: the second upload gets the first
item back. An image is decoded whole and gets a JPEG thumbnail; a video gets its first frame
when ffmpeg is there (``video_frames.py``), a placeholder otherwise.

Whatever refuses an upload (wrong type, too large, damaged, cut mid-stream) leaves nothing: the
blob store writes all-or-nothing, blobs stored before a refusal are deleted at once, and blobs of
a transaction that rolls back later are deleted then (``blob_lifecycle.py``).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.config import Settings
from huntaze.content.blob_lifecycle import delete_after_commit, delete_on_rollback
from huntaze.content.media import MediaKind, MediaType, sniffed_stream
from huntaze.content.models import VaultItem
from huntaze.content.pricing import prices
from huntaze.content.repository import vault_repo
from huntaze.content.schemas import VaultItemUpdate
from huntaze.content.thumbnails import image_thumbnail
from huntaze.content.video_frames import video_thumbnail
from huntaze.core.db import new_id
from huntaze.core.errors import AppError, NotFoundError
from huntaze.creators.models import Creator
from huntaze.storage.blobs import BlobNotFoundError, BlobStore, BlobTooLargeError

# An image is copied aside while it streams (for Pillow): in memory up to this, then on disk.
SPOOL_BYTES = 4 * 1024 * 1024
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


class FileTooLargeError(AppError):
    """The upload is larger than the vault takes for its kind of media."""

    status_code = 413
    title = "Content too large"
    type_slug = "content-too-large"


@dataclass(frozen=True, slots=True)
class VaultLimits:
    """The largest upload per kind of media and the thumbnails' size, from settings."""

    max_image_bytes: int
    max_video_bytes: int
    thumbnail_px: int

    @classmethod
    def from_settings(cls, settings: Settings) -> VaultLimits:
        """The limits the settings set."""
        return cls(
            max_image_bytes=settings.vault_max_image_bytes,
            max_video_bytes=settings.vault_max_video_bytes,
            thumbnail_px=settings.vault_thumbnail_px,
        )

    def max_bytes(self, kind: MediaKind) -> int:
        """The largest file of ``kind`` taken."""
        return self.max_image_bytes if kind is MediaKind.IMAGE else self.max_video_bytes


@dataclass(frozen=True, slots=True)
class Upload:
    """An upload's item, and whether it is new (False: the same content was there already)."""

    item: VaultItem
    created: bool


def display_name(filename: str, media: MediaType) -> str:
    """The file's name as shown: its last path part, without control characters."""
    name = _UNSAFE_NAME.sub(" ", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:255] or f"upload.{media.extension}"


def _copying(chunks: Iterable[bytes], copy: IO[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        copy.write(chunk)
        yield chunk


class VaultService:
    """Stores, lists, describes and removes a creator's media."""

    def upload(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        *,
        chunks: Iterable[bytes],
        filename: str,
        blobs: BlobStore,
        limits: VaultLimits,
    ) -> Upload:
        """Store one streamed file in the creator's vault, or return the item that already has
        the same content; refuses anything that is not a whole image or video within limits."""
        actor.require(Permission.CREATORS_WRITE)
        media, stream = sniffed_stream(chunks)
        item_id = new_id()
        key = f"vault/{creator.id}/{item_id}.{media.extension}"
        limit = limits.max_bytes(media.kind)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
            source = _copying(stream, copy) if media.kind is MediaKind.IMAGE else stream
            try:
                stored = blobs.put_stream(key, source, content_type=media.mime, max_bytes=limit)
            except BlobTooLargeError:
                raise FileTooLargeError(
                    f"The file is larger than the vault takes for {media.kind.value}s "
                    f"({_size(limit)}); nothing was saved."
                ) from None
            stored_keys = [key]
            try:
                existing = vault_repo.by_hash(session, actor.org, creator.id, stored.sha256)
                if existing is not None:
                    blobs.delete(key)
                    return Upload(item=existing, created=False)
                item = VaultItem(
                    id=item_id,
                    organization_id=actor.org,
                    creator_id=creator.id,
                    kind=media.kind.value,
                    media_type=media.mime,
                    filename=display_name(filename, media),
                    size_bytes=stored.size,
                    sha256=stored.sha256,
                    blob_key=key,
                    currency=creator.currency,
                )
                if media.kind is MediaKind.IMAGE:
                    copy.seek(0)
                    thumbnail = image_thumbnail(copy, media, max_px=limits.thumbnail_px)
                    item.thumbnail_key = f"vault/{creator.id}/{item_id}-thumb.jpg"
                    blobs.put(item.thumbnail_key, thumbnail.jpeg, content_type="image/jpeg")
                    stored_keys.append(item.thumbnail_key)
                    item.width, item.height = thumbnail.width, thumbnail.height
                else:
                    frame = video_thumbnail(blobs, key, max_px=limits.thumbnail_px)
                    if frame is not None:
                        item.thumbnail_key = f"vault/{creator.id}/{item_id}-thumb.jpg"
                        blobs.put(item.thumbnail_key, frame.jpeg, content_type="image/jpeg")
                        stored_keys.append(item.thumbnail_key)
                        item.width, item.height = frame.width, frame.height
                return self._insert(session, actor, item, blobs, stored_keys)
            except BaseException:
                for stored_key in stored_keys:
                    blobs.delete(stored_key)
                raise

    def _insert(
        self,
        session: Session,
        actor: Actor,
        item: VaultItem,
        blobs: BlobStore,
        stored_keys: Sequence[str],
    ) -> Upload:
        try:
            with session.begin_nested():
                session.add(item)
        except IntegrityError:
            # The same content was uploaded at the same time: the other upload's item stands.
            existing = vault_repo.by_hash(session, actor.org, item.creator_id, item.sha256)
            if existing is None:
                raise
            for key in stored_keys:
                blobs.delete(key)
            return Upload(item=existing, created=False)
        for key in stored_keys:
            delete_on_rollback(session, blobs, key)
        return Upload(item=item, created=True)

    def items(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        *,
        folder: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Sequence[VaultItem]:
        """A page of the creator's items, newest first, of one folder when given."""
        actor.require(Permission.CREATORS_READ)
        return vault_repo.of_creator(
            session, actor.org, creator.id, folder=folder, limit=limit, offset=offset
        )

    def folders(self, session: Session, actor: Actor, creator: Creator) -> list[str]:
        """The creator's folders in use."""
        actor.require(Permission.CREATORS_READ)
        return vault_repo.folders(session, actor.org, creator.id)

    def get(self, session: Session, actor: Actor, item_id: str) -> VaultItem:
        """One item; 404 if not the organization's."""
        actor.require(Permission.CREATORS_READ)
        return vault_repo.get(session, actor.org, item_id)

    def update(
        self, session: Session, actor: Actor, item: VaultItem, data: VaultItemUpdate
    ) -> VaultItem:
        """File the item in a folder, tag it, price it (a new price goes in its history)."""
        actor.require(Permission.CREATORS_WRITE)
        changes = data.model_dump(exclude_unset=True)
        if "folder" in changes:
            item.folder = changes["folder"] or ""
        if "tags" in changes:
            item.tags = sorted(set(changes["tags"] or []))
        if "price_cents" in changes:
            old = item.price_cents
            item.price_cents = changes["price_cents"]
            prices.item_price_changed(session, actor, item, old=old)
        session.flush()
        return item

    def delete(self, session: Session, actor: Actor, item: VaultItem, *, blobs: BlobStore) -> None:
        """Remove the item; its blobs go once the removal is committed."""
        actor.require(Permission.CREATORS_WRITE)
        for key in (item.blob_key, item.thumbnail_key):
            if key:
                delete_after_commit(session, blobs, key)
        session.delete(item)
        session.flush()

    def content(self, item: VaultItem, *, blobs: BlobStore) -> Iterator[bytes]:
        """The item's file as chunks."""
        return _opened(blobs, item.blob_key)

    def thumbnail(self, item: VaultItem, *, blobs: BlobStore) -> Iterator[bytes]:
        """The item's JPEG thumbnail as chunks; 404 for items without one (videos)."""
        if not item.thumbnail_key:
            raise NotFoundError("This item has no thumbnail.")
        return _opened(blobs, item.thumbnail_key)


def _opened(blobs: BlobStore, key: str) -> Iterator[bytes]:
    try:
        return blobs.open_stream(key)
    except BlobNotFoundError:
        raise NotFoundError("The file of this item is missing from storage.") from None


def _size(limit: int) -> str:
    mib = limit / (1024 * 1024)
    return f"{mib:,.0f} MB" if mib >= 1 else f"{limit:,} bytes"


vault = VaultService()
