"""Queue tasks of the accounts domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_

from huntaze.accounts.models import LoginSession
from huntaze.core.db import get_database, utcnow
from huntaze.core.tasks import periodic_task

# Ended sessions are kept a day so that "your session ended" is explained, then removed.
ENDED_SESSION_RETENTION = dt.timedelta(days=1)


@periodic_task(minute="17", hour="3")
def purge_ended_sessions() -> int:
    """Delete login sessions that expired or were revoked more than a day ago."""
    cutoff = utcnow() - ENDED_SESSION_RETENTION
    with get_database().session_scope() as session:
        result = session.execute(
            delete(LoginSession).where(
                or_(LoginSession.expires_at < cutoff, LoginSession.revoked_at < cutoff)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
