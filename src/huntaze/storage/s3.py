"""The S3 blob store (DESIGN.md §4 "blob storage" at scale): AWS S3 or any S3-compatible server.

Chosen with ``HUNTAZE_BLOB_BACKEND=s3`` and ``HUNTAZE_S3_BUCKET``; ``HUNTAZE_S3_ENDPOINT_URL``
points it at an S3-compatible server (MinIO, Ceph, a local test server). Credentials come from
boto3's usual chain (environment, profile, instance role) unless ``HUNTAZE_S3_ACCESS_KEY_ID`` and
``HUNTAZE_S3_SECRET_ACCESS_KEY`` are set.

Streams are uploaded in parts (multipart upload), so memory holds one part at a time whatever the
file's size; the object appears only when the upload completes, and a stream that fails halfway
aborts the upload, leaving nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from huntaze.config import Settings
from huntaze.storage.blobs import (
    CHUNK_BYTES,
    BlobNotFoundError,
    CountingDigest,
    StoredBlob,
    check_key,
)

# S3 refuses parts under 5 MiB except the last; 8 MiB keeps the part count of a 500 MB video low.
PART_BYTES = 8 * 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3BlobStore:
    """Blobs as objects in one bucket, under an optional key prefix."""

    def __init__(self, client: Any, bucket: str, *, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> S3BlobStore:
        """The store the settings describe."""
        if not settings.s3_bucket:
            raise ValueError("HUNTAZE_BLOB_BACKEND=s3 needs HUNTAZE_S3_BUCKET")
        credentials: dict[str, str] = {}
        if settings.s3_access_key_id:
            credentials = {
                "aws_access_key_id": settings.s3_access_key_id,
                "aws_secret_access_key": settings.s3_secret_access_key,
            }
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region,
            config=Config(retries={"mode": "standard", "max_attempts": 5}),
            **credentials,
        )
        return cls(client, settings.s3_bucket, prefix=settings.s3_prefix)

    def object_key(self, key: str) -> str:
        """The S3 object key of a blob key."""
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, *, content_type: str) -> str:
        self.client.put_object(
            Bucket=self.bucket, Key=self.object_key(key), Body=data, ContentType=content_type
        )
        return key

    def put_stream(
        self,
        key: str,
        chunks: Iterable[bytes],
        *,
        content_type: str,
        max_bytes: int | None = None,
    ) -> StoredBlob:
        object_key = self.object_key(key)
        digest = CountingDigest(max_bytes)
        parts = _parts(chunks, digest)
        first = next(parts, b"")
        if len(first) < PART_BYTES:
            # The whole stream fits in less than a part: a plain PUT, all-or-nothing by itself.
            self.client.put_object(
                Bucket=self.bucket, Key=object_key, Body=first, ContentType=content_type
            )
            return StoredBlob(key=key, size=digest.size, sha256=digest.sha256)
        upload = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=object_key, ContentType=content_type
        )
        upload_id = upload["UploadId"]
        try:
            done = [self._upload_part(object_key, upload_id, 1, first)]
            del first
            for number, body in enumerate(parts, start=2):
                done.append(self._upload_part(object_key, upload_id, number, body))
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=object_key,
                UploadId=upload_id,
                MultipartUpload={"Parts": done},
            )
        except BaseException:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=object_key, UploadId=upload_id
            )
            raise
        return StoredBlob(key=key, size=digest.size, sha256=digest.sha256)

    def _upload_part(
        self, object_key: str, upload_id: str, number: int, body: bytes
    ) -> dict[str, Any]:
        answer = self.client.upload_part(
            Bucket=self.bucket, Key=object_key, UploadId=upload_id, PartNumber=number, Body=body
        )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def get(self, key: str) -> bytes:
        return b"".join(self.open_stream(key))

    def open_stream(self, key: str, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise BlobNotFoundError(key) from None
            raise
        return _body_chunks(answer["Body"], chunk_bytes)

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))


def _parts(chunks: Iterable[bytes], digest: CountingDigest) -> Iterator[bytes]:
    """Regroup the caller's chunks into upload parts of ``PART_BYTES`` (the last may be shorter),
    holding about one part in memory."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        digest.add(chunk)
        pending.append(chunk)
        size += len(chunk)
        if size < PART_BYTES:
            continue
        joined = b"".join(pending)
        pending.clear()
        while len(joined) >= PART_BYTES:
            part, joined = joined[:PART_BYTES], joined[PART_BYTES:]
            yield part
        pending = [joined] if joined else []
        size = len(joined)
    if pending:
        yield b"".join(pending)


def _body_chunks(body: Any, chunk_bytes: int) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(chunk_size=chunk_bytes)
    finally:
        body.close()


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
