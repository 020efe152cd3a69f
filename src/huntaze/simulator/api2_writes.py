"""The ``api2`` skin's JSON writes, at the routes of OnlyFans' web app (DESIGN.md §3).

Bodies follow public clients of the platform's web API (``docs/onlyfans.md``). A message or mass
message with a price is refused unless it has media and the price is 3 to 200 dollars, as on the
platform; the ``classic`` skin and ``/api/v1`` stay the simpler simulator.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from huntaze.simulator import content, mass, messaging, vault_lists
from huntaze.simulator.api import PostIn
from huntaze.simulator.api import create_post as create_post_v1
from huntaze.simulator.api2_shapes import html_text, message_json
from huntaze.simulator.auth import authenticated
from huntaze.simulator.errors import invalid
from huntaze.simulator.messaging import MAX_PRICE_CENTS, MIN_PPV_CENTS
from huntaze.simulator.serializers import iso

router = APIRouter(prefix="/api2/v2")
ListKey = str | int


class Api2Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MessageBody(Api2Body):
    text: str = ""
    price: float = 0
    lockedText: bool = False  # noqa: N815
    mediaFiles: list[int] = Field(default_factory=list, max_length=20)  # noqa: N815
    previews: list[int] = Field(default_factory=list, max_length=20)


class QueueBody(MessageBody):
    userIds: list[int] = Field(default_factory=list, max_length=10_000)  # noqa: N815
    userLists: list[ListKey] = Field(default_factory=list, max_length=50)  # noqa: N815
    excludedLists: list[ListKey] = Field(default_factory=list, max_length=50)  # noqa: N815


class PostBody(Api2Body):
    text: str = ""
    mediaFiles: list[int] = Field(default_factory=list, max_length=20)  # noqa: N815
    scheduledDate: str | None = None  # noqa: N815


class LinkBody(Api2Body):
    campaignName: str | None = None  # noqa: N815
    trialLinkName: str | None = None  # noqa: N815
    subscribeDays: int = 7  # noqa: N815


class VaultListBody(Api2Body):
    name: str = Field(default="", max_length=200)


class VaultListMediaBody(Api2Body):
    mediaIds: list[int] = Field(min_length=1, max_length=100)  # noqa: N815


def priced(body: MessageBody) -> int:
    """The price in cents, checked the platform's way: 0, or 3 to 200 dollars with media."""
    if not math.isfinite(body.price):
        raise invalid("invalid_price", "The price is not a number.")
    price_cents = round(body.price * 100)
    if price_cents and not MIN_PPV_CENTS <= price_cents <= MAX_PRICE_CENTS:
        raise invalid(
            "invalid_price",
            f"The price is 0, or between {MIN_PPV_CENTS // 100} and {MAX_PRICE_CENTS // 100}.",
        )
    if price_cents and not body.mediaFiles:
        raise invalid("media_required", "A message with a price needs at least one media file.")
    return price_cents


@router.post("/chats/{fan_id}/messages")
def send_message(request: Request, fan_id: int, body: MessageBody) -> dict[str, Any]:
    """Send a message; a ``price`` (with ``mediaFiles``) makes it pay-per-view."""
    price_cents = priced(body)
    with authenticated(request) as (session, creator):
        message = messaging.send_message(
            session,
            creator,
            fan_id=fan_id,
            text=body.text,
            price_cents=price_cents,
            media_ids=body.mediaFiles,
        )
        return message_json(message, creator)


@router.post("/chats/{fan_id}/mark-as-read")
def mark_read(request: Request, fan_id: int) -> dict[str, Any]:
    """Mark a chat as read."""
    with authenticated(request) as (session, creator):
        messaging.mark_read(session, creator, fan_id)
        return {"success": True}


@router.post("/messages/queue")
def queue_mass_message(request: Request, body: QueueBody) -> dict[str, Any]:
    """A mass message to the fans of ``userLists`` and ``userIds``, minus ``excludedLists``."""
    price_cents = priced(body)
    if not body.userLists and not body.userIds:
        raise invalid("no_recipients", "Choose at least one list or fan.")
    with authenticated(request) as (session, creator):
        recipients = mass.audience(
            session,
            creator,
            user_lists=body.userLists,
            user_ids=body.userIds,
            excluded_lists=body.excludedLists,
        )
        sent = messaging.send_mass_message(
            session,
            creator,
            text=body.text,
            price_cents=price_cents,
            media_ids=body.mediaFiles,
            fan_ids=recipients,
        )
        return {
            "id": sent.id,
            "date": iso(sent.created_at),
            "text": html_text(sent.text),
            "rawText": sent.text,
            "sentCount": sent.recipients,
            "isDone": True,
        }


@router.delete("/messages/queue/{mass_id}")
def unsend_mass_message(request: Request, mass_id: int) -> dict[str, Any]:
    """Unsend a mass message: the copies no fan bought leave the chats."""
    with authenticated(request) as (session, creator):
        row = mass.unsend(session, creator, mass_id)
        return {"success": True, "removedCount": row.removed}


@router.post("/posts")
def create_post(request: Request, body: PostBody) -> dict[str, Any]:
    """Publish now, or schedule with ``scheduledDate``."""
    post = create_post_v1(
        request, PostIn(text=body.text, media_ids=body.mediaFiles, publish_at=body.scheduledDate)
    )
    return {
        "id": post["id"],
        "text": html_text(post["text"]),
        "rawText": post["text"],
        "postedAt": post["publish_at"],
    }


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


@router.post("/vault/lists")
def create_vault_list(request: Request, body: VaultListBody) -> dict[str, Any]:
    """A new vault list."""
    with authenticated(request) as (session, creator):
        row = vault_lists.create_list(session, creator, name=body.name)
        return {"id": row.id, "type": "custom", "name": row.name}


@router.post("/vault/lists/{list_id}/media")
def add_to_vault_list(request: Request, list_id: int, body: VaultListMediaBody) -> dict[str, Any]:
    """Put vault media in a vault list."""
    with authenticated(request) as (session, creator):
        count = vault_lists.add_media(session, creator, list_id, body.mediaIds)
        return {"id": list_id, "mediasCount": count}


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
