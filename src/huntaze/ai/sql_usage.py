"""The SQL usage recorder: every AI provider call becomes an ``ai_usage`` row (DESIGN.md §4).

:class:`SqlUsageRecorder` implements :class:`~huntaze.ai.usage.UsageRecorder`. Rows are written
in their own short session, never in the caller's transaction, so the record of a paid call
survives a request that fails afterwards. Inside a request (``usage_on_behalf_of(session)``) the
write waits until the request's transaction has ended, committed or rolled back: on SQLite the
request holds the write lock from its first statement (``BEGIN IMMEDIATE``), so a second writer
would wait on it until timeout. Spending for caps is then read through the request's session,
plus the calls of this request not yet written. Outside a request (tasks, CLI) rows are written
at once through ``get_database().session_scope()``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import Session, SessionTransaction

from huntaze.ai.records import AIUsage
from huntaze.ai.usage import UsageEntry, month_of
from huntaze.core.db import get_database
from huntaze.core.tenancy import OrgId, in_organization, trusted_org_id

log = logging.getLogger(__name__)

_PENDING_KEY = "huntaze.ai.pending_usage"
_caller: ContextVar[Session | None] = ContextVar("huntaze_ai_usage_caller", default=None)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``month`` (``YYYY-MM``, UTC) and of the month after it."""
    start = dt.datetime.strptime(month, "%Y-%m").replace(tzinfo=dt.UTC)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following


def spent_query(org: OrgId, month: str, task: str | None) -> Select[Any]:
    """One SUM over the (organization_id, created_at) index, optionally for one task."""
    start, end = month_bounds(month)
    spent = select(func.coalesce(func.sum(AIUsage.cost_micro_usd), 0))
    stmt = in_organization(spent, org, AIUsage).where(
        AIUsage.created_at >= start, AIUsage.created_at < end
    )
    if task is not None:
        stmt = stmt.where(AIUsage.task == task)
    return stmt


def usage_row(entry: UsageEntry) -> AIUsage:
    """The ``ai_usage`` row of one entry."""
    return AIUsage(
        organization_id=entry.organization_id,
        creator_id=entry.creator_id,
        task=entry.task,
        provider=entry.provider,
        model=entry.model,
        prompt_version=entry.prompt_version,
        outcome=entry.outcome,
        tokens_in=entry.tokens_in,
        tokens_out=entry.tokens_out,
        latency_ms=entry.latency_ms,
        cost_micro_usd=entry.cost_micro_usd,
        created_at=entry.at,
    )


@contextmanager
def usage_on_behalf_of(session: Session) -> Iterator[None]:
    """Within the block, usage is read through ``session`` and written after its transaction."""
    session.connection()  # begin now, so the end of this transaction is what we wait for
    token = _caller.set(session)
    try:
        yield
    finally:
        _caller.reset(token)


class SqlUsageRecorder:
    """Stores usage in ``ai_usage`` and sums its cost per organization, month and task."""

    def record(self, entry: UsageEntry) -> None:
        """Keep one entry: now in its own session, or after the caller's transaction ends."""
        caller = _caller.get()
        if caller is not None:
            caller.info.setdefault(_PENDING_KEY, []).append(entry)
            return
        with get_database().session_scope() as session:
            session.add(usage_row(entry))

    def spent_micro_usd(self, *, organization_id: str, month: str, task: str | None = None) -> int:
        """What the organization's calls of ``month`` cost, optionally for one task."""
        # The router asks for the organization of the actor it serves.
        stmt = spent_query(trusted_org_id(organization_id), month, task)
        caller = _caller.get()
        if caller is None:
            with get_database().session_scope() as session:
                return int(session.scalar(stmt) or 0)
        pending: list[UsageEntry] = caller.info.get(_PENDING_KEY, [])
        unwritten = sum(
            e.cost_micro_usd
            for e in pending
            if e.organization_id == organization_id
            and month_of(e.at) == month
            and (task is None or e.task == task)
        )
        return int(caller.scalar(stmt) or 0) + unwritten


def _write_pending(session: Session) -> None:
    entries: list[UsageEntry] = session.info.pop(_PENDING_KEY, [])
    if not entries:
        return
    try:
        with Session(bind=session.get_bind(), join_transaction_mode="create_savepoint") as own:
            own.add_all([usage_row(e) for e in entries])
            own.commit()
    except Exception:
        log.exception("could not record %d AI usage rows", len(entries))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    _write_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # Usage is kept when the request fails; only the outermost transaction's end counts.
    if previous_transaction.parent is None:
        _write_pending(session)
