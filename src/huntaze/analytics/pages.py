"""The analytics pages (DESIGN.md §6 "Analytics"): the agency overview (a table comparing
creators, each figure beside the previous period) and one creator's dashboard (KPIs with their
change, revenue per day as an SVG chart whose bars open the day, revenue by type, PPV price
points, top fans, insights; CSV and the monthly PDF a click away), and its cohorts: LTV and
retention by month of first subscription."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from huntaze.accounts.permissions import Permission
from huntaze.analytics import charts
from huntaze.analytics.auth import PageAnalyticsReader
from huntaze.analytics.insights import kpi_lines, money
from huntaze.analytics.kpis import Period
from huntaze.analytics.rollups import REVENUE_TYPES
from huntaze.analytics.routes import parse_month
from huntaze.analytics.service import analytics, parse_period
from huntaze.core.errors import InvalidInputError
from huntaze.core.http import DbSession
from huntaze.creators.auth import PageCreatorFromPath
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
register_nav("Analytics", "/analytics", Permission.ANALYTICS_READ, order=60)


def _period(
    session: DbSession, auth: PageAnalyticsReader, start: str | None, end: str | None
) -> Period:
    def parse(value: str | None, name: str) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidInputError(f"{name} must be a date like 2026-11-30.") from None

    return parse_period(
        parse(start, "start"), parse(end, "end"), analytics.zone(session, auth.actor)
    )


def _query(period: Period) -> str:
    return f"start={period.start.isoformat()}&end={period.end.isoformat()}"


@router.get("/analytics")
def overview_page(
    request: Request,
    auth: PageAnalyticsReader,
    session: DbSession,
    start: str | None = Query(None, max_length=10),
    end: str | None = Query(None, max_length=10),
) -> Response:
    """Every creator over the period, beside the previous period."""
    period = _period(session, auth, start, end)
    data = analytics.agency_overview(session, auth.actor, period)
    return render(
        request,
        "analytics/overview.html",
        {
            "data": data,
            "period": period,
            "query": _query(period),
            "money": money,
            "lines": kpi_lines(data.total, data.total_previous),
            "chart": charts.revenue_bars(
                data.total.daily_gross_by_type, title="Agency revenue per day"
            ),
            "legend": charts.legend(),
        },
    )


@router.get("/analytics/creators/{creator_id}")
def creator_page(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageAnalyticsReader,
    session: DbSession,
    start: str | None = Query(None, max_length=10),
    end: str | None = Query(None, max_length=10),
) -> Response:
    """One creator's dashboard."""
    period = _period(session, auth, start, end)
    data = analytics.creator_dashboard(session, auth.actor, creator, period)
    base = f"/analytics/creators/{creator.id}"
    return render(
        request,
        "analytics/creator.html",
        {
            "creator": creator,
            "data": data,
            "period": period,
            "query": _query(period),
            "money": money,
            "lines": kpi_lines(data.current, data.previous),
            "types": REVENUE_TYPES,
            "labels": charts.TYPE_LABELS,
            "chart": charts.revenue_bars(
                data.current.daily_gross_by_type,
                title=f"Revenue per day of {creator.display_name}",
                link=f"{base}?start=",
            ),
            "legend": charts.legend(),
            "month": period.end.strftime("%Y-%m"),
            "reports": analytics.reports(session, auth.actor, creator),
        },
    )


@router.get("/analytics/creators/{creator_id}/cohorts")
def cohorts_page(
    request: Request,
    creator: PageCreatorFromPath,
    auth: PageAnalyticsReader,
    session: DbSession,
    month: str | None = Query(None, max_length=7),
) -> Response:
    """One creator's LTV and cohorts, up to a month (this month by default)."""
    last = parse_month(month, analytics.zone(session, auth.actor))
    data = analytics.creator_cohorts(session, auth.actor, creator, last)
    return render(
        request, "analytics/cohorts.html", {"creator": creator, "data": data, "money": money}
    )
