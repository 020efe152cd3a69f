"""KPIs from the rollups (DESIGN.md §6 "Analytics"): sums of a period's days, the distinct
spenders of the period, and the same for the previous period of equal length.

Definitions (amounts in cents of what fans paid):
- gross revenue: every purchase; by type (subscriptions new and renewal, tips, PPV, messages,
  posts, other);
- net revenue: gross less what was charged back in the period;
- spenders: distinct fans who paid in the period; ARPPU: net revenue per spender (both, and
  the top fans, read the spend per fan and month for the months the period covers whole, and
  the spend per fan and day only for the days at its ends: :func:`spend_rows`);
- churn: expired subscriptions over those that came up for renewal (expired + renewed);
- PPV conversion per price point: PPVs bought over PPVs offered at that price;
- per source (chatter, AI, automation, platform…): revenue and messages sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Subquery, and_, case, func, or_, select, union_all
from sqlalchemy.orm import Session

from huntaze.analytics.models import FanDay, FanMonth, Rollup
from huntaze.analytics.rollups import REVENUE_TYPES, month_end
from huntaze.core.tenancy import OrgId, in_organization

MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class Period:
    """Days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many days."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def each_day(self) -> list[dt.date]:
        """Every day of the period, in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    @property
    def label(self) -> str:
        """``2026-11-01 – 2026-11-30``."""
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def split_months(period: Period) -> tuple[list[dt.date], list[Period]]:
    """The months ``period`` covers whole (their first days), and the periods of its days
    outside them (none, one or two)."""
    month = period.start.replace(day=1)
    if month < period.start:
        month = month_end(month) + dt.timedelta(days=1)
    months: list[dt.date] = []
    while month_end(month) <= period.end:
        months.append(month)
        month = month_end(month) + dt.timedelta(days=1)
    if not months:
        return [], [period]
    edges = []
    if period.start < months[0]:
        edges.append(Period(period.start, months[0] - dt.timedelta(days=1)))
    last = month_end(months[-1])
    if last < period.end:
        edges.append(Period(last + dt.timedelta(days=1), period.end))
    return months, edges


def spend_rows(org: OrgId, zone: str, creator_ids: Sequence[str], period: Period) -> Subquery:
    """What fans spent in the period as rows of (``fan_id``, ``spent_cents``, ``purchases``),
    a fan possibly on several rows: a row per fan and month for the months the period covers
    whole, a row per fan and day for the days at its ends."""
    ids = list(creator_ids)
    months, edges = split_months(period)
    parts = []
    if months:
        parts.append(
            in_organization(
                select(
                    FanMonth.fan_id.label("fan_id"),
                    FanMonth.spent_cents.label("spent_cents"),
                    FanMonth.purchases.label("purchases"),
                ),
                org,
                FanMonth,
            ).where(
                FanMonth.zone == zone,
                FanMonth.creator_id.in_(ids),
                FanMonth.month >= months[0],
                FanMonth.month <= months[-1],
            )
        )
    if edges:
        parts.append(
            in_organization(
                select(
                    FanDay.fan_id.label("fan_id"),
                    FanDay.spent_cents.label("spent_cents"),
                    FanDay.purchases.label("purchases"),
                ),
                org,
                FanDay,
            ).where(
                FanDay.zone == zone,
                FanDay.creator_id.in_(ids),
                or_(*(and_(FanDay.day >= e.start, FanDay.day <= e.end) for e in edges)),
            )
        )
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    return statement.subquery("spend")


def month_period(month: dt.date) -> Period:
    """The calendar month that ``month`` falls in."""
    start = month.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, following - dt.timedelta(days=1))


@dataclass
class Kpis:
    """A period's figures for one creator or several."""

    period: Period
    gross_by_type: dict[str, int]
    chargebacks: int
    chargeback_cents: int
    purchases: int
    spenders: int
    subs_new: int
    subs_renewed: int
    fans_subscribed: int
    fans_expired: int
    messages_received: int
    messages_sent: int
    ppv_offered: int
    ppv_bought: int
    ppv_by_price: dict[int, tuple[int, int]] = field(default_factory=dict)
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per source: ``gross`` revenue (cents) and ``sent`` messages."""
    daily_gross: dict[dt.date, int] = field(default_factory=dict)
    daily_gross_by_type: dict[dt.date, dict[str, int]] = field(default_factory=dict)

    @property
    def gross_cents(self) -> int:
        """All purchases."""
        return sum(self.gross_by_type.values())

    @property
    def net_cents(self) -> int:
        """Gross less chargebacks."""
        return self.gross_cents - self.chargeback_cents

    @property
    def arppu_cents(self) -> int:
        """Net revenue per paying fan (0 without spenders)."""
        return round(self.net_cents / self.spenders) if self.spenders else 0

    @property
    def spend_per_spender_cents(self) -> int:
        """Gross revenue per paying fan."""
        return round(self.gross_cents / self.spenders) if self.spenders else 0

    @property
    def churn_pct(self) -> float:
        """Expired subscriptions over those that came up for renewal, in percent."""
        due = self.fans_expired + self.subs_renewed
        return round(self.fans_expired / due * 100, 1) if due else 0.0

    @property
    def ppv_conversion_pct(self) -> float:
        """PPVs bought over PPVs offered, in percent."""
        return round(self.ppv_bought / self.ppv_offered * 100, 1) if self.ppv_offered else 0.0

    @property
    def ppv_conversion_by_price_pct(self) -> dict[int, float]:
        """Per price point (cents), PPVs bought over PPVs offered at that price, in percent
        (0 where none was offered in the period)."""
        return {
            price: round(bought / offered * 100, 1) if offered else 0.0
            for price, (offered, bought) in self.ppv_by_price.items()
        }


def _sum(metric: str, sums: dict[str, int]) -> int:
    return int(sums.get(metric, 0))


def spender_count(
    session: Session, org: OrgId, zone: str, creator_ids: Sequence[str], period: Period
) -> int:
    """How many distinct fans paid ``creator_ids`` in the period (counted over a grouping by
    fan, which databases hash, where ``COUNT(DISTINCT)`` sorts)."""
    spend = spend_rows(org, zone, creator_ids, period)
    payers = select(spend.c.fan_id).where(spend.c.purchases > 0).group_by(spend.c.fan_id)
    found = session.scalar(select(func.count()).select_from(payers.subquery("payers")))
    return int(found or 0)


def compute(
    session: Session,
    org: OrgId,
    zone: str,
    creator_ids: Sequence[str],
    period: Period,
    *,
    spenders: bool = True,
) -> Kpis:
    """The KPIs of ``creator_ids`` together over ``period`` (days cut in ``zone``); without
    ``spenders`` the distinct spenders are left at 0 (a period read for its daily series)."""
    ids = list(creator_ids)
    sums: dict[str, int] = {}
    daily: dict[dt.date, int] = defaultdict(int)
    daily_by_type: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_source: dict[str, dict[str, int]] = defaultdict(lambda: {"gross": 0, "sent": 0})
    rows = session.execute(
        in_organization(
            select(Rollup.day, Rollup.source, Rollup.metric, func.sum(Rollup.value)), org, Rollup
        )
        .where(
            Rollup.zone == zone,
            Rollup.creator_id.in_(ids),
            Rollup.day >= period.start,
            Rollup.day <= period.end,
        )
        .group_by(Rollup.day, Rollup.source, Rollup.metric)
    ).all()
    for day, source, metric, value in rows:
        sums[metric] = sums.get(metric, 0) + int(value or 0)
        if metric == "messages.sent":
            by_source[source]["sent"] += int(value or 0)
        if metric.startswith("gross."):
            by_source[source]["gross"] += int(value or 0)
            daily[day] += int(value or 0)
            daily_by_type[day][metric.removeprefix("gross.")] += int(value or 0)
    spender_total = spender_count(session, org, zone, ids, period) if spenders else 0
    by_price: dict[int, tuple[int, int]] = {}
    for metric, value in sums.items():
        if metric.startswith("ppv.offered@"):
            price = int(metric.split("@", 1)[1])
            offered, bought = by_price.get(price, (0, 0))
            by_price[price] = (offered + value, bought)
        elif metric.startswith("ppv.bought@"):
            price = int(metric.split("@", 1)[1])
            offered, bought = by_price.get(price, (0, 0))
            by_price[price] = (offered, bought + value)
    return Kpis(
        period=period,
        gross_by_type={t: _sum(f"gross.{t}", sums) for t in REVENUE_TYPES},
        chargebacks=_sum("chargebacks", sums),
        chargeback_cents=_sum("chargeback_cents", sums),
        purchases=_sum("purchases", sums),
        spenders=spender_total,
        subs_new=_sum("subs.new", sums),
        subs_renewed=_sum("subs.renewed", sums),
        fans_subscribed=_sum("fans.subscribed", sums),
        fans_expired=_sum("fans.expired", sums),
        messages_received=_sum("messages.received", sums),
        messages_sent=_sum("messages.sent", sums),
        ppv_offered=_sum("ppv.offered", sums),
        ppv_bought=_sum("ppv.bought", sums),
        ppv_by_price=dict(sorted(by_price.items())),
        by_source={k: dict(v) for k, v in sorted(by_source.items())},
        daily_gross={d: daily.get(d, 0) for d in period.each_day()},
        daily_gross_by_type={d: dict(daily_by_type.get(d, {})) for d in period.each_day()},
    )


def spenders_and_top_fans(
    session: Session, org: OrgId, zone: str, creator_id: str, period: Period, *, limit: int = 10
) -> tuple[int, list[tuple[str, int, int]]]:
    """The distinct spenders of the period and its top fans (as :func:`spender_count` and
    :func:`top_fans`) from one grouping by fan: the count is a window over the groups."""
    spend = spend_rows(org, zone, [creator_id], period)
    total = func.sum(spend.c.spent_cents)
    paid = func.sum(spend.c.purchases)
    payers = func.sum(case((paid > 0, 1), else_=0)).over()
    rows = session.execute(
        select(spend.c.fan_id, total, paid, payers)
        .group_by(spend.c.fan_id)
        .order_by(total.desc(), spend.c.fan_id)
        .limit(limit)
    ).all()
    count = int(rows[0][3] or 0) if rows else 0
    return count, [(fan_id, int(cents or 0), int(n or 0)) for fan_id, cents, n, _ in rows]


def top_fans(
    session: Session, org: OrgId, zone: str, creator_id: str, period: Period, *, limit: int = 10
) -> list[tuple[str, int, int]]:
    """The fans who spent most in the period: (fan id, cents, purchases)."""
    spend = spend_rows(org, zone, [creator_id], period)
    total = func.sum(spend.c.spent_cents)
    rows = session.execute(
        select(spend.c.fan_id, total, func.sum(spend.c.purchases))
        .group_by(spend.c.fan_id)
        .order_by(total.desc(), spend.c.fan_id)
        .limit(limit)
    ).all()
    return [(fan_id, int(cents or 0), int(count or 0)) for fan_id, cents, count in rows]
