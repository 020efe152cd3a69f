"""JSON shapes of the simulator's own API ``/api/v1`` (DESIGN.md §3). Money is in cents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from huntaze.simulator.content import LinkStats
from huntaze.simulator.messaging import media_list
from huntaze.simulator.models import Creator, Fan, Message, Post, Transaction, VaultItem


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def creator_json(creator: Creator) -> dict[str, Any]:
    """The account."""
    return {
        "id": creator.id,
        "username": creator.username,
        "display_name": creator.display_name,
        "skin": creator.skin,
        "currency": creator.currency,
        "subscription_price_cents": creator.subscription_price_cents,
    }


def fan_json(fan: Fan) -> dict[str, Any]:
    """A fan as the creator sees them (no behaviour profile: that is ground truth)."""
    return {
        "id": fan.id,
        "username": fan.username,
        "display_name": fan.display_name,
        "status": fan.status,
        "subscribed_at": iso(fan.subscribed_at),
        "expires_at": iso(fan.expires_at),
        "total_spent_cents": fan.total_spent_cents,
        "link_id": fan.link_id,
        "unread_count": fan.unread_count,
        "last_message_at": iso(fan.last_message_at),
        "changed_seq": fan.changed_seq,
    }


def message_json(message: Message) -> dict[str, Any]:
    """A chat message."""
    return {
        "id": message.id,
        "fan_id": message.fan_id,
        "from_creator": message.from_creator,
        "text": message.text,
        "price_cents": message.price_cents,
        "media_ids": media_list(message.media_ids),
        "nonce": message.nonce,
        "mass_message_id": message.mass_message_id,
        "created_at": iso(message.created_at),
        "read_at": iso(message.read_at),
        "purchased_at": iso(message.purchased_at),
    }


def transaction_json(row: Transaction) -> dict[str, Any]:
    """Money a fan paid."""
    return {
        "id": row.id,
        "fan_id": row.fan_id,
        "kind": row.kind,
        "amount_cents": row.amount_cents,
        "message_id": row.message_id,
        "link_id": row.link_id,
        "created_at": iso(row.created_at),
    }


def post_json(post: Post, now: dt.datetime) -> dict[str, Any]:
    """A post, published or scheduled."""
    return {
        "id": post.id,
        "text": post.text,
        "media_ids": media_list(post.media_ids),
        "nonce": post.nonce,
        "publish_at": iso(post.publish_at),
        "published": post.publish_at <= now,
        "created_at": iso(post.created_at),
    }


def vault_json(item: VaultItem) -> dict[str, Any]:
    """A vault item (its bytes are at ``url``)."""
    return {
        "id": item.id,
        "filename": item.filename,
        "content_type": item.content_type,
        "size_bytes": item.size_bytes,
        "url": f"/media/{item.id}",
        "created_at": iso(item.created_at),
    }


def link_json(stats: LinkStats, base_url: str) -> dict[str, Any]:
    """A link with the subscribers and revenue attributed to it."""
    link = stats.link
    return {
        "id": link.id,
        "kind": link.kind,
        "name": link.name,
        "url": f"{base_url.rstrip('/')}/join/{link.code}",
        "trial_days": link.trial_days,
        "clicks": link.clicks,
        "subscribers": stats.subscribers,
        "active_subscribers": stats.active_subscribers,
        "revenue_cents": stats.revenue_cents,
        "created_at": iso(link.created_at),
    }
