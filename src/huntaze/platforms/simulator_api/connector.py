"""The connector for the simulator's JSON API (DESIGN.md §3, §4 "platform"), driver
``simulator_api``.

Incremental reads use the API's own cursors: fans by change sequence (``changed_since``),
messages and transactions by id (``since``); the cursor returned in :class:`Page` is what the
next call takes. Writes send the outbox row's nonce, which the simulator stores with the
message, so :meth:`SimulatorApiConnector.find_sent` finds an earlier copy with the API's
``nonce`` filter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from huntaze.platforms.agency import (
    EarningsTotal,
    FanList,
    MassMessageStats,
    PromoLink,
    VaultList,
)
from huntaze.platforms.base import (
    EarningEntry,
    NeedsHumanError,
    OutgoingMassMessage,
    OutgoingMessage,
    OutgoingPost,
    Page,
    PlatformFan,
    PlatformMessage,
    RejectedError,
    SentReceipt,
    SessionState,
)
from huntaze.platforms.registry import AccountConnection
from huntaze.platforms.simulator_api.client import SimulatorClient

PAGE_SIZE = 100
_EARNING_KINDS = {"subscription", "tip", "ppv", "message", "post"}


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _int_ids(values: list[str], what: str) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise RejectedError(f"The simulator's {what} ids are numbers; got {values!r}.") from None


def _fan(item: dict[str, Any]) -> PlatformFan:
    return PlatformFan(
        platform_fan_id=str(item["id"]),
        username=item["username"],
        display_name=item.get("display_name") or "",
        subscribed_at=_time(item.get("subscribed_at")),
        expires_at=_time(item.get("expires_at")),
        is_active=item.get("status") == "active",
        total_spent_cents=int(item.get("total_spent_cents") or 0),
    )


def _message(item: dict[str, Any]) -> PlatformMessage:
    sent_at = _time(item.get("created_at"))
    assert sent_at is not None
    price = int(item.get("price_cents") or 0)
    return PlatformMessage(
        platform_message_id=str(item["id"]),
        platform_fan_id=str(item["fan_id"]),
        direction="outbound" if item.get("from_creator") else "inbound",
        text=item.get("text") or "",
        sent_at=sent_at,
        price_cents=price or None,
        purchased=item.get("purchased_at") is not None,
        nonce=item.get("nonce"),
        media_ids=[str(m) for m in item.get("media_ids") or []],
    )


def _earning(item: dict[str, Any], currency: str) -> EarningEntry:
    occurred_at = _time(item.get("created_at"))
    assert occurred_at is not None
    kind = item.get("kind")
    return EarningEntry(
        platform_entry_id=str(item["id"]),
        kind=kind if kind in _EARNING_KINDS else "other",
        amount_cents=int(item["amount_cents"]),
        currency=currency,
        occurred_at=occurred_at,
        platform_fan_id=str(item["fan_id"]) if item.get("fan_id") is not None else None,
        platform_message_id=(
            str(item["message_id"]) if item.get("message_id") is not None else None
        ),
    )


def _page_of(body: dict[str, Any], items: list[Any], cursor: str | None) -> Page[Any]:
    return Page(
        items=items, next_cursor=body.get("next_cursor") or cursor, has_more=bool(body["has_more"])
    )


class SimulatorApiConnector:
    """Reads and acts on one simulator account over HTTP."""

    def __init__(self, connection: AccountConnection) -> None:
        self.client = SimulatorClient(connection)
        self._currency: str | None = None

    def check_session(self) -> SessionState:
        """Whether the credentials work (logging in when they are a password)."""
        try:
            me = self.client.request("GET", "/me")
        except NeedsHumanError as exc:
            return SessionState(ok=False, detail=exc.message)
        self._currency = me.get("currency")
        return SessionState(ok=True, detail=f"logged in as {me['username']}")

    def fans_since(self, cursor: str | None) -> Page[PlatformFan]:
        """Fans whose record changed after ``cursor`` (a change sequence number)."""
        params = {"changed_since": int(cursor or 0), "limit": PAGE_SIZE}
        body = self.client.request("GET", "/fans", params=params)
        return _page_of(body, [_fan(i) for i in body["items"]], cursor)

    def messages_since(self, cursor: str | None) -> Page[PlatformMessage]:
        """Messages of every chat after ``cursor`` (a message id), oldest first."""
        params = {"since": int(cursor or 0), "limit": PAGE_SIZE}
        body = self.client.request("GET", "/messages", params=params)
        return _page_of(body, [_message(i) for i in body["items"]], cursor)

    def earnings_since(self, cursor: str | None) -> Page[EarningEntry]:
        """Transactions recorded after ``cursor`` (a transaction id)."""
        currency = self._account_currency()
        params = {"since": int(cursor or 0), "limit": PAGE_SIZE}
        body = self.client.request("GET", "/transactions", params=params)
        return _page_of(body, [_earning(i, currency) for i in body["items"]], cursor)

    def send_message(self, message: OutgoingMessage) -> SentReceipt:
        """Send one message; a price makes it a PPV offer."""
        fan_id = _int_ids([message.platform_fan_id], "fan")[0]
        body = self.client.request(
            "POST",
            f"/chats/{fan_id}/messages",
            write=True,
            json={
                "text": message.text,
                "price_cents": message.price_cents or 0,
                "media_ids": _int_ids(message.media_ids, "media"),
                "nonce": message.nonce,
            },
        )
        return SentReceipt(platform_message_id=str(body["id"]), sent_at=_message(body).sent_at)

    def find_sent(
        self, *, platform_fan_id: str, nonce: str, text: str, after: dt.datetime
    ) -> PlatformMessage | None:
        """Our message with this nonce in the fan's chat, if the platform has it."""
        fan_id = _int_ids([platform_fan_id], "fan")[0]
        body = self.client.request(
            "GET", f"/chats/{fan_id}/messages", params={"nonce": nonce, "limit": 5}
        )
        mine = [_message(i) for i in body["items"] if i.get("from_creator")]
        return mine[0] if mine else None

    def send_mass_message(self, message: OutgoingMassMessage) -> SentReceipt:
        """Send to the listed fans, or to every active fan."""
        fan_ids = message.platform_fan_ids
        body = self.client.request(
            "POST",
            "/mass-messages",
            write=True,
            json={
                "text": message.text,
                "price_cents": message.price_cents or 0,
                "media_ids": _int_ids(message.media_ids, "media"),
                "nonce": message.nonce,
                "fan_ids": _int_ids(fan_ids, "fan") if fan_ids is not None else None,
            },
        )
        return SentReceipt(
            platform_message_id=f"mass:{body['id']}", sent_at=dt.datetime.now(dt.UTC)
        )

    def find_sent_mass(self, *, nonce: str, text: str, after: dt.datetime) -> SentReceipt | None:
        """Our mass message with this nonce, if the platform has it."""
        body = self.client.request("GET", "/mass-messages", params={"nonce": nonce, "limit": 5})
        items = body["items"]
        if not items:
            return None
        sent_at = _time(items[0].get("created_at")) or after
        return SentReceipt(platform_message_id=f"mass:{items[0]['id']}", sent_at=sent_at)

    def find_post(
        self, *, nonce: str, text: str, after: dt.datetime, publish_at: dt.datetime | None = None
    ) -> SentReceipt | None:
        """Our post (published or scheduled) with this nonce, if the platform has it."""
        body = self.client.request("GET", "/posts", params={"nonce": nonce, "limit": 5})
        items = body["items"]
        if not items:
            return None
        created = _time(items[0].get("created_at")) or after
        return SentReceipt(platform_message_id=f"post:{items[0]['id']}", sent_at=created)

    def create_post(self, post: OutgoingPost) -> SentReceipt:
        """Publish a post now, or schedule it."""
        body = self.client.request(
            "POST",
            "/posts",
            write=True,
            json={
                "text": post.caption,
                "media_ids": _int_ids(post.media_ids, "media"),
                "publish_at": post.publish_at.isoformat() if post.publish_at else None,
                "nonce": post.nonce,
            },
        )
        created = _time(body.get("created_at")) or dt.datetime.now(dt.UTC)
        return SentReceipt(platform_message_id=f"post:{body['id']}", sent_at=created)

    def mass_messages(self) -> list[MassMessageStats]:
        """Recent mass messages with their sent, viewed and purchased counts."""
        body = self.client.request("GET", "/mass-messages", params={"limit": 50})
        return [
            MassMessageStats(
                platform_mass_id=f"mass:{item['id']}",
                text=item.get("text") or "",
                sent_at=_time(item.get("created_at")) or dt.datetime.now(dt.UTC),
                price_cents=int(item.get("price_cents") or 0) or None,
                sent=int(item.get("recipients") or 0),
                viewed=int(item.get("viewed") or 0),
                purchased=int(item.get("purchased") or 0),
                unsent=bool(item.get("unsent")),
            )
            for item in body["items"]
        ]

    def vault_lists(self) -> list[VaultList]:
        """The vault's lists with their media counts."""
        body = self.client.request("GET", "/vault-lists")
        return [
            VaultList(platform_list_id=str(i["id"]), name=i["name"], media_count=int(i["media"]))
            for i in body["items"]
        ]

    def fan_lists(self) -> list[FanList]:
        """The fan lists with their sizes."""
        body = self.client.request("GET", "/fan-lists")
        return [
            FanList(platform_list_id=str(i["id"]), name=i["name"], fans_count=int(i["fans"]))
            for i in body["items"]
        ]

    def promo_links(self) -> list[PromoLink]:
        """Tracking and free-trial links with clicks, subscribers and revenue."""
        body = self.client.request("GET", "/links")
        return [
            PromoLink(
                platform_link_id=str(i["id"]),
                kind="trial" if i["kind"] == "trial" else "tracking",
                name=i["name"],
                url=i.get("url") or "",
                clicks=int(i.get("clicks") or 0),
                subscribers=int(i.get("subscribers") or 0),
                revenue_cents=int(i.get("revenue_cents") or 0),
                trial_days=int(i["trial_days"]) if i.get("trial_days") else None,
            )
            for i in body["items"]
        ]

    def earnings_statistics(self, *, days: int = 30) -> list[EarningsTotal]:
        """Gross earnings of the last ``days`` days by kind (the API gives no net figures)."""
        body = self.client.request("GET", "/earnings", params={"days": days})
        totals = body["totals"]
        kinds = {"subscription": "subscription", "tip": "tip", "ppv": "message", "total": "all"}
        return [
            EarningsTotal(kind=kind, gross_cents=int(totals.get(key) or 0))
            for key, kind in kinds.items()
        ]

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    def _account_currency(self) -> str:
        if self._currency is None:
            self._currency = str(self.client.request("GET", "/me").get("currency") or "USD")
        return self._currency
