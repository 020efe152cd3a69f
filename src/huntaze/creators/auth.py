"""Access aliases of the creators domain: a creator or platform account named in the path,
loaded through the service for the request's actor, 404 when it is another organization's
(DESIGN.md §8.1, §8.2).

``CreatorFromPath`` serves the JSON API (API key or session with its CSRF header);
``PageCreatorFromPath`` serves the HTML pages (session cookie, form CSRF token).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from huntaze.accounts.auth import ApiActor, PageUser
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.creators.service import creators

CreatorId = Annotated[ObjectId, Path(description="A creator of the organization.")]
AccountId = Annotated[ObjectId, Path(description="A platform account of the organization.")]


def _creator_for_api(creator_id: CreatorId, actor: ApiActor, session: DbSession) -> Creator:
    return creators.get(session, actor, creator_id)


def _creator_for_page(creator_id: CreatorId, auth: PageUser, session: DbSession) -> Creator:
    return creators.get(session, auth.actor, creator_id)


def _account_for_api(account_id: AccountId, actor: ApiActor, session: DbSession) -> PlatformAccount:
    return creators.get_account(session, actor, account_id)


def _account_for_page(account_id: AccountId, auth: PageUser, session: DbSession) -> PlatformAccount:
    return creators.get_account(session, auth.actor, account_id)


CreatorFromPath = Annotated[Creator, Depends(_creator_for_api)]
PageCreatorFromPath = Annotated[Creator, Depends(_creator_for_page)]
PlatformAccountFromPath = Annotated[PlatformAccount, Depends(_account_for_api)]
PagePlatformAccountFromPath = Annotated[PlatformAccount, Depends(_account_for_page)]
