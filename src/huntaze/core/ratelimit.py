"""Rate limits: in-process by default, shared through Redis at scale (DESIGN.md §4).

A moving-window limit per key (API key, user, or client address for anonymous requests), built on
the ``limits`` package so that several web replicas share one budget when Redis is configured.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from huntaze.config import Settings
from huntaze.core.errors import RateLimitedError


class RateLimiter:
    """Checks and counts hits against per-minute limits."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(storage)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        """Memory storage, or Redis when ``HUNTAZE_REDIS_URL`` is set."""
        if settings.redis_url:
            return cls(RedisStorage(settings.redis_url))
        return cls(MemoryStorage())

    def hit(self, key: str, *, per_minute: int, scope: str = "api") -> None:
        """Count one hit for ``key``; raise :class:`RateLimitedError` past the limit."""
        item = RateLimitItemPerMinute(per_minute)
        if self.limiter.hit(item, scope, key):
            return
        reset_at, _remaining = self.limiter.get_window_stats(item, scope, key)
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise RateLimitedError(
            f"Too many requests; try again in {retry_after} seconds.", retry_after_s=retry_after
        )

    def reset(self) -> None:
        """Forget all counts (tests)."""
        self.storage.reset()
