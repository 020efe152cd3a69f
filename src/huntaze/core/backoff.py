"""Failure throttling with growing lockouts, in-process or shared through Redis (DESIGN.md §4).

A per-minute limit (``ratelimit.py``) meters traffic; this meters *failures*: wrong passwords
per account and per client address, unknown API keys per client address. Each key keeps a count
of recent failures. Within a free allowance nothing happens; past it, every further failure locks
the key for twice as long as the one before, up to a ceiling; a quiet period after the last lock
ends forgets the count. The state lives in process memory or in Redis (one budget across
replicas), never in the database, so a request that rolls back its transaction still counts.

:meth:`FailureThrottle.reserve` counts an attempt whose outcome is not known yet, atomically
with the lock check, so parallel guesses cannot slip in together; :meth:`FailureThrottle.clear`
then forgets the key when the attempt succeeds. The clock is injectable so that tests move
time instead of waiting for it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, cast

import redis

from huntaze.config import Settings
from huntaze.core.errors import RateLimitedError

Clock = Callable[[], float]
# 2 ** 40 times any first lockout is past every sensible ceiling; it keeps the float finite.
_MAX_DOUBLINGS = 40
# The in-process store sweeps forgotten keys once it holds this many (addresses, e-mails).
_SWEEP_ABOVE = 10_000


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """How many failures are free, and how long the ones after them lock a key."""

    free_failures: int
    first_lockout_s: float
    max_lockout_s: float
    forget_after_s: float

    def lockout_s(self, failures: int) -> float:
        """How long a key with ``failures`` recent failures stays locked after the last one."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, _MAX_DOUBLINGS)
        return float(min(self.max_lockout_s, self.first_lockout_s * 2**doublings))


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """A key's recent failures and when the last one happened (clock seconds)."""

    failures: int
    last_failure_at: float

    def locked_until(self, policy: BackoffPolicy) -> float:
        """When the lock set by the last failure ends (in the past when not locked)."""
        return self.last_failure_at + policy.lockout_s(self.failures)

    def forgotten_at(self, policy: BackoffPolicy) -> float:
        """When the count is dropped: a quiet period after the lock ends."""
        return self.locked_until(policy) + policy.forget_after_s


Change = Callable[[FailureRecord | None], FailureRecord | None]


class FailureStore(Protocol):
    """Where failure records live; ``change`` replaces one record atomically."""

    def read(self, key: str) -> FailureRecord | None:
        """The stored record of ``key``, if any (possibly stale: the throttle judges)."""
        ...

    def change(self, key: str, decide: Change, *, now: float, keep_until: float) -> None:
        """Replace the record of ``key`` with ``decide(record)`` (None deletes) atomically;
        ``decide`` may raise to leave it as it was. Keep the result until ``keep_until``."""
        ...

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        ...


class MemoryFailureStore:
    """Records in this process, behind one lock (the embedded default)."""

    def __init__(self) -> None:
        self._records: dict[str, tuple[FailureRecord, float]] = {}
        self._lock = threading.Lock()

    def read(self, key: str) -> FailureRecord | None:
        """The stored record of ``key``, if any."""
        with self._lock:
            found = self._records.get(key)
        return found[0] if found else None

    def change(self, key: str, decide: Change, *, now: float, keep_until: float) -> None:
        """Replace the record of ``key`` under the lock; sweep forgotten keys now and then."""
        with self._lock:
            found = self._records.get(key)
            changed = decide(found[0] if found else None)
            if changed is None:
                self._records.pop(key, None)
            else:
                self._records[key] = (changed, keep_until)
            if len(self._records) > _SWEEP_ABOVE:
                self._records = {k: v for k, v in self._records.items() if v[1] > now}

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        with self._lock:
            self._records.pop(key, None)


class RedisFailureStore:
    """Records in Redis hashes, changed in WATCH/MULTI transactions (shared by replicas)."""

    def __init__(self, client: redis.Redis[bytes], *, prefix: str = "huntaze:failures:") -> None:
        self.client = client
        self.prefix = prefix

    @staticmethod
    def _parse(raw: dict[bytes, bytes]) -> FailureRecord | None:
        if not raw:
            return None
        return FailureRecord(
            failures=int(raw[b"failures"]), last_failure_at=float(raw[b"last_failure_at"])
        )

    def read(self, key: str) -> FailureRecord | None:
        """The stored record of ``key``, if any."""
        return self._parse(self.client.hgetall(self.prefix + key))

    def change(self, key: str, decide: Change, *, now: float, keep_until: float) -> None:
        """Replace the record of ``key``; a concurrent change makes it read and decide again."""
        name = self.prefix + key
        with self.client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(name)
                    # Watching, the pipeline runs commands at once and returns their results.
                    stored = cast(dict[bytes, bytes], pipe.hgetall(name))
                    changed = decide(self._parse(stored))
                    pipe.multi()
                    if changed is None:
                        pipe.delete(name)
                    else:
                        pipe.hset(
                            name,
                            mapping={
                                "failures": changed.failures,
                                "last_failure_at": repr(changed.last_failure_at),
                            },
                        )
                        pipe.pexpire(name, max(1, math.ceil((keep_until - now) * 1000)))
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        self.client.delete(self.prefix + key)


class FailureThrottle:
    """Counts failures per key and refuses a locked key with :class:`RateLimitedError`."""

    def __init__(self, store: FailureStore, *, clock: Clock = time.time) -> None:
        self.store = store
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> FailureThrottle:
        """In-process records, or Redis when ``HUNTAZE_REDIS_URL`` is set."""
        if settings.redis_url:
            return cls(RedisFailureStore(redis.Redis.from_url(settings.redis_url)))
        return cls(MemoryFailureStore())

    def _live(self, record: FailureRecord | None, policy: BackoffPolicy) -> FailureRecord | None:
        if record is None or self.clock() >= record.forgotten_at(policy):
            return None
        return record

    def _refuse_if_locked(self, record: FailureRecord | None, policy: BackoffPolicy) -> None:
        if record is None:
            return
        wait = record.locked_until(policy) - self.clock()
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise RateLimitedError(
                f"Too many failed attempts; try again in {retry_after} seconds.",
                retry_after_s=retry_after,
            )

    def _count_one(self, key: str, policy: BackoffPolicy, *, check: bool) -> None:
        now = self.clock()

        def decide(record: FailureRecord | None) -> FailureRecord:
            live = self._live(record, policy)
            if check:
                self._refuse_if_locked(live, policy)
            return FailureRecord(failures=(live.failures if live else 0) + 1, last_failure_at=now)

        keep_until = now + policy.max_lockout_s + policy.forget_after_s
        self.store.change(key, decide, now=now, keep_until=keep_until)

    def check(self, key: str, policy: BackoffPolicy) -> None:
        """Refuse (429) while ``key`` is locked; count nothing."""
        self._refuse_if_locked(self._live(self.store.read(key), policy), policy)

    def fail(self, key: str, policy: BackoffPolicy) -> None:
        """Count one failure of ``key``."""
        self._count_one(key, policy, check=False)

    def reserve(self, key: str, policy: BackoffPolicy) -> None:
        """Refuse (429) while ``key`` is locked, else count this attempt as a failure until it
        succeeds (then call :meth:`clear`); check and count are one atomic step."""
        self._count_one(key, policy, check=True)

    def clear(self, key: str) -> None:
        """Forget every failure of ``key`` (the attempt succeeded)."""
        self.store.delete(key)
