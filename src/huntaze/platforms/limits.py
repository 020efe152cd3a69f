"""How fast Huntaze acts on one platform account, per action kind (DESIGN.md §6 "Send").

Every kind of write (``message``, ``ppv``, ``mass_message``, ``post``) has its own token bucket
per account: a sustained rate and a burst. The defaults below are what we send at when nobody
says otherwise; ``HUNTAZE_PLATFORM_SEND_LIMITS`` overrides them per kind. A 429 from the
platform is honoured on top of this (its Retry-After, then backoff).

OnlyFans publishes no rate limits for its write actions. What is public are observations by
authors of scraping tools about its *read* API (roughly a thousand requests a minute before 429s,
reported in 2023; "around 10k requests every 10 minutes", 2025), which say nothing reliable about
sends, and the platform's terms, which forbid spam and unsupervised bots. So the defaults are
chosen to look like a fast team of human chatters on one account, and are written down with
their reasoning in docs/rate-limits.md. The simulator stands in for OnlyFans and gets the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

KINDS = ("message", "ppv", "mass_message", "post")

PPV_PRICE_RANGE_CENTS: dict[str, tuple[int, int]] = {
    "onlyfans": (300, 20_000),
    "simulator": (300, 20_000),
}
"""The prices a platform takes for a paid message (cents). OnlyFans' message price runs from
$3 to $200 (its creator settings refuse anything outside); the simulator imitates it."""
DEFAULT_PPV_PRICE_RANGE_CENTS = (300, 20_000)


def ppv_price_range(platform: str) -> tuple[int, int]:
    """The lowest and highest price (cents) ``platform`` takes for a paid message."""
    return PPV_PRICE_RANGE_CENTS.get(platform, DEFAULT_PPV_PRICE_RANGE_CENTS)


@dataclass(frozen=True, slots=True)
class SendLimit:
    """A sustained rate per minute and the burst allowed on top of an idle bucket."""

    per_minute: float
    burst: int

    def describe(self) -> str:
        """E.g. "30 a minute, bursts of 10" or "6 an hour, bursts of 2"."""
        if self.per_minute >= 1:
            rate = f"{self.per_minute:g} a minute"
        else:
            rate = f"{self.per_minute * 60:g} an hour"
        return f"{rate}, bursts of {self.burst}"


_ONLYFANS = {
    # One-to-one chat: a quick chatter answers a fan every few seconds across open chats.
    "message": SendLimit(per_minute=30, burst=10),
    # A priced message is a message too, but a run of offers reads as spam sooner.
    "ppv": SendLimit(per_minute=10, burst=5),
    # Reaches every fan at once: a creator sends a few a day; the platform queues them itself.
    "mass_message": SendLimit(per_minute=6 / 60, burst=2),
    # Posts land on the feed of every fan: a few an hour at most.
    "post": SendLimit(per_minute=6 / 60, burst=3),
}

DEFAULT_LIMITS: dict[str, dict[str, SendLimit]] = {
    "onlyfans": _ONLYFANS,
    "simulator": dict(_ONLYFANS),
}


def send_limits(
    platform: str, overrides: Mapping[str, Mapping[str, float]] | None = None
) -> dict[str, SendLimit]:
    """The limit of each action kind on ``platform``, with the settings' overrides applied."""
    limits = dict(DEFAULT_LIMITS.get(platform, _ONLYFANS))
    for kind, override in (overrides or {}).items():
        if kind not in KINDS:
            continue
        base = limits[kind]
        limits[kind] = SendLimit(
            per_minute=float(override.get("per_minute", base.per_minute)),
            burst=int(override.get("burst", base.burst)),
        )
    return limits
