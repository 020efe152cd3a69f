"""When a creator's fans pay: a score per hour of the week learned from that creator's own
purchase and tip events (DESIGN.md §6 "Content pipeline": the calendar at the best times).

Each event counts in the hour of the week it happened on the fan's clock when the fan's time zone
is known, else on the agency's (the organization's analytics zone). Sparse data is smoothed two
ways: each hour lends to its neighbours (an hour either side, and the same hour on other days,
since fans keep daily habits), and the counts are blended with a default shape (evenings, then
lunch) weighing as much as :data:`PRIOR_EVENTS` events, so a handful of events moves the picture
only a little. The confidence says how much evidence there is; below :data:`SURE_AT` events the
model says it is unsure.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.core.tenancy import OrgId, in_organization
from huntaze.creators.models import PlatformAccount
from huntaze.fans.models import Fan
from huntaze.inbox.models import Earning

HOURS_PER_WEEK = 7 * 24
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PRIOR_EVENTS = float(7 * 24)
"""How many events the default shape weighs against the creator's own: one per hour of the week,
so that a few events in one hour do not outweigh the defaults of every other hour."""
SURE_AT = 50
"""From this many events on, the best hours are the creator's own, not mostly the defaults."""
HIGH_AT = 200
LOOKBACK = dt.timedelta(days=180)
PAYING_KINDS = ("tip", "ppv", "message", "post")
_HOUR_KERNEL = ((-2, 0.15), (-1, 0.5), (0, 1.0), (1, 0.5), (2, 0.15))
_SAME_HOUR_OTHER_DAYS = 0.08


def _default_hour_weight(hour: int) -> float:
    if 19 <= hour <= 23:
        return 3.0
    if 12 <= hour <= 14:
        return 1.8
    if 7 <= hour <= 18:
        return 1.0
    return 0.3


def _normalised(values: Sequence[float]) -> list[float]:
    total = sum(values)
    return [v / total for v in values] if total else [1 / len(values)] * len(values)


DEFAULT_SHAPE = _normalised([_default_hour_weight(cell % 24) for cell in range(HOURS_PER_WEEK)])
"""Where nothing is known: evenings, then lunchtime, then the day; the night least."""


def cell_of(moment: dt.datetime) -> int:
    """The hour of the week (0 = Monday 00:00–01:00) of a local moment."""
    return moment.weekday() * 24 + moment.hour


@dataclass(frozen=True, slots=True)
class BestTimes:
    """Per hour of the week: the events counted and the learned score (the scores sum to 1)."""

    counts: tuple[int, ...]
    scores: tuple[float, ...]

    @property
    def events(self) -> int:
        """How many events the scores learned from."""
        return sum(self.counts)

    @property
    def confidence(self) -> str:
        """``none`` (defaults only), ``low``, ``medium`` or ``high``."""
        if self.events == 0:
            return "none"
        if self.events < SURE_AT:
            return "low"
        return "medium" if self.events < HIGH_AT else "high"

    @property
    def sure(self) -> bool:
        """Whether there is enough evidence to trust the best hours over the defaults."""
        return self.events >= SURE_AT

    @property
    def note(self) -> str:
        """What the confidence means, in words."""
        if self.events == 0:
            return "No purchase or tip yet: these are default hours (evenings first)."
        if not self.sure:
            return (
                f"Unsure: only {self.events} purchase and tip events; the hours lean on the "
                f"defaults until there are {SURE_AT}."
            )
        return f"Learned from {self.events} purchase and tip events."

    def best(self, count: int = 5) -> list[int]:
        """The ``count`` best hours of the week, best first, no two within an hour of each
        other on the same day."""
        chosen: list[int] = []
        for cell in sorted(range(HOURS_PER_WEEK), key=lambda c: (-self.scores[c], c)):
            if all(abs(cell - other) > 1 for other in chosen):
                chosen.append(cell)
            if len(chosen) == count:
                break
        return chosen

    def level(self, cell: int) -> int:
        """The cell's score on a 0–5 scale against the best cell (for the heat grid)."""
        top = max(self.scores)
        return round(5 * self.scores[cell] / top) if top else 0


def learn(counts: Sequence[int]) -> BestTimes:
    """The smoothed, default-blended scores of event counts per hour of the week."""
    if len(counts) != HOURS_PER_WEEK:
        raise ValueError(f"expected {HOURS_PER_WEEK} counts, got {len(counts)}")
    smoothed = [0.0] * HOURS_PER_WEEK
    for cell, count in enumerate(counts):
        if not count:
            continue
        for shift, weight in _HOUR_KERNEL:
            smoothed[(cell + shift) % HOURS_PER_WEEK] += count * weight
        for day in range(1, 7):
            smoothed[(cell + 24 * day) % HOURS_PER_WEEK] += count * _SAME_HOUR_OTHER_DAYS
    events = sum(counts)
    own = _normalised(smoothed) if events else DEFAULT_SHAPE
    blended = [
        (events * mine + PRIOR_EVENTS * prior) / (events + PRIOR_EVENTS)
        for mine, prior in zip(own, DEFAULT_SHAPE, strict=True)
    ]
    return BestTimes(counts=tuple(counts), scores=tuple(_normalised(blended)))


@cache
def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def count_by_hour(
    moments: Iterable[tuple[dt.datetime, str | None]], default_zone: str
) -> list[int]:
    """Events per hour of the week, each on its fan's clock (``default_zone`` when unknown)."""
    counts = [0] * HOURS_PER_WEEK
    fallback = _zone(default_zone)
    for at, zone in moments:
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        counts[cell_of(at.astimezone(_zone(zone) if zone else fallback))] += 1
    return counts


def paying_moments(
    session: Session, org: OrgId, creator_id: str, *, since: dt.datetime
) -> Iterable[tuple[dt.datetime, str | None]]:
    """When the creator's fans paid (tips and purchases, not subscriptions) since ``since``,
    with the fan's time zone where known."""
    stmt = (
        in_organization(select(Earning.occurred_at, Fan.time_zone), org, Earning)
        .join(PlatformAccount, PlatformAccount.id == Earning.platform_account_id)
        .outerjoin(Fan, Fan.id == Earning.fan_id)
        .where(
            PlatformAccount.creator_id == creator_id,
            Earning.kind.in_(PAYING_KINDS),
            Earning.status.in_(("done", "pending")),
            Earning.occurred_at >= since,
        )
    )
    rows = session.execute(stmt.execution_options(yield_per=2000))
    return ((at, zone) for at, zone in rows)


def next_slots(
    best: BestTimes,
    *,
    zone: str,
    now: dt.datetime,
    count: int = 5,
    taken: Iterable[dt.datetime] = (),
) -> list[dt.datetime]:
    """Moments (UTC, within a week from an hour after ``now``) at the ``count`` best hours in
    ``zone`` that have no post yet, soonest first."""
    tz = _zone(zone)
    busy = {t.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0) for t in taken}
    start = (now.astimezone(tz) + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    found: list[dt.datetime] = []
    for cell in best.best(HOURS_PER_WEEK):
        days_ahead = (cell // 24 - start.weekday()) % 7
        moment = (start + dt.timedelta(days=days_ahead)).replace(hour=cell % 24)
        if moment < start:
            moment += dt.timedelta(days=7)
        moment_utc = moment.astimezone(dt.UTC)
        if moment_utc not in busy:
            found.append(moment_utc)
        if len(found) == count:
            break
    return sorted(found)
