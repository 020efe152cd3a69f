"""Blob storage (DESIGN.md §2.6, §4 "blob storage"): a ``BlobStore`` Protocol and the embedded
local-directory store under ``<data dir>/blobs``.

Keys are relative, slash-separated paths (``screenshots/acct-1/20250101T120000Z-send.png``); an
S3 store can implement the same Protocol with the key as the object key.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from huntaze.config import Settings, get_settings

_KEY_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class BlobNotFoundError(KeyError):
    """No blob is stored under that key."""


class BlobStore(Protocol):
    """Stores bytes under a key and gives them back."""

    def put(self, key: str, data: bytes, *, content_type: str) -> str:
        """Store ``data`` under ``key`` (replacing any blob there); returns the key."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under ``key``; raises :class:`BlobNotFoundError`."""
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


class LocalBlobStore:
    """Blobs as files under one directory; writes are atomic (temp file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        """The file that holds ``key``."""
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes, *, content_type: str) -> str:
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        try:
            return self.path_of(key).read_bytes()
        except FileNotFoundError:
            raise BlobNotFoundError(key) from None

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)


def blob_store(settings: Settings | None = None) -> BlobStore:
    """The blob store chosen by settings (the local directory for now)."""
    return LocalBlobStore((settings or get_settings()).blob_dir)
