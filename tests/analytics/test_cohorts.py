"""LTV, cohort retention by month of subscription and PPV conversion by price point, on small
fixtures whose figures are computed by hand in the comments (DESIGN.md §6 "Analytics")."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Member, api_headers, log_in, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.analytics import cohorts, kpis, rollups
from huntaze.analytics.events import EventIn, record_events
from huntaze.analytics.kpis import Period
from huntaze.creators.models import Creator

D = dt.date
UTC = rollups.UTC


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _pay(creator: Creator, key: str, day: dt.date, cents: int, fan: str, kind: str) -> EventIn:
    return EventIn(
        "purchase.made",
        key,
        _at(day),
        creator_id=creator.id,
        fan_id=fan,
        amount_cents=cents,
        payload={"kind": kind},
    )


def _subscribers(session: Session) -> tuple[Member, Creator]:
    """f1 subscribes in January and renews in February and March (a tip in March);
    f2 subscribes in January, lapses in February, comes back in March, tips in April;
    f3 subscribes in February, renews in March and April, April's renewal charged back;
    f4 only tips, in January; f5 subscribed in December 2025 and renewed in January;
    another creator's subscriber counts for nobody here."""
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner, name="Luna")
    other = make_creator(session, owner, name="Sol")
    sub = "subscription"
    record_events(
        session,
        owner.actor.org,
        [
            _pay(creator, "f1-jan", D(2026, 1, 5), 1000, "f1", sub),
            _pay(creator, "f1-feb", D(2026, 2, 5), 1000, "f1", sub),
            _pay(creator, "f1-mar", D(2026, 3, 5), 1000, "f1", sub),
            _pay(creator, "f1-tip", D(2026, 3, 10), 500, "f1", "tip"),
            _pay(creator, "f2-jan", D(2026, 1, 20), 1000, "f2", sub),
            _pay(creator, "f2-mar", D(2026, 3, 20), 1000, "f2", sub),
            _pay(creator, "f2-tip", D(2026, 4, 1), 200, "f2", "tip"),
            _pay(creator, "f3-feb", D(2026, 2, 3), 1500, "f3", sub),
            _pay(creator, "f3-mar", D(2026, 3, 3), 1500, "f3", sub),
            _pay(creator, "f3-apr", D(2026, 4, 3), 1500, "f3", sub),
            EventIn(
                "purchase.charged_back",
                "f3-apr-back",
                _at(D(2026, 4, 4)),
                creator_id=creator.id,
                fan_id="f3",
                amount_cents=1500,
                payload={"kind": sub},
            ),
            _pay(creator, "f4-tip", D(2026, 1, 12), 300, "f4", "tip"),
            _pay(creator, "f5-dec", D(2025, 12, 15), 1000, "f5", sub),
            _pay(creator, "f5-jan", D(2026, 1, 15), 1000, "f5", sub),
            _pay(other, "x-jan", D(2026, 1, 15), 5000, "f9", sub),
        ],
    )
    rollups.refresh(session, owner.actor.org)
    return owner, creator


def test_cohort_retention_and_ltv_by_month_of_first_subscription(session: Session) -> None:
    owner, creator = _subscribers(session)
    org = owner.actor.org
    found = cohorts.cohorts(session, org, UTC, creator.id, first=D(2026, 1, 1), last=D(2026, 4, 30))
    # January: f1 and f2 (f5 started in December, f4 never subscribed). Subscribed in
    # Jan 2 (f1, f2), Feb 1 (f1), Mar 2 (f1, f2), Apr 0. Paid: Jan 1000 + 1000,
    # Feb 1000, Mar 1000 + 500 + 1000, Apr 200 → cumulative 2000, 3000, 5500, 5700.
    # February: f3 alone, subscribed every month; paid 1500, 1500, 1500 - 1500.
    # March and April: nobody subscribed for the first time.
    assert [(c.month, c.fans, c.retained, c.cumulative_cents) for c in found] == [
        (D(2026, 1, 1), 2, [2, 1, 2, 0], [2000, 3000, 5500, 5700]),
        (D(2026, 2, 1), 1, [1, 1, 1], [1500, 3000, 3000]),
    ]
    january, february = found
    assert january.retention_pct == [100.0, 50.0, 100.0, 0.0]
    assert january.ltv_cents == [1000, 1500, 2750, 2850]
    assert february.retention_pct == [100.0, 100.0, 100.0]
    # Followed up to March only, and December's cohort (f5: December, January) included.
    upto_march = cohorts.cohorts(
        session, org, UTC, creator.id, first=D(2025, 12, 1), last=D(2026, 3, 31)
    )
    assert [(c.month, c.fans, c.retained, c.cumulative_cents) for c in upto_march] == [
        (D(2025, 12, 1), 1, [1, 1, 0, 0], [1000, 2000, 2000, 2000]),
        (D(2026, 1, 1), 2, [2, 1, 2], [2000, 3000, 5500]),
        (D(2026, 2, 1), 1, [1, 1], [1500, 3000]),
    ]
    assert (
        cohorts.cohorts(session, org, UTC, creator.id, first=D(2026, 3, 1), last=D(2026, 4, 1))
        == []
    )


def test_lifetime_value_up_to_a_day(session: Session) -> None:
    owner, creator = _subscribers(session)
    org = owner.actor.org

    def ltv(through: dt.date) -> tuple[int, int, int]:
        found = cohorts.lifetime_value(session, org, UTC, creator.id, through=through)
        return found.payers, found.net_cents, found.ltv_cents

    # Through April: f1 3500, f2 2200, f3 4500 - 1500, f4 300, f5 2000 → 11000 over 5.
    assert ltv(D(2026, 4, 30)) == (5, 11_000, 2_200)
    # Through January: f1 1000, f2 1000, f4 300, f5 2000 → 4300 over 4.
    assert ltv(D(2026, 1, 31)) == (4, 4_300, 1_075)
    # Through March 4 (a ragged end): f1 2000, f2 1000, f3 3000, f4 300, f5 2000 → 8300 / 5.
    assert ltv(D(2026, 3, 4)) == (5, 8_300, 1_660)
    assert ltv(D(2025, 11, 30)) == (0, 0, 0)


def test_ppv_conversion_by_price_point(session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    day = D(2026, 3, 2)
    offers = [900, 900, 900, 1500, 1500, 0]
    sent = [
        EventIn(
            "message.sent",
            f"m{n}",
            _at(day),
            creator_id=creator.id,
            payload={"price_cents": price},
        )
        for n, price in enumerate(offers)
    ]
    bought = [
        _pay(creator, "b1", day, 900, "f1", "ppv"),
        _pay(creator, "b2", day, 1500, "f2", "ppv"),
        _pay(creator, "b3", day, 1500, "f3", "ppv"),
        _pay(creator, "b4", day, 2500, "f4", "ppv"),  # offered before the period
        _pay(creator, "t1", day, 900, "f5", "tip"),  # a tip of the same amount is no PPV
    ]
    record_events(session, owner.actor.org, sent + bought)
    rollups.refresh(session, owner.actor.org)
    figures = kpis.compute(session, owner.actor.org, UTC, [creator.id], Period(day, day))
    # 900: 3 offered, 1 bought (33.3 %); 1500: 2 and 2 (100 %); 2500: bought, not offered.
    assert figures.ppv_by_price == {900: (3, 1), 1500: (2, 2), 2500: (0, 1)}
    assert figures.ppv_conversion_by_price_pct == {900: 33.3, 1500: 100.0, 2500: 0.0}
    assert (figures.ppv_offered, figures.ppv_bought, figures.ppv_conversion_pct) == (5, 4, 80.0)


def test_cohorts_in_the_api_and_on_their_page(session: Session, client: TestClient) -> None:
    owner, creator = _subscribers(session)
    path = f"/api/v1/analytics/creators/{creator.id}/cohorts"
    headers = api_headers(client, session, owner)
    got = client.get(path, params={"month": "2026-04", "months": 4}, headers=headers)
    assert got.status_code == 200
    body = got.json()
    assert (body["first"], body["last"], body["through"]) == (
        "2026-01-01",
        "2026-04-01",
        "2026-04-30",
    )
    assert (body["payers"], body["net_cents"], body["ltv_cents"]) == (5, 11_000, 2_200)
    assert body["cohorts"] == [
        {
            "month": "2026-01-01",
            "fans": 2,
            "retained": [2, 1, 2, 0],
            "retention_pct": [100.0, 50.0, 100.0, 0.0],
            "ltv_cents": [1000, 1500, 2750, 2850],
        },
        {
            "month": "2026-02-01",
            "fans": 1,
            "retained": [1, 1, 1],
            "retention_pct": [100.0, 100.0, 100.0],
            "ltv_cents": [1500, 3000, 3000],
        },
    ]
    # Twelve months by default: December 2025's cohort (f5) comes in.
    default = client.get(path, params={"month": "2026-04"}, headers=headers).json()
    assert [c["month"] for c in default["cohorts"]] == ["2025-12-01", "2026-01-01", "2026-02-01"]
    for params in ({"months": 0}, {"months": 25}, {"month": "2026-13"}, {"month": "26-01"}):
        assert client.get(path, params=params, headers=headers).status_code == 422, params
    other = make_member(session, make_org(session), Role.OWNER)
    assert client.get(path, headers=api_headers(client, session, other)).status_code == 404

    log_in(client, session, owner)
    page = client.get(f"/analytics/creators/{creator.id}/cohorts", params={"month": "2026-04"})
    assert page.status_code == 200
    assert 'data-testid="retention"' in page.text and '<th scope="row">2026-01</th>' in page.text
    assert "50.0%" in page.text and "$28.50" in page.text and "$22.00" in page.text
    creator_page = client.get(f"/analytics/creators/{creator.id}")
    assert f"/analytics/creators/{creator.id}/cohorts?month=" in creator_page.text
    empty = make_creator(session, owner, name="Nova")
    blank = client.get(f"/analytics/creators/{empty.id}/cohorts")
    assert blank.status_code == 200 and "No fan paid a first subscription" in blank.text
