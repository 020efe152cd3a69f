"""Token buckets that pace calls to an outside service: a rate with bursts (DESIGN.md §4, §6).

Each key has a bucket of ``burst`` tokens refilled at ``per_minute``; a call takes one token or
learns how long until the next one. Implemented as GCRA (the generic cell rate algorithm): one
stored time per key, the "theoretical arrival time", so the Redis version is a single atomic
script on the server's clock, shared by every worker. In-process by default, Redis when
``HUNTAZE_REDIS_URL`` is set (the same choice as :mod:`huntaze.core.ratelimit`).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis

from huntaze.config import Settings

_TAKE_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next_tat = tat + interval
local allow_at = next_tat - interval * burst
if now < allow_at then
  return tostring(allow_at - now)
end
redis.call('SET', KEYS[1], string.format('%.6f', next_tat), 'PX',
  math.ceil((next_tat - now) * 1000) + 1000)
return '0'
"""


class TokenBuckets(Protocol):
    """A family of token buckets, one per key."""

    def take(self, key: str, *, per_minute: float, burst: int) -> float:
        """Take a token from ``key``'s bucket: 0.0 when taken, else the seconds until one is
        free (nothing is taken then)."""
        ...

    def reset(self) -> None:
        """Forget every bucket (tests)."""
        ...


def _interval(per_minute: float) -> float:
    if per_minute <= 0:
        raise ValueError("per_minute must be positive")
    return 60.0 / per_minute


class MemoryTokenBuckets:
    """Buckets in this process (the embedded default: one process sends)."""

    def __init__(self) -> None:
        self._tat: dict[str, float] = {}
        self._guard = threading.Lock()

    def take(self, key: str, *, per_minute: float, burst: int) -> float:
        """Take a token from ``key``'s bucket, or say how long until one is free."""
        interval = _interval(per_minute)
        with self._guard:
            now = time.monotonic()
            next_tat = max(self._tat.get(key, now), now) + interval
            allow_at = next_tat - interval * max(1, burst)
            if now < allow_at:
                return allow_at - now
            self._tat[key] = next_tat
            return 0.0

    def reset(self) -> None:
        """Forget every bucket."""
        with self._guard:
            self._tat.clear()


class RedisTokenBuckets:
    """Buckets as Redis keys, shared by every worker process."""

    def __init__(self, client: redis.Redis[bytes], *, prefix: str = "huntaze:bucket:") -> None:
        self.client = client
        self.prefix = prefix
        self._take = client.register_script(_TAKE_SCRIPT)

    def take(self, key: str, *, per_minute: float, burst: int) -> float:
        """Take a token from ``key``'s bucket, or say how long until one is free."""
        answer = self._take(keys=[self.prefix + key], args=[_interval(per_minute), max(1, burst)])
        return float(answer)

    def reset(self) -> None:
        """Forget every bucket under this prefix."""
        for name in self.client.scan_iter(match=self.prefix + "*"):
            self.client.delete(name)


def build_token_buckets(settings: Settings) -> TokenBuckets:
    """Redis buckets when ``HUNTAZE_REDIS_URL`` is set, else in-process ones."""
    if settings.redis_url:
        return RedisTokenBuckets(redis.Redis.from_url(settings.redis_url))
    return MemoryTokenBuckets()
