"""The web app's JSON (``/api2/v2``) → the plain schemas of ``platforms/base.py``.

DESIGN.md §3. Shapes follow the public descriptions of OnlyFans' web API as mirrored by the
simulator's ``api2`` skin: camelCase, ``list`` + ``hasMore``, money in dollars with cents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from huntaze.platforms.base import EarningEntry, PlatformFan, PlatformMessage

_KINDS: dict[str, Literal["subscription", "tip", "ppv", "message", "post"]] = {
    "subscription": "subscription",
    "tip": "tip",
    "ppv": "ppv",
    "message": "ppv",
    "post": "post",
}


def cents(amount: Any) -> int:
    """Dollars as the JSON gives them (``12.5``) in integer cents."""
    return int((Decimal(str(amount or 0)) * 100).to_integral_value())


def moment(value: str | None) -> dt.datetime | None:
    """An ISO time from the JSON, in UTC."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def fan(item: dict[str, Any]) -> PlatformFan:
    """A subscriber of ``/subscriptions/subscribers``."""
    sub = item.get("subscribedOnData") or {}
    return PlatformFan(
        platform_fan_id=str(item["id"]),
        username=str(item.get("username", "")),
        display_name=str(item.get("name", "")),
        subscribed_at=moment(sub.get("subscribeAt")),
        expires_at=moment(sub.get("expiredAt")),
        is_active=bool(item.get("subscribedOn", sub.get("status") == "active")),
        total_spent_cents=cents(sub.get("totalSumm")),
    )


def message(item: dict[str, Any], fan_id: str) -> PlatformMessage:
    """A chat message of ``/chats/{id}/messages``."""
    price = cents(item.get("price"))
    sent_at = moment(item.get("createdAt"))
    assert sent_at is not None, "a message without createdAt"
    return PlatformMessage(
        platform_message_id=str(item["id"]),
        platform_fan_id=fan_id,
        direction="outbound" if item.get("isFromCreator") else "inbound",
        text=str(item.get("text") or ""),
        sent_at=sent_at,
        price_cents=price or None,
        purchased=bool(price) and bool(item.get("isOpened")),
        media_ids=[str(m["id"]) for m in item.get("media") or []],
    )


def earning(item: dict[str, Any]) -> EarningEntry:
    """A statement entry of ``/payouts/transactions`` (gross amount)."""
    occurred = moment(item.get("createdAt"))
    assert occurred is not None, "a transaction without createdAt"
    user = item.get("user") or {}
    return EarningEntry(
        platform_entry_id=str(item["id"]),
        kind=_KINDS.get(str(item.get("type")), "other"),
        amount_cents=cents(item.get("amount")),
        currency=str(item.get("currency") or "USD"),
        occurred_at=occurred,
        platform_fan_id=str(user["id"]) if user.get("id") is not None else None,
        platform_message_id=str(item["messageId"]) if item.get("messageId") else None,
    )
