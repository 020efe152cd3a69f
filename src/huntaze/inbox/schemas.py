"""API shapes of the inbox domain."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class ChatMessageOut(BaseModel):
    """A synced chat message."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    fan_id: str
    platform_message_id: str
    direction: str
    text: str
    sent_at: dt.datetime
    price_cents: int | None
    purchased: bool


class SyncStreamOut(BaseModel):
    """Where one stream of an account's sync stands."""

    model_config = ConfigDict(from_attributes=True)

    stream: str
    items_synced: int
    synced_at: dt.datetime | None
    last_error: str | None


class SyncQueuedOut(BaseModel):
    """A sync was queued; ``streams`` tells where the previous ones stand."""

    queued: bool
    streams: list[SyncStreamOut]
