"""Recording domain events (DESIGN.md §6 "Analytics"): the one way a domain emits one.

Domains describe what happened as :class:`EventIn` values and call :func:`record_events` inside
their own transaction, so an event exists exactly when the change it describes was committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from huntaze.analytics.models import DomainEvent
from huntaze.core.bulk import insert_new
from huntaze.core.db import new_id, utcnow
from huntaze.core.tenancy import OrgId

KINDS = frozenset(
    {
        "message.received",
        "message.sent",
        "fan.subscribed",
        "fan.expired",
        "purchase.made",
        "purchase.charged_back",
    }
)


@dataclass(frozen=True, slots=True)
class EventIn:
    """One event to record; ``dedupe_key`` names the fact, so recording it again is a no-op."""

    kind: str
    dedupe_key: str
    occurred_at: dt.datetime
    creator_id: str | None = None
    platform_account_id: str | None = None
    fan_id: str | None = None
    amount_cents: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def record_events(session: Session, org: OrgId, events: Sequence[EventIn]) -> int:
    """Store the events not stored yet, in one statement; how many were new."""
    for event in events:
        if event.kind not in KINDS:
            raise ValueError(f"unknown event kind {event.kind!r}")
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "organization_id": org,
            "kind": e.kind,
            "dedupe_key": e.dedupe_key,
            "occurred_at": e.occurred_at,
            "recorded_at": now,
            "creator_id": e.creator_id,
            "platform_account_id": e.platform_account_id,
            "fan_id": e.fan_id,
            "amount_cents": e.amount_cents,
            "payload": e.payload,
        }
        for e in events
    ]
    return len(
        insert_new(
            session, DomainEvent, rows, conflict=("organization_id", "dedupe_key"), returning="id"
        )
    )
