"""Distinct spenders and top fans of a period from the spend per fan and month (whole months)
and per fan and day (the ragged ends), kept up to date with the days (DESIGN.md §6)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.analytics import kpis, rollups
from huntaze.analytics.events import EventIn, record_events
from huntaze.analytics.kpis import Period, split_months
from huntaze.analytics.models import FanDay, FanMonth
from huntaze.core.tenancy import OrgId
from huntaze.creators.models import Creator

D = dt.date


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _buy(creator: Creator, key: str, day: dt.date, cents: int, fan: str) -> EventIn:
    return EventIn(
        "purchase.made",
        key,
        _at(day),
        creator_id=creator.id,
        fan_id=fan,
        amount_cents=cents,
        payload={"kind": "tip"},
    )


def _back(creator: Creator, key: str, day: dt.date, cents: int, fan: str) -> EventIn:
    return EventIn(
        "purchase.charged_back",
        key,
        _at(day),
        creator_id=creator.id,
        fan_id=fan,
        amount_cents=cents,
        payload={"kind": "tip"},
    )


def _world(session: Session) -> tuple[OrgId, Creator]:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner, name="Luna")
    other = make_creator(session, owner, name="Sol")
    org = owner.actor.org
    record_events(
        session,
        org,
        [
            _buy(creator, "a1", D(2026, 1, 10), 1000, "a"),
            _buy(creator, "a2", D(2026, 2, 5), 500, "a"),
            _buy(creator, "a3", D(2026, 3, 31), 900, "a"),
            _buy(creator, "b1", D(2026, 1, 31), 2000, "b"),
            _buy(creator, "b2", D(2026, 2, 28), 100, "b"),
            _buy(creator, "c1", D(2026, 2, 15), 300, "c"),
            _back(creator, "c1-back", D(2026, 2, 16), 300, "c"),
            _buy(creator, "d1", D(2026, 3, 1), 700, "d"),
            _buy(other, "d-other", D(2026, 3, 1), 9999, "d"),
            _buy(creator, "e1", D(2025, 12, 20), 1000, "e"),
            _back(creator, "e1-back", D(2026, 3, 2), 1000, "e"),
        ],
    )
    rollups.refresh(session, org)
    return org, creator


def _months(session: Session, org: OrgId) -> list[tuple[object, ...]]:
    rows = session.execute(
        select(
            FanMonth.month,
            FanMonth.creator_id,
            FanMonth.fan_id,
            FanMonth.spent_cents,
            FanMonth.purchases,
            FanMonth.subscriptions,
        )
        .where(FanMonth.organization_id == org)
        .order_by(FanMonth.month, FanMonth.creator_id, FanMonth.fan_id)
    ).all()
    return [tuple(r) for r in rows]


def test_a_period_is_cut_into_whole_months_and_its_ragged_ends() -> None:
    assert split_months(Period(D(2026, 1, 1), D(2026, 3, 31))) == (
        [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)],
        [],
    )
    assert split_months(Period(D(2026, 1, 11), D(2026, 3, 30))) == (
        [D(2026, 2, 1)],
        [Period(D(2026, 1, 11), D(2026, 1, 31)), Period(D(2026, 3, 1), D(2026, 3, 30))],
    )
    assert split_months(Period(D(2026, 2, 2), D(2026, 2, 27))) == (
        [],
        [Period(D(2026, 2, 2), D(2026, 2, 27))],
    )
    assert split_months(Period(D(2024, 2, 1), D(2024, 2, 29))) == ([D(2024, 2, 1)], [])
    assert split_months(Period(D(2025, 12, 1), D(2026, 1, 5))) == (
        [D(2025, 12, 1)],
        [Period(D(2026, 1, 1), D(2026, 1, 5))],
    )


def test_spenders_and_top_fans_over_whole_months_ragged_ends_and_inside_a_month(
    session: Session,
) -> None:
    org, creator = _world(session)
    utc = rollups.UTC

    def spenders(period: Period) -> int:
        return kpis.spender_count(session, org, utc, [creator.id], period)

    def top(period: Period) -> list[tuple[str, int, int]]:
        return kpis.top_fans(session, org, utc, creator.id, period)

    whole = Period(D(2026, 1, 1), D(2026, 3, 31))
    # c paid (then was charged back): a spender; e only had a charge-back: not one.
    assert spenders(whole) == 4
    assert top(whole) == [
        ("a", 2400, 3),
        ("b", 2100, 2),
        ("d", 700, 1),
        ("c", 0, 1),
        ("e", -1000, 0),
    ]
    ragged = Period(D(2026, 1, 11), D(2026, 3, 30))
    assert spenders(ragged) == 4
    assert top(ragged) == [
        ("b", 2100, 2),
        ("d", 700, 1),
        ("a", 500, 1),
        ("c", 0, 1),
        ("e", -1000, 0),
    ]
    inside = Period(D(2026, 2, 2), D(2026, 2, 27))
    assert spenders(inside) == 2 and top(inside) == [("a", 500, 1), ("c", 0, 1)]
    across = Period(D(2026, 1, 31), D(2026, 2, 1))
    assert spenders(across) == 1 and top(across) == [("b", 2000, 1)]
    figures = kpis.compute(session, org, utc, [creator.id], whole)
    assert figures.spenders == 4 and figures.arppu_cents == round((5500 - 1300) / 4)
    assert kpis.compute(session, org, utc, [creator.id], whole, spenders=False).spenders == 0


def test_the_months_are_the_sum_of_their_days_idempotent_and_take_late_events(
    session: Session,
) -> None:
    org, creator = _world(session)
    first = _months(session, org)
    assert (D(2026, 3, 1), creator.id, "e", -1000, 0, 0) in first
    assert (D(2025, 12, 1), creator.id, "e", 1000, 1, 0) in first
    summed = session.execute(
        select(
            FanDay.creator_id,
            FanDay.fan_id,
            func.sum(FanDay.spent_cents),
            func.sum(FanDay.purchases),
        )
        .where(FanDay.organization_id == org)
        .group_by(FanDay.creator_id, FanDay.fan_id)
    ).all()
    by_fan: dict[tuple[object, object], list[int]] = {}
    for _m, c, f, cents, n, _s in first:
        row = by_fan.setdefault((c, f), [0, 0])
        row[0] += int(cents)  # type: ignore[call-overload]
        row[1] += int(n)  # type: ignore[call-overload]
    assert by_fan == {(c, f): [int(cents), int(n)] for c, f, cents, n in summed}

    # Recomputed again (a day, its month, a refresh over the overlap, a rebuild): same rows.
    rollups.recompute_day(session, org, rollups.UTC, D(2026, 2, 5))
    rollups.refresh(session, org)
    assert _months(session, org) == first
    rollups.rebuild(session, org, zone=rollups.UTC)
    assert _months(session, org) == first

    # A purchase of February recorded after the refresh reaches February's month.
    record_events(session, org, [_buy(creator, "late", D(2026, 2, 20), 4000, "c")])
    assert D(2026, 2, 20) in rollups.refresh(session, org)
    assert (D(2026, 2, 1), creator.id, "c", 4000, 2, 0) in _months(session, org)
    whole = Period(D(2026, 1, 1), D(2026, 3, 31))
    assert kpis.top_fans(session, org, rollups.UTC, creator.id, whole, limit=1) == [("c", 4000, 2)]


def test_months_and_days_agree_with_the_days_alone_for_many_periods(session: Session) -> None:
    org, creator = _world(session)
    start = D(2025, 12, 1)
    bounds = [start + dt.timedelta(days=n) for n in range(0, 130, 9)]
    for first in bounds:
        for last in bounds:
            if last < first:
                continue
            period = Period(first, last)
            in_days = (
                FanDay.organization_id == org,
                FanDay.creator_id == creator.id,
                FanDay.day >= first,
                FanDay.day <= last,
            )
            expected = session.scalar(
                select(func.count(func.distinct(FanDay.fan_id))).where(
                    *in_days, FanDay.purchases > 0
                )
            )
            total = func.sum(FanDay.spent_cents)
            expected_top = [
                (f, int(c), int(n))
                for f, c, n in session.execute(
                    select(FanDay.fan_id, total, func.sum(FanDay.purchases))
                    .where(*in_days)
                    .group_by(FanDay.fan_id)
                    .order_by(total.desc(), FanDay.fan_id)
                )
            ]
            assert (
                kpis.spender_count(session, org, rollups.UTC, [creator.id], period) == expected
            ), period
            assert kpis.top_fans(session, org, rollups.UTC, creator.id, period) == expected_top
            # The dashboard's single grouping gives both at once.
            assert kpis.spenders_and_top_fans(
                session, org, rollups.UTC, creator.id, period, limit=3
            ) == (expected, expected_top[:3])
