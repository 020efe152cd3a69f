"""JSON API of the content vault under ``/api/v1`` (DESIGN.md §8.1: thin routes).

An upload is the file itself as the request body (its ``Content-Type`` is informative only: the
content's first bytes decide), with its name in the ``filename`` query parameter.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from huntaze.accounts.auth import ApiActor
from huntaze.content.auth import Blobs, Limits, VaultItemFromPath
from huntaze.content.calendar import calendar
from huntaze.content.media import ACCEPTED
from huntaze.content.offers import offers
from huntaze.content.pricing import prices
from huntaze.content.schemas import (
    BestHoursOut,
    FanItemOut,
    FolderName,
    ItemOffersOut,
    LadderIn,
    LadderOut,
    PerformanceOut,
    VaultItemOut,
    VaultItemUpdate,
)
from huntaze.content.service import vault
from huntaze.content.upload_stream import body_chunks
from huntaze.core.fields import MAX_OFFSET
from huntaze.core.http import DbSession
from huntaze.creators.auth import CreatorFromPath

router = APIRouter(tags=["content"])

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": f"The file's bytes: {ACCEPTED}.",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in ("application/octet-stream", "image/*", "video/*")
        },
    },
    "responses": {
        "200": {"description": "The same content was already in the vault: that item"},
        "413": {
            "description": "Larger than the vault takes for its kind",
            "content": {"application/problem+json": {"schema": _PROBLEM}},
        },
        "415": {
            "description": f"Not {ACCEPTED}",
            "content": {"application/problem+json": {"schema": _PROBLEM}},
        },
    },
}


@router.post(
    "/creators/{creator_id}/vault",
    response_model=VaultItemOut,
    status_code=201,
    openapi_extra=_UPLOAD_DOC,
)
def upload(
    request: Request,
    creator: CreatorFromPath,
    actor: ApiActor,
    session: DbSession,
    blobs: Blobs,
    limits: Limits,
    filename: Annotated[str, Query(max_length=255)] = "",
) -> Response:
    """Add an image or video to the creator's vault (201), or get the item that already has
    the same content (200)."""
    result = vault.upload(
        session,
        actor,
        creator,
        chunks=body_chunks(request),
        filename=filename,
        blobs=blobs,
        limits=limits,
    )
    body = VaultItemOut.model_validate(result.item).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if result.created else 200)


@router.get("/creators/{creator_id}/vault", response_model=list[VaultItemOut])
def list_items(
    creator: CreatorFromPath,
    actor: ApiActor,
    session: DbSession,
    folder: Annotated[FolderName | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[VaultItemOut]:
    """The creator's vault, newest first; ``folder`` limits it to one folder."""
    found = vault.items(session, actor, creator, folder=folder, limit=limit, offset=offset)
    return [VaultItemOut.model_validate(item) for item in found]


@router.get("/vault/{item_id}", response_model=VaultItemOut)
def get_item(item: VaultItemFromPath) -> VaultItemOut:
    """One vault item."""
    return VaultItemOut.model_validate(item)


@router.get(
    "/vault/{item_id}/content",
    response_class=StreamingResponse,
    responses={200: {"description": "The file, with its media type"}},
)
def item_content(item: VaultItemFromPath, blobs: Blobs) -> StreamingResponse:
    """The item's file, streamed."""
    return StreamingResponse(
        vault.content(item, blobs=blobs),
        media_type=item.media_type,
        headers={"content-length": str(item.size_bytes)},
    )


@router.get(
    "/vault/{item_id}/thumbnail",
    response_class=StreamingResponse,
    responses={200: {"description": "A small JPEG of the image; 404 for videos"}},
)
def item_thumbnail(item: VaultItemFromPath, blobs: Blobs) -> StreamingResponse:
    """The item's thumbnail (images only), streamed."""
    return StreamingResponse(vault.thumbnail(item, blobs=blobs), media_type="image/jpeg")


@router.patch("/vault/{item_id}", response_model=VaultItemOut)
def update_item(
    item: VaultItemFromPath, actor: ApiActor, session: DbSession, data: VaultItemUpdate
) -> VaultItemOut:
    """File the item in a folder, tag it, or price it."""
    return VaultItemOut.model_validate(vault.update(session, actor, item, data))


@router.delete("/vault/{item_id}", status_code=204)
def delete_item(
    item: VaultItemFromPath, actor: ApiActor, session: DbSession, blobs: Blobs
) -> Response:
    """Remove the item and its files."""
    vault.delete(session, actor, item, blobs=blobs)
    return Response(status_code=204)


@router.get("/vault/{item_id}/offers", response_model=ItemOffersOut)
def item_offers(item: VaultItemFromPath, actor: ApiActor, session: DbSession) -> ItemOffersOut:
    """Who received the item and what came of it (sent free, offered, bought, not bought),
    and how it sells: offers, purchases, buy rate, revenue."""
    found = offers.of_item(session, actor, item)
    perf = found.performance
    return ItemOffersOut(
        item_id=item.id,
        performance=PerformanceOut(
            free_sends=perf.free_sends,
            offers=perf.offers,
            buys=perf.buys,
            buy_rate=perf.buy_rate,
            revenue_cents=perf.revenue_cents,
        ),
        fans=[
            FanItemOut(
                fan_id=entry.fan_id,
                username=entry.username,
                state=entry.state.value,
                deliveries=len(entry.deliveries),
                last_at=entry.last_at,
                revenue_cents=entry.revenue_cents,
            )
            for entry in found.fans
        ],
    )


@router.put("/creators/{creator_id}/vault/ladders", response_model=LadderOut)
def set_ladder(
    creator: CreatorFromPath, actor: ApiActor, session: DbSession, data: LadderIn
) -> LadderOut:
    """Set a folder's price ladder (no steps: remove it); the change goes in the history."""
    ladder = prices.set_ladder(
        session, actor, creator, folder=data.folder, steps_cents=data.steps_cents
    )
    return LadderOut(
        folder=data.folder,
        steps_cents=list(ladder.steps_cents) if ladder else [],
        currency=ladder.currency if ladder else creator.currency,
    )


@router.get("/creators/{creator_id}/best-hours", response_model=BestHoursOut)
def best_hours(creator: CreatorFromPath, actor: ApiActor, session: DbSession) -> BestHoursOut:
    """Purchases and tips per hour of the week and the learned scores, with the confidence."""
    best = calendar.best_times(session, actor, creator)
    return BestHoursOut(
        zone=calendar.zone(session, actor),
        events=best.events,
        confidence=best.confidence,
        sure=best.sure,
        counts=list(best.counts),
        scores=list(best.scores),
        best=best.best(5),
    )
