"""Pydantic shapes of creators, personas and platform accounts."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from huntaze.core.fields import PriceCents
from huntaze.outbox.schemas import SendingOut

Platform = Literal["simulator", "onlyfans"]
EmojiUse = Literal["none", "light", "heavy"]
LinkState = Literal["unlinked", "linked", "needs_attention", "error"]
Skin = Literal["classic", "api2"]
Topic = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
PetName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
MakeGood = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]
Handle = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.-]{1,80}$")]


class StrictInput(BaseModel):
    """Base of request bodies: no unknown fields, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


TIMEZONES = sorted(zoneinfo.available_timezones())


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    if value not in TIMEZONES:
        raise ValueError("unknown time zone; use an IANA name such as Europe/Paris")
    return value


# The document lists the names the server takes, so a client can offer them and nothing valid
# by the document is refused.
Timezone = Annotated[
    str,
    StringConstraints(max_length=64),
    WithJsonSchema({"type": "string", "enum": TIMEZONES, "examples": ["Europe/Paris"]}),
]


class PersonaFields(StrictInput):
    """The persona: how the creator sounds, what they talk about, what they never do."""

    tone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    topics: Annotated[list[Topic], Field(max_length=20)] = []
    boundaries: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    emoji_use: EmojiUse = "light"
    languages: Annotated[list[Language], Field(max_length=10)] = ["en"]
    price_min_cents: PriceCents = 500
    price_max_cents: PriceCents = 5000
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    custom_min_cents: PriceCents | None = None
    never_discount: bool = False
    pet_names: Annotated[list[PetName], Field(max_length=10)] = []
    avoid_topics: Annotated[list[Topic], Field(max_length=20)] = []
    make_good: MakeGood = ""

    @model_validator(mode="after")
    def _price_range(self) -> PersonaFields:
        if self.price_max_cents < self.price_min_cents:
            raise ValueError("price_max_cents must not be below price_min_cents")
        return self


class CreatorCreate(PersonaFields):
    display_name: DisplayName
    timezone: Timezone = "UTC"

    _tz = field_validator("timezone")(_check_timezone)


class CreatorUpdate(StrictInput):
    """A partial update: only the fields sent change."""

    display_name: DisplayName | None = None
    timezone: Timezone | None = None
    tone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    topics: Annotated[list[Topic], Field(max_length=20)] | None = None
    boundaries: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = (
        None
    )
    emoji_use: EmojiUse | None = None
    languages: Annotated[list[Language], Field(max_length=10)] | None = None
    price_min_cents: PriceCents | None = None
    price_max_cents: PriceCents | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    custom_min_cents: PriceCents | None = None
    never_discount: bool | None = None
    pet_names: Annotated[list[PetName], Field(max_length=10)] | None = None
    avoid_topics: Annotated[list[Topic], Field(max_length=20)] | None = None
    make_good: MakeGood | None = None

    _tz = field_validator("timezone")(_check_timezone)


class CreatorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    display_name: str
    timezone: str
    tone: str
    topics: list[str]
    boundaries: str
    emoji_use: EmojiUse
    languages: list[str]
    price_min_cents: int
    price_max_cents: int
    currency: str
    custom_min_cents: int | None
    never_discount: bool
    pet_names: list[str]
    avoid_topics: list[str]
    make_good: str
    created_at: dt.datetime
    updated_at: dt.datetime


class PlatformAccountCreate(StrictInput):
    platform: Platform
    handle: Handle
    base_url: (
        Annotated[str, StringConstraints(max_length=300, pattern=r"^https?://\S+$")] | None
    ) = None
    skin: Skin | None = None
    proxy: Annotated[str, StringConstraints(max_length=300)] | None = None
    session_secret: Annotated[str, StringConstraints(max_length=100_000)] | None = Field(
        default=None, description="Login secret or exported session; stored encrypted, never shown."
    )


class PlatformAccountUpdate(StrictInput):
    base_url: (
        Annotated[str, StringConstraints(max_length=300, pattern=r"^https?://\S+$")] | None
    ) = None
    skin: Skin | None = None
    proxy: Annotated[str, StringConstraints(max_length=300)] | None = None
    session_secret: Annotated[str, StringConstraints(max_length=100_000)] | None = None


class PlatformAccountOut(BaseModel):
    id: str
    creator_id: str
    platform: Platform
    handle: str
    link_state: LinkState
    last_error: str | None
    last_synced_at: dt.datetime | None
    connection: dict[str, Any]
    has_session_secret: bool
    has_error_screenshot: bool
    created_at: dt.datetime
    sending: SendingOut | None = Field(
        default=None, description="Its circuit breaker and the pacing of each kind of action."
    )
