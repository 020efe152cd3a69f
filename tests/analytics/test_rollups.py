"""Rollups (acceptance 4), KPIs and insights (acceptance 2) from events recorded directly."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.ai.doubles import ScriptedProvider
from tests.factories import Member, api_headers, log_in, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.analytics import insights, kpis, rollups
from huntaze.analytics.events import EventIn, record_events
from huntaze.analytics.kpis import Period
from huntaze.analytics.models import FanDay, Rollup
from huntaze.analytics.service import analytics
from huntaze.creators.models import Creator

DAY = dt.date(2026, 3, 2)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _purchase(
    creator: Creator, key: str, at: dt.datetime, cents: int, *, kind: str = "tip", fan: str = "f1"
) -> EventIn:
    return EventIn(
        "purchase.made",
        key,
        at,
        creator_id=creator.id,
        fan_id=fan,
        amount_cents=cents,
        payload={"kind": kind},
    )


def _rows(session: Session, owner: Member, day: dt.date) -> list[tuple[object, ...]]:
    rows = session.execute(
        select(Rollup.creator_id, Rollup.source, Rollup.metric, Rollup.value)
        .where(Rollup.organization_id == owner.actor.org, Rollup.day == day)
        .order_by(Rollup.metric)
    ).all()
    fans = session.execute(
        select(FanDay.fan_id, FanDay.spent_cents, FanDay.purchases)
        .where(FanDay.organization_id == owner.actor.org, FanDay.day == day)
        .order_by(FanDay.fan_id)
    ).all()
    return [tuple(r) for r in rows] + [tuple(f) for f in fans]


def _setup(session: Session) -> tuple[Member, Creator]:
    owner = make_member(session, make_org(session), Role.OWNER)
    return owner, make_creator(session, owner, name="Luna")


def test_recomputing_a_day_gives_identical_rows_and_a_late_event_is_counted(
    session: Session,
) -> None:
    owner, creator = _setup(session)
    org = owner.actor.org
    record_events(
        session,
        org,
        [
            _purchase(creator, "p1", _at(DAY), 1000, kind="subscription"),
            _purchase(creator, "p2", _at(DAY, 13), 500),
            _purchase(creator, "p3", _at(DAY, 14), 900, kind="ppv", fan="f2"),
            EventIn(
                "message.sent", "m1", _at(DAY), creator_id=creator.id, payload={"price_cents": 900}
            ),
            EventIn("fan.expired", "e1", _at(DAY), creator_id=creator.id, fan_id="f3"),
        ],
    )
    assert rollups.refresh(session, org) == [DAY]
    first = _rows(session, owner, DAY)
    assert ("purchases" in {r[2] for r in first}) and len(first) > 5
    rollups.recompute_day(session, org, rollups.UTC, DAY)
    assert _rows(session, owner, DAY) == first
    assert rollups.refresh(session, org) == [DAY]  # the overlap looks again: same rows
    assert _rows(session, owner, DAY) == first

    # An event of that day recorded a day later (a late sync) is counted by the next refresh.
    record_events(session, org, [_purchase(creator, "late", _at(DAY, 20), 2500, fan="f4")])
    assert DAY in rollups.refresh(session, org)
    period = Period(DAY, DAY)
    figures = kpis.compute(session, org, rollups.UTC, [creator.id], period)
    assert figures.gross_cents == 1000 + 500 + 900 + 2500
    assert figures.gross_by_type["subscription_new"] == 1000
    assert figures.spenders == 3 and figures.arppu_cents == round(4900 / 3)
    assert figures.ppv_by_price == {900: (1, 1)} and figures.fans_expired == 1
    assert figures.churn_pct == 100.0


def test_renewals_chargebacks_and_the_agency_time_zone(session: Session) -> None:
    owner, creator = _setup(session)
    org = owner.actor.org
    record_events(
        session,
        org,
        [
            _purchase(creator, "s1", _at(DAY - dt.timedelta(days=30)), 1000, kind="subscription"),
            _purchase(creator, "s2", _at(DAY, 2), 1000, kind="subscription"),
            EventIn(
                "purchase.charged_back",
                "cb",
                _at(DAY, 3),
                creator_id=creator.id,
                fan_id="f1",
                amount_cents=1000,
                payload={"kind": "subscription"},
            ),
        ],
    )
    rollups.refresh(session, org)
    utc = kpis.compute(session, org, rollups.UTC, [creator.id], Period(DAY, DAY))
    assert utc.subs_renewed == 1 and utc.gross_by_type["subscription_renewal"] == 1000
    assert utc.chargebacks == 1 and utc.net_cents == 0
    # In New York, 02:00 UTC is the evening before: the renewal moves to the day before.
    zone = analytics.update_settings(
        session, owner.actor, timezone="America/New_York", use_utc=False
    )
    assert zone == "America/New_York"
    before = DAY - dt.timedelta(days=1)
    local = kpis.compute(session, org, zone, [creator.id], Period(before, before))
    assert local.subs_renewed == 1 and local.chargebacks == 1
    assert (
        analytics.update_settings(session, owner.actor, timezone="America/New_York", use_utc=True)
        == rollups.UTC
    )


def _daily(session: Session, owner: Member, creator: Creator, drop_day: dt.date) -> Period:
    events = []
    start = drop_day - dt.timedelta(days=40)
    for i in range(50):
        day = start + dt.timedelta(days=i)
        cents = 15_000 + (i % 7) * 1_000
        if day == drop_day:
            cents = 2_000
        events.append(_purchase(creator, f"d{i}", _at(day), cents, fan=f"f{i % 9}"))
    record_events(session, owner.actor.org, events)
    rollups.refresh(session, owner.actor.org)
    return Period(drop_day - dt.timedelta(days=14), drop_day + dt.timedelta(days=5))


def test_a_planted_revenue_drop_is_found_and_named(session: Session, client: TestClient) -> None:
    owner, creator = _setup(session)
    drop = DAY
    period = _daily(session, owner, creator, drop)
    board = analytics.creator_dashboard(session, owner.actor, creator, period)
    assert [(i.kind, i.day) for i in board.insights] == [("revenue_drop", drop)]
    assert "$20.00" in board.insights[0].text and drop.isoformat() in board.insights[0].text
    assert insights.cites_only(board.insights[0].text, board.insights[0].figures)
    log_in(client, session, owner)
    page = client.get(
        f"/analytics/creators/{creator.id}",
        params={"start": period.start.isoformat(), "end": period.end.isoformat()},
    )
    assert page.status_code == 200 and f"Revenue drop on {drop.isoformat()}" in page.text


def test_an_insight_citing_an_invented_figure_never_reaches_the_report(
    session: Session, ai_answers: Callable[..., ScriptedProvider]
) -> None:
    owner, creator = _setup(session)
    period = _daily(session, owner, creator, DAY)
    org = owner.actor.org
    current = kpis.compute(session, org, rollups.UTC, [creator.id], period)
    previous = kpis.compute(session, org, rollups.UTC, [creator.id], period.previous())
    found = insights.anomalies(
        kpis.compute(
            session,
            org,
            rollups.UTC,
            [creator.id],
            Period(period.start - dt.timedelta(days=28), period.end),
        ).daily_gross,
        period.each_day(),
    )
    assert not insights.cites_only("Revenue fell 37% to $1,234.56.", ("$20.00", "2026-03-02"))
    invented = {
        "headline": "Revenue fell 61.7% on one day",
        "summary": "Revenue was 8765 USD, a record.",
        "recommendations": ["Send 42 more PPVs."],
    }
    ai_answers(json.dumps(invented))
    summary = insights.summarize(session, org, current, previous, found, creator_id=creator.id)
    assert summary.written_by == "template"
    assert "8765" not in summary.text and "61.7" not in summary.text
    assert summary.text == insights.template_summary(current, previous, found)[0]
    gross = current.gross_cents / 100
    grounded = {
        "headline": "Gross revenue moved",
        "summary": f"Gross revenue was {gross:g} USD over the period.",
        "recommendations": ["Look at the day revenue dropped."],
    }
    ai_answers(json.dumps(grounded))
    written = insights.summarize(session, org, current, previous, found, creator_id=creator.id)
    assert written.written_by == "ai" and f"{gross:g}" in written.text


def test_other_organizations_and_lower_roles_get_404_and_403(
    session: Session, client: TestClient
) -> None:
    owner, creator = _setup(session)
    other = make_member(session, make_org(session), Role.OWNER)
    headers = api_headers(client, session, other)
    assert (
        client.get(f"/api/v1/analytics/creators/{creator.id}", headers=headers).status_code == 404
    )
    chatter = make_member(session, make_org(session), Role.CHATTER)
    headers = api_headers(client, session, chatter)
    assert client.get("/api/v1/analytics/overview", headers=headers).status_code == 403
    headers = api_headers(client, session, owner)
    ok = client.get(f"/api/v1/analytics/creators/{creator.id}", headers=headers)
    assert ok.status_code == 200 and ok.json()["current"]["gross_cents"] == 0
    bad = client.get(
        "/api/v1/analytics/overview",
        params={"start": "2026-03-02", "end": "2026-01-01"},
        headers=headers,
    )
    assert bad.status_code == 422
    csv = client.get(f"/api/v1/analytics/creators/{creator.id}/days.csv", headers=headers)
    assert csv.status_code == 200 and csv.text.startswith("day,")
    assert (
        client.get(
            f"/api/v1/analytics/creators/{creator.id}/report.pdf",
            params={"month": "2026-13"},
            headers=headers,
        ).status_code
        == 422
    )


def test_bad_periods_on_the_pages_are_422_with_a_message(
    session: Session, client: TestClient
) -> None:
    owner, creator = _setup(session)
    log_in(client, session, owner)
    for params in (
        {"start": "2026-02-30"},
        {"start": "garbage"},
        {"start": "2026-03-02", "end": "2026-03-01"},
        {"start": "2020-01-01", "end": "2026-03-01"},
        {"start": "0001-01-01", "end": "0001-01-02"},
        {"start": "9999-12-30", "end": "9999-12-31"},
    ):
        for path in ("/analytics", f"/analytics/creators/{creator.id}"):
            response = client.get(path, params=params)
            assert response.status_code == 422, (path, params, response.status_code)
    chatter = make_member(session, owner.organization, Role.CHATTER)
    log_in(client, session, chatter)
    assert client.get("/analytics").status_code == 403


def test_sent_messages_and_the_ppv_they_sold_are_rolled_up_by_source(session: Session) -> None:
    from tests.outbox.helpers import make_agency, make_message

    from huntaze.fans.service import AccountRef
    from huntaze.inbox.ingest import ingest_earnings, ingest_messages
    from huntaze.platforms.base import EarningEntry, PlatformMessage

    agency = make_agency(session)
    offer = make_message(session, agency, text="A new set for you", fan_id="7", price_cents=1500)
    ref = AccountRef(
        org=agency.owner.actor.org,
        account_id=agency.account.id,
        creator_id=agency.account.creator_id,
    )
    at = _at(DAY)
    synced = [
        PlatformMessage(
            platform_message_id="m-offer",
            platform_fan_id="7",
            direction="outbound",
            text=offer.text,
            sent_at=at,
            price_cents=1500,
            nonce=offer.nonce,
        ),
        PlatformMessage(
            platform_message_id="m-direct",
            platform_fan_id="7",
            direction="outbound",
            text="typed on the platform",
            sent_at=at,
        ),
    ]
    org = ref.org
    record_events(session, org, ingest_messages(session, ref, synced))
    sale = EarningEntry(
        platform_entry_id="e1",
        kind="ppv",
        amount_cents=1500,
        occurred_at=at,
        platform_fan_id="7",
        platform_message_id="m-offer",
    )
    tip = EarningEntry(
        platform_entry_id="e2", kind="tip", amount_cents=500, occurred_at=at, platform_fan_id="7"
    )
    record_events(session, org, ingest_earnings(session, ref, [sale, tip]))
    rollups.refresh(session, org)
    rows = {
        (source, metric): value
        for source, metric, value in session.execute(
            select(Rollup.source, Rollup.metric, Rollup.value).where(
                Rollup.organization_id == org, Rollup.day == DAY
            )
        )
    }
    assert offer.author_kind == "person"
    assert rows[("chatter", "messages.sent")] == 1 and rows[("platform", "messages.sent")] == 1
    assert rows[("chatter", "gross.ppv")] == 1500
    assert rows[("unattributed", "gross.tip")] == 500
    figures = kpis.compute(session, org, rollups.UTC, [ref.creator_id], Period(DAY, DAY))
    assert figures.by_source == {
        "chatter": {"gross": 1500, "sent": 1},
        "platform": {"gross": 0, "sent": 1},
        "unattributed": {"gross": 500, "sent": 0},
    }


def test_months_and_dates_out_of_range_are_422(session: Session, client: TestClient) -> None:
    owner, creator = _setup(session)
    headers = api_headers(client, session, owner)
    base = f"/api/v1/analytics/creators/{creator.id}"
    for month in ("0001-01", "9999-12", "2026-00"):
        response = client.get(f"{base}/report.pdf", params={"month": month}, headers=headers)
        assert response.status_code == 422, month
    response = client.get(
        base, params={"start": "9999-12-31", "end": "9999-12-31"}, headers=headers
    )
    assert response.status_code == 422
