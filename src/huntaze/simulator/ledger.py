"""Fans lists and money: subscribers, transactions, earnings by day (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from huntaze.simulator.errors import invalid, not_found
from huntaze.simulator.messaging import check_limit
from huntaze.simulator.models import Creator, Fan, Transaction
from huntaze.simulator.state import get_now

FAN_STATUSES = ("active", "expired", "all")
TRANSACTION_KINDS = ("subscription", "tip", "ppv")


def list_fans(
    session: Session,
    creator: Creator,
    *,
    limit: int,
    status: str = "all",
    after_id: int = 0,
    changed_since: int | None = None,
) -> tuple[list[Fan], bool]:
    """Fans by id after ``after_id``, or, with ``changed_since``, by change sequence."""
    check_limit(limit)
    if status not in FAN_STATUSES:
        raise invalid("invalid_status", f"status must be one of {', '.join(FAN_STATUSES)}.")
    query = select(Fan).where(Fan.creator_id == creator.id)
    if status != "all":
        query = query.where(Fan.status == status)
    if changed_since is not None:
        query = query.where(Fan.changed_seq > changed_since).order_by(Fan.changed_seq)
    else:
        query = query.where(Fan.id > after_id).order_by(Fan.id)
    rows = list(session.scalars(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def fans_page(
    session: Session, creator: Creator, *, status: str, limit: int, offset: int, order: str
) -> tuple[list[Fan], int]:
    """A page of the fans list for the HTML pages and ``api2`` (offset paging), and the total."""
    check_limit(limit)
    query = select(Fan).where(Fan.creator_id == creator.id)
    if status in ("active", "expired"):
        query = query.where(Fan.status == status)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    sort = Fan.total_spent_cents.desc() if order == "spent" else Fan.subscribed_at.desc()
    rows = session.scalars(query.order_by(sort, Fan.id).offset(max(offset, 0)).limit(limit))
    return list(rows), total


def transactions_since(
    session: Session, creator: Creator, *, limit: int, since_id: int = 0
) -> tuple[list[Transaction], bool]:
    """Transactions recorded after ``since_id``, in id order (incremental sync)."""
    check_limit(limit)
    query = (
        select(Transaction)
        .where(Transaction.creator_id == creator.id, Transaction.id > since_id)
        .order_by(Transaction.id)
    )
    rows = list(session.scalars(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def latest_transactions(
    session: Session, creator: Creator, *, limit: int, before_id: int | None = None
) -> tuple[list[Transaction], bool]:
    """Transactions newest first by time; ``before_id`` continues after that transaction."""
    check_limit(limit)
    query = select(Transaction).where(Transaction.creator_id == creator.id)
    anchor = session.get(Transaction, before_id) if before_id is not None else None
    if before_id is not None and (anchor is None or anchor.creator_id != creator.id):
        raise not_found("transaction", before_id)
    if anchor is not None:
        query = query.where(
            or_(
                Transaction.created_at < anchor.created_at,
                and_(Transaction.created_at == anchor.created_at, Transaction.id < anchor.id),
            )
        )
    query = query.order_by(Transaction.created_at.desc(), Transaction.id.desc())
    rows = list(session.scalars(query.limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def fan_names(session: Session, fan_ids: set[int]) -> dict[int, Fan]:
    """Fans by id, loaded in one query (for lists of transactions)."""
    if not fan_ids:
        return {}
    return {f.id: f for f in session.scalars(select(Fan).where(Fan.id.in_(list(fan_ids))))}


@dataclass
class DayEarnings:
    """Gross earnings of one UTC day, in cents, by kind."""

    day: dt.date
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All kinds together."""
        return sum(self.by_kind.values())


def earnings_by_day(session: Session, creator: Creator, *, days: int) -> list[DayEarnings]:
    """Earnings of the last ``days`` simulated days, newest first, one row per day."""
    if not 1 <= days <= 366:
        raise invalid("invalid_days", "days must be between 1 and 366.")
    today = get_now(session).date()
    start = today - dt.timedelta(days=days - 1)
    start_at = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    day_column = func.date(Transaction.created_at)
    sums: dict[dt.date, dict[str, int]] = defaultdict(dict)
    rows = session.execute(
        select(day_column, Transaction.kind, func.sum(Transaction.amount_cents))
        .where(Transaction.creator_id == creator.id, Transaction.created_at >= start_at)
        .group_by(day_column, Transaction.kind)
    ).all()
    for day_text, kind, amount in rows:
        sums[dt.date.fromisoformat(str(day_text))][kind] = int(amount or 0)
    result = []
    for offset in range(days):
        day = today - dt.timedelta(days=offset)
        by_kind = {kind: sums.get(day, {}).get(kind, 0) for kind in TRANSACTION_KINDS}
        result.append(DayEarnings(day=day, by_kind=by_kind))
    return result


def totals(rows: list[DayEarnings]) -> dict[str, int]:
    """Per-kind totals over a list of days, plus ``total``."""
    result = {kind: sum(r.by_kind.get(kind, 0) for r in rows) for kind in TRANSACTION_KINDS}
    result["total"] = sum(result.values())
    return result
