"""Turning one page read from a platform into rows (DESIGN.md §6 "Inbox sync").

Each function takes a page of the connector's plain schemas and writes it in a few statements
(the fans it names in one query, the new rows in one insert that skips those already there, the
fans' counters in one update each), returning the events the page revealed. Nothing here talks
to the platform; :mod:`huntaze.inbox.sync` fetches and calls these inside one transaction per
page, with the stream's cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from huntaze.analytics.events import EventIn
from huntaze.core.bulk import insert_new
from huntaze.core.db import new_id, utcnow
from huntaze.fans.service import AccountRef, fans
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.inbox.repository import chat_messages_repo, earnings_repo
from huntaze.platforms.base import EarningEntry, PlatformMessage

MAX_TEXT = 20_000


def ingest_messages(
    session: Session, account: AccountRef, items: Sequence[PlatformMessage]
) -> list[EventIn]:
    """Store the page's new messages (either direction); mark PPVs bought since last time."""
    if not items:
        return []
    by_fan = fans.ensure(session, account, (m.platform_fan_id for m in items))
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "organization_id": account.org,
            "platform_account_id": account.account_id,
            "fan_id": by_fan[m.platform_fan_id].id,
            "platform_message_id": m.platform_message_id,
            "direction": m.direction,
            "text": m.text[:MAX_TEXT],
            "sent_at": m.sent_at,
            "price_cents": m.price_cents,
            "purchased": m.purchased,
            "nonce": m.nonce,
            "synced_at": now,
        }
        for m in items
    ]
    new_ids = insert_new(
        session,
        ChatMessage,
        rows,
        conflict=("platform_account_id", "platform_message_id"),
        returning="platform_message_id",
    )
    chat_messages_repo.mark_purchased(
        session,
        account.org,
        account.account_id,
        (
            m.platform_message_id
            for m in items
            if m.purchased and m.platform_message_id not in new_ids
        ),
    )
    fresh = [row for row in rows if row["platform_message_id"] in new_ids]
    fresh = list({row["platform_message_id"]: row for row in fresh}.values())
    fans.note_messages(
        session,
        account.org,
        by_fan,
        ((row["fan_id"], row["direction"], row["sent_at"]) for row in fresh),
    )
    return [
        EventIn(
            "message.received" if row["direction"] == "inbound" else "message.sent",
            f"message:{account.account_id}:{row['platform_message_id']}",
            row["sent_at"],
            creator_id=account.creator_id,
            platform_account_id=account.account_id,
            fan_id=row["fan_id"],
            payload={
                "platform_message_id": row["platform_message_id"],
                "price_cents": row["price_cents"],
            },
        )
        for row in fresh
    ]


def ingest_earnings(
    session: Session, account: AccountRef, items: Sequence[EarningEntry]
) -> list[EventIn]:
    """Store the page's new statement entries, apply status changes (chargebacks) of known
    ones, and recompute the spend of every fan the page touched."""
    if not items:
        return []
    named = {e.platform_fan_id for e in items if e.platform_fan_id}
    by_fan = fans.ensure(session, account, named) if named else {}
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "organization_id": account.org,
            "platform_account_id": account.account_id,
            "fan_id": by_fan[e.platform_fan_id].id if e.platform_fan_id else None,
            "platform_entry_id": e.platform_entry_id,
            "kind": e.kind,
            "amount_cents": e.amount_cents,
            "net_cents": e.net_cents,
            "currency": e.currency,
            "status": e.status,
            "renewal": e.renewal,
            "occurred_at": e.occurred_at,
            "platform_message_id": e.platform_message_id,
        }
        for e in items
    ]
    stored = earnings_repo.statuses(
        session, account.org, account.account_id, (e.platform_entry_id for e in items)
    )
    new_ids = insert_new(
        session,
        Earning,
        rows,
        conflict=("platform_account_id", "platform_entry_id"),
        returning="platform_entry_id",
    )
    events: list[EventIn] = []
    for row in {r["platform_entry_id"]: r for r in rows}.values():
        entry_id = row["platform_entry_id"]
        common: dict[str, Any] = {
            "creator_id": account.creator_id,
            "platform_account_id": account.account_id,
            "fan_id": row["fan_id"],
            "amount_cents": row["amount_cents"],
            "payload": {"kind": row["kind"], "platform_entry_id": entry_id},
        }
        if entry_id in new_ids:
            events.append(
                EventIn(
                    "purchase.made",
                    f"purchase:{account.account_id}:{entry_id}",
                    row["occurred_at"],
                    **common,
                )
            )
            if row["status"] == "chargeback":
                events.append(_chargeback(account, entry_id, common))
        elif stored.get(entry_id) != row["status"]:
            earnings_repo.set_status(
                session, account.org, account.account_id, entry_id, row["status"]
            )
            if row["status"] == "chargeback":
                events.append(_chargeback(account, entry_id, common))
    touched = {row["fan_id"] for row in rows if row["fan_id"]}
    fans.set_spend(session, account.org, earnings_repo.spend_by_fan(session, account.org, touched))
    chat_messages_repo.mark_purchased(
        session,
        account.org,
        account.account_id,
        (
            row["platform_message_id"]
            for row in rows
            if row["kind"] == "ppv" and row["platform_message_id"] and row["status"] != "chargeback"
        ),
    )
    return events


def _chargeback(account: AccountRef, entry_id: str, common: dict[str, Any]) -> EventIn:
    return EventIn(
        "purchase.charged_back",
        f"chargeback:{account.account_id}:{entry_id}",
        utcnow(),
        **common,
    )
