"""The calendar that learns (issue 16, acceptance 2): the best-time model recovers a planted
hour-of-week pattern, says it is unsure on sparse data, reads each event on its fan's clock (the
agency's when unknown); the content calendar plans posts and suggests slots at the best hours."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.content.sales import Shop, make_shop

from huntaze.content.best_times import (
    DEFAULT_SHAPE,
    HOURS_PER_WEEK,
    cell_of,
    count_by_hour,
    learn,
    next_slots,
)
from huntaze.content.calendar import calendar
from huntaze.content.schemas import PlannedPostIn
from huntaze.core.errors import InvalidInputError
from huntaze.storage.blobs import LocalBlobStore

TUESDAY_21 = 1 * 24 + 21
SATURDAY_14 = 5 * 24 + 14


def _planted(events: int, *, seed: int = 7) -> list[int]:
    """Events of which 60 % fall on Tuesday 21:00 and Saturday 14:00, the rest anywhere."""
    rng = random.Random(seed)
    counts = [0] * HOURS_PER_WEEK
    for _ in range(events):
        roll = rng.random()
        if roll < 0.35:
            cell = TUESDAY_21
        elif roll < 0.6:
            cell = SATURDAY_14
        else:
            cell = rng.randrange(HOURS_PER_WEEK)
        counts[cell] += 1
    return counts


def test_a_planted_hour_of_week_pattern_is_recovered() -> None:
    best = learn(_planted(600))
    assert best.best(2) == [TUESDAY_21, SATURDAY_14]
    assert best.sure and best.confidence == "high" and best.events == 600
    assert best.level(TUESDAY_21) == 5
    assert sum(best.scores) == pytest.approx(1.0)


def test_sparse_data_is_unsure_and_leans_on_the_defaults() -> None:
    sparse = [0] * HOURS_PER_WEEK
    sparse[3 * 24 + 4] = 2  # two tips on a Thursday at 4 in the morning
    best = learn(sparse)
    assert not best.sure and best.confidence == "low"
    assert "Unsure" in best.note and "2 purchase" in best.note
    top = best.best(1)[0]
    assert 19 <= top % 24 <= 23  # still an evening: two events do not outweigh the defaults
    nothing = learn([0] * HOURS_PER_WEEK)
    assert nothing.confidence == "none" and list(nothing.scores) == pytest.approx(DEFAULT_SHAPE)
    with pytest.raises(ValueError):
        learn([1, 2, 3])


def test_each_event_counts_on_its_fans_clock() -> None:
    at = dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)  # a Tuesday, 03:30 UTC
    counts = count_by_hour(
        [(at, "America/New_York"), (at, None), (at, "Not/AZone"), (at.replace(tzinfo=None), None)],
        "Europe/Paris",
    )
    assert counts[cell_of(dt.datetime(2026, 11, 30, 22, 30))] == 1  # Monday 22:00 in New York
    assert counts[cell_of(dt.datetime(2026, 12, 1, 4, 30))] == 2  # the agency's Paris
    assert counts[cell_of(dt.datetime(2026, 12, 1, 3, 30))] == 1  # an unknown zone: UTC
    assert sum(counts) == 4


def test_next_slots_are_the_best_hours_ahead_skipping_taken_ones() -> None:
    best = learn(_planted(600))
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)  # Tuesday noon UTC
    slots = next_slots(best, zone="UTC", now=now, count=2)
    assert slots == [
        dt.datetime(2026, 12, 1, 21, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 5, 14, 0, tzinfo=dt.UTC),
    ]
    later = next_slots(best, zone="UTC", now=now, count=2, taken=[slots[0]])
    assert slots[0] not in later and slots[1] in later
    paris = next_slots(best, zone="Europe/Paris", now=now, count=1)
    assert paris == [dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)]


@pytest.fixture
def shop(session: Session, tmp_path: Path) -> Shop:
    return make_shop(session, LocalBlobStore(tmp_path))


def test_the_creators_own_purchases_and_tips_teach_the_hours(shop: Shop) -> None:
    tuesday = dt.datetime(2026, 11, 24, 21, 10, tzinfo=dt.UTC)
    fan = shop.fan("night owl")
    for week in range(60):
        shop.paid(fan, 500, at=tuesday - dt.timedelta(weeks=week % 20, minutes=week % 10))
    shop.paid(fan, 900, at=tuesday, kind="subscription")  # not a purchase or a tip
    now = tuesday + dt.timedelta(days=1)
    best = calendar.best_times(shop.session, shop.owner.actor, shop.creator, now=now)
    assert best.events == 60 and best.sure
    assert best.best(1) == [TUESDAY_21]


def test_posts_are_planned_on_the_agencys_clock_and_shown_by_week(shop: Shop) -> None:
    actor = shop.owner.actor
    item = shop.item()
    post = calendar.plan(
        shop.session,
        actor,
        shop.creator,
        PlannedPostIn(
            day=dt.date(2026, 12, 3), hour=20, caption="Beach set", vault_item_id=item.id
        ),
    )
    assert post.scheduled_at == dt.datetime(2026, 12, 3, 20, tzinfo=dt.UTC)
    week = calendar.week(shop.session, actor, shop.creator, start=dt.date(2026, 11, 30))
    assert [len(posts) for _, posts in week.days] == [0, 0, 0, 1, 0, 0, 0]
    assert week.next == dt.date(2026, 12, 7) and week.previous == dt.date(2026, 11, 23)
    with pytest.raises(InvalidInputError):
        calendar.plan(
            shop.session,
            actor,
            shop.creator,
            PlannedPostIn(day=dt.date(2026, 12, 3), hour=9, vault_item_id="nope"),
        )
    calendar.remove(shop.session, actor, post)
    week = calendar.week(shop.session, actor, shop.creator, start=dt.date(2026, 11, 30))
    assert all(not posts for _, posts in week.days)
