"""API shapes of the fans domain."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class FanOut(BaseModel):
    """A fan as the API shows them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    creator_id: str
    platform_account_id: str
    platform_fan_id: str
    username: str
    display_name: str
    status: str
    subscribed_at: dt.datetime | None
    expires_at: dt.datetime | None
    total_spent_cents: int
    spent_subscription_cents: int
    spent_tip_cents: int
    spent_ppv_cents: int
    spent_message_cents: int
    platform_spent_cents: int
    last_purchase_at: dt.datetime | None
    last_message_at: dt.datetime | None
    last_inbound_at: dt.datetime | None
    unread_count: int
    opted_out: bool


class FanFilter(BaseModel):
    """Query parameters of the fan list."""

    model_config = ConfigDict(extra="forbid")

    creator_id: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, pattern="^(active|expired)$")
    q: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)
