"""Lifetime value and cohort retention by month of subscription (DESIGN.md §6 "Analytics"),
from the spend per fan and month (:class:`~huntaze.analytics.models.FanMonth`).

Definitions (amounts in cents of what fans paid, net of chargebacks):
- LTV up to a day: everything the creator's fans paid up to that day over the fans who ever
  paid (a fan who only had a purchase charged back is not a payer);
- a fan's cohort: the month of their first subscription payment (new or renewal) to the
  creator;
- retention at month *k* of a cohort: the share of its fans who paid a subscription in the
  *k*-th month after the cohort's month (month 0 is the cohort's own, 100 %);
- cohort LTV at month *k*: what the cohort's fans paid from their cohort's month through month
  *k*, over the cohort's size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from huntaze.analytics.kpis import Period, spend_rows
from huntaze.analytics.models import FanMonth
from huntaze.analytics.rollups import month_start
from huntaze.core.tenancy import OrgId, in_organization

# The first day any figure can fall on (periods are kept after 1971, see the service).
BEGINNING = dt.date(1971, 1, 1)


@dataclass(frozen=True, slots=True)
class Ltv:
    """What the creator's fans paid up to a day, and per fan who paid."""

    payers: int
    net_cents: int

    @property
    def ltv_cents(self) -> int:
        """Net revenue per fan who ever paid (0 without any)."""
        return round(self.net_cents / self.payers) if self.payers else 0


@dataclass
class Cohort:
    """The fans whose first subscription payment fell in ``month``, month by month after it."""

    month: dt.date
    fans: int
    retained: list[int] = field(default_factory=list)
    """Fans who paid a subscription in month 0, 1, 2… after the cohort's month."""
    cumulative_cents: list[int] = field(default_factory=list)
    """What the cohort paid from its month through month 0, 1, 2…"""

    @property
    def retention_pct(self) -> list[float]:
        """``retained`` in percent of the cohort."""
        return [round(n / self.fans * 100, 1) if self.fans else 0.0 for n in self.retained]

    @property
    def ltv_cents(self) -> list[int]:
        """``cumulative_cents`` per fan of the cohort."""
        return [round(c / self.fans) if self.fans else 0 for c in self.cumulative_cents]


def months_between(first: dt.date, later: dt.date) -> int:
    """How many calendar months ``later``'s month is after ``first``'s."""
    return (later.year - first.year) * 12 + later.month - first.month


def lifetime_value(
    session: Session, org: OrgId, zone: str, creator_id: str, *, through: dt.date
) -> Ltv:
    """LTV of a creator's fans up to ``through`` (included)."""
    spend = spend_rows(org, zone, [creator_id], Period(BEGINNING, through))
    per_fan = (
        select(
            func.sum(spend.c.spent_cents).label("cents"),
            func.sum(spend.c.purchases).label("purchases"),
        )
        .group_by(spend.c.fan_id)
        .subquery("per_fan")
    )
    payers, cents = session.execute(
        select(
            func.count().filter(per_fan.c.purchases > 0),
            func.coalesce(func.sum(per_fan.c.cents), 0),
        )
    ).one()
    return Ltv(payers=int(payers or 0), net_cents=int(cents or 0))


def cohorts(
    session: Session, org: OrgId, zone: str, creator_id: str, *, first: dt.date, last: dt.date
) -> list[Cohort]:
    """The cohorts of the months from ``first`` to ``last``, each followed up to ``last``'s
    month; the months in order, those without a new subscriber left out."""
    first, last = month_start(first), month_start(last)
    mine = (
        FanMonth.zone == zone,
        FanMonth.creator_id == creator_id,
        FanMonth.month <= last,
    )
    started = (
        in_organization(
            select(FanMonth.fan_id, func.min(FanMonth.month).label("cohort")), org, FanMonth
        )
        .where(*mine, FanMonth.subscriptions > 0)
        .group_by(FanMonth.fan_id)
        .having(func.min(FanMonth.month) >= first)
        .subquery("started")
    )
    rows = session.execute(
        in_organization(
            select(
                started.c.cohort,
                FanMonth.month,
                func.count(),
                func.sum(case((FanMonth.subscriptions > 0, 1), else_=0)),
                func.sum(FanMonth.spent_cents),
            ).join(
                started,
                and_(FanMonth.fan_id == started.c.fan_id, FanMonth.month >= started.c.cohort),
            ),
            org,
            FanMonth,
        )
        .where(*mine)
        .group_by(started.c.cohort, FanMonth.month)
    ).all()
    sizes: dict[dt.date, int] = {
        cohort: int(n)
        for cohort, n in session.execute(
            select(started.c.cohort, func.count()).group_by(started.c.cohort)
        )
    }
    retained: dict[dt.date, dict[int, int]] = defaultdict(dict)
    spent: dict[dt.date, dict[int, int]] = defaultdict(dict)
    for cohort, month, _fans, subscribed, cents in rows:
        k = months_between(cohort, month)
        retained[cohort][k] = int(subscribed or 0)
        spent[cohort][k] = int(cents or 0)
    found = []
    for cohort, size in sorted(sizes.items()):
        span = months_between(cohort, last) + 1
        running, cumulative = 0, []
        for k in range(span):
            running += spent[cohort].get(k, 0)
            cumulative.append(running)
        found.append(
            Cohort(
                month=cohort,
                fans=int(size),
                retained=[retained[cohort].get(k, 0) for k in range(span)],
                cumulative_cents=cumulative,
            )
        )
    return found
