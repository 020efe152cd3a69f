"""What each fan paid, by kind, and payments taken back (DESIGN.md §3).

Serves the ``api2`` skin's subscriber totals (``subscribedOnData``) and transaction statuses.
A chargeback (``undo``) removes a payment from a fan's totals; a payment being returned
(``pending_return``) still counts until it is taken back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.simulator.errors import invalid, not_found
from huntaze.simulator.models import Chargeback, Creator, Transaction
from huntaze.simulator.state import get_now

CHARGEBACK_STATUSES = ("undo", "pending_return")


@dataclass
class FanSpend:
    """A fan's payments in cents by kind (charged-back ones left out) and subscription dates."""

    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    subscriptions: int = 0
    last_subscription_at: dt.datetime | None = None

    @property
    def total(self) -> int:
        """Every kind together."""
        return sum(self.by_kind.values())


def charge_back(
    session: Session, creator: Creator, transaction_id: int, *, status: str
) -> Chargeback:
    """Mark a payment as taken back (``undo``) or being returned (``pending_return``)."""
    if status not in CHARGEBACK_STATUSES:
        raise invalid("invalid_status", f"status must be one of {', '.join(CHARGEBACK_STATUSES)}.")
    row = session.get(Transaction, transaction_id)
    if row is None or row.creator_id != creator.id:
        raise not_found("transaction", transaction_id)
    now = get_now(session)
    existing = session.get(Chargeback, transaction_id)
    if existing is None:
        existing = Chargeback(
            transaction_id=transaction_id, creator_id=creator.id, status=status, created_at=now
        )
        session.add(existing)
    existing.status, existing.created_at = status, now
    session.flush()
    return existing


def statuses(session: Session, transaction_ids: Collection[int]) -> dict[int, str]:
    """The chargeback status of those transactions that have one."""
    if not transaction_ids:
        return {}
    rows = session.execute(
        select(Chargeback.transaction_id, Chargeback.status).where(
            Chargeback.transaction_id.in_(list(transaction_ids))
        )
    )
    return {int(tx_id): str(status) for tx_id, status in rows}


def spend_of(session: Session, fan_ids: Collection[int]) -> dict[int, FanSpend]:
    """Each fan's spend by kind and subscription history, in two queries."""
    result: dict[int, FanSpend] = {fan_id: FanSpend() for fan_id in fan_ids}
    if not fan_ids:
        return result
    undone = select(Chargeback.transaction_id).where(Chargeback.status == "undo").scalar_subquery()
    rows = session.execute(
        select(Transaction.fan_id, Transaction.kind, func.sum(Transaction.amount_cents))
        .where(Transaction.fan_id.in_(list(fan_ids)), Transaction.id.not_in(undone))
        .group_by(Transaction.fan_id, Transaction.kind)
    )
    for fan_id, kind, amount in rows:
        result[int(fan_id)].by_kind[str(kind)] += int(amount or 0)
    subs = session.execute(
        select(Transaction.fan_id, func.count(), func.max(Transaction.created_at))
        .where(Transaction.fan_id.in_(list(fan_ids)), Transaction.kind == "subscription")
        .group_by(Transaction.fan_id)
    )
    for fan_id, count, last in subs:
        spend = result[int(fan_id)]
        spend.subscriptions = int(count)
        spend.last_subscription_at = _aware(last)
    return result


def first_subscriptions(session: Session, fan_ids: Collection[int]) -> set[int]:
    """Ids of each fan's first subscription payment (later ones are renewals)."""
    if not fan_ids:
        return set()
    rows = session.execute(
        select(func.min(Transaction.id))
        .where(Transaction.fan_id.in_(list(fan_ids)), Transaction.kind == "subscription")
        .group_by(Transaction.fan_id)
    )
    return {int(tx_id) for (tx_id,) in rows}


def _aware(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass
class KindTotals:
    """Gross and net cents of one kind of payment (charged-back ones left out)."""

    gross: int = 0
    net: int = 0


def statistics(
    session: Session, creator: Creator, *, start: dt.datetime, end: dt.datetime, fee_divisor: int
) -> tuple[dict[str, KindTotals], dict[dt.date, dict[str, KindTotals]]]:
    """Totals by kind over ``[start, end)``, and the same per day, charged-back payments left
    out; net keeps what the platform does not (``amount // fee_divisor`` goes to it)."""
    undone = select(Chargeback.transaction_id).where(Chargeback.status == "undo").scalar_subquery()
    rows = session.execute(
        select(Transaction.created_at, Transaction.kind, Transaction.amount_cents).where(
            Transaction.creator_id == creator.id,
            Transaction.created_at >= start,
            Transaction.created_at < end,
            Transaction.id.not_in(undone),
        )
    )
    totals: dict[str, KindTotals] = defaultdict(KindTotals)
    days: dict[dt.date, dict[str, KindTotals]] = defaultdict(lambda: defaultdict(KindTotals))
    for created_at, kind, amount in rows:
        when = _aware(created_at)
        assert when is not None
        net = int(amount) - int(amount) // fee_divisor
        for bucket in (totals[str(kind)], days[when.date()][str(kind)]):
            bucket.gross += int(amount)
            bucket.net += net
    return dict(totals), {day: dict(kinds) for day, kinds in days.items()}
