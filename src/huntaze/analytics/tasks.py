"""Queue tasks of analytics (DESIGN.md §6 "Analytics").

:func:`refresh_rollups` brings one organization's rollups up to date (queued after an inbox
sync that recorded events); :func:`refresh_all_rollups` runs every ten minutes for every
organization with events, so late events are counted even without a sync. Both are safe to run
twice: a refresh recomputes whole days. On the 1st of each month,
:func:`store_last_months_reports` queues :func:`store_monthly_reports` per organization, which
keeps every creator's report of the month before in blob storage (run again, it replaces them).
"""

from __future__ import annotations

import datetime as dt

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Role
from huntaze.analytics import rollups
from huntaze.analytics.service import analytics
from huntaze.core.db import get_database, utcnow
from huntaze.core.tasks import enqueue_now, periodic_task, task
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.service import creators
from huntaze.storage.blobs import blob_store


@task()
def refresh_rollups(organization_id: str) -> int:
    """Recompute the days of one organization that have new events; how many days."""
    with get_database().session_scope() as session:
        return len(rollups.refresh(session, trusted_org_id(organization_id)))


@periodic_task(minute="*/10")
def refresh_all_rollups() -> int:
    """Every ten minutes: queue a refresh of every organization with events; how many."""
    with get_database().session_scope(writes=False) as session:
        organizations = list(rollups.organizations_with_events(session))
    for organization_id in organizations:
        enqueue_now(refresh_rollups, organization_id)
    return len(organizations)


@task()
def store_monthly_reports(organization_id: str, month: str) -> int:
    """Keep every creator's report of ``month`` (``YYYY-MM-DD``, its first day) in blob
    storage; how many."""
    actor = Actor(org=trusted_org_id(organization_id), role=Role.OWNER, label="monthly reports")
    first = dt.date.fromisoformat(month)
    blobs = blob_store()
    with get_database().session_scope() as session:
        rollups.refresh(session, actor.org)
        everyone = creators.list_creators(session, actor)
        for creator in everyone:
            analytics.store_monthly_report(session, actor, creator, first, blobs)
        return len(everyone)


@periodic_task(minute="0", hour="5", day="1")
def store_last_months_reports() -> int:
    """On the 1st: queue the reports of the month that just ended; how many organizations."""
    last_month = (utcnow().date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with get_database().session_scope(writes=False) as session:
        organizations = list(rollups.organizations_with_events(session))
    for organization_id in organizations:
        enqueue_now(store_monthly_reports, organization_id, last_month.isoformat())
    return len(organizations)
