"""All SQL of the outbox (DESIGN.md §8.2, §6 "Send").

Reads for people are scoped to one organization. The worker's writes go by message id alone (a
task carries only the id) and are compare-and-set updates: the ``WHERE state = ...`` clause and
the affected row count decide who wins, so two workers never both claim a row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.outbox.models import OutboundMessage, OutboxCircuit
from huntaze.outbox.schemas import OutboundFilter
from huntaze.outbox.states import State, check_move


class OutboundMessageRepository(TenantRepository[OutboundMessage]):
    model = OutboundMessage
    not_found_message = "No such outbound message in this organization."

    def by_idempotency_key(self, session: Session, org: OrgId, key: str) -> OutboundMessage | None:
        """The organization's message made with this idempotency key, if any."""
        stmt = self.scoped(org).where(OutboundMessage.idempotency_key == key)
        return session.scalars(stmt).one_or_none()

    def page(
        self, session: Session, org: OrgId, filters: OutboundFilter
    ) -> Sequence[OutboundMessage]:
        """A filtered page of the organization's messages, newest first (one query)."""
        stmt = self.scoped(org)
        for column, value in (
            (OutboundMessage.state, filters.state),
            (OutboundMessage.kind, filters.kind),
            (OutboundMessage.platform_account_id, filters.platform_account_id),
            (OutboundMessage.source_kind, filters.source_kind),
            (OutboundMessage.source_id, filters.source_id),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        stmt = stmt.order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())
        return session.scalars(stmt.limit(filters.limit).offset(filters.offset)).all()

    def of_accounts_between(
        self,
        session: Session,
        org: OrgId,
        account_ids: Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        *,
        limit: int,
    ) -> Sequence[OutboundMessage]:
        """The accounts' messages created in ``[start, end)``, oldest first."""
        if not account_ids:
            return []
        stmt = self.scoped(org).where(
            OutboundMessage.platform_account_id.in_(sorted(set(account_ids))),
            OutboundMessage.created_at >= start,
            OutboundMessage.created_at < end,
        )
        stmt = stmt.order_by(OutboundMessage.created_at, OutboundMessage.id)
        return session.scalars(stmt.limit(limit)).all()

    def queued_of_account(
        self, session: Session, org: OrgId, account_id: str
    ) -> Sequence[OutboundMessage]:
        """The account's messages waiting in ``queued``."""
        stmt = self.scoped(org).where(
            OutboundMessage.platform_account_id == account_id,
            OutboundMessage.state == State.QUEUED.value,
        )
        return session.scalars(stmt).all()

    def count_by_state(self, session: Session, org: OrgId) -> dict[str, int]:
        """How many of the organization's messages are in each state (one query)."""
        counts = select(OutboundMessage.state, func.count()).group_by(OutboundMessage.state)
        stmt = in_organization(counts, org, OutboundMessage)
        return {str(state): int(count) for state, count in session.execute(stmt).all()}

    def by_id(self, session: Session, message_id: str) -> OutboundMessage | None:
        """A message by id in any organization (workers, which hold only the id)."""
        return session.get(OutboundMessage, message_id, populate_existing=True)

    def move(
        self,
        session: Session,
        message_id: str,
        *,
        from_state: State,
        to_state: State,
        where: Sequence[Any] = (),
        **values: Any,
    ) -> bool:
        """Compare-and-set ``from_state → to_state`` with ``values``; whether this call won."""
        check_move(from_state, to_state)
        stmt = (
            update(OutboundMessage)
            .where(OutboundMessage.id == message_id, OutboundMessage.state == from_state.value)
            .where(*where)
            .values(state=to_state.value, **values)
            .execution_options(synchronize_session=False)
        )
        won = bool(session.execute(stmt).rowcount == 1)  # type: ignore[attr-defined]
        session.expire_all()
        return won

    def claim(
        self,
        session: Session,
        message_id: str,
        *,
        now: dt.datetime,
        send_started_at: dt.datetime,
        lease_until: dt.datetime,
    ) -> bool:
        """``queued → sending`` if the row is queued and due, with a lease until
        ``lease_until``; whether this worker won it."""
        return self.move(
            session,
            message_id,
            from_state=State.QUEUED,
            to_state=State.SENDING,
            where=[
                or_(
                    OutboundMessage.next_attempt_at.is_(None),
                    OutboundMessage.next_attempt_at <= now,
                )
            ],
            claimed_at=now,
            lease_until=lease_until,
            updated_at=now,
            attempts=OutboundMessage.attempts + 1,
            send_started_at=send_started_at,
        )

    @staticmethod
    def _lapsed(now: dt.datetime, legacy_before: dt.datetime) -> Any:
        # A row claimed before leases existed has none: it counts as lapsed after one lease.
        return or_(
            OutboundMessage.lease_until < now,
            OutboundMessage.lease_until.is_(None) & (OutboundMessage.claimed_at < legacy_before),
        )

    def lapsed_sending(
        self, session: Session, *, now: dt.datetime, legacy_before: dt.datetime
    ) -> Sequence[str]:
        """Ids of rows in ``sending`` whose lease has lapsed (their worker died)."""
        stmt = select(OutboundMessage.id).where(
            OutboundMessage.state == State.SENDING.value, self._lapsed(now, legacy_before)
        )
        return session.scalars(stmt).all()

    def requeue_lapsed(
        self,
        session: Session,
        message_id: str,
        *,
        now: dt.datetime,
        legacy_before: dt.datetime,
        note: str,
    ) -> bool:
        """``sending → queued`` for a row whose lease has lapsed; whether it moved.

        ``send_started_at`` stays set, so the next try looks on the platform first."""
        return self.move(
            session,
            message_id,
            from_state=State.SENDING,
            to_state=State.QUEUED,
            where=[self._lapsed(now, legacy_before)],
            # Due now: if this wake-up is lost too, the watchdog's overdue sweep finds it soon.
            next_attempt_at=now,
            lease_until=None,
            last_error=note,
            updated_at=now,
        )

    def mark_woken(
        self,
        session: Session,
        message_id: str,
        *,
        due_before: dt.datetime,
        stale_before: dt.datetime,
        now: dt.datetime,
    ) -> bool:
        """Mark a queued row that :meth:`due_queued` found as woken now: its retry time becomes
        ``now``, so the next sweep leaves it alone for a while; whether it was still due."""
        stmt = (
            update(OutboundMessage)
            .where(
                OutboundMessage.id == message_id,
                OutboundMessage.state == State.QUEUED.value,
                or_(
                    OutboundMessage.next_attempt_at <= due_before,
                    OutboundMessage.next_attempt_at.is_(None)
                    & (OutboundMessage.updated_at < stale_before),
                ),
            )
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(session.execute(stmt).rowcount == 1)  # type: ignore[attr-defined]

    def due_queued(
        self, session: Session, *, now: dt.datetime, stale_before: dt.datetime, limit: int
    ) -> Sequence[tuple[str, str, str]]:
        """(id, organization id, account id) of queued rows whose retry is due, or whose wake-up
        may have been lost (queued without a retry time since before ``stale_before``)."""
        stmt = (
            select(
                OutboundMessage.id,
                OutboundMessage.organization_id,
                OutboundMessage.platform_account_id,
            )
            .where(
                OutboundMessage.state == State.QUEUED.value,
                or_(
                    OutboundMessage.next_attempt_at <= now,
                    (OutboundMessage.next_attempt_at.is_(None))
                    & (OutboundMessage.updated_at < stale_before),
                ),
            )
            .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
            .limit(limit)
        )
        return [(row[0], row[1], row[2]) for row in session.execute(stmt).all()]


class CircuitRepository:
    """The per-account circuit breaker rows."""

    def get(self, session: Session, platform_account_id: str) -> OutboxCircuit | None:
        """The circuit of one account, if it ever failed."""
        return session.get(OutboxCircuit, platform_account_id, populate_existing=True)

    def get_or_add(self, session: Session, platform_account_id: str) -> OutboxCircuit:
        """The circuit of one account, created closed when missing."""
        circuit = self.get(session, platform_account_id)
        if circuit is None:
            circuit = OutboxCircuit(
                platform_account_id=platform_account_id, failures=0, state="closed"
            )
            session.add(circuit)
        return circuit


outbound_messages = OutboundMessageRepository()
circuits = CircuitRepository()
