"""The web app's JSON (``/api2/v2``) → the plain schemas of ``platforms/base.py``.

DESIGN.md §3. Shapes, and the public clients they were read from: ``docs/onlyfans.md``.
Envelopes are ``{list, hasMore}``; ids are numbers except transaction ids (strings); money is
dollars with cents; message text is HTML; who wrote a message is ``fromUser.id`` compared with
the creator's own id (``/users/me``); a statement entry's kind is the start of its HTML
``description``. A body that lacks what it must carry raises ``TransientError`` (the page got
something else: an error page, a changed API), never a ``KeyError``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from huntaze.platforms.agency import (
    EarningsTotal,
    FanList,
    MassMessageStats,
    PromoLink,
    VaultList,
)
from huntaze.platforms.base import (
    EarningEntry,
    EarningStatus,
    PlatformFan,
    PlatformMessage,
    TransientError,
)
from huntaze.platforms.onlyfans.text import plain_text

Kind = Literal["subscription", "tip", "ppv", "message", "post", "other"]
# Longest prefix first: "Recurring subscription from" before "Subscription from".
_DESCRIPTION_KINDS: tuple[tuple[str, Kind, bool], ...] = (
    ("recurring subscription from", "subscription", True),
    ("subscription from", "subscription", False),
    ("tip from", "tip", False),
    ("payment for message from", "ppv", False),
    ("payment for post from", "post", False),
)
_STATUSES: dict[str, EarningStatus] = {
    "done": "done",
    "loading": "pending",
    "pending": "pending",
    "undo": "chargeback",
    "pending_return": "pending_return",
}


def cents(amount: Any) -> int:
    """Dollars as the JSON gives them (``12.5``, ``"12.50"``) in integer cents."""
    try:
        return int((Decimal(str(amount if amount is not None else 0)) * 100).to_integral_value())
    except InvalidOperation:
        raise TransientError(
            f"the platform sent an amount that is not a number: {amount!r}"
        ) from None


def moment(value: Any) -> dt.datetime | None:
    """An ISO time from the JSON, in UTC."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise TransientError(f"the platform sent a time that is not ISO 8601: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def page(data: Any, what: str) -> tuple[list[dict[str, Any]], bool]:
    """The items and ``hasMore`` of a ``{list, hasMore}`` answer."""
    if not isinstance(data, dict) or not isinstance(data.get("list"), list):
        raise TransientError(f"the platform's answer for {what} has no list")
    if "hasMore" not in data:
        raise TransientError(f"the platform's answer for {what} has no hasMore")
    items = [item for item in data["list"] if isinstance(item, dict)]
    return items, bool(data["hasMore"])


def field(item: dict[str, Any], key: str, what: str) -> Any:
    """A field an item must have."""
    if item.get(key) is None:
        raise TransientError(f"a {what} from the platform has no {key}")
    return item[key]


def me_id(data: Any) -> str:
    """The creator's own user id from ``/users/me``."""
    if not isinstance(data, dict):
        raise TransientError("the platform's answer for users/me is not an object")
    return str(field(data, "id", "users/me answer"))


def fan(item: dict[str, Any]) -> PlatformFan:
    """A subscriber of ``/subscriptions/subscribers`` (``totalSumm`` is net of the fee)."""
    sub = item.get("subscribedOnData") or {}
    active = bool(item["subscribedOn"]) if "subscribedOn" in item else sub.get("status") == "active"
    return PlatformFan(
        platform_fan_id=str(field(item, "id", "subscriber")),
        username=str(item.get("username") or ""),
        display_name=str(item.get("name") or ""),
        subscribed_at=moment(sub.get("subscribeAt")),
        expires_at=moment(sub.get("expiredAt")),
        is_active=active,
        total_spent_cents=cents(sub.get("totalSumm")),
        spend_is_net=True,
        updated_at=moment(sub.get("renewedAt")) or moment(sub.get("subscribeAt")),
    )


def message(item: dict[str, Any], fan_id: str, me: str) -> PlatformMessage:
    """A chat message of ``/chats/{id}/messages``; ours when ``fromUser.id`` is ``me``.

    Whether a priced message was bought is not in it (``isOpened`` means viewed): purchases
    come from the statements.
    """
    sender = item.get("fromUser") or {}
    if not isinstance(sender, dict) or sender.get("id") is None:
        raise TransientError("a chat message from the platform has no fromUser.id")
    sent_at = moment(field(item, "createdAt", "chat message"))
    assert sent_at is not None
    price = cents(item.get("price"))
    return PlatformMessage(
        platform_message_id=str(field(item, "id", "chat message")),
        platform_fan_id=fan_id,
        direction="outbound" if str(sender["id"]) == me else "inbound",
        text=plain_text(item.get("text")),
        sent_at=sent_at,
        price_cents=price or None,
        purchased=False,
        media_ids=[str(m["id"]) for m in item.get("media") or [] if isinstance(m, dict)],
    )


def earning(item: dict[str, Any]) -> EarningEntry:
    """A statement entry of ``/payouts/transactions`` (``amount`` gross, ``net`` kept)."""
    occurred = moment(field(item, "createdAt", "transaction"))
    assert occurred is not None
    user = item.get("user") or {}
    described = plain_text(item.get("description")).lower()
    kind, renewal = next(
        ((k, r) for prefix, k, r in _DESCRIPTION_KINDS if described.startswith(prefix)),
        ("other", False),
    )
    return EarningEntry(
        platform_entry_id=str(field(item, "id", "transaction")),
        kind=kind,
        renewal=renewal,
        amount_cents=cents(item.get("amount")),
        net_cents=cents(item["net"]) if item.get("net") is not None else None,
        currency=str(item.get("currency") or "USD"),
        occurred_at=occurred,
        platform_fan_id=str(user["id"]) if isinstance(user, dict) and user.get("id") else None,
        status=_STATUSES.get(str(item.get("status") or "done"), "unknown"),
    )


def mass_stats(item: dict[str, Any]) -> MassMessageStats:
    """A mass message of ``/messages/queue/stats``."""
    sent_at = moment(field(item, "date", "mass message"))
    assert sent_at is not None
    price = cents(item.get("price"))
    return MassMessageStats(
        platform_mass_id=str(field(item, "id", "mass message")),
        text=plain_text(item.get("text")),
        sent_at=sent_at,
        price_cents=price or None,
        sent=int(item.get("sentCount") or 0),
        viewed=int(item.get("viewedCount") or 0),
        purchased=int(item.get("purchasedCount") or 0),
        unsent=bool(item.get("isCanceled")),
    )


def vault_list(item: dict[str, Any]) -> VaultList:
    """A vault list of ``/vault/lists``."""
    return VaultList(
        platform_list_id=str(field(item, "id", "vault list")),
        name=str(item.get("name") or ""),
        media_count=int(item.get("mediasCount") or 0),
    )


def fan_list(item: dict[str, Any]) -> FanList:
    """A fan list of ``/lists``."""
    return FanList(
        platform_list_id=str(field(item, "id", "fan list")),
        name=str(item.get("name") or ""),
        fans_count=int(item.get("usersCount") or 0),
    )


def promo_link(item: dict[str, Any], kind: Literal["tracking", "trial"]) -> PromoLink:
    """A tracking link of ``/campaigns`` or a trial link of ``/trials``."""
    revenue = item.get("revenue")
    return PromoLink(
        platform_link_id=str(field(item, "id", f"{kind} link")),
        kind=kind,
        name=str(item.get("name") or ""),
        url=str(item.get("url") or ""),
        clicks=int(item.get("clicksCount") or 0),
        subscribers=int(item.get("subscribersCount") or 0),
        revenue_cents=cents(revenue) if revenue is not None else None,
        trial_days=int(item["subscribeDays"]) if item.get("subscribeDays") else None,
    )


_STATISTICS_KINDS: dict[str, Literal["subscription", "tip", "message", "post", "all"]] = {
    "subscribes": "subscription",
    "tips": "tip",
    "chat_messages": "message",
    "post": "post",
    "all": "all",
}


def statistics(data: Any) -> list[EarningsTotal]:
    """Gross and net totals by kind of ``/earnings/statistics`` (``list.total``)."""
    body = data.get("list") if isinstance(data, dict) else None
    total = body.get("total") if isinstance(body, dict) else None
    if not isinstance(total, dict):
        raise TransientError("the platform's earnings statistics have no list.total")
    return [
        EarningsTotal(
            kind=kind,
            gross_cents=cents(total[key].get("total_gross")),
            net_cents=cents(total[key]["total_net"])
            if total[key].get("total_net") is not None
            else None,
        )
        for key, kind in _STATISTICS_KINDS.items()
        if isinstance(total.get(key), dict)
    ]
