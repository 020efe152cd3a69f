"""Blob storage (DESIGN.md §2.6, §4 "blob storage"): a ``BlobStore`` Protocol, the embedded
local-directory store under ``<data dir>/blobs``, and the S3 store (``storage/s3.py``) chosen by
``HUNTAZE_BLOB_BACKEND=s3``.

Keys are relative, slash-separated paths (``screenshots/acct-1/20250101T120000Z-send.png``); the
S3 store uses the key (under an optional prefix) as the object key.

Large files (vault videos) never sit in memory whole: ``put_stream`` takes an iterable of chunks
and ``open_stream`` yields chunks. Both stores write all-or-nothing: a stream that fails halfway
(a client that disconnects mid-upload, a size limit) leaves no blob behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from huntaze.config import Settings, get_settings

_KEY_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CHUNK_BYTES = 1024 * 1024


class BlobNotFoundError(KeyError):
    """No blob is stored under that key."""


class BlobTooLargeError(ValueError):
    """A streamed blob went past the size its caller allows; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the limit of {limit:,} bytes")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class StoredBlob:
    """What a streamed put stored: its key, size and SHA-256 (for dedupe by content)."""

    key: str
    size: int
    sha256: str


class BlobStore(Protocol):
    """Stores bytes under a key and gives them back, whole or as a stream of chunks."""

    def put(self, key: str, data: bytes, *, content_type: str) -> str:
        """Store ``data`` under ``key`` (replacing any blob there); returns the key."""
        ...

    def put_stream(
        self,
        key: str,
        chunks: Iterable[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredBlob:
        """Store the chunks under ``key``, all or nothing; :class:`BlobTooLargeError` past
        ``max_bytes``, and any error of the iterable itself, leave nothing stored."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; raises :class:`BlobNotFoundError`."""
        ...

    def open_stream(self, key: str, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The blob under ``key`` as chunks; raises :class:`BlobNotFoundError` at once."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under ``key``."""
        ...

    def delete(self, key: str) -> None:
        """Remove the blob under ``key`` if there is one."""
        ...


def check_key(key: str) -> str:
    """``key`` when it is a safe relative path of plain names, else ``ValueError``."""
    parts = key.split("/")
    if not key or any(not _KEY_PART.match(part) for part in parts):
        raise ValueError(f"invalid blob key {key!r}")
    return key


class CountingDigest:
    """Counts and hashes the chunks of a stream, enforcing an optional size limit."""

    def __init__(self, max_bytes: int | None) -> None:
        self.size = 0
        self.max_bytes = max_bytes
        self._hash = hashlib.sha256()

    def add(self, chunk: bytes) -> None:
        """Account for one chunk; raises :class:`BlobTooLargeError` past the limit."""
        self.size += len(chunk)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise BlobTooLargeError(self.max_bytes)
        self._hash.update(chunk)

    @property
    def sha256(self) -> str:
        """The hex digest of everything added so far."""
        return self._hash.hexdigest()


class LocalBlobStore:
    """Blobs as files under one directory; writes are atomic (temp file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        """The file that holds ``key``."""
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes, *, content_type: str) -> str:
        return self.put_stream(key, [data], content_type=content_type).key

    def put_stream(
        self,
        key: str,
        chunks: Iterable[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredBlob:
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = CountingDigest(max_bytes)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    digest.add(chunk)
                    handle.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredBlob(key=key, size=digest.size, sha256=digest.sha256)

    def get(self, key: str) -> bytes:
        try:
            return self.path_of(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFoundError(key) from None

    def open_stream(self, key: str, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        try:
            handle = self.path_of(key).open("rb")
        except FileNotFoundError:
            raise BlobNotFoundError(key) from None
        return _file_chunks(handle, chunk_bytes)

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)


def _file_chunks(handle: BinaryIO, chunk_bytes: int) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(chunk_bytes):
            yield chunk


def blob_store(settings: Settings | None = None) -> BlobStore:
    """The blob store chosen by settings: the local directory, or S3 (``blob_backend``)."""
    settings = settings or get_settings()
    if settings.blob_backend == "s3":
        from huntaze.storage.s3 import S3BlobStore

        return S3BlobStore.from_settings(settings)
    return LocalBlobStore(settings.blob_dir)
