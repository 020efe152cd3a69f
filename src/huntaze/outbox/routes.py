"""JSON API of the outbox under ``/api/v1`` (DESIGN.md §6 "Send", §8.1: thin routes).

Creating, approving, queueing and cancelling change rows only; the send itself happens in a
worker after commit (DESIGN.md §2.5: a web request never waits on a platform).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from huntaze.accounts.auth import ApiActor
from huntaze.core.fields import MAX_OFFSET
from huntaze.core.http import DbSession
from huntaze.creators.auth import PlatformAccountFromPath
from huntaze.outbox.accounts import account_recovery
from huntaze.outbox.auth import OutboundMessageFromPath
from huntaze.outbox.schemas import OutboundCreate, OutboundCreateIn, OutboundFilter, OutboundOut
from huntaze.outbox.service import outbox
from huntaze.outbox.states import Kind, State

router = APIRouter(tags=["outbox"])


@router.post(
    "/platform-accounts/{account_id}/outbound-messages",
    response_model=OutboundOut,
    status_code=201,
)
def create_outbound(
    account: PlatformAccountFromPath, body: OutboundCreateIn, actor: ApiActor, session: DbSession
) -> OutboundOut:
    """Create an outbound message (checked by compliance); a repeated idempotency key returns
    the message made the first time."""
    data = OutboundCreate.model_validate(body.model_dump(), strict=False)
    message = outbox.create(session, actor, platform_account_id=account.id, data=data)
    return OutboundOut.model_validate(message)


@router.get("/outbound-messages", response_model=list[OutboundOut])
def list_outbound(
    actor: ApiActor,
    session: DbSession,
    state: State | None = None,
    kind: Kind | None = None,
    platform_account_id: str | None = None,
    source_kind: str | None = None,
    source_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[OutboundOut]:
    """The organization's outbound messages, newest first, filtered."""
    filters = OutboundFilter(
        state=state,
        kind=kind,
        platform_account_id=platform_account_id,
        source_kind=source_kind,
        source_id=source_id,
        limit=limit,
        offset=offset,
    )
    return [OutboundOut.model_validate(m) for m in outbox.list(session, actor, filters)]


@router.get("/outbound-messages/{message_id}", response_model=OutboundOut)
def get_outbound(message: OutboundMessageFromPath) -> OutboundOut:
    """One outbound message with its verdict, provenance and delivery state."""
    return OutboundOut.model_validate(message)


@router.post("/outbound-messages/{message_id}/approve", response_model=OutboundOut)
def approve_outbound(
    message: OutboundMessageFromPath, actor: ApiActor, session: DbSession
) -> OutboundOut:
    """Approve a draft (a review or block verdict needs the right to override it)."""
    return OutboundOut.model_validate(outbox.approve(session, actor, message.id))


@router.post("/outbound-messages/{message_id}/send", response_model=OutboundOut)
def send_outbound(
    message: OutboundMessageFromPath, actor: ApiActor, session: DbSession
) -> OutboundOut:
    """Queue an approved message; a worker sends it."""
    return OutboundOut.model_validate(outbox.queue(session, actor, message.id))


@router.post("/outbound-messages/{message_id}/cancel", response_model=OutboundOut)
def cancel_outbound(
    message: OutboundMessageFromPath, actor: ApiActor, session: DbSession
) -> OutboundOut:
    """Cancel a message that has not started sending."""
    return OutboundOut.model_validate(outbox.cancel(session, actor, message.id))


class RetryNowOut(BaseModel):
    messages_woken: int


class CheckQueuedOut(BaseModel):
    """A check was queued; ``link_state`` is the account's state before it ran."""

    account_id: str
    checking: bool
    link_state: str


@router.post(
    "/platform-accounts/{account_id}/check", status_code=202, response_model=CheckQueuedOut
)
def check_account(
    account: PlatformAccountFromPath, actor: ApiActor, session: DbSession
) -> CheckQueuedOut:
    """Ask a worker to log in to the account; read the result later as its ``link_state``."""
    account_recovery.check_connection(session, actor, account.id)
    return CheckQueuedOut(account_id=account.id, checking=True, link_state=account.link_state)


@router.post("/platform-accounts/{account_id}/retry-now", response_model=RetryNowOut)
def retry_account_now(
    account: PlatformAccountFromPath, actor: ApiActor, session: DbSession
) -> RetryNowOut:
    """Close the account's circuit and send its waiting messages now."""
    return RetryNowOut(messages_woken=account_recovery.retry_now(session, actor, account.id))
