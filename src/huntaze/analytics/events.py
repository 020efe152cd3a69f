"""Recording domain events (DESIGN.md §6 "Analytics"): the one way a domain emits one.

Domains describe what happened as :class:`EventIn` values and call :func:`record_events` inside
their own transaction, so an event exists exactly when the change it describes was committed.
They go to the SQL store of :mod:`huntaze.storage.eventstore`, which the rollups read.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from huntaze.core.tenancy import OrgId
from huntaze.storage.eventstore import EventIn, SqlEventStore

__all__ = ["KINDS", "EventIn", "record_events"]

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


def record_events(session: Session, org: OrgId, events: Sequence[EventIn]) -> int:
    """Store the events not stored yet, in one statement; how many were new."""
    for event in events:
        if event.kind not in KINDS:
            raise ValueError(f"unknown event kind {event.kind!r}")
    return SqlEventStore().record(session, org, events)
