"""Shapes of the team domain's API and forms: settings, shifts, capacity, clocked time, the
queue and the leaderboard. Every bound is checked here, at the edge (DESIGN.md §8.6)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from huntaze.core.fields import ObjectId, WholeNumber
from huntaze.creators.schemas import TIMEZONES, StrictInput, Timezone
from huntaze.team.schedule import parse_clock

MIN_CAPACITY = 1
MAX_CAPACITY = 50
"""Open chats a chatter may hold at once: one at least, and no person follows more than 50."""
MAX_MINUTES = 24 * 60

Capacity = Annotated[
    int,
    WholeNumber,
    Field(
        strict=True,
        ge=MIN_CAPACITY,
        le=MAX_CAPACITY,
        description="Open chats held at once, 1 to 50.",
    ),
]
Minutes = Annotated[int, WholeNumber, Field(strict=True, ge=1, le=MAX_MINUTES)]
Weekday = Annotated[int, Field(strict=True, ge=0, le=6)]
ShiftName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


def _known_zone(value: str) -> str:
    if value not in TIMEZONES:
        raise ValueError(
            f"{value[:64]!r} is not a time zone; use an IANA name such as Europe/Paris"
        )
    return value


def _clock(value: str) -> str:
    parse_clock(value)
    return value


TimeZoneName = Annotated[Timezone, AfterValidator(_known_zone)]
Clock = Annotated[
    str,
    StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    AfterValidator(_clock),
    Field(description="HH:MM on the 24-hour clock.", examples=["09:00"]),
]


class TeamSettingsIn(StrictInput):
    """The agency's time zone and routing rules."""

    time_zone: TimeZoneName = "UTC"
    default_capacity: Capacity = 3
    idle_clock_out_minutes: Minutes = 30
    silent_reassign_minutes: Minutes = 10


class TeamSettingsOut(BaseModel):
    """The settings in force (the defaults until a manager saves them)."""

    model_config = ConfigDict(from_attributes=True)

    time_zone: str
    default_capacity: int
    idle_clock_out_minutes: int
    silent_reassign_minutes: int


class ShiftCreate(StrictInput):
    """A weekly shift: its days, hours, zone, creators and chatters."""

    name: ShiftName
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
    start_time: Clock
    end_time: Clock
    time_zone: TimeZoneName | None = Field(
        default=None, description="Blank: the agency's time zone."
    )
    creator_ids: Annotated[list[ObjectId], Field(max_length=500)] = []
    chatter_ids: Annotated[list[ObjectId], Field(max_length=200)] = Field(
        default=[], description="Membership ids of the members who work the shift."
    )
    is_template: bool = False

    @field_validator("weekdays")
    @classmethod
    def _distinct_days(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("each weekday once")
        return sorted(value)

    @model_validator(mode="after")
    def _not_empty(self) -> ShiftCreate:
        if self.start_time == self.end_time:
            raise ValueError("a shift must end at another time than it starts")
        return self


class ShiftOut(BaseModel):
    """A shift as the API shows it, with its creators and chatters."""

    id: str
    name: str
    weekdays: list[int]
    start_time: str
    end_time: str
    time_zone: str
    is_template: bool
    creator_ids: list[str]
    chatter_ids: list[str]
    running_now: bool


class CapacityIn(StrictInput):
    """A chatter's capacity."""

    capacity: Capacity


class ChatterOut(BaseModel):
    """A member's routing state."""

    membership_id: str
    capacity: int
    clocked_in: bool
    open_chats: int


class TimeEntryOut(BaseModel):
    """A stretch of clocked time, with the handover left at its end."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    membership_id: str
    clocked_in_at: dt.datetime
    clocked_out_at: dt.datetime | None
    auto_clocked_out: bool
    handover: list[dict[str, str]] | None


class ClockOutOut(BaseModel):
    """The entry just closed (none when the member was not clocked in)."""

    entry: TimeEntryOut | None
    detail: str


class ExtensionOut(BaseModel):
    """A shift extension a manager granted."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    membership_id: str
    creator_ids: list[str]
    until: dt.datetime


class NextChatOut(BaseModel):
    """What asking for the next chat gave: a conversation, or why none."""

    fan_id: str | None
    creator_id: str | None = None
    reason: str


class LeaderboardRow(BaseModel):
    """One member's figures over a period."""

    membership_id: str
    name: str
    messages_sent: int
    ppvs_sent: int
    ppvs_bought: int
    revenue_cents: int
    purchases: int
    median_reply_s: float | None = None
    p90_reply_s: float | None = None


ObjectIdList = Annotated[list[ObjectId], Field(max_length=500)]
