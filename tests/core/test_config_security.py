"""Settings refuse unsafe defaults; secrets are hashed, signed and encrypted as promised."""

from __future__ import annotations

import pytest

from huntaze.config import DEFAULT_SECRET_KEY, InsecureSettingsError, Settings
from huntaze.core import security


def test_default_secret_refused_outside_dev() -> None:
    with pytest.raises(InsecureSettingsError, match="HUNTAZE_SECRET_KEY"):
        Settings(env="prod", secret_key=DEFAULT_SECRET_KEY)
    assert Settings(env="dev", secret_key=DEFAULT_SECRET_KEY).env == "dev"
    assert Settings(env="prod", secret_key="a-real-long-random-secret").env == "prod"


def test_database_url_defaults_to_sqlite_in_data_dir(tmp_path: object) -> None:
    settings = Settings(data_dir=tmp_path, database_url="")  # type: ignore[arg-type]
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert str(tmp_path) in settings.resolved_database_url


def test_password_hash_verifies_and_rejects() -> None:
    hashed = security.hash_password("open sesame 123")
    assert hashed.startswith("$argon2id$")
    assert security.verify_password(hashed, "open sesame 123")
    assert not security.verify_password(hashed, "open sesame 124")
    assert not security.verify_password("not-a-hash", "anything")


def test_encryption_round_trip_and_tamper_detection() -> None:
    secret = '{"cookies": [{"name": "sess", "value": "abc"}]}'
    stored = security.encrypt_secret(secret)
    assert secret not in stored
    assert security.decrypt_secret(stored) == secret
    with pytest.raises(security.DecryptionError):
        security.decrypt_secret(stored[:-4] + "AAAA")


def test_signed_values_detect_tampering() -> None:
    signed = security.sign("token-value", salt="s")
    assert security.unsign(signed, salt="s") == "token-value"
    assert security.unsign(signed + "x", salt="s") is None
    assert security.unsign(signed, salt="other") is None
