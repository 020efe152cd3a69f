"""The vault's tests run on both blob stores: the local directory and S3 (a local S3-compatible
server spoken to over HTTP). ``vault_app`` is the application with the store of the test's
parameter and small size limits; ``leftovers`` lists everything that store holds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from tests.conftest import BoundDatabase

from huntaze.config import Settings, get_settings
from huntaze.core.ratelimit import RateLimiter
from huntaze.main import create_app
from huntaze.storage.blobs import BlobStore, LocalBlobStore, blob_store
from huntaze.storage.s3 import S3BlobStore

MAX_IMAGE_BYTES = 200_000
MAX_VIDEO_BYTES = 300_000


@dataclass
class Vault:
    """The application under test, its settings and its blob store."""

    app: FastAPI
    client: TestClient
    settings: Settings
    store: BlobStore

    def leftovers(self) -> list[str]:
        """Every blob in the store, and (S3) every unfinished multipart upload."""
        if isinstance(self.store, LocalBlobStore):
            root = self.store.root
            return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []
        assert isinstance(self.store, S3BlobStore)
        client, bucket = self.store.client, self.store.bucket
        uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return [u["Key"] for u in uploads] + [o["Key"] for o in objects]


@pytest.fixture(params=["local", "s3"])
def vault_app(
    request: pytest.FixtureRequest, tmp_path: Path, bound_database: BoundDatabase
) -> Iterator[Vault]:
    """The application with blobs on the local directory or on the local S3 server."""
    limits = {"vault_max_image_bytes": MAX_IMAGE_BYTES, "vault_max_video_bytes": MAX_VIDEO_BYTES}
    if request.param == "local":
        backend = {"blob_backend": "local", "data_dir": tmp_path}
    else:
        s3: S3BlobStore = request.getfixturevalue("s3_store")
        backend = {
            "blob_backend": "s3",
            "s3_bucket": s3.bucket,
            "s3_prefix": "vault-test",
            "s3_endpoint_url": request.getfixturevalue("s3_endpoint"),
            "s3_access_key_id": "test",
            "s3_secret_access_key": "test",
        }
    settings = get_settings().model_copy(update={**limits, **backend})
    app = create_app(settings, database=bound_database, rate_limiter=RateLimiter(MemoryStorage()))
    store = blob_store(settings)
    app.state.blob_store = store
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Vault(app=app, client=client, settings=settings, store=store)
