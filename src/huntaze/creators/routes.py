"""JSON API of creators and their platform accounts under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from huntaze.accounts.auth import ApiActor
from huntaze.core.http import DbSession
from huntaze.creators.auth import CreatorFromPath, PlatformAccountFromPath
from huntaze.creators.models import PlatformAccount
from huntaze.creators.schemas import (
    CreatorCreate,
    CreatorOut,
    CreatorUpdate,
    PlatformAccountCreate,
    PlatformAccountOut,
    PlatformAccountUpdate,
)
from huntaze.creators.service import creators
from huntaze.outbox.health import sending_status
from huntaze.outbox.schemas import SendingOut

router = APIRouter(tags=["creators"])


def account_out(account: PlatformAccount, sending: SendingOut | None = None) -> PlatformAccountOut:
    """The public view of a platform account: never its secret."""
    return PlatformAccountOut.model_validate(
        {
            "sending": sending,
            "id": account.id,
            "creator_id": account.creator_id,
            "platform": account.platform,
            "handle": account.handle,
            "link_state": account.link_state,
            "last_error": account.last_error,
            "last_synced_at": account.last_synced_at,
            "connection": account.connection,
            "has_session_secret": account.session_secret_encrypted is not None,
            "has_error_screenshot": account.last_screenshot_key is not None,
            "created_at": account.created_at,
        }
    )


@router.get("/creators", response_model=list[CreatorOut])
def list_creators(actor: ApiActor, session: DbSession) -> list[CreatorOut]:
    """Every creator of the organization."""
    return [CreatorOut.model_validate(c) for c in creators.list_creators(session, actor)]


@router.post("/creators", response_model=CreatorOut, status_code=201)
def create_creator(body: CreatorCreate, actor: ApiActor, session: DbSession) -> CreatorOut:
    """Add a creator with a persona."""
    return CreatorOut.model_validate(creators.create(session, actor, body))


@router.get("/creators/{creator_id}", response_model=CreatorOut)
def get_creator(creator: CreatorFromPath) -> CreatorOut:
    """One creator with their persona."""
    return CreatorOut.model_validate(creator)


@router.patch("/creators/{creator_id}", response_model=CreatorOut)
def update_creator(
    creator: CreatorFromPath, body: CreatorUpdate, actor: ApiActor, session: DbSession
) -> CreatorOut:
    """Change a creator's profile or persona."""
    return CreatorOut.model_validate(creators.update(session, actor, creator.id, body))


@router.delete("/creators/{creator_id}", status_code=204)
def delete_creator(creator: CreatorFromPath, actor: ApiActor, session: DbSession) -> Response:
    """Remove a creator and their platform accounts."""
    creators.delete(session, actor, creator.id)
    return Response(status_code=204)


@router.get("/creators/{creator_id}/platform-accounts", response_model=list[PlatformAccountOut])
def list_accounts(
    creator: CreatorFromPath, actor: ApiActor, session: DbSession
) -> list[PlatformAccountOut]:
    """A creator's platform accounts."""
    accounts = creators.accounts(session, actor, creator.id)
    sending = sending_status(session, [(a.id, a.platform) for a in accounts])
    return [account_out(a, sending[a.id]) for a in accounts]


@router.post(
    "/creators/{creator_id}/platform-accounts", response_model=PlatformAccountOut, status_code=201
)
def add_account(
    creator: CreatorFromPath, body: PlatformAccountCreate, actor: ApiActor, session: DbSession
) -> PlatformAccountOut:
    """Connect a platform account to a creator."""
    return account_out(creators.add_account(session, actor, creator.id, body))


@router.patch("/platform-accounts/{account_id}", response_model=PlatformAccountOut)
def update_account(
    account: PlatformAccountFromPath,
    body: PlatformAccountUpdate,
    actor: ApiActor,
    session: DbSession,
) -> PlatformAccountOut:
    """Change a platform account's connection settings or secret."""
    return account_out(creators.update_account(session, actor, account.id, body))


@router.delete("/platform-accounts/{account_id}", status_code=204)
def remove_account(
    account: PlatformAccountFromPath, actor: ApiActor, session: DbSession
) -> Response:
    """Disconnect a platform account."""
    creators.remove_account(session, actor, account.id)
    return Response(status_code=204)
