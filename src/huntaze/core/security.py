"""Password hashing, random tokens, token hashing, signing and encryption at rest.

Secrets that must be read back (platform sessions, provider keys) are encrypted with Fernet under
a key derived from ``HUNTAZE_SECRET_KEY``; secrets that are only compared (API keys, session
tokens, invitation tokens) are stored as SHA-256 hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, URLSafeSerializer

from huntaze.config import get_settings


class DecryptionError(Exception):
    """A stored secret could not be decrypted (wrong secret key or corrupted value)."""


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


def _password_hasher() -> PasswordHasher:
    settings = get_settings()
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_cost_kib)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _password_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; never raises on a bad hash."""
    try:
        return bool(_password_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    """A URL-safe random token, optionally prefixed (``hz_`` for API keys)."""
    return prefix + secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest of a token, for lookup without storing the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    """Compare two strings without leaking where they differ."""
    return hmac.compare_digest(a.encode(), b.encode())


def _derived_key(purpose: str) -> bytes:
    secret = get_settings().secret_key.encode()
    return hashlib.sha256(purpose.encode() + b"\x00" + secret).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived_key("fernet")))


def encrypt_secret(plaintext: str) -> str:
    """Encrypt a secret for storage."""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt_secret(ciphertext: str) -> str:
    """Decrypt a value made by :func:`encrypt_secret`."""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with this secret key") from exc


def _signer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().secret_key, salt=salt)


def sign(value: str, *, salt: str) -> str:
    """Sign ``value`` so that tampering is detected."""
    return str(_signer(salt).dumps(value))


def unsign(signed: str, *, salt: str) -> str | None:
    """The value inside ``signed``, or None when the signature is wrong."""
    try:
        value = _signer(salt).loads(signed)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None
