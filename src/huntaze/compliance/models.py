"""Value types of the compliance engine: directions, severities, hits, verdicts, context.

See DESIGN.md §7. A :class:`Verdict` is what every outbound message carries (§2.4) and what the
``POST /api/v1/compliance/check`` route and the ``huntaze compliance check`` command return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict


class Direction(StrEnum):
    """Who writes the message: the creator's side (outbound) or a fan (inbound)."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class RuleDirection(StrEnum):
    """Which messages a rule applies to."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"
    BOTH = "both"

    def applies_to(self, direction: Direction) -> bool:
        """Whether a rule with this direction checks messages going ``direction``."""
        return self is RuleDirection.BOTH or self.value == direction.value


class Severity(StrEnum):
    """``block`` stops a message; ``review`` sends it to a person first."""

    BLOCK = "block"
    REVIEW = "review"


class Outcome(StrEnum):
    """The overall verdict on a message."""

    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class Hit(BaseModel):
    """One rule that fired, with where in the original text (``span`` is ``None`` for rules on
    the sending context rather than the text, such as caps and quiet hours)."""

    model_config = ConfigDict(frozen=True)

    rule: str
    category: str
    severity: Severity
    reason: str
    span: tuple[int, int] | None = None
    matched: str | None = None
    detail: str | None = None
    overridable: bool = True

    def to_json_dict(self) -> dict[str, Any]:
        """The hit as plain JSON types."""
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity.value,
            "reason": self.reason,
            "span": list(self.span) if self.span is not None else None,
            "matched": self.matched,
            "detail": self.detail,
            "overridable": self.overridable,
        }


class Verdict(BaseModel):
    """The compliance verdict on one message: the worst severity among its hits."""

    model_config = ConfigDict(frozen=True)

    text: str
    direction: Direction
    verdict: Outcome
    hits: tuple[Hit, ...] = ()
    opt_out: bool = False

    @property
    def categories(self) -> frozenset[str]:
        """The categories of all hits."""
        return frozenset(hit.category for hit in self.hits)

    def to_json_dict(self) -> dict[str, Any]:
        """The verdict as plain JSON types, as stored with a message and returned by the API."""
        return {
            "text": self.text,
            "direction": self.direction.value,
            "verdict": self.verdict.value,
            "hits": [hit.to_json_dict() for hit in self.hits],
            "opt_out": self.opt_out,
        }


def outcome_of(hits: tuple[Hit, ...]) -> Outcome:
    """Block if any hit blocks, review if any asks for review, otherwise allow."""
    severities = {hit.severity for hit in hits}
    if Severity.BLOCK in severities:
        return Outcome.BLOCK
    if Severity.REVIEW in severities:
        return Outcome.REVIEW
    return Outcome.ALLOW


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window (may wrap past midnight) in an IANA time zone when nothing is sent."""

    start: dt.time
    end: dt.time
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        _require_zone(self.timezone)


def _require_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the caller knows about this send; the engine stays pure and reads only this.

    ``now`` must be timezone-aware; rules that need a time are skipped without it. The limits
    (``daily_cap``, ``quiet_hours``, ``min_ppv_gap``) apply to rules that carry none of their
    own; ``fan_timezone``, when known, is where a rule's quiet hours are read.
    """

    now: dt.datetime | None = None
    messages_sent_today: int = 0
    daily_cap: int | None = None
    fan_opted_out: bool = False
    quiet_hours: QuietHours | None = None
    is_ppv: bool = False
    last_ppv_at: dt.datetime | None = None
    min_ppv_gap: dt.timedelta | None = None
    fan_timezone: str | None = None

    def __post_init__(self) -> None:
        if self.fan_timezone is not None:
            _require_zone(self.fan_timezone)
        for name in ("now", "last_ppv_at"):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True, slots=True)
class FanContext:
    """What is known of the one fan an outbound message goes to, for the sending-limit rules.

    Each part comes from the domain that knows it: the outbox counts what it sent to the fan
    (``messages_sent_today``, ``last_ppv_at``); the fans domain, once it exists, adds whether
    the fan opted out and the fan's time zone. A part nobody knows yet keeps its default.
    """

    platform_fan_id: str
    messages_sent_today: int = 0
    last_ppv_at: dt.datetime | None = None
    opted_out: bool = False
    timezone: str | None = None

    def __post_init__(self) -> None:
        if self.timezone is not None:
            _require_zone(self.timezone)
        if self.last_ppv_at is not None and self.last_ppv_at.utcoffset() is None:
            raise ValueError("last_ppv_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbound message about to reach fans: what the sending-limit rules read.

    ``fan`` is the one fan of a direct message or PPV (``None`` for a mass message); ``now`` is
    when it is checked (the current time when not given).
    """

    fan: FanContext | None = None
    is_ppv: bool = False
    now: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.now is not None and self.now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
