"""JSON API of the inbox under ``/api/v1`` (DESIGN.md §8.1: thin routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from huntaze.accounts.auth import ApiActor
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.creators.auth import PlatformAccountFromPath
from huntaze.fans.auth import FanFromPath
from huntaze.inbox.schemas import ChatMessageOut, SyncQueuedOut, SyncStreamOut
from huntaze.inbox.service import inbox

router = APIRouter(tags=["inbox"])


@router.get("/fans/{fan_id}/messages", response_model=list[ChatMessageOut])
def fan_messages(
    fan: FanFromPath,
    actor: ApiActor,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[ObjectId | None, Query(description="A message id to page back from.")] = None,
) -> list[ChatMessageOut]:
    """The fan's chat, newest first."""
    found = inbox.messages(session, actor, fan, limit=limit, before=before)
    return [ChatMessageOut.model_validate(m) for m in found]


@router.post("/platform-accounts/{account_id}/sync", response_model=SyncQueuedOut, status_code=202)
def sync_now(
    account: PlatformAccountFromPath, actor: ApiActor, session: DbSession
) -> SyncQueuedOut:
    """Queue a sync of the account's fans, messages and statements now."""
    streams = inbox.request_sync(session, actor, account)
    return SyncQueuedOut(queued=True, streams=[SyncStreamOut.model_validate(s) for s in streams])
