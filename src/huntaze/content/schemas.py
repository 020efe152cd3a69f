"""API shapes of the content vault."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huntaze.core.fields import PriceCents

# Printable text only: no control characters (PostgreSQL refuses NUL in text).
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
FolderName = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=_PRINTABLE)
]
TagName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=_PRINTABLE)
]
FileName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]


class VaultItemOut(BaseModel):
    """A vault item as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    creator_id: str
    kind: str
    media_type: str
    filename: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    has_thumbnail: bool
    folder: str
    tags: list[str]
    price_cents: int | None
    currency: str
    created_at: dt.datetime


class VaultItemUpdate(BaseModel):
    """What a person may change on an item: its folder, tags and price (null: not for sale)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    folder: FolderName | None = None
    tags: Annotated[list[TagName], Field(max_length=30)] | None = None
    price_cents: PriceCents | None = None


PlatformName = Literal["onlyfans", "instagram", "x", "tiktok", "reddit"]
CaptionText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2200, pattern=r"^[^\x00]*$")
]


class LadderIn(BaseModel):
    """A folder's price ladder: the prices of the first, second, … offer (empty: no ladder)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    folder: Annotated[FolderName, StringConstraints(min_length=1)]
    steps_cents: Annotated[list[PriceCents], Field(max_length=8)] = []


class LadderOut(BaseModel):
    """A folder's price ladder as saved (no steps: it has none)."""

    folder: str
    steps_cents: list[int]
    currency: str


class PlannedPostIn(BaseModel):
    """A post to plan: the day and hour on the agency's clock, its platform, caption and item."""

    model_config = ConfigDict(extra="forbid", strict=True)

    day: Annotated[dt.date, Field(strict=False, ge=dt.date(1971, 1, 1), le=dt.date(2199, 12, 30))]
    hour: Annotated[int, Field(strict=False, ge=0, le=23)]
    platform: PlatformName = "onlyfans"
    caption: CaptionText = ""
    vault_item_id: Annotated[str, StringConstraints(max_length=64)] | None = None


class IdeaIn(BaseModel):
    """An idea for a post: title, description, content type and tags."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=_PRINTABLE),
    ]
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=240, pattern=_PRINTABLE)
    ] = ""
    content_type: Literal["photo", "video", "text", "live", "bundle"] = "photo"
    tags: Annotated[list[TagName], Field(max_length=10)] = []
    source: Literal["model", "template"] = "template"


class FanItemOut(BaseModel):
    """What one fan had of an item: its state, how often, the last time, what was paid."""

    fan_id: str
    username: str
    state: str
    deliveries: int
    last_at: dt.datetime
    revenue_cents: int


class PerformanceOut(BaseModel):
    """An item's record: free sends, paid offers, purchases, buy rate and revenue."""

    free_sends: int
    offers: int
    buys: int
    buy_rate: float | None
    revenue_cents: int


class ItemOffersOut(BaseModel):
    """An item's performance and, per fan, what they had of it."""

    item_id: str
    performance: PerformanceOut
    fans: list[FanItemOut]


class BestHoursOut(BaseModel):
    """Purchase and tip events and learned scores per hour of the week (Monday 00:00 first),
    on the fans' clocks where known, else in ``zone``."""

    zone: str
    events: int
    confidence: str
    sure: bool
    counts: list[int]
    scores: list[float]
    best: list[int]
