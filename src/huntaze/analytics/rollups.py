"""Daily rollups of the domain events (DESIGN.md §6 "Analytics").

A rollup row is one figure (``metric``) of one creator's day from one ``source``; days are cut
in the organization's time zone, or in UTC when it says so (:func:`day_zone`). A day is always
recomputed whole from its events — its rows deleted and written again in one transaction — so
recomputing a day gives the same rows, and an event that arrives late (recorded after its day
was rolled up) is counted the next time :func:`refresh` runs: refresh recomputes every day that
has an event recorded since the organization's watermark.

Sources: ``chatter``, ``ai``, ``automation`` or ``platform`` for sent messages and the PPV sales
they made (:mod:`huntaze.analytics.sources`, from the outbox's provenance), an event's own
``source`` when it names one, ``unattributed`` otherwise.

Metrics (amounts in cents of what the fan paid):
``gross.<type>`` (``subscription_new``, ``subscription_renewal``, ``tip``, ``ppv``, ``message``,
``post``, ``other``), ``purchases``, ``chargebacks``, ``chargeback_cents``, ``subs.new``,
``subs.renewed``, ``fans.subscribed``, ``fans.expired``, ``messages.received``,
``messages.sent``, ``ppv.offered`` and ``ppv.bought`` (and per price point,
``ppv.offered@<cents>``, ``ppv.bought@<cents>``). What each fan spent per day goes to
:class:`FanDay` (spenders are distinct over a period, so they cannot be summed from days), and
per calendar month to :class:`FanMonth`, the sum of the month's fan-days, recomputed whole with
every day of the month that is recomputed (so it is as idempotent as the days, and a late
event reaches it too).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Date, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from huntaze.analytics import sources
from huntaze.analytics.models import (
    AnalyticsSetting,
    DomainEvent,
    FanDay,
    FanMonth,
    Rollup,
    RollupWatermark,
)
from huntaze.core.db import new_id
from huntaze.core.tenancy import OrgId, in_organization

UTC = "UTC"
REVENUE_TYPES = (
    "subscription_new",
    "subscription_renewal",
    "tip",
    "ppv",
    "message",
    "post",
    "other",
)
DEFAULT_SOURCE = "unattributed"
# Events recorded this long before the watermark are looked at again: a transaction that
# stamped ``recorded_at`` earlier may commit after a refresh has read past it.
OVERLAP = dt.timedelta(minutes=10)
_CHUNK = 500


def zone_info(name: str) -> ZoneInfo:
    """The time zone called ``name``; UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(UTC)


def day_zone(session: Session, org: OrgId) -> str:
    """The zone an organization's days are cut in: its time zone, or UTC when it chose so."""
    row = session.scalar(in_organization(select(AnalyticsSetting), org, AnalyticsSetting))
    if row is None or row.use_utc:
        return UTC
    return row.timezone


def day_bounds(day: dt.date, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where ``day`` starts and ends in ``zone``."""
    tz = zone_info(zone)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def local_day(at: dt.datetime, zone: str) -> dt.date:
    """The day ``at`` falls on in ``zone``."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(zone_info(zone)).date()


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month``'s month."""
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def revenue_type(payload: dict[str, Any], renewal: bool) -> str:
    """The revenue type of a purchase: its statement kind, subscriptions split new/renewal."""
    kind = str(payload.get("kind") or "other")
    if kind == "subscription":
        return "subscription_renewal" if renewal else "subscription_new"
    return kind if kind in REVENUE_TYPES else "other"


def _source(payload: dict[str, Any], attributed: str | None) -> str:
    value = payload.get("source") or attributed
    return str(value)[:40] if value else DEFAULT_SOURCE


def _key(event: Any) -> tuple[str, str, str] | None:
    """What names the event's message or statement entry on its platform account."""
    payload = event.payload or {}
    if event.kind == "message.sent" and payload.get("platform_message_id"):
        return ("message", event.platform_account_id, str(payload["platform_message_id"]))
    if event.kind == "purchase.made" and payload.get("platform_entry_id"):
        return ("entry", event.platform_account_id, str(payload["platform_entry_id"]))
    return None


def _attribution(session: Session, org: OrgId, events: Sequence[Any]) -> dict[Any, str]:
    """The source of the day's sent messages and PPV sales (see :mod:`.sources`)."""
    keys = [k for e in events if e.platform_account_id and (k := _key(e)) is not None]
    messages = [(a, m) for kind, a, m in keys if kind == "message"]
    entries = [(a, m) for kind, a, m in keys if kind == "entry"]
    found: dict[Any, str] = {}
    if messages:
        for (a, m), source in sources.message_sources(session, org, messages).items():
            found[("message", a, m)] = source
    if entries:
        for (a, m), source in sources.purchase_sources(session, org, entries).items():
            found[("entry", a, m)] = source
    return found


def _earlier_subscriptions(
    session: Session, org: OrgId, fan_ids: Iterable[str], before: dt.datetime
) -> dict[str, list[tuple[dt.datetime, str]]]:
    """Each fan's subscription purchases before ``before``: (when, dedupe key)."""
    found: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
    ids = sorted(set(fan_ids))
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            in_organization(
                select(DomainEvent.fan_id, DomainEvent.occurred_at, DomainEvent.dedupe_key),
                org,
                DomainEvent,
            ).where(
                DomainEvent.fan_id.in_(ids[start : start + _CHUNK]),
                DomainEvent.occurred_at < before,
                DomainEvent.kind == "purchase.made",
                DomainEvent.payload["kind"].as_string() == "subscription",
            )
        )
        for fan_id, occurred_at, key in rows:
            if fan_id:
                found[fan_id].append((occurred_at, key))
    return found


def _is_renewal(event: Any, earlier: dict[str, list[tuple[dt.datetime, str]]]) -> bool:
    payload = event.payload or {}
    if payload.get("renewal") is not None:
        return bool(payload["renewal"])
    mine = (event.occurred_at, event.dedupe_key)
    return any(other < mine for other in earlier.get(event.fan_id, ()))


def compute_day(
    session: Session, org: OrgId, zone: str, day: dt.date
) -> tuple[dict[tuple[str, str, str], int], dict[tuple[str, str], list[int]]]:
    """A day's figures from its events: by (creator, source, metric), and spend by
    (creator, fan) as [cents, purchases, subscription payments]."""
    start, end = day_bounds(day, zone)
    events = session.execute(
        in_organization(
            select(
                DomainEvent.kind,
                DomainEvent.occurred_at,
                DomainEvent.dedupe_key,
                DomainEvent.creator_id,
                DomainEvent.platform_account_id,
                DomainEvent.fan_id,
                DomainEvent.amount_cents,
                DomainEvent.payload,
            ),
            org,
            DomainEvent,
        ).where(
            DomainEvent.occurred_at >= start,
            DomainEvent.occurred_at < end,
            DomainEvent.creator_id.is_not(None),
        )
    ).all()
    subscribers = {
        e.fan_id
        for e in events
        if e.kind == "purchase.made"
        and e.fan_id
        and (e.payload or {}).get("kind") == "subscription"
    }
    earlier = _earlier_subscriptions(session, org, subscribers, end) if subscribers else {}
    attributed = _attribution(session, org, events)
    figures: dict[tuple[str, str, str], int] = defaultdict(int)
    spend: dict[tuple[str, str], list[int]] = {}
    for e in events:
        payload = e.payload or {}
        base = (e.creator_id, _source(payload, attributed.get(_key(e))))
        amount = int(e.amount_cents or 0)
        if e.kind == "purchase.made":
            renewal = _is_renewal(e, earlier)
            kind = revenue_type(payload, renewal)
            figures[(*base, f"gross.{kind}")] += amount
            figures[(*base, "purchases")] += 1
            if kind == "subscription_new":
                figures[(*base, "subs.new")] += 1
            elif kind == "subscription_renewal":
                figures[(*base, "subs.renewed")] += 1
            elif kind == "ppv":
                figures[(*base, "ppv.bought")] += 1
                figures[(*base, f"ppv.bought@{amount}")] += 1
            if e.fan_id:
                row = spend.setdefault((e.creator_id, e.fan_id), [0, 0, 0])
                row[0] += amount
                row[1] += 1
                if kind in ("subscription_new", "subscription_renewal"):
                    row[2] += 1
        elif e.kind == "purchase.charged_back":
            figures[(*base, "chargebacks")] += 1
            figures[(*base, "chargeback_cents")] += amount
            if e.fan_id:
                row = spend.setdefault((e.creator_id, e.fan_id), [0, 0, 0])
                row[0] -= amount
        elif e.kind == "fan.subscribed":
            figures[(*base, "fans.subscribed")] += 1
        elif e.kind == "fan.expired":
            figures[(*base, "fans.expired")] += 1
        elif e.kind == "message.received":
            figures[(*base, "messages.received")] += 1
        elif e.kind == "message.sent":
            figures[(*base, "messages.sent")] += 1
            price = int(payload.get("price_cents") or 0)
            if price > 0:
                figures[(*base, "ppv.offered")] += 1
                figures[(*base, f"ppv.offered@{price}")] += 1
    return dict(figures), spend


def recompute_day(
    session: Session, org: OrgId, zone: str, day: dt.date, *, with_month: bool = True
) -> int:
    """Replace the rollup rows of one day with what its events say now, and its month's spend
    per fan unless ``with_month`` is False (the caller recomputes the month after its days);
    how many rollup rows."""
    figures, spend = compute_day(session, org, zone, day)
    for model in (Rollup, FanDay):
        session.execute(
            in_organization(delete(model), org, model).where(model.zone == zone, model.day == day)
        )
    rollup_rows = [
        {
            "id": new_id(),
            "organization_id": org,
            "zone": zone,
            "day": day,
            "creator_id": creator_id,
            "source": source,
            "metric": metric,
            "value": value,
        }
        for (creator_id, source, metric), value in sorted(figures.items())
    ]
    fan_rows = [
        {
            "id": new_id(),
            "organization_id": org,
            "zone": zone,
            "day": day,
            "creator_id": creator_id,
            "fan_id": fan_id,
            "spent_cents": cents,
            "purchases": count,
            "subscriptions": subscriptions,
        }
        for (creator_id, fan_id), (cents, count, subscriptions) in sorted(spend.items())
    ]
    if rollup_rows:
        session.execute(insert(Rollup), rollup_rows)
    if fan_rows:
        session.execute(insert(FanDay), fan_rows)
    if with_month:
        recompute_month(session, org, zone, month_start(day))
    return len(rollup_rows)


def recompute_month(session: Session, org: OrgId, zone: str, month: dt.date) -> None:
    """Replace the month's spend per (creator, fan) with the sum of its fan-days, in SQL."""
    month = month_start(month)
    session.execute(
        in_organization(delete(FanMonth), org, FanMonth).where(
            FanMonth.zone == zone, FanMonth.month == month
        )
    )
    summed = (
        in_organization(
            select(
                FanDay.organization_id,
                FanDay.zone,
                literal(month, Date),
                FanDay.creator_id,
                FanDay.fan_id,
                func.sum(FanDay.spent_cents),
                func.sum(FanDay.purchases),
                func.sum(FanDay.subscriptions),
            ),
            org,
            FanDay,
        )
        .where(FanDay.zone == zone, FanDay.day >= month, FanDay.day <= month_end(month))
        .group_by(FanDay.organization_id, FanDay.zone, FanDay.creator_id, FanDay.fan_id)
    )
    session.execute(
        insert(FanMonth).from_select(
            [
                "organization_id",
                "zone",
                "month",
                "creator_id",
                "fan_id",
                "spent_cents",
                "purchases",
                "subscriptions",
            ],
            summed,
        )
    )


def days_to_refresh(
    session: Session, org: OrgId, zone: str, since: dt.datetime | None
) -> tuple[set[dt.date], dt.datetime | None]:
    """The days with an event recorded at or after ``since`` (all days when None), and the
    newest ``recorded_at`` seen."""
    days: set[dt.date] = set()
    newest: dt.datetime | None = None
    statement = in_organization(
        select(DomainEvent.occurred_at, DomainEvent.recorded_at), org, DomainEvent
    ).where(DomainEvent.creator_id.is_not(None))
    if since is not None:
        statement = statement.where(DomainEvent.recorded_at >= since)
    tz = zone_info(zone)
    for occurred_at, recorded_at in session.execute(statement):
        days.add(occurred_at.astimezone(tz).date())
        if newest is None or recorded_at > newest:
            newest = recorded_at
    return days, newest


def refresh(session: Session, org: OrgId, *, zone: str | None = None) -> list[dt.date]:
    """Bring an organization's rollups up to date: recompute every day that has an event
    recorded since the last refresh (late ones included); the days recomputed."""
    zone = zone or day_zone(session, org)
    mark = session.scalar(
        in_organization(select(RollupWatermark), org, RollupWatermark).where(
            RollupWatermark.zone == zone
        )
    )
    since = mark.recorded_through - OVERLAP if mark else None
    days, newest = days_to_refresh(session, org, zone, since)
    for day in sorted(days):
        recompute_day(session, org, zone, day, with_month=False)
    for month in sorted({month_start(day) for day in days}):
        recompute_month(session, org, zone, month)
    if newest is not None:
        if mark is None:
            session.add(RollupWatermark(organization_id=org, zone=zone, recorded_through=newest))
        elif newest > mark.recorded_through:
            mark.recorded_through = newest
    session.flush()
    return sorted(days)


def rebuild(session: Session, org: OrgId, *, zone: str | None = None) -> list[dt.date]:
    """Recompute every day of an organization from scratch (after a time zone change)."""
    zone = zone or day_zone(session, org)
    for model in (Rollup, FanDay, FanMonth):
        session.execute(in_organization(delete(model), org, model).where(model.zone == zone))
    session.execute(
        in_organization(delete(RollupWatermark), org, RollupWatermark).where(
            RollupWatermark.zone == zone
        )
    )
    return refresh(session, org, zone=zone)


def organizations_with_events(session: Session) -> Sequence[str]:
    """Every organization that has recorded an event (for the periodic refresh)."""
    return session.scalars(
        select(DomainEvent.organization_id).group_by(DomainEvent.organization_id)
    ).all()


def event_count(session: Session, org: OrgId) -> int:
    """How many events an organization has (for the pages' empty state)."""
    return int(
        session.scalar(
            in_organization(select(func.count()).select_from(DomainEvent), org, DomainEvent)
        )
        or 0
    )
