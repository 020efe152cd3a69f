"""The simulator's own JSON API under ``/api/v1`` (DESIGN.md §3).

Auth: ``Authorization: Bearer <api token>`` or the session cookie. Lists page with ``limit`` and
a cursor: ``next_cursor`` is what to pass back (``since`` for messages and transactions,
``changed_since`` for fans in sync mode, ``cursor`` for fans by id). Errors are
``{"error": {"code", "message"}}`` with a 4xx status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, File, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from huntaze.simulator import content, ledger, mass, messaging, vault_lists
from huntaze.simulator.accounts import authenticate, complete_otp, start_session
from huntaze.simulator.auth import authenticated, context
from huntaze.simulator.errors import SimulatorError, invalid
from huntaze.simulator.faults import SESSION_COOKIE
from huntaze.simulator.serializers import (
    creator_json,
    fan_json,
    iso,
    link_json,
    message_json,
    post_json,
    transaction_json,
    vault_json,
)
from huntaze.simulator.state import get_now

router = APIRouter(prefix="/api/v1")


class StrictBody(BaseModel):
    """Request bodies refuse unknown fields and type coercion."""

    model_config = ConfigDict(strict=True, extra="forbid")


class LoginIn(StrictBody):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    code: str | None = Field(default=None, max_length=6)


class MessageIn(StrictBody):
    text: str = ""
    price_cents: int = 0
    media_ids: list[int] = Field(default_factory=list, max_length=20)
    nonce: str | None = Field(default=None, max_length=128)


class MassMessageIn(MessageIn):
    fan_ids: list[int] | None = Field(default=None, max_length=100_000)


class PostIn(StrictBody):
    text: str = ""
    media_ids: list[int] = Field(default_factory=list, max_length=20)
    publish_at: str | None = None
    nonce: str | None = Field(default=None, max_length=128)


class LinkIn(StrictBody):
    name: str
    kind: str = "tracking"
    trial_days: int = 0


def page(items: list[dict[str, Any]], has_more: bool, cursor: object) -> dict[str, Any]:
    """A page of a list with its cursor."""
    return {"items": items, "has_more": has_more, "next_cursor": str(cursor) if cursor else None}


@router.post("/session")
def login(body: LoginIn, response: Response, request: Request) -> dict[str, Any]:
    """Log in with username, password and (when switched on) the one-time code; sets the cookie."""
    with context(request).db.session() as session:
        creator = authenticate(session, body.username, body.password)
        if creator is None:
            raise SimulatorError(401, "invalid_credentials", "Wrong username or password.")
        row = start_session(session, creator)
        if row.stage == "otp":
            if body.code is None:
                raise SimulatorError(401, "otp_required", "This account needs its one-time code.")
            if not complete_otp(session, row.token, body.code):
                raise SimulatorError(401, "invalid_otp", "The one-time code is wrong.")
        response.set_cookie(SESSION_COOKIE, row.token, httponly=True, samesite="lax")
        return {"username": creator.username, "stage": "full"}


@router.get("/me")
def me(request: Request) -> dict[str, Any]:
    """The account the request is authenticated as."""
    with authenticated(request) as (_session, creator):
        return creator_json(creator)


@router.get("/fans")
def fans(
    request: Request,
    status: str = "all",
    limit: int = 50,
    cursor: int = 0,
    changed_since: int | None = None,
) -> dict[str, Any]:
    """Fans by id (``cursor``), or changed since a sequence number (``changed_since``)."""
    with authenticated(request) as (session, creator):
        rows, more = ledger.list_fans(
            session,
            creator,
            limit=limit,
            status=status,
            after_id=cursor,
            changed_since=changed_since,
        )
        if changed_since is not None:
            last = rows[-1].changed_seq if rows else changed_since
        else:
            last = rows[-1].id if rows else cursor
        return page([fan_json(f) for f in rows], more, last)


@router.get("/fans/{fan_id}")
def fan(request: Request, fan_id: int) -> dict[str, Any]:
    """One fan."""
    with authenticated(request) as (session, creator):
        return fan_json(messaging.get_fan(session, creator, fan_id))


@router.get("/chats")
def chats(request: Request, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Chats, unread first, each with its last message."""
    with authenticated(request) as (session, creator):
        rows, more = messaging.list_chats(session, creator, limit=limit, offset=offset)
        last = messaging.last_messages(session, rows)
        items = [
            {"fan": fan_json(f), "last_message": message_json(last[f.id]) if f.id in last else None}
            for f in rows
        ]
        return {
            "items": items,
            "has_more": more,
            "next_offset": offset + len(rows) if more else None,
        }


@router.get("/chats/{fan_id}/messages")
def chat_messages(
    request: Request,
    fan_id: int,
    limit: int = 50,
    before_id: int | None = None,
    after_id: int | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """One chat, oldest first within the page: the latest, older (``before_id``) or newer."""
    with authenticated(request) as (session, creator):
        rows, more = messaging.chat_messages(
            session,
            creator,
            fan_id,
            limit=limit,
            before_id=before_id,
            after_id=after_id,
            nonce=nonce,
        )
        cursor = (rows[-1].id if after_id is not None else rows[0].id) if rows else None
        return page([message_json(m) for m in rows], more, cursor)


@router.post("/chats/{fan_id}/messages", status_code=201)
def send_message(request: Request, fan_id: int, body: MessageIn) -> dict[str, Any]:
    """Send a message (PPV when ``price_cents`` > 0); ``nonce`` is stored with it."""
    with authenticated(request) as (session, creator):
        message = messaging.send_message(
            session,
            creator,
            fan_id=fan_id,
            text=body.text,
            price_cents=body.price_cents,
            media_ids=body.media_ids,
            nonce=body.nonce,
        )
        return message_json(message)


@router.post("/chats/{fan_id}/read")
def mark_read(request: Request, fan_id: int) -> dict[str, Any]:
    """Mark a chat as read."""
    with authenticated(request) as (session, creator):
        return fan_json(messaging.mark_read(session, creator, fan_id))


@router.get("/messages")
def messages_since(request: Request, since: int = 0, limit: int = 100) -> dict[str, Any]:
    """Every message after the cursor ``since``, across chats (incremental sync)."""
    with authenticated(request) as (session, creator):
        rows, more = messaging.messages_since(session, creator, since_id=since, limit=limit)
        return page([message_json(m) for m in rows], more, rows[-1].id if rows else since)


@router.post("/mass-messages", status_code=201)
def mass_message(request: Request, body: MassMessageIn) -> dict[str, Any]:
    """Send to the listed ``fan_ids``, or to every active fan when ``fan_ids`` is null."""
    with authenticated(request) as (session, creator):
        mass = messaging.send_mass_message(
            session,
            creator,
            text=body.text,
            price_cents=body.price_cents,
            media_ids=body.media_ids,
            fan_ids=body.fan_ids,
            nonce=body.nonce,
        )
        return {"id": mass.id, "recipients": mass.recipients, "nonce": mass.nonce}


@router.get("/mass-messages")
def mass_messages(
    request: Request, limit: int = 20, offset: int = 0, nonce: str | None = None
) -> dict[str, Any]:
    """Mass messages, newest first; ``nonce`` finds the ones sent with it."""
    with authenticated(request) as (session, creator):
        rows, more = mass.list_mass(session, creator, limit=limit, offset=offset, nonce=nonce)
        ids = [m.id for m in rows]
        counts, taken_back = mass.stats(session, ids), mass.unsent(session, ids)
        items = [
            {
                "id": m.id,
                "text": m.text,
                "price_cents": m.price_cents,
                "recipients": m.recipients,
                "nonce": m.nonce,
                "created_at": iso(m.created_at),
                "viewed": counts.get(m.id, {}).get("viewed", 0),
                "purchased": counts.get(m.id, {}).get("purchased", 0),
                "unsent": m.id in taken_back,
            }
            for m in rows
        ]
        return page(items, more, offset + len(rows))


@router.get("/fan-lists")
def fan_lists(request: Request) -> dict[str, Any]:
    """The built-in fan lists a mass message can go to, with their sizes."""
    with authenticated(request) as (session, creator):
        counts = mass.list_counts(session, creator)
        return {
            "items": [
                {"id": key, "name": name, "fans": counts[key]}
                for key, (name, _status) in mass.FAN_LISTS.items()
            ]
        }


@router.get("/vault-lists")
def vault_list_index(request: Request, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Vault lists with their media counts."""
    with authenticated(request) as (session, creator):
        rows, more = vault_lists.lists_page(session, creator, limit=limit, offset=offset)
        items = [{"id": row.id, "name": row.name, "media": count} for row, count in rows]
        return page(items, more, offset + len(rows))


@router.get("/transactions")
def transactions(
    request: Request, since: int = 0, before_id: int | None = None, limit: int = 100
) -> dict[str, Any]:
    """Transactions recorded after ``since`` (id order, for sync), or with ``before_id`` the
    page of older ones, newest first by time."""
    with authenticated(request) as (session, creator):
        if before_id is None:
            rows, more = ledger.transactions_since(session, creator, limit=limit, since_id=since)
            return page([transaction_json(t) for t in rows], more, rows[-1].id if rows else since)
        rows, more = ledger.latest_transactions(session, creator, limit=limit, before_id=before_id)
        return page([transaction_json(t) for t in rows], more, rows[-1].id if rows else None)


@router.get("/transactions/latest")
def latest_transactions(request: Request, limit: int = 50) -> dict[str, Any]:
    """The newest transactions by time; continue with ``/transactions?before_id=<next_cursor>``."""
    with authenticated(request) as (session, creator):
        rows, more = ledger.latest_transactions(session, creator, limit=limit)
        return page([transaction_json(t) for t in rows], more, rows[-1].id if rows else None)


@router.get("/earnings")
def earnings(request: Request, days: int = 30) -> dict[str, Any]:
    """Gross earnings per simulated day and kind, newest day first, with totals."""
    with authenticated(request) as (session, creator):
        rows = ledger.earnings_by_day(session, creator, days=days)
        return {
            "currency": creator.currency,
            "days": [{"date": r.day.isoformat(), **r.by_kind, "total": r.total} for r in rows],
            "totals": ledger.totals(rows),
        }


@router.get("/posts")
def posts(
    request: Request, limit: int = 20, offset: int = 0, nonce: str | None = None
) -> dict[str, Any]:
    """Posts, latest first; ``nonce`` finds the ones created with it."""
    with authenticated(request) as (session, creator):
        now = get_now(session)
        rows = content.list_posts(session, creator, limit=limit, offset=offset, nonce=nonce)
        return {"items": [post_json(p, now) for p in rows]}


@router.post("/posts", status_code=201)
def create_post(request: Request, body: PostIn) -> dict[str, Any]:
    """Publish now, or schedule with ``publish_at`` (ISO 8601 with a timezone)."""
    publish_at = None
    if body.publish_at is not None:
        try:
            publish_at = dt.datetime.fromisoformat(body.publish_at.replace("Z", "+00:00"))
        except ValueError as exc:
            raise invalid("invalid_datetime", "publish_at is not an ISO 8601 datetime.") from exc
    with authenticated(request) as (session, creator):
        post = content.create_post(
            session,
            creator,
            text=body.text,
            media_ids=body.media_ids,
            publish_at=publish_at,
            nonce=body.nonce,
        )
        return post_json(post, get_now(session))


@router.get("/vault")
def vault(request: Request, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Vault items, newest first."""
    with authenticated(request) as (session, creator):
        rows = content.list_vault(session, creator, limit=limit, offset=offset)
        return {"items": [vault_json(v) for v in rows]}


@router.post("/vault", status_code=201)
async def upload(request: Request, file: UploadFile = File(...)) -> dict[str, Any]:
    """Upload a picture or video (multipart field ``file``)."""
    data = await file.read(content.MAX_UPLOAD_BYTES + 1)
    with authenticated(request) as (session, creator):
        item = content.add_vault_item(
            session,
            creator,
            filename=file.filename or "upload",
            content_type=file.content_type or "application/octet-stream",
            data=data,
        )
        return vault_json(item)


@router.get("/links")
def links(request: Request) -> dict[str, Any]:
    """Tracking and trial links with attributed subscribers and revenue."""
    base = str(request.base_url)
    with authenticated(request) as (session, creator):
        return {"items": [link_json(s, base) for s in content.link_stats(session, creator)]}


@router.post("/links", status_code=201)
def create_link(request: Request, body: LinkIn) -> dict[str, Any]:
    """Create a tracking link, or a free-trial link with ``trial_days``."""
    base = str(request.base_url)
    with authenticated(request) as (session, creator):
        link = content.create_link(
            session, creator, name=body.name, kind=body.kind, trial_days=body.trial_days
        )
        stats = next(s for s in content.link_stats(session, creator) if s.link.id == link.id)
        return link_json(stats, base)
