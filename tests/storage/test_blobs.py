"""Blob stores: the local directory and S3 (through the wire protocol of a local S3 server) pass
the same tests — round trips, streams in parts, all-or-nothing writes, flat memory."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from huntaze.config import Settings
from huntaze.storage.blobs import (
    BlobNotFoundError,
    BlobStore,
    BlobTooLargeError,
    LocalBlobStore,
    blob_store,
)
from huntaze.storage.s3 import PART_BYTES, S3BlobStore

MIB = 1024 * 1024


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    s3: S3BlobStore = request.getfixturevalue("s3_store")
    return s3


def _chunks(total: int, size: int = MIB, *, fail_after: int | None = None) -> Iterator[bytes]:
    """``total`` bytes of varied content in chunks; raises after ``fail_after`` bytes if set."""
    sent = 0
    counter = 0
    while sent < total:
        if fail_after is not None and sent >= fail_after:
            raise ConnectionResetError("the client went away mid-upload")
        piece = min(size, total - sent)
        block = hashlib.sha256(str(counter).encode()).digest()
        yield (block * (piece // len(block) + 1))[:piece]
        sent += piece
        counter += 1


def _leftovers(store: BlobStore) -> list[str]:
    """Half-written things a failed upload could leave: temp files, open multipart uploads."""
    if isinstance(store, LocalBlobStore):
        if not store.root.exists():
            return []
        return [str(p) for p in store.root.rglob("*") if p.is_file()]
    assert isinstance(store, S3BlobStore)
    uploads = store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])
    objects = store.client.list_objects_v2(Bucket=store.bucket).get("Contents", [])
    return [u["Key"] for u in uploads] + [o["Key"] for o in objects]


def test_round_trip_replace_and_delete(store: BlobStore) -> None:
    store.put("reports/2026-11/a.pdf", b"first", content_type="application/pdf")
    store.put("reports/2026-11/a.pdf", b"second", content_type="application/pdf")
    assert store.exists("reports/2026-11/a.pdf")
    assert store.get("reports/2026-11/a.pdf") == b"second"
    store.delete("reports/2026-11/a.pdf")
    assert not store.exists("reports/2026-11/a.pdf")
    store.delete("reports/2026-11/a.pdf")  # deleting twice is fine


def test_missing_blob_is_a_clear_error(store: BlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        store.get("nothing/here.png")
    with pytest.raises(BlobNotFoundError):
        store.open_stream("nothing/here.png")


@pytest.mark.parametrize("key", ["", "../etc/passwd", "a//b", "/abs", "a/../b", ".hidden"])
def test_unsafe_keys_are_refused(store: BlobStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"x", content_type="text/plain")


def test_a_stream_larger_than_a_part_comes_back_whole(store: BlobStore) -> None:
    total = 2 * PART_BYTES + 3 * MIB + 17
    expected = hashlib.sha256(b"".join(_chunks(total))).hexdigest()
    stored = store.put_stream("vault/video.mp4", _chunks(total), content_type="video/mp4")
    assert (stored.size, stored.sha256) == (total, expected)
    pieces = list(store.open_stream("vault/video.mp4", chunk_bytes=MIB))
    assert max(len(p) for p in pieces) <= MIB
    assert hashlib.sha256(b"".join(pieces)).hexdigest() == expected


def test_an_empty_stream_stores_an_empty_blob(store: BlobStore) -> None:
    stored = store.put_stream("vault/empty.txt", iter(()), content_type="text/plain")
    assert stored.size == 0
    assert store.get("vault/empty.txt") == b""


@pytest.mark.parametrize("fail_after", [0, 3 * MIB, PART_BYTES + MIB])
def test_an_upload_cut_mid_stream_leaves_nothing(store: BlobStore, fail_after: int) -> None:
    with pytest.raises(ConnectionResetError):
        store.put_stream(
            "vault/cut.mp4",
            _chunks(3 * PART_BYTES, fail_after=fail_after),
            content_type="video/mp4",
        )
    assert not store.exists("vault/cut.mp4")
    assert _leftovers(store) == []


def test_a_stream_over_the_limit_is_refused_and_leaves_nothing(store: BlobStore) -> None:
    with pytest.raises(BlobTooLargeError) as caught:
        store.put_stream(
            "vault/big.mp4", _chunks(2 * PART_BYTES), content_type="video/mp4", max_bytes=PART_BYTES
        )
    assert "limit" in str(caught.value)
    assert not store.exists("vault/big.mp4")
    assert _leftovers(store) == []


def test_memory_stays_flat_while_streaming(store: BlobStore) -> None:
    total = 6 * PART_BYTES
    tracemalloc.start()
    try:
        store.put_stream("vault/long.mp4", _chunks(total), content_type="video/mp4")
        for _ in store.open_stream("vault/long.mp4"):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * PART_BYTES, f"peak {peak / MIB:.1f} MiB for a {total / MIB:.0f} MiB blob"


def test_settings_choose_the_backend(s3_endpoint: str, s3_client: Any, tmp_path: Path) -> None:
    s3_client.create_bucket(Bucket="chosen-by-settings")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    chosen = blob_store(
        Settings(
            data_dir=tmp_path,
            blob_backend="s3",
            s3_bucket="chosen-by-settings",
            s3_endpoint_url=s3_endpoint,
            s3_access_key_id="test",
            s3_secret_access_key="test",
        )
    )
    assert isinstance(chosen, S3BlobStore)
    chosen.put("a/b.txt", b"hello", content_type="text/plain")
    assert (
        s3_client.get_object(Bucket="chosen-by-settings", Key="a/b.txt")["Body"].read() == b"hello"
    )
    assert isinstance(blob_store(Settings(data_dir=tmp_path)), LocalBlobStore)
    with pytest.raises(ValueError, match="HUNTAZE_S3_BUCKET"):
        blob_store(Settings(data_dir=tmp_path, blob_backend="s3"))
