"""API shapes of segments and campaigns (DESIGN.md §6 "Campaign")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huntaze.campaigns.rules import FanIdList, SegmentRules
from huntaze.campaigns.states import Action, Kind, Schedule, State, WinnerMetric
from huntaze.core.fields import AwareDatetime, ObjectId, PriceCents

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
LocalTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
MediaId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
MAX_VARIANTS = 5


class SegmentRulesIn(BaseModel):
    """Rules and lists of a segment over the account in the path: what the live count reads."""

    model_config = ConfigDict(extra="forbid")

    rules: SegmentRules = SegmentRules()
    include_fan_ids: FanIdList = []
    exclude_fan_ids: FanIdList = []


class SegmentCreateIn(SegmentRulesIn):
    """A segment to save over the account in the path."""

    name: Name


class SegmentDraft(SegmentRulesIn):
    """Rules and lists of a segment over one account (what the service counts)."""

    platform_account_id: ObjectId


class SegmentIn(SegmentDraft):
    """A saved segment."""

    name: Name


class SegmentOut(BaseModel):
    """A saved segment as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    platform_account_id: str
    name: str
    rules: dict[str, Any]
    include_fan_ids: list[str]
    exclude_fan_ids: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime


class SegmentCountOut(BaseModel):
    """How many fans a segment holds now, and how many of them opted out."""

    fans: int
    opted_out: int


class VariantIn(BaseModel):
    """One A/B variant: its text, its price (a PPV; the campaign's when left out) and its share
    of the test (the shares of all variants add up to 100)."""

    model_config = ConfigDict(extra="forbid")

    label: Label
    text: Text
    price_cents: PriceCents | None = None
    split_percent: Annotated[int, Field(ge=1, le=99)]


class VariantOut(BaseModel):
    """A variant as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    label: str
    text: str
    price_cents: int | None
    split_percent: int


class CampaignBody(BaseModel):
    """A new campaign to the segment in the path (a draft until started)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: Kind = Kind.MESSAGE
    text: Text
    price_cents: PriceCents | None = None
    media_ids: Annotated[list[MediaId], Field(max_length=20)] = []
    schedule: Schedule = Schedule.NOW
    send_at: AwareDatetime | None = None
    local_time: LocalTime | None = None
    exclude_messaged_hours: Annotated[int, Field(ge=1, le=24 * 30)] | None = 24
    holdout_percent: Annotated[int, Field(ge=0, le=50)] = 10
    batch_size: Annotated[int, Field(ge=1, le=1000)] = 50
    # A/B variants (none, or 2 to 5): ``text`` and ``price_cents`` above are then the first
    # variant's when left as they are.
    variants: Annotated[list[VariantIn], Field(max_length=MAX_VARIANTS)] = []
    winner_metric: WinnerMetric = WinnerMetric.REVENUE_PER_RECIPIENT
    test_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 24
    test_percent: Annotated[int, Field(ge=10, le=100)] = 100


class CampaignIn(CampaignBody):
    """A new campaign and its segment (what the service writes)."""

    segment_id: ObjectId


class CampaignOut(BaseModel):
    """A campaign as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    platform_account_id: str
    segment_id: str
    name: str
    kind: Kind
    text: str
    price_cents: int | None
    media_ids: list[str]
    state: State
    schedule: Schedule
    send_at: dt.datetime | None
    local_time: str | None
    exclude_messaged_hours: int | None
    holdout_percent: int
    batch_size: int
    audience_count: int
    holdout_count: int
    excluded_count: int
    planned_count: int
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    state_note: str | None
    variants: list[VariantOut] = []
    winner_metric: WinnerMetric
    test_hours: int
    test_percent: int
    winner_variant_id: str | None
    winner_chosen_at: dt.datetime | None
    winner_note: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ProgressOut(BaseModel):
    """Where a campaign's sending stands: its audience by arm and its messages by state."""

    state: State
    audience: int
    held_out: int
    excluded: int
    pending: int
    queued: int
    sending: int
    sent: int
    failed: int
    cancelled: int
    refused: int
    waiting: int = 0
    percent_done: int
    actions: list[Action]


class VariantResultOut(BaseModel):
    """How one A/B variant did: its recipients, buyers and revenue in the window, and its
    revenue per recipient against the hold-out with a Welch interval and p-value."""

    variant_id: str
    label: str
    price_cents: int | None
    recipients: int
    sent: int
    buyers: int
    buy_rate: float
    revenue_cents: int
    revenue_per_recipient_cents: float
    lift_per_fan_cents: float
    low_cents: float | None
    high_cents: float | None
    p_value: float | None
    winner: bool
    warning: str | None


class UpliftOut(BaseModel):
    """Incremental revenue per fan (treated minus hold-out) in the window after the start,
    with its interval; ``warning`` says when the groups cannot tell."""

    window_days: int
    treated_fans: int
    control_fans: int
    treated_mean_cents: float
    control_mean_cents: float
    per_fan_cents: float
    low_cents: float | None
    high_cents: float | None
    confidence: float
    total_cents: float
    p_value: float | None = None
    warning: str | None
    variants: list[VariantResultOut] = []


class AutomationBody(BaseModel):
    """A triggered flow on the account in the path: a welcome after a subscription, or a
    win-back after an expiry."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    trigger: Literal["welcome", "win_back"]
    text: Text
    delay_hours: Annotated[int, Field(ge=0, le=24 * 30)] = 0
    days_after_expiry: Annotated[int, Field(ge=0, le=365)] = 0
    cap_per_week: Annotated[int, Field(ge=1, le=50)] = 2


class AutomationIn(AutomationBody):
    """A triggered flow and its account (what the service writes)."""

    platform_account_id: ObjectId


class AutomationOut(BaseModel):
    """An automation as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    platform_account_id: str
    name: str
    trigger: str
    text: str
    delay_hours: int
    days_after_expiry: int
    cap_per_week: int
    enabled: bool
    created_at: dt.datetime
