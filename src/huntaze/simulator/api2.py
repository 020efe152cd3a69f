"""The ``api2`` skin's JSON reads, at the routes of OnlyFans' web app (DESIGN.md §3).

The skin's pages load their data from here with ``fetch()`` (session cookie). Routes, query
parameters and envelopes follow public clients of the platform's web API (each one and its
source: ``docs/onlyfans.md``); the shapes themselves are in :mod:`.api2_shapes`, the writes in
:mod:`.api2_writes`. The simulator stores cents; conversion to dollars happens in the shapes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request

from huntaze.simulator import content, ledger, mass, messaging, spend, vault_lists
from huntaze.simulator.api2_shapes import (
    FEE_DIVISOR,
    creator_user_id,
    dollars,
    mass_json,
    message_json,
    post_json,
    subscriber_json,
    transaction_json,
    user_json,
    vault_item_json,
)
from huntaze.simulator.auth import authenticated
from huntaze.simulator.errors import invalid, not_found
from huntaze.simulator.models import Transaction
from huntaze.simulator.serializers import iso
from huntaze.simulator.state import get_now

router = APIRouter(prefix="/api2/v2")

# The platform answers fewer subscribers than asked for (it leaves some out of a page); clients
# must follow ``hasMore``, never the length of a page.
SUBSCRIBERS_PAGE_CAP = 20


@router.get("/users/me")
def me(request: Request) -> dict[str, Any]:
    """The logged-in creator, in the same id space as the fans."""
    with authenticated(request) as (_session, creator):
        return {
            "id": creator_user_id(creator),
            "username": creator.username,
            "name": creator.display_name,
            "isPerformer": True,
            "subscribePrice": dollars(creator.subscription_price_cents),
            "currency": creator.currency,
        }


@router.get("/chats")
def chats(
    request: Request,
    limit: int = 10,
    offset: int = 0,
    order: str = "recent",
    filter: str = "",
) -> dict[str, Any]:
    """Chats, unread first; ``filter=unread`` lists only chats with unread messages."""
    if filter not in ("", "unread"):
        raise invalid("invalid_filter", "filter is empty or unread.")
    with authenticated(request) as (session, creator):
        rows, more = messaging.list_chats(
            session, creator, limit=limit, offset=offset, unread_only=filter == "unread"
        )
        last = messaging.last_messages(session, rows)
        items = [
            {
                "withUser": user_json(fan),
                "lastMessage": message_json(last[fan.id], creator, fan) if fan.id in last else None,
                "unreadMessagesCount": fan.unread_count,
                "canSendMessage": True,
            }
            for fan in rows
        ]
        return {"list": items, "hasMore": more, "nextOffset": offset + len(rows)}


@router.get("/chats/{fan_id}/messages")
def chat_messages(
    request: Request, fan_id: int, limit: int = 10, id: int | None = None, order: str = "desc"
) -> dict[str, Any]:
    """Messages older than ``id`` (newest first by default), with ``hasMore``."""
    if order not in ("asc", "desc"):
        raise invalid("invalid_order", "order is asc or desc.")
    with authenticated(request) as (session, creator):
        fan = messaging.get_fan(session, creator, fan_id)
        rows, more = messaging.chat_messages(session, creator, fan_id, limit=limit, before_id=id)
        ordered = rows if order == "asc" else list(reversed(rows))
        return {"list": [message_json(m, creator, fan) for m in ordered], "hasMore": more}


@router.get("/subscriptions/subscribers")
def subscribers(
    request: Request, limit: int = 10, offset: int = 0, type: str = "active"
) -> dict[str, Any]:
    """Subscribers (``type`` active, expired or all), newest first, with ``subscribedOnData``."""
    if type not in ledger.FAN_STATUSES:
        raise invalid("invalid_type", "type is active, expired or all.")
    if offset < 0:
        raise invalid("invalid_offset", "offset cannot be negative.")
    with authenticated(request) as (session, creator):
        messaging.check_limit(limit)
        served = min(limit, SUBSCRIBERS_PAGE_CAP)
        rows, total = ledger.fans_page(
            session, creator, status=type, limit=served, offset=offset, order="recent"
        )
        spent = spend.spend_of(session, [f.id for f in rows])
        return {
            "list": [subscriber_json(f, creator, spent[f.id]) for f in rows],
            "hasMore": offset + len(rows) < total,
        }


@router.get("/payouts/transactions")
def payout_transactions(
    request: Request, limit: int = 10, marker: int | None = None
) -> dict[str, Any]:
    """Statement entries newest first; pass ``nextMarker`` back as ``marker`` for older ones."""
    with authenticated(request) as (session, creator):
        rows, more = ledger.latest_transactions(session, creator, limit=limit, before_id=marker)
        fan_ids = {t.fan_id for t in rows}
        fans = ledger.fan_names(session, fan_ids)
        firsts = spend.first_subscriptions(session, fan_ids)
        states = spend.statuses(session, [t.id for t in rows])
        items = [_transaction(t, fans, creator.currency, firsts, states) for t in rows]
        return {
            "list": items,
            "hasMore": more,
            "marker": marker,
            "nextMarker": rows[-1].id if rows and more else None,
        }


def _transaction(
    row: Transaction,
    fans: dict[int, Any],
    currency: str,
    firsts: set[int],
    states: dict[int, str],
) -> dict[str, Any]:
    renewal = row.kind == "subscription" and row.id not in firsts
    return transaction_json(
        row, fans[row.fan_id], currency, renewal=renewal, status=states.get(row.id)
    )


@router.get("/earnings/chart")
def earnings_chart(request: Request, days: int = 30) -> dict[str, Any]:
    """Gross earnings per day: subscriptions, tips, messages (PPV)."""
    with authenticated(request) as (session, creator):
        rows = ledger.earnings_by_day(session, creator, days=days)
        totals = ledger.totals(rows)
        return {
            "list": [
                {
                    "date": r.day.isoformat(),
                    "subscribes": dollars(r.by_kind["subscription"]),
                    "tips": dollars(r.by_kind["tip"]),
                    "messages": dollars(r.by_kind["ppv"]),
                    "total": dollars(r.total),
                }
                for r in rows
            ],
            "total": {key: dollars(value) for key, value in totals.items()},
        }


# Kinds of payment as the statistics name them.
STATISTICS_KINDS = {"subscription": "subscribes", "tip": "tips", "ppv": "chat_messages"}


@router.get("/earnings/statistics")
def earnings_statistics(request: Request, days: int = 30) -> dict[str, Any]:
    """Gross and net earnings of the last ``days`` days, in total and by kind, and per month
    (keyed by the month's first second, epoch) as daily points; chargebacks left out."""
    if not 1 <= days <= 366:
        raise invalid("invalid_days", "days must be between 1 and 366.")
    with authenticated(request) as (session, creator):
        end = get_now(session)
        totals, per_day = spend.statistics(
            session, creator, start=end - dt.timedelta(days=days), end=end, fee_divisor=FEE_DIVISOR
        )
        months: dict[str, dict[str, Any]] = {}
        for day, kinds in sorted(per_day.items()):
            first = dt.datetime(day.year, day.month, 1, tzinfo=dt.UTC)
            month = months.setdefault(
                str(int(first.timestamp())),
                {name: [] for name in STATISTICS_KINDS.values()}
                | {"total_gross": 0, "total_net": 0},
            )
            point_time = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
            for kind, name in STATISTICS_KINDS.items():
                if kind in kinds:
                    gross, net = kinds[kind].gross, kinds[kind].net
                    month[name].append(
                        {"gross": dollars(gross), "net": dollars(net), "time": point_time}
                    )
                    month["total_gross"] += gross
                    month["total_net"] += net
        for month in months.values():
            month["total_gross"] = dollars(month["total_gross"])
            month["total_net"] = dollars(month["total_net"])
        total = {
            name: _gross_net(totals.get(kind, spend.KindTotals()))
            for kind, name in STATISTICS_KINDS.items()
        }
        every = spend.KindTotals(
            gross=sum(t.gross for t in totals.values()), net=sum(t.net for t in totals.values())
        )
        total |= {"post": _gross_net(spend.KindTotals()), "all": _gross_net(every)}
        return {"list": {"months": months, "total": total}}


def _gross_net(totals: spend.KindTotals) -> dict[str, float]:
    return {"total_gross": dollars(totals.gross), "total_net": dollars(totals.net)}


@router.get("/users/{user_id}/posts")
def user_posts(
    request: Request,
    user_id: int,
    limit: int = 10,
    order: str = "publish_date_desc",
    beforePublishTime: float | None = None,  # noqa: N803
) -> dict[str, Any]:
    """The creator's published posts, latest first, before ``beforePublishTime`` (epoch s)."""
    if order != "publish_date_desc":
        raise invalid("invalid_order", "order is publish_date_desc.")
    with authenticated(request) as (session, creator):
        if user_id != creator_user_id(creator):
            raise not_found("user", user_id)
        before = (
            dt.datetime.fromtimestamp(beforePublishTime, dt.UTC)
            if beforePublishTime is not None
            else None
        )
        rows, more = content.published_posts(session, creator, limit=limit, before=before)
        items = [post_json(p, creator) for p in rows]
        return {
            "list": items,
            "hasMore": more,
            "tailMarker": items[-1]["postedAtPrecise"] if items else None,
        }


@router.get("/messages/queue/stats")
def mass_stats(request: Request, limit: int = 10, offset: int = 0) -> dict[str, Any]:
    """Mass messages, newest first, with how many were sent, viewed and bought."""
    with authenticated(request) as (session, creator):
        rows, more = mass.list_mass(session, creator, limit=limit, offset=offset)
        ids = [m.id for m in rows]
        counts, taken_back = mass.stats(session, ids), mass.unsent(session, ids)
        return {
            "list": [
                mass_json(m, stats=counts.get(m.id, {}), unsent=m.id in taken_back) for m in rows
            ],
            "hasMore": more,
        }


@router.get("/lists")
def fan_lists(request: Request, limit: int = 10, offset: int = 0) -> dict[str, Any]:
    """The fan lists (the built-in ones) with how many fans each holds."""
    with authenticated(request) as (session, creator):
        messaging.check_limit(limit)
        counts = mass.list_counts(session, creator)
        items = [
            {"id": key, "type": key, "name": name, "usersCount": counts[key], "canUpdate": False}
            for key, (name, _status) in mass.FAN_LISTS.items()
        ]
        page = items[max(offset, 0) : max(offset, 0) + limit]
        return {"list": page, "hasMore": max(offset, 0) + limit < len(items)}


@router.get("/vault/lists")
def vault_list_index(request: Request, limit: int = 10, offset: int = 0) -> dict[str, Any]:
    """The vault lists with their media counts."""
    with authenticated(request) as (session, creator):
        rows, more = vault_lists.lists_page(session, creator, limit=limit, offset=offset)
        return {
            "list": [
                {
                    "id": row.id,
                    "type": "custom",
                    "name": row.name,
                    "hasMedia": count > 0,
                    "canUpdate": True,
                    "canDelete": True,
                    "medias": [],
                    "mediasCount": count,
                }
                for row, count in rows
            ],
            "hasMore": more,
        }


@router.get("/vault/media")
def vault_media(
    request: Request,
    limit: int = 24,
    offset: int = 0,
    list_id: int | None = Query(None, alias="list"),
) -> dict[str, Any]:
    """Vault media, newest first, of one vault list (``list``) or of the whole vault."""
    with authenticated(request) as (session, creator):
        rows, more = vault_lists.media_page(
            session, creator, list_id=list_id, limit=limit, offset=offset
        )
        in_lists = vault_lists.lists_of(session, [v.id for v in rows])
        return {"list": [vault_item_json(v, in_lists.get(v.id, [])) for v in rows], "hasMore": more}


def _links(request: Request, kind: str) -> dict[str, Any]:
    with authenticated(request) as (session, creator):
        stats = [s for s in content.link_stats(session, creator) if s.link.kind == kind]
        base = str(request.base_url).rstrip("/")
        return {
            "list": [
                {
                    "id": s.link.id,
                    "name": s.link.name,
                    "url": f"{base}/join/{s.link.code}",
                    "clicksCount": s.link.clicks,
                    "subscribersCount": s.subscribers,
                    "revenue": dollars(s.revenue_cents),
                    "subscribeDays": s.link.trial_days or None,
                    "createdAt": iso(s.link.created_at),
                }
                for s in stats
            ],
            "hasMore": False,
        }


@router.get("/campaigns")
def campaigns(request: Request) -> dict[str, Any]:
    """Tracking links with their clicks, subscribers and revenue."""
    return _links(request, "tracking")


@router.get("/trials")
def trials(request: Request) -> dict[str, Any]:
    """Free-trial links with their clicks, subscribers and revenue."""
    return _links(request, "trial")
