"""JSON endpoints shaped like the public descriptions of OnlyFans' web API (DESIGN.md §3).

The ``api2`` skin's pages load their data from here with ``fetch()`` (session cookie). Shapes
follow the platform's: ``list`` + ``hasMore``, camelCase, money as dollars with cents. The
simulator stores cents; conversion happens only in this module.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from huntaze.simulator import content, ledger, messaging
from huntaze.simulator.api import PostIn
from huntaze.simulator.api import create_post as create_post_v1
from huntaze.simulator.auth import authenticated
from huntaze.simulator.errors import invalid
from huntaze.simulator.models import Fan, Message, Transaction
from huntaze.simulator.serializers import iso

router = APIRouter(prefix="/api2/v2")

DESCRIPTIONS = {
    "subscription": "Subscription from",
    "tip": "Tip from",
    "ppv": "Payment for message from",
}


class Api2Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MessageBody(Api2Body):
    text: str = ""
    price: float = 0
    mediaFiles: list[int] = Field(default_factory=list, max_length=20)  # noqa: N815


class QueueBody(MessageBody):
    userIds: list[int] | None = None  # noqa: N815
    userLists: list[str] | None = None  # noqa: N815


class PostBody(Api2Body):
    text: str = ""
    mediaFiles: list[int] = Field(default_factory=list, max_length=20)  # noqa: N815
    scheduledDate: str | None = None  # noqa: N815


class LinkBody(Api2Body):
    campaignName: str | None = None  # noqa: N815
    trialLinkName: str | None = None  # noqa: N815
    subscribeDays: int = 7  # noqa: N815


def cents(price: float) -> int:
    """Dollars from the client to cents, refusing nonsense."""
    if not math.isfinite(price):
        raise invalid("invalid_price", "The price is not a number.")
    return round(price * 100)


def dollars(amount_cents: int) -> float:
    """Cents to the dollars the platform's JSON uses."""
    return amount_cents / 100


def user_json(fan: Fan) -> dict[str, Any]:
    """A fan in the platform's user shape."""
    return {"id": fan.id, "username": fan.username, "name": fan.display_name, "avatar": None}


def message_json(message: Message) -> dict[str, Any]:
    """A chat message in the platform's shape."""
    media = [
        {"id": m, "type": "photo", "canView": True, "src": f"/media/{m}"}
        for m in messaging.media_list(message.media_ids)
    ]
    return {
        "id": message.id,
        "text": message.text,
        "price": dollars(message.price_cents),
        "isFree": message.price_cents == 0,
        "isOpened": message.purchased_at is not None,
        "canPurchase": message.price_cents > 0 and message.purchased_at is None,
        "isNew": not message.from_creator and message.read_at is None,
        "createdAt": iso(message.created_at),
        "fromUser": {"id": 0 if message.from_creator else message.fan_id},
        "isFromCreator": message.from_creator,
        "media": media,
        "mediaCount": len(media),
    }


@router.get("/users/me")
def me(request: Request) -> dict[str, Any]:
    """The logged-in creator."""
    with authenticated(request) as (_session, creator):
        return {
            "id": 0,
            "username": creator.username,
            "name": creator.display_name,
            "isPerformer": True,
            "subscribePrice": dollars(creator.subscription_price_cents),
        }


@router.get("/chats")
def chats(request: Request, limit: int = 10, offset: int = 0) -> dict[str, Any]:
    """Chats, unread first."""
    with authenticated(request) as (session, creator):
        rows, more = messaging.list_chats(session, creator, limit=limit, offset=offset)
        last = messaging.last_messages(session, rows)
        items = [
            {
                "withUser": user_json(fan),
                "lastMessage": message_json(last[fan.id]) if fan.id in last else None,
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
        rows, more = messaging.chat_messages(session, creator, fan_id, limit=limit, before_id=id)
        ordered = rows if order == "asc" else list(reversed(rows))
        return {"list": [message_json(m) for m in ordered], "hasMore": more}


@router.post("/chats/{fan_id}/messages")
def send_message(request: Request, fan_id: int, body: MessageBody) -> dict[str, Any]:
    """Send a message; a ``price`` makes it PPV."""
    with authenticated(request) as (session, creator):
        message = messaging.send_message(
            session,
            creator,
            fan_id=fan_id,
            text=body.text,
            price_cents=cents(body.price),
            media_ids=body.mediaFiles,
        )
        return message_json(message)


@router.post("/chats/{fan_id}/mark-as-read")
def mark_read(request: Request, fan_id: int) -> dict[str, Any]:
    """Mark a chat as read."""
    with authenticated(request) as (session, creator):
        messaging.mark_read(session, creator, fan_id)
        return {"success": True}


@router.post("/messages/queue")
def mass_message(request: Request, body: QueueBody) -> dict[str, Any]:
    """A mass message to ``userIds``, or to every active fan with ``userLists: ["fans"]``."""
    with authenticated(request) as (session, creator):
        mass = messaging.send_mass_message(
            session,
            creator,
            text=body.text,
            price_cents=cents(body.price),
            media_ids=body.mediaFiles,
            fan_ids=None if body.userIds is None else body.userIds,
        )
        return {"id": mass.id, "recipientsCount": mass.recipients}


@router.get("/subscriptions/subscribers")
def subscribers(
    request: Request, limit: int = 10, offset: int = 0, type: str = "active"
) -> list[dict[str, Any]]:
    """Subscribers (``type`` active, expired or all), newest first."""
    with authenticated(request) as (session, creator):
        rows, _total = ledger.fans_page(
            session, creator, status=type, limit=limit, offset=offset, order="recent"
        )
        return [
            user_json(fan)
            | {
                "subscribedOn": fan.status == "active",
                "subscribedOnData": {
                    "status": fan.status,
                    "subscribeAt": iso(fan.subscribed_at),
                    "expiredAt": iso(fan.expires_at),
                    "totalSumm": dollars(fan.total_spent_cents),
                    "price": dollars(creator.subscription_price_cents),
                },
            }
            for fan in rows
        ]


@router.get("/payouts/transactions")
def payout_transactions(
    request: Request, limit: int = 10, marker: int | None = None
) -> dict[str, Any]:
    """Transactions newest first; pass ``nextMarker`` back as ``marker`` for older ones."""
    with authenticated(request) as (session, creator):
        rows, more = ledger.latest_transactions(session, creator, limit=limit, before_id=marker)
        fans = ledger.fan_names(session, {t.fan_id for t in rows})
        items = [_transaction(t, fans[t.fan_id], creator.currency) for t in rows]
        return {
            "list": items,
            "hasMore": more,
            "nextMarker": rows[-1].id if rows and more else None,
        }


def _transaction(row: Transaction, fan: Fan, currency: str) -> dict[str, Any]:
    fee = row.amount_cents // 5
    return {
        "id": row.id,
        "type": row.kind,
        "amount": dollars(row.amount_cents),
        "fee": dollars(fee),
        "net": dollars(row.amount_cents - fee),
        "currency": currency,
        "createdAt": iso(row.created_at),
        "description": f"{DESCRIPTIONS[row.kind]} @{fan.username}",
        "status": "done",
        "messageId": row.message_id,
        "user": user_json(fan),
    }


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


@router.get("/posts")
def posts(request: Request, limit: int = 10, offset: int = 0) -> dict[str, Any]:
    """Posts, latest first."""
    with authenticated(request) as (session, creator):
        rows = content.list_posts(session, creator, limit=limit, offset=offset)
        items = [
            {
                "id": p.id,
                "text": p.text,
                "postedAt": iso(p.publish_at),
                "media": [
                    {"id": m, "src": f"/media/{m}"} for m in messaging.media_list(p.media_ids)
                ],
            }
            for p in rows
        ]
        return {"list": items, "hasMore": len(rows) == limit}


@router.post("/posts")
def create_post(request: Request, body: PostBody) -> dict[str, Any]:
    """Publish now, or schedule with ``scheduledDate``."""
    post = create_post_v1(
        request, PostIn(text=body.text, media_ids=body.mediaFiles, publish_at=body.scheduledDate)
    )
    return {"id": post["id"], "text": post["text"], "postedAt": post["publish_at"]}


@router.get("/vault/media")
def vault(request: Request, limit: int = 24, offset: int = 0) -> dict[str, Any]:
    """Vault media, newest first."""
    with authenticated(request) as (session, creator):
        rows = content.list_vault(session, creator, limit=limit, offset=offset)
        items = [
            {
                "id": v.id,
                "type": "video" if v.content_type.startswith("video/") else "photo",
                "name": v.filename,
                "createdAt": iso(v.created_at),
                "files": {"thumb": {"url": f"/media/{v.id}"}},
            }
            for v in rows
        ]
        return {"list": items, "hasMore": len(rows) == limit}


@router.post("/vault/media")
async def upload(request: Request, file: UploadFile = File(...)) -> dict[str, Any]:
    """Upload to the vault (multipart field ``file``)."""
    data = await file.read(content.MAX_UPLOAD_BYTES + 1)
    with authenticated(request) as (session, creator):
        item = content.add_vault_item(
            session,
            creator,
            filename=file.filename or "upload",
            content_type=file.content_type or "application/octet-stream",
            data=data,
        )
        return {"id": item.id, "type": "photo", "name": item.filename}


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
            ]
        }


@router.get("/campaigns")
def campaigns(request: Request) -> dict[str, Any]:
    """Tracking links with their clicks, subscribers and revenue."""
    return _links(request, "tracking")


@router.get("/trials")
def trials(request: Request) -> dict[str, Any]:
    """Free-trial links with their clicks, subscribers and revenue."""
    return _links(request, "trial")


@router.post("/campaigns")
def create_campaign(request: Request, body: LinkBody) -> dict[str, Any]:
    """Create a tracking link."""
    with authenticated(request) as (session, creator):
        link = content.create_link(session, creator, name=body.campaignName or "", kind="tracking")
        return {"id": link.id, "name": link.name}


@router.post("/trials")
def create_trial(request: Request, body: LinkBody) -> dict[str, Any]:
    """Create a free-trial link of ``subscribeDays`` days."""
    with authenticated(request) as (session, creator):
        link = content.create_link(
            session,
            creator,
            name=body.trialLinkName or "",
            kind="trial",
            trial_days=body.subscribeDays,
        )
        return {"id": link.id, "name": link.name}
