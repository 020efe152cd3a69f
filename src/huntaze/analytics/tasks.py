"""Queue tasks of analytics (DESIGN.md §6 "Analytics").

:func:`refresh_rollups` brings one organization's rollups up to date (queued after an inbox
sync that recorded events); :func:`refresh_all_rollups` runs every ten minutes for every
organization with events, so late events are counted even without a sync. Both are safe to run
twice: a refresh recomputes whole days.
"""

from __future__ import annotations

from huntaze.analytics import rollups
from huntaze.core.db import get_database
from huntaze.core.tasks import enqueue_now, periodic_task, task
from huntaze.core.tenancy import trusted_org_id


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
