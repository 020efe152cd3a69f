"""The analytics service (DESIGN.md §6 "Analytics"): dashboards of one creator and of the
agency, settings of how days are cut, all checked for the actor's organization and role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.analytics import cohorts, insights, kpis, report, rollups
from huntaze.analytics.kpis import Kpis, Period
from huntaze.analytics.models import AnalyticsSetting, MonthlyReport
from huntaze.core.db import utcnow
from huntaze.core.errors import InvalidInputError, NotFoundError
from huntaze.core.tenancy import in_organization
from huntaze.creators.models import Creator
from huntaze.creators.service import creators
from huntaze.fans.service import fans
from huntaze.storage.blobs import BlobStore

DEFAULT_DAYS = 30
# The days a period may cover (with room before for the previous periods it is compared with).
EARLIEST = dt.date(1971, 1, 1)
LATEST = dt.date(2199, 12, 31)


@dataclass
class CreatorDashboard:
    """One creator's period beside the previous one, with its top fans and insights."""

    creator: Creator
    zone: str
    current: Kpis
    previous: Kpis
    top_fans: list[tuple[str, str, int, int]]
    insights: list[insights.Insight]


@dataclass
class AgencyRow:
    """One creator's line in the agency table."""

    creator: Creator
    current: Kpis
    previous: Kpis


@dataclass
class AgencyOverview:
    """Every creator of the agency over one period, and all of them together."""

    zone: str
    period: Period
    rows: list[AgencyRow]
    total: Kpis
    total_previous: Kpis


@dataclass
class CohortView:
    """A creator's LTV up to the end of a month, and the cohorts of the months before it."""

    creator: Creator
    zone: str
    first: dt.date
    last: dt.date
    through: dt.date
    ltv: cohorts.Ltv
    cohorts: list[cohorts.Cohort]

    @property
    def span(self) -> int:
        """How many months the oldest cohort is followed (the table's columns)."""
        return max((len(c.retained) for c in self.cohorts), default=0)


MAX_COHORT_MONTHS = 24


def default_period(zone: str, *, days: int = DEFAULT_DAYS) -> Period:
    """The last ``days`` days up to today in ``zone``."""
    today = rollups.local_day(utcnow(), zone)
    return Period(today - dt.timedelta(days=days - 1), today)


def parse_period(start: dt.date | None, end: dt.date | None, zone: str) -> Period:
    """A period from optional bounds (the last 30 days by default); 422 when it makes no sense."""
    if start is None and end is None:
        return default_period(zone)
    # Each given bound is checked before the other is derived from it (a day before year 1
    # cannot be computed, let alone shown).
    if any(day is not None and not EARLIEST <= day <= LATEST for day in (start, end)):
        raise InvalidInputError(
            f"Dates must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}."
        )
    if end is None:
        end = rollups.local_day(utcnow(), zone)
    if start is None:
        start = max(EARLIEST, end - dt.timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise InvalidInputError(
            "The start of the period must not be after its end.",
        )
    if (end - start).days + 1 > kpis.MAX_DAYS:
        raise InvalidInputError(
            f"A period is at most {kpis.MAX_DAYS} days.",
        )
    return Period(start, end)


class AnalyticsService:
    """Dashboards and settings of analytics."""

    def zone(self, session: Session, actor: Actor) -> str:
        """The zone the actor's organization cuts its days in."""
        actor.require(Permission.ANALYTICS_READ)
        return rollups.day_zone(session, actor.org)

    def settings(self, session: Session, actor: Actor) -> tuple[str, bool]:
        """The organization's time zone and whether days are cut in UTC instead."""
        actor.require(Permission.ANALYTICS_READ)
        row = session.scalar(in_organization(select(AnalyticsSetting), actor.org, AnalyticsSetting))
        return (row.timezone, row.use_utc) if row else (rollups.UTC, False)

    def update_settings(
        self, session: Session, actor: Actor, *, timezone: str, use_utc: bool
    ) -> str:
        """Set how days are cut; the days are recomputed in the new zone. The zone now used."""
        actor.require(Permission.ORG_MANAGE)
        if timezone not in available_timezones():
            raise InvalidInputError(
                f"Unknown time zone {timezone!r}.",
            )
        row = session.scalar(in_organization(select(AnalyticsSetting), actor.org, AnalyticsSetting))
        if row is None:
            row = AnalyticsSetting(organization_id=actor.org)
            session.add(row)
        row.timezone, row.use_utc, row.updated_at = timezone, use_utc, utcnow()
        session.flush()
        zone = rollups.day_zone(session, actor.org)
        rollups.rebuild(session, actor.org, zone=zone)
        return zone

    def creator_dashboard(
        self, session: Session, actor: Actor, creator: Creator, period: Period
    ) -> CreatorDashboard:
        """One creator's KPIs over ``period`` and the previous period, top fans, insights."""
        actor.require(Permission.ANALYTICS_READ)
        zone = rollups.day_zone(session, actor.org)
        current = kpis.compute(session, actor.org, zone, [creator.id], period, spenders=False)
        spenders, top = kpis.spenders_and_top_fans(session, actor.org, zone, creator.id, period)
        current = replace(current, spenders=spenders)
        previous = kpis.compute(session, actor.org, zone, [creator.id], period.previous())
        history = {**previous.daily_gross, **current.daily_gross}
        earlier = kpis.compute(
            session, actor.org, zone, [creator.id], period.previous().previous(), spenders=False
        )
        series = {**earlier.daily_gross, **history}
        found = insights.anomalies(series, period.each_day())
        names = fans.names(session, actor, [fan_id for fan_id, _c, _n in top])
        return CreatorDashboard(
            creator=creator,
            zone=zone,
            current=current,
            previous=previous,
            top_fans=[(fan_id, names.get(fan_id, fan_id), c, n) for fan_id, c, n in top],
            insights=found,
        )

    def creator_cohorts(
        self, session: Session, actor: Actor, creator: Creator, month: dt.date, *, months: int = 12
    ) -> CohortView:
        """LTV up to the end of ``month``, and the cohorts of the ``months`` months up to it,
        each followed up to ``month``."""
        actor.require(Permission.ANALYTICS_READ)
        if not 1 <= months <= MAX_COHORT_MONTHS:
            raise InvalidInputError(f"months must be from 1 to {MAX_COHORT_MONTHS}.")
        zone = rollups.day_zone(session, actor.org)
        last = month.replace(day=1)
        index = last.year * 12 + last.month - 1 - (months - 1)
        first = dt.date(index // 12, index % 12 + 1, 1)
        through = rollups.month_end(last)
        return CohortView(
            creator=creator,
            zone=zone,
            first=first,
            last=last,
            through=through,
            ltv=cohorts.lifetime_value(session, actor.org, zone, creator.id, through=through),
            cohorts=cohorts.cohorts(session, actor.org, zone, creator.id, first=first, last=last),
        )

    def agency_overview(self, session: Session, actor: Actor, period: Period) -> AgencyOverview:
        """Every creator over ``period`` beside the previous period, and the agency's total."""
        actor.require(Permission.ANALYTICS_READ)
        zone = rollups.day_zone(session, actor.org)
        everyone = list(creators.list_creators(session, actor))
        rows = [
            AgencyRow(
                creator=c,
                current=kpis.compute(session, actor.org, zone, [c.id], period),
                previous=kpis.compute(session, actor.org, zone, [c.id], period.previous()),
            )
            for c in everyone
        ]
        ids = [c.id for c in everyone]
        return AgencyOverview(
            zone=zone,
            period=period,
            rows=rows,
            total=kpis.compute(session, actor.org, zone, ids, period),
            total_previous=kpis.compute(session, actor.org, zone, ids, period.previous()),
        )

    def monthly_report(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        month: dt.date,
        *,
        ai_summary: bool = False,
    ) -> bytes:
        """The month's report of one creator as PDF (figures as on the dashboard); the summary
        written by the AI (checked, the template otherwise) with ``ai_summary``, by the template
        without (a report asked for in a request stays fast)."""
        actor.require(Permission.ANALYTICS_READ)
        zone = rollups.day_zone(session, actor.org)
        period = kpis.month_period(month)
        before = kpis.month_period(period.start - dt.timedelta(days=1))
        current = kpis.compute(session, actor.org, zone, [creator.id], period)
        previous = kpis.compute(session, actor.org, zone, [creator.id], before)
        history = kpis.compute(
            session,
            actor.org,
            zone,
            [creator.id],
            Period(period.start - dt.timedelta(days=28), period.end),
            spenders=False,
        )
        found = insights.anomalies(history.daily_gross, period.each_day())
        if ai_summary:
            summary = insights.summarize(
                session, actor.org, current, previous, found, creator_id=creator.id
            )
        else:
            summary = insights.template(current, previous, found)
        return report.monthly_pdf(
            creator_name=creator.display_name,
            month_label=period.start.strftime("%Y-%m"),
            current=current,
            previous=previous,
            found=found,
            summary=summary,
        )

    def store_monthly_report(
        self, session: Session, actor: Actor, creator: Creator, month: dt.date, blobs: BlobStore
    ) -> MonthlyReport:
        """Generate a month's report and keep it in blob storage (again: replaced)."""
        pdf = self.monthly_report(session, actor, creator, month, ai_summary=True)
        label = month.strftime("%Y-%m")
        key = f"analytics/reports/{actor.org}/{creator.id}/{label}.pdf"
        blobs.put(key, pdf, content_type="application/pdf")
        row = session.scalar(
            in_organization(select(MonthlyReport), actor.org, MonthlyReport).where(
                MonthlyReport.creator_id == creator.id, MonthlyReport.month == label
            )
        )
        if row is None:
            row = MonthlyReport(organization_id=actor.org, creator_id=creator.id, month=label)
            session.add(row)
        row.blob_key, row.size_bytes, row.created_at = key, len(pdf), utcnow()
        session.flush()
        return row

    def reports(self, session: Session, actor: Actor, creator: Creator) -> list[MonthlyReport]:
        """A creator's stored monthly reports, newest month first."""
        actor.require(Permission.ANALYTICS_READ)
        return list(
            session.scalars(
                in_organization(select(MonthlyReport), actor.org, MonthlyReport)
                .where(MonthlyReport.creator_id == creator.id)
                .order_by(MonthlyReport.month.desc())
            )
        )

    def stored_report(
        self, session: Session, actor: Actor, creator: Creator, month: str, blobs: BlobStore
    ) -> bytes:
        """The stored PDF of one month; 404 when none was stored."""
        for row in self.reports(session, actor, creator):
            if row.month == month:
                return blobs.get(row.blob_key)
        raise NotFoundError(f"There is no stored report for {month}.")

    def refresh(self, session: Session, actor: Actor) -> int:
        """Bring the organization's rollups up to date now; how many days were recomputed."""
        actor.require(Permission.ANALYTICS_READ)
        return len(rollups.refresh(session, actor.org))


analytics = AnalyticsService()
