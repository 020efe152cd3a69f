"""Rate limits: in-process by default, shared through Redis at scale (DESIGN.md §4).

A moving-window limit per key (API key, user, or client address for anonymous requests), built on
the ``limits`` package so that several web replicas share one budget when Redis is configured.
Each API response says where its caller stands with the ``RateLimit-Limit``,
``RateLimit-Remaining`` and ``RateLimit-Reset`` headers of the IETF draft
(draft-ietf-httpapi-ratelimit-headers), added by :class:`RateLimitHeadersMiddleware`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huntaze.config import Settings
from huntaze.core.errors import RateLimitedError

# The key of the request state (``scope["state"]``) under which the middleware's slot is found.
STATE_KEY = "rate_limit"


@dataclass(frozen=True, slots=True)
class RateLimitStatus:
    """One caller's standing against one limit, after counting (or refusing) a hit."""

    allowed: bool
    limit: int
    remaining: int
    reset_after_s: int

    def headers(self) -> dict[str, str]:
        """The IETF draft's ``RateLimit-*`` response headers."""
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_after_s),
        }

    def refusal(self) -> RateLimitedError:
        """The 429 to raise when this hit was not allowed."""
        return RateLimitedError(
            f"Too many requests; try again in {self.reset_after_s} seconds.",
            retry_after_s=self.reset_after_s,
        )


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

    def acquire(self, key: str, *, per_minute: int, scope: str = "api") -> RateLimitStatus:
        """Count one hit for ``key`` if the limit allows it; say where ``key`` stands now."""
        item = RateLimitItemPerMinute(per_minute)
        allowed = self.limiter.hit(item, scope, key)
        reset_at, remaining = self.limiter.get_window_stats(item, scope, key)
        return RateLimitStatus(
            allowed=allowed,
            limit=per_minute,
            remaining=max(0, remaining),
            reset_after_s=max(1, math.ceil(reset_at - time.time())),
        )

    def hit(self, key: str, *, per_minute: int, scope: str = "api") -> None:
        """Count one hit for ``key``; raise :class:`RateLimitedError` past the limit."""
        status = self.acquire(key, per_minute=per_minute, scope=scope)
        if not status.allowed:
            raise status.refusal()

    def reset(self) -> None:
        """Forget all counts (tests)."""
        self.storage.reset()


class _StatusSlot:
    """Where a request's standing is left for the middleware. Put into the scope's state before
    the application runs: the state dict may be copied on the way in, the slot is shared."""

    __slots__ = ("status",)

    def __init__(self) -> None:
        self.status: RateLimitStatus | None = None


def record_status(scope: Scope, status: RateLimitStatus) -> None:
    """Remember a request's standing so that its response carries the ``RateLimit-*`` headers."""
    slot = scope.get("state", {}).get(STATE_KEY)
    if isinstance(slot, _StatusSlot):
        slot.status = status


class RateLimitHeadersMiddleware:
    """Adds the ``RateLimit-*`` headers to every response whose request was rate-limited,
    the 429 included (its status is recorded before the error is raised)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        slot = _StatusSlot()
        scope.setdefault("state", {})[STATE_KEY] = slot

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and slot.status is not None:
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.lower().encode(), v.encode()) for k, v in slot.status.headers().items()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
