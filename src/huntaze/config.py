"""Settings from the environment (``HUNTAZE_*``) and ``.env``.

Every backing service has an embedded default (DESIGN.md §2.2, §4): an empty Redis URL means
in-process queue/cache on SQLite, an empty database URL means a SQLite file under the data dir.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-change-me"


class InsecureSettingsError(RuntimeError):
    """Raised when a setting is left at a value that is only safe in development."""


class Settings(BaseSettings):
    """All of Huntaze's settings; one instance per process (see :func:`get_settings`)."""

    model_config = SettingsConfigDict(
        env_prefix="HUNTAZE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Field(default=Path("var"))
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = DEFAULT_SECRET_KEY
    base_url: str = "http://127.0.0.1:8000"
    session_max_age_s: int = 14 * 24 * 3600
    # argon2 cost; the defaults cost ~0.5 s per hash here, tests lower them.
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536
    log_level: str = "INFO"
    log_json: bool = True
    # /metrics needs 'Authorization: Bearer <token>' when set; unset, only dev and test serve it.
    metrics_token: str = ""
    queue_workers: int = 2
    queue_immediate: bool = False
    rate_limit_per_minute: int = 600
    # Guessing kept slow (core/backoff.py): failures allowed per account (password) and per
    # client address (passwords, API keys) before each further one locks for twice as long,
    # from the first lockout up to the ceiling; forgotten after a quiet hour.
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    api_key_failures_per_address: int = 20
    lockout_first_s: float = 30.0
    lockout_max_s: float = 900.0
    lockout_forget_after_s: float = 3600.0
    # Outbox send pipeline (DESIGN.md §6 "Send"). Per-account pacing per action kind: the
    # platform's defaults (platforms/limits.py, docs/rate-limits.md) with these overrides, e.g.
    # HUNTAZE_PLATFORM_SEND_LIMITS='{"message": {"per_minute": 120, "burst": 20}}'.
    platform_send_limits: dict[str, dict[str, float]] = Field(default_factory=dict)
    platform_timeout_s: float = 20.0
    outbox_backoff_base_s: float = 2.0
    outbox_backoff_max_s: float = 900.0
    outbox_inline_retry_max_s: float = 10.0
    # A claimed row and an account lock are leases: renewed by their live holder, they lapse
    # this long after it dies (SIGKILL included), then the watchdog recovers the row.
    outbox_lease_s: float = 10.0
    outbox_circuit_failures: int = 5
    outbox_circuit_open_s: int = 60
    # The account lock only keeps one send per account at a time (the claim's lease, not the
    # lock, guards exactly once), so it lapses sooner: a dead holder blocks the account 5 s.
    lock_ttl_s: float = 5.0
    # The browser pool of `huntaze browser-worker` (DESIGN.md §3, platforms/browser/).
    browser_executable: str = "/usr/bin/chromium"
    browser_max_contexts: int = 4
    browser_recycle_after_actions: int = 200
    browser_recycle_above_mb: int = 3000
    browser_action_timeout_s: float = 60.0
    browser_step_timeout_s: float = 15.0
    # Blob storage (storage/blobs.py): a local directory, or S3 / any S3-compatible server.
    blob_backend: Literal["local", "s3"] = "local"
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    # The event store (storage/eventstore.py): the SQL table, or DynamoDB.
    event_backend: Literal["sql", "dynamodb"] = "sql"
    dynamodb_table: str = "huntaze-events"
    dynamodb_endpoint_url: str = ""
    dynamodb_region: str = "us-east-1"
    # The content vault (content/): the largest upload per kind of media, the thumbnail's size.
    vault_max_image_bytes: int = 30 * 1024 * 1024
    vault_max_video_bytes: int = 4 * 1024 * 1024 * 1024
    vault_thumbnail_px: int = 320

    @model_validator(mode="after")
    def _refuse_default_secret_outside_dev(self) -> Settings:
        if self.env == "prod" and self.secret_key == DEFAULT_SECRET_KEY:
            raise InsecureSettingsError(
                "HUNTAZE_SECRET_KEY is still the development default. Set it to a long random "
                'value, e.g. `python -c "import secrets; print(secrets.token_urlsafe(48))"`, '
                "or run with HUNTAZE_ENV=dev on a machine that nobody else can reach."
            )
        return self

    @property
    def uses_https(self) -> bool:
        """Whether people reach Huntaze over TLS (the base URL says so): cookies become Secure."""
        return self.base_url.lower().startswith("https://")

    @property
    def resolved_data_dir(self) -> Path:
        """The data dir as an absolute path, created on first use."""
        path = self.data_dir.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def resolved_database_url(self) -> str:
        """The configured database URL, or a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'huntaze.sqlite3'}"

    @property
    def blob_dir(self) -> Path:
        """Where the local blob store keeps its files."""
        path = self.resolved_data_dir / "blobs"
        path.mkdir(parents=True, exist_ok=True)
        return path


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
