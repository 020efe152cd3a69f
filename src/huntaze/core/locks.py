"""Per-key locks that hold across processes (DESIGN.md §4 "locks", §6 "Send").

The embedded default is a file lock (``fcntl.flock``) under the data dir: every process on the
machine that shares the data dir sees it, and the kernel releases it when its holder dies, even
by SIGKILL. At scale (``HUNTAZE_REDIS_URL`` set) the lock is a Redis key with a short TTL
(``HUNTAZE_LOCK_TTL_S``, 5 s), taken with ``SET NX PX``, renewed by a heartbeat thread of its
holder (:mod:`huntaze.core.heartbeat`) and released only by its owner (compare-and-delete), so a
live holder keeps it as long as it needs and a killed holder's lock lapses within the TTL.
Both give the same interface:

    with locks.hold("platform_account:<id>", timeout_s=30):
        ...

``hold`` raises :class:`LockTimeoutError` when the lock could not be taken in time.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

import redis

from huntaze.config import Settings, get_settings
from huntaze.core.heartbeat import Heartbeat
from huntaze.core.security import new_token

_POLL_S = 0.05
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
_RENEW_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class LockTimeoutError(Exception):
    """The lock was held by someone else for longer than the caller would wait."""


class Locks(Protocol):
    """A family of named locks."""

    def hold(self, key: str, *, timeout_s: float) -> AbstractContextManager[None]:
        """Hold the lock ``key`` for the block; wait at most ``timeout_s`` to get it."""
        ...


class FileLocks:
    """Locks as ``flock``-ed files in one directory; released by the kernel if the holder dies."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        # flock is per open file description: threads of one process need their own guard.
        self._thread_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".lock")

    def _thread_lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._thread_locks.setdefault(key, threading.Lock())

    @contextmanager
    def hold(self, key: str, *, timeout_s: float) -> Iterator[None]:
        """Hold the lock ``key`` for the block; wait at most ``timeout_s`` to get it."""
        local = self._thread_lock(key)
        if not local.acquire(timeout=timeout_s):
            raise LockTimeoutError(f"lock {key!r} is busy")
        try:
            fd = os.open(self._path(key), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                deadline = time.monotonic() + timeout_s
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise LockTimeoutError(f"lock {key!r} is busy") from None
                        time.sleep(_POLL_S)
                try:
                    yield
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        finally:
            local.release()


class RedisLocks:
    """Locks as Redis keys with a short TTL that the holder's heartbeat renews; only the holder's
    token can release one."""

    def __init__(
        self, client: redis.Redis[bytes], *, ttl_s: float, prefix: str = "huntaze:lock:"
    ) -> None:
        self.client = client
        self.ttl_ms = int(ttl_s * 1000)
        self.prefix = prefix
        self._release = client.register_script(_RELEASE_SCRIPT)
        self._renew = client.register_script(_RENEW_SCRIPT)

    @contextmanager
    def hold(self, key: str, *, timeout_s: float) -> Iterator[None]:
        """Hold the lock ``key`` for the block; wait at most ``timeout_s`` to get it."""
        name = self.prefix + key
        token = new_token(nbytes=16)
        deadline = time.monotonic() + timeout_s
        while not self.client.set(name, token, nx=True, px=self.ttl_ms):
            if time.monotonic() >= deadline:
                raise LockTimeoutError(f"lock {key!r} is busy")
            time.sleep(_POLL_S)

        def renew() -> bool:
            return bool(self._renew(keys=[name], args=[token, self.ttl_ms]))

        try:
            with Heartbeat(renew, interval_s=self.ttl_ms / 3000, name=f"lock {key}"):
                yield
        finally:
            self._release(keys=[name], args=[token])


def build_locks(settings: Settings) -> Locks:
    """Redis locks when ``HUNTAZE_REDIS_URL`` is set, else file locks under the data dir."""
    if settings.redis_url:
        return RedisLocks(redis.Redis.from_url(settings.redis_url), ttl_s=settings.lock_ttl_s)
    return FileLocks(settings.resolved_data_dir / "locks")


_locks: Locks | None = None


def get_locks() -> Locks:
    """The process-wide locks, built from settings on first use."""
    global _locks
    if _locks is None:
        _locks = build_locks(get_settings())
    return _locks


def reset_locks() -> None:
    """Forget the process-wide locks (settings changed); rebuilt on next use."""
    global _locks
    _locks = None
