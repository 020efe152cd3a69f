"""The JSON shapes of the ``api2`` skin, as public clients of OnlyFans' web API describe them
(DESIGN.md §3; each field and its source: ``docs/onlyfans.md``).

Pure functions from simulator rows to the platform's shapes: camelCase, money in dollars,
message and post text as HTML (``<p>…</p>`` with entities), the creator and the fans in one
id space (``fromUser.id`` tells who wrote a message), transaction ids as strings, the kind of a
transaction only in its HTML ``description``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from huntaze.simulator.messaging import media_list
from huntaze.simulator.models import (
    Creator,
    Fan,
    MassMessage,
    Message,
    Post,
    Transaction,
    VaultItem,
)
from huntaze.simulator.serializers import iso
from huntaze.simulator.spend import FanSpend

# Creators and fans share one id space on the platform; simulator creators get ids far above
# any fan id so that ``fromUser.id`` alone tells the creator's messages from the fan's.
CREATOR_USER_ID_BASE = 900_000_000
FEE_DIVISOR = 5  # the platform keeps 20 %
DESCRIPTIONS = {
    "subscription": "Subscription from",
    "renewal": "Recurring subscription from",
    "tip": "Tip from",
    "ppv": "Payment for message from",
}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}


def creator_user_id(creator: Creator) -> int:
    """The creator's own id in the platform's user id space."""
    return CREATOR_USER_ID_BASE + creator.id


def escape(text: str) -> str:
    """HTML entities the way the platform writes them (``&#039;`` for an apostrophe)."""
    return "".join(_ENTITIES.get(c, c) for c in text)


def html_text(text: str) -> str:
    """Plain text as the platform renders it: one ``<p>`` per line, entities escaped."""
    lines = [line for line in text.split("\n") if line.strip()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def dollars(amount_cents: int) -> float:
    """Cents to the dollars the platform's JSON uses."""
    return amount_cents / 100


def fee(amount_cents: int) -> int:
    """The platform's share of a payment, in cents."""
    return amount_cents // FEE_DIVISOR


def net(amount_cents: int) -> int:
    """What the creator keeps of a payment, in cents."""
    return amount_cents - fee(amount_cents)


def user_json(fan: Fan) -> dict[str, Any]:
    """A fan in the platform's short user shape."""
    return {
        "id": fan.id,
        "username": fan.username,
        "name": fan.display_name,
        "avatar": None,
        "view": "s",
    }


def media_json(media_id: int, *, kind: str = "photo") -> dict[str, Any]:
    """One media item of a message or post."""
    return {
        "id": media_id,
        "type": kind,
        "canView": True,
        "src": f"/media/{media_id}",
        "preview": f"/media/{media_id}",
    }


def message_json(message: Message, creator: Creator, fan: Fan | None = None) -> dict[str, Any]:
    """A chat message as the creator's web app receives it.

    ``isOpened`` means *viewed*: a fan message the creator has read, or a creator message the
    fan has bought or answered; it never says whether a price was paid.
    """
    media = [media_json(m) for m in media_list(message.media_ids)]
    sender = creator_user_id(creator) if message.from_creator else message.fan_id
    if message.from_creator:
        answered = (
            fan is not None
            and fan.last_fan_message_at is not None
            and fan.last_fan_message_at > message.created_at
        )
        opened = message.purchased_at is not None or answered
    else:
        opened = message.read_at is not None
    return {
        "id": message.id,
        "responseType": "message",
        "text": html_text(message.text),
        "lockedText": False,
        "isFree": message.price_cents == 0,
        "price": dollars(message.price_cents),
        "isMediaReady": True,
        "mediaCount": len(media),
        "media": media,
        "previews": [],
        "isTip": False,
        "isReportedByMe": False,
        "isFromQueue": message.mass_message_id is not None,
        "queueId": message.mass_message_id,
        "isOpened": opened,
        "isNew": not message.from_creator and message.read_at is None,
        "createdAt": iso(message.created_at),
        "changedAt": iso(message.created_at),
        "cancelSeconds": 0,
        "isLiked": False,
        "canPurchase": False,
        "canPurchaseReason": "is_my_message" if message.from_creator else "free",
        "canReport": not message.from_creator,
        "fromUser": {"id": sender, "_view": "s"},
    }


def subscriber_json(fan: Fan, creator: Creator, spend: FanSpend) -> dict[str, Any]:
    """A fan of ``/subscriptions/subscribers`` with ``subscribedOnData``.

    The sums are what the creator keeps (net of the platform's share), charged-back payments
    left out; ``totalSumm`` is their total.
    """
    by_kind = spend.by_kind
    renewed = spend.last_subscription_at if spend.subscriptions > 1 else None
    active = fan.status == "active"
    return user_json(fan) | {
        "subscribedOn": active,
        "subscribedOnExpiredNow": not active,
        "subscribedOnData": {
            "price": dollars(creator.subscription_price_cents),
            "newPrice": dollars(creator.subscription_price_cents),
            "regularPrice": dollars(creator.subscription_price_cents),
            "subscribePrice": dollars(creator.subscription_price_cents),
            "discountPercent": 0,
            "discountPeriod": 0,
            "subscribeAt": iso(fan.subscribed_at),
            "expiredAt": iso(fan.expires_at),
            "renewedAt": iso(renewed),
            "status": fan.status,
            "duration": _duration(fan.subscribed_at, fan.expires_at),
            "totalSumm": dollars(net(spend.total)),
            "subscribesSumm": dollars(net(by_kind["subscription"])),
            "tipsSumm": dollars(net(by_kind["tip"])),
            "messagesSumm": dollars(net(by_kind["ppv"])),
            "postsSumm": 0,
            "streamsSumm": 0,
        },
    }


def transaction_json(
    row: Transaction, fan: Fan, currency: str, *, renewal: bool, status: str | None
) -> dict[str, Any]:
    """A statement entry: no ``type``, the kind is the start of the HTML ``description``."""
    kind = "renewal" if renewal and row.kind == "subscription" else row.kind
    link = f'<a href="/{escape(fan.username)}">{escape(fan.display_name)}</a>'
    return {
        "id": transaction_public_id(row.id),
        "amount": dollars(row.amount_cents),
        "vatAmount": 0,
        "taxAmount": 0,
        "mediaTaxAmount": 0,
        "fee": dollars(fee(row.amount_cents)),
        "net": dollars(net(row.amount_cents)),
        "currency": currency,
        "description": f"{DESCRIPTIONS[kind]} {link}",
        "status": status or "done",
        "payoutPendingDays": 0,
        "createdAt": iso(row.created_at),
        "user": user_json(fan),
    }


def transaction_public_id(transaction_id: int) -> str:
    """The platform's transaction ids are strings."""
    return f"{transaction_id:08x}"


def post_json(post: Post, creator: Creator) -> dict[str, Any]:
    """A post of ``/users/{id}/posts``."""
    media = [media_json(m) for m in media_list(post.media_ids)]
    published = post.publish_at.timestamp()
    return {
        "id": post.id,
        "responseType": "post",
        "author": {"id": creator_user_id(creator), "_view": "m"},
        "text": html_text(post.text),
        "rawText": post.text,
        "postedAt": iso(post.publish_at),
        "postedAtPrecise": f"{published:.6f}",
        "price": 0,
        "isOpened": True,
        "canViewMedia": True,
        "mediaCount": len(media),
        "media": media,
    }


def mass_json(mass: MassMessage, *, stats: dict[str, int], unsent: bool) -> dict[str, Any]:
    """A mass message of ``/messages/queue/stats`` with what happened to it."""
    return {
        "id": mass.id,
        "date": iso(mass.created_at),
        "text": html_text(mass.text),
        "rawText": mass.text,
        "giphyId": None,
        "isFree": mass.price_cents == 0,
        "price": dollars(mass.price_cents),
        "sentCount": stats.get("sent", 0),
        "viewedCount": stats.get("viewed", 0),
        "purchasedCount": stats.get("purchased", 0),
        "canUnsend": not unsent,
        "unsendSeconds": 0,
        "isCanceled": unsent,
        "mediaTypes": None,
        "releaseForms": [],
    }


def vault_item_json(item: VaultItem, list_ids: list[int]) -> dict[str, Any]:
    """A vault media item, with the vault lists it is in."""
    return {
        "id": item.id,
        "type": "video" if item.content_type.startswith("video/") else "photo",
        "name": item.filename,
        "createdAt": iso(item.created_at),
        "listStates": [{"id": list_id, "hasMedia": True} for list_id in list_ids],
        "files": {"thumb": {"url": f"/media/{item.id}"}},
    }


def _duration(start: dt.datetime, end: dt.datetime) -> str:
    days = max((end - start).days, 0)
    return f"{days} days"
