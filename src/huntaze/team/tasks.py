"""Queue tasks of the team domain: every minute, members idle past their agency's limit are
clocked out (their chats back in the queue, their handover written) and conversations whose
holder stayed silent too long go back to the queue. Safe to run twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.core.db import get_database, utcnow
from huntaze.core.tasks import periodic_task
from huntaze.core.tenancy import trusted_org_id
from huntaze.team.models import ChatAssignment, TeamSettings
from huntaze.team.repository import time_entries
from huntaze.team.routing import routing
from huntaze.team.service import close_entry, defaults


def sweep(session: Session, now: dt.datetime) -> tuple[int, int]:
    """Clock out idle members and requeue silent chats in every organization; how many of each."""
    saved = {s.organization_id: s for s in session.scalars(select(TeamSettings))}
    fallback = defaults("")
    cutoffs = {
        org: now - dt.timedelta(minutes=s.idle_clock_out_minutes) for org, s in saved.items()
    }
    cutoffs[""] = now - dt.timedelta(minutes=fallback.idle_clock_out_minutes)
    idle = time_entries.idle_everywhere(session, cutoffs)
    for entry in idle:
        # The time counted ends with the last sign of activity, not with the sweep.
        close_entry(session, entry, at=entry.last_seen_at, auto=True)
    orgs = set(session.scalars(select(ChatAssignment.organization_id).distinct()))
    requeued = 0
    for org in sorted(orgs):
        minutes = saved.get(org, fallback).silent_reassign_minutes
        requeued += routing.tidy(session, trusted_org_id(org), minutes, now)
    return len(idle), requeued


@periodic_task(minute="*")
def sweep_team() -> str:
    """Every minute: auto clock-out and silent-chat requeue."""
    with get_database().session_scope() as session:
        clocked_out, requeued = sweep(session, utcnow())
    return f"clocked out {clocked_out}, requeued {requeued}"
