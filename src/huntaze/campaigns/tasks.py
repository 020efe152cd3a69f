"""Queue tasks of campaigns (DESIGN.md §6 "Campaign").

``advance_campaign(campaign_id)`` moves one campaign one step (:func:`dispatch.advance`); it is
enqueued when a campaign starts or resumes, and every minute the scheduler moves every campaign
that is scheduled or sending, so a campaign plans about one batch a minute (the outbox paces the
sends inside it) and picks up again after every worker was restarted.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from huntaze.core.db import get_database
from huntaze.core.tasks import enqueue_after_commit, periodic_task, task


@task()
def advance_campaign(campaign_id: str) -> str:
    """One step of one campaign: freeze its audience when due, or plan its next batch."""
    from huntaze.campaigns.dispatch import advance

    return advance(campaign_id)


def wake_campaign_after_commit(session: Session, campaign_id: str) -> None:
    """Enqueue a step of the campaign once ``session`` commits."""
    enqueue_after_commit(session, advance_campaign, campaign_id)


@periodic_task(minute="*")
def advance_campaigns() -> int:
    """Every minute: one step of every scheduled or sending campaign; how many it moved."""
    from huntaze.campaigns.dispatch import advance
    from huntaze.campaigns.repository import campaigns_repo

    with get_database().session_scope(writes=False) as session:
        ids = list(campaigns_repo.active_ids(session))
    for campaign_id in ids:
        advance(campaign_id)
    return len(ids)


@periodic_task(minute="*/5")
def run_due_automations() -> int:
    """Every five minutes: every enabled automation reaches the fans whose trigger came; how
    many fans it sent to."""
    from huntaze.campaigns.automations import run_automations
    from huntaze.core.db import utcnow

    with get_database().session_scope() as session:
        report = run_automations(session, utcnow())
    return sum(report.sent.values())
