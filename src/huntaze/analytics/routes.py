"""JSON API of analytics under ``/api/v1/analytics`` (DESIGN.md §8.1: thin routes): the agency
overview, one creator's KPIs beside the previous period, CSV of the days, the monthly PDF, the
settings of how days are cut, and a refresh of the rollups on demand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from huntaze.accounts.auth import ApiActor
from huntaze.analytics.auth import AnalyticsReader, Blobs
from huntaze.analytics.rollups import REVENUE_TYPES
from huntaze.analytics.schemas import (
    AgencyOut,
    AgencyRowOut,
    CohortOut,
    CohortsOut,
    CreatorKpisOut,
    InsightOut,
    KpisOut,
    SettingsIn,
    SettingsOut,
    StoredReportOut,
)
from huntaze.analytics.service import analytics, parse_period
from huntaze.core.errors import InvalidInputError
from huntaze.core.http import DbSession
from huntaze.creators.auth import CreatorFromPath

router = APIRouter(prefix="/analytics", tags=["analytics"])
DAY_PATTERN = r"^(197[1-9]|19[89][0-9]|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}$"
"""A day between 1971 and 2199, the years the dashboards keep (see ``analytics.service``)."""
Start = Annotated[
    dt.date | None,
    Query(
        description="First day (in the agency's zone), 1971-01-01 to 2199-12-31.",
        json_schema_extra={"pattern": DAY_PATTERN},
    ),
]
End = Annotated[
    dt.date | None,
    Query(
        description="Last day, included, 1971-01-01 to 2199-12-31.",
        json_schema_extra={"pattern": DAY_PATTERN},
    ),
]
Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


@router.get("/overview", response_model=AgencyOut)
def overview(
    actor: AnalyticsReader, session: DbSession, start: Start = None, end: End = None
) -> AgencyOut:
    """Every creator over the period beside the previous period, and the agency's total."""
    period = parse_period(start, end, analytics.zone(session, actor))
    data = analytics.agency_overview(session, actor, period)
    return AgencyOut(
        zone=data.zone,
        rows=[
            AgencyRowOut(
                creator_id=row.creator.id,
                display_name=row.creator.display_name,
                current=KpisOut.of(row.current),
                previous=KpisOut.of(row.previous),
            )
            for row in data.rows
        ],
        total=KpisOut.of(data.total),
        total_previous=KpisOut.of(data.total_previous),
    )


@router.get("/creators/{creator_id}", response_model=CreatorKpisOut)
def creator_kpis(
    creator: CreatorFromPath,
    actor: AnalyticsReader,
    session: DbSession,
    start: Start = None,
    end: End = None,
) -> CreatorKpisOut:
    """One creator's KPIs over the period (30 days by default), the previous period, insights."""
    period = parse_period(start, end, analytics.zone(session, actor))
    data = analytics.creator_dashboard(session, actor, creator, period)
    return CreatorKpisOut(
        creator_id=creator.id,
        zone=data.zone,
        current=KpisOut.of(data.current),
        previous=KpisOut.of(data.previous),
        insights=[
            InsightOut(kind=i.kind, day=i.day, title=i.title, text=i.text) for i in data.insights
        ],
    )


@router.get("/creators/{creator_id}/days.csv", response_class=Response)
def creator_days_csv(
    creator: CreatorFromPath,
    actor: AnalyticsReader,
    session: DbSession,
    start: Start = None,
    end: End = None,
) -> Response:
    """Revenue per day and type over the period, as CSV (cents)."""
    period = parse_period(start, end, analytics.zone(session, actor))
    data = analytics.creator_dashboard(session, actor, creator, period)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", *(f"{t}_cents" for t in REVENUE_TYPES), "total_cents"])
    for day, by_type in data.current.daily_gross_by_type.items():
        values = [by_type.get(t, 0) for t in REVENUE_TYPES]
        writer.writerow([day.isoformat(), *values, sum(values)])
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", creator.display_name).strip("-") or "creator"
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}-days.csv"'},
    )


def parse_month(value: str | None, zone: str) -> dt.date:
    """The first day of ``YYYY-MM`` (this month when blank); 422 for a month that is not one."""
    if not value:
        return analytics_today(zone).replace(day=1)
    try:
        first = dt.date(int(value[:4]), int(value[5:7]), 1)
    except ValueError:
        raise InvalidInputError("month must be YYYY-MM with a month from 01 to 12.") from None
    if not 1971 <= first.year <= 2199:
        raise InvalidInputError("month must be between 1971-01 and 2199-12.")
    return first


def analytics_today(zone: str) -> dt.date:
    """Today in ``zone``."""
    from huntaze.analytics.rollups import local_day
    from huntaze.core.db import utcnow

    return local_day(utcnow(), zone)


@router.get("/creators/{creator_id}/cohorts", response_model=CohortsOut)
def creator_cohorts(
    creator: CreatorFromPath,
    actor: AnalyticsReader,
    session: DbSession,
    month: Month = None,
    months: Annotated[int, Query(ge=1, le=24, description="Cohorts shown")] = 12,
) -> CohortsOut:
    """LTV up to the end of the month (this month by default) and cohort retention and LTV by
    month of first subscription, for the months up to it."""
    first = parse_month(month, analytics.zone(session, actor))
    data = analytics.creator_cohorts(session, actor, creator, first, months=months)
    return CohortsOut(
        creator_id=creator.id,
        zone=data.zone,
        first=data.first,
        last=data.last,
        through=data.through,
        payers=data.ltv.payers,
        net_cents=data.ltv.net_cents,
        ltv_cents=data.ltv.ltv_cents,
        cohorts=[
            CohortOut(
                month=c.month,
                fans=c.fans,
                retained=c.retained,
                retention_pct=c.retention_pct,
                ltv_cents=c.ltv_cents,
            )
            for c in data.cohorts
        ],
    )


@router.get("/creators/{creator_id}/report.pdf", response_class=Response)
def creator_report_pdf(
    creator: CreatorFromPath, actor: AnalyticsReader, session: DbSession, month: Month = None
) -> Response:
    """The creator's monthly report (this month by default) as PDF, made now with the template
    summary; the stored reports of the 1st (``/reports``) carry the AI's checked summary."""
    first = parse_month(month, analytics.zone(session, actor))
    pdf = analytics.monthly_report(session, actor, creator, first)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="report-{first:%Y-%m}.pdf"'},
    )


@router.get("/creators/{creator_id}/reports", response_model=list[StoredReportOut])
def stored_reports(
    creator: CreatorFromPath, actor: AnalyticsReader, session: DbSession
) -> list[StoredReportOut]:
    """The creator's monthly reports kept in storage (made on the 1st), newest first."""
    return [
        StoredReportOut(
            month=r.month,
            size_bytes=r.size_bytes,
            created_at=r.created_at,
            url=f"/api/v1/analytics/creators/{creator.id}/reports/{r.month}.pdf",
        )
        for r in analytics.reports(session, actor, creator)
    ]


@router.get("/creators/{creator_id}/reports/{month}.pdf", response_class=Response)
def stored_report(
    creator: CreatorFromPath,
    actor: AnalyticsReader,
    session: DbSession,
    blobs: Blobs,
    month: Annotated[str, Path(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
) -> Response:
    """One stored monthly report as PDF."""
    pdf = analytics.stored_report(session, actor, creator, month, blobs)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="report-{month}.pdf"'},
    )


@router.get("/settings", response_model=SettingsOut)
def get_settings(actor: AnalyticsReader, session: DbSession) -> SettingsOut:
    """The agency's time zone and whether days are cut in UTC instead."""
    timezone, use_utc = analytics.settings(session, actor)
    return SettingsOut(timezone=timezone, use_utc=use_utc, zone=analytics.zone(session, actor))


@router.put("/settings", response_model=SettingsOut)
def put_settings(body: SettingsIn, actor: ApiActor, session: DbSession) -> SettingsOut:
    """Set the time zone (or UTC); the rollups are recomputed in the new zone."""
    zone = analytics.update_settings(session, actor, timezone=body.timezone, use_utc=body.use_utc)
    return SettingsOut(timezone=body.timezone, use_utc=body.use_utc, zone=zone)


@router.post("/refresh")
def refresh(actor: AnalyticsReader, session: DbSession) -> dict[str, int]:
    """Recompute now the days that have new events; how many days."""
    return {"days": analytics.refresh(session, actor)}
