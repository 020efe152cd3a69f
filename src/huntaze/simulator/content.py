"""Posts, the media vault, and tracking / free-trial links (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.simulator.errors import SimulatorError, invalid, not_found
from huntaze.simulator.messaging import MAX_TEXT, check_limit, check_media
from huntaze.simulator.models import Creator, Fan, Link, Post, Transaction, VaultItem
from huntaze.simulator.state import get_now, next_id

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MEDIA_TYPES = ("image/", "video/")
LINK_KINDS = ("tracking", "trial")
DEFAULT_ARRIVALS_PER_DAY = 1.0


def create_post(
    session: Session,
    creator: Creator,
    *,
    text: str,
    media_ids: Sequence[int] = (),
    publish_at: dt.datetime | None = None,
    nonce: str | None = None,
) -> Post:
    """Publish a post now, or schedule it for ``publish_at`` (UTC, not in the past)."""
    if not text.strip() and not media_ids:
        raise invalid("empty_post", "A post needs a caption or media.")
    if len(text) > MAX_TEXT:
        raise invalid(
            "text_too_long", f"The caption is {len(text)} characters; at most {MAX_TEXT}."
        )
    now = get_now(session)
    if publish_at is not None:
        if publish_at.tzinfo is None:
            raise invalid("naive_datetime", "publish_at needs a timezone (use UTC).")
        if publish_at < now:
            raise invalid("publish_at_in_past", "publish_at is before the current time.")
    post = Post(
        id=next_id(session, Post),
        creator_id=creator.id,
        text=text,
        media_ids=check_media(session, creator, media_ids),
        nonce=nonce,
        publish_at=publish_at or now,
        created_at=now,
    )
    session.add(post)
    session.flush()
    return post


def list_posts(
    session: Session, creator: Creator, *, limit: int, offset: int, nonce: str | None = None
) -> list[Post]:
    """Posts (those created with ``nonce``), latest publication first, scheduled included."""
    check_limit(limit)
    query = select(Post).where(Post.creator_id == creator.id)
    if nonce is not None:
        query = query.where(Post.nonce == nonce)
    return list(
        session.scalars(
            query.order_by(Post.publish_at.desc(), Post.id.desc())
            .offset(max(offset, 0))
            .limit(limit)
        )
    )


def published_posts(
    session: Session, creator: Creator, *, limit: int, before: dt.datetime | None
) -> tuple[list[Post], bool]:
    """Published posts, latest first, published before ``before``; and whether more follow."""
    check_limit(limit)
    query = select(Post).where(Post.creator_id == creator.id, Post.publish_at <= get_now(session))
    if before is not None:
        query = query.where(Post.publish_at < before)
    rows = list(
        session.scalars(query.order_by(Post.publish_at.desc(), Post.id.desc()).limit(limit + 1))
    )
    return rows[:limit], len(rows) > limit


def add_vault_item(
    session: Session, creator: Creator, *, filename: str, content_type: str, data: bytes
) -> VaultItem:
    """Store an uploaded picture or video in the vault."""
    if not data:
        raise invalid("empty_upload", "The uploaded file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise SimulatorError(
            413, "upload_too_large", f"Uploads are at most {MAX_UPLOAD_BYTES} bytes."
        )
    if not content_type.startswith(MEDIA_TYPES):
        raise invalid("unsupported_media_type", f"Only images and videos, not {content_type}.")
    item = VaultItem(
        id=next_id(session, VaultItem),
        creator_id=creator.id,
        filename=re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:200] or "upload",
        content_type=content_type,
        size_bytes=len(data),
        data=data,
        created_at=get_now(session),
    )
    session.add(item)
    session.flush()
    return item


def list_vault(session: Session, creator: Creator, *, limit: int, offset: int) -> list[VaultItem]:
    """Vault items, newest first."""
    check_limit(limit)
    return list(
        session.scalars(
            select(VaultItem)
            .where(VaultItem.creator_id == creator.id)
            .order_by(VaultItem.id.desc())
            .offset(max(offset, 0))
            .limit(limit)
        )
    )


def get_vault_item(session: Session, creator: Creator, item_id: int) -> VaultItem:
    """One vault item of this account, or a 404."""
    item = session.get(VaultItem, item_id)
    if item is None or item.creator_id != creator.id:
        raise not_found("media", item_id)
    return item


@dataclass(frozen=True)
class LinkStats:
    """A link with what it brought: subscribers and revenue attributed to it."""

    link: Link
    subscribers: int
    active_subscribers: int
    revenue_cents: int


def create_link(
    session: Session,
    creator: Creator,
    *,
    name: str,
    kind: str = "tracking",
    trial_days: int = 0,
    arrivals_per_day: float = DEFAULT_ARRIVALS_PER_DAY,
) -> Link:
    """Create a tracking link, or a free-trial link of ``trial_days`` days."""
    if not name.strip() or len(name) > 128:
        raise invalid("invalid_name", "A link needs a name of 1 to 128 characters.")
    if kind not in LINK_KINDS:
        raise invalid("invalid_kind", f"kind must be one of {', '.join(LINK_KINDS)}.")
    if kind == "trial" and not 1 <= trial_days <= 30:
        raise invalid("invalid_trial_days", "A free trial lasts 1 to 30 days.")
    if arrivals_per_day < 0:
        raise invalid("invalid_rate", "arrivals_per_day cannot be negative.")
    link_id = next_id(session, Link)
    link = Link(
        id=link_id,
        creator_id=creator.id,
        kind=kind,
        name=name.strip(),
        code=f"{'tr' if kind == 'trial' else 'tl'}{creator.id}x{link_id}",
        arrivals_per_day=arrivals_per_day,
        trial_days=trial_days if kind == "trial" else 0,
        clicks=0,
        created_at=get_now(session),
    )
    session.add(link)
    session.flush()
    return link


def get_link(session: Session, creator: Creator, link_id: int) -> Link:
    """One link of this account, or a 404."""
    link = session.get(Link, link_id)
    if link is None or link.creator_id != creator.id:
        raise not_found("link", link_id)
    return link


def link_stats(session: Session, creator: Creator) -> list[LinkStats]:
    """Every link with its attributed subscribers and revenue (two grouped queries)."""
    links = session.scalars(
        select(Link).where(Link.creator_id == creator.id).order_by(Link.id)
    ).all()
    fans = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            select(Fan.link_id, func.count(), func.sum(Fan.status == "active"))
            .where(Fan.creator_id == creator.id, Fan.link_id.is_not(None))
            .group_by(Fan.link_id)
        )
    }
    revenue = dict(
        session.execute(
            select(Transaction.link_id, func.sum(Transaction.amount_cents))
            .where(Transaction.creator_id == creator.id, Transaction.link_id.is_not(None))
            .group_by(Transaction.link_id)
        ).all()
    )
    return [
        LinkStats(
            link=link,
            subscribers=int(fans.get(link.id, (0, 0))[0]),
            active_subscribers=int(fans.get(link.id, (0, 0))[1] or 0),
            revenue_cents=int(revenue.get(link.id) or 0),
        )
        for link in links
    ]
