"""Access aliases of the content domain: a vault item, planned post or idea named in the path,
loaded through the service for the request's actor, 404 when it is another organization's
(DESIGN.md §8.1, §8.2); and the blob store and limits of the application serving the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from huntaze.accounts.auth import ApiActor, PageUser
from huntaze.config import Settings
from huntaze.content.calendar import calendar
from huntaze.content.ideas import ideas
from huntaze.content.models import ContentIdea, PlannedPost, VaultItem
from huntaze.content.service import VaultLimits, vault
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.storage.blobs import BlobStore, blob_store

VaultItemId = Annotated[ObjectId, Path(description="An item of a creator's vault.")]


def _item_for_api(item_id: VaultItemId, actor: ApiActor, session: DbSession) -> VaultItem:
    return vault.get(session, actor, item_id)


def _item_for_page(item_id: VaultItemId, auth: PageUser, session: DbSession) -> VaultItem:
    return vault.get(session, auth.actor, item_id)


def _blobs(request: Request) -> BlobStore:
    """The blob store the application's settings choose, made once per application."""
    store: BlobStore | None = getattr(request.app.state, "blob_store", None)
    if store is None:
        store = blob_store(request.app.state.settings)
        request.app.state.blob_store = store
    return store


def _limits(request: Request) -> VaultLimits:
    settings: Settings = request.app.state.settings
    return VaultLimits.from_settings(settings)


VaultItemFromPath = Annotated[VaultItem, Depends(_item_for_api)]
PageVaultItemFromPath = Annotated[VaultItem, Depends(_item_for_page)]
Blobs = Annotated[BlobStore, Depends(_blobs)]
Limits = Annotated[VaultLimits, Depends(_limits)]


PlannedPostId = Annotated[ObjectId, Path(description="A post planned on a creator's calendar.")]


def _planned_post_for_page(
    post_id: PlannedPostId, auth: PageUser, session: DbSession
) -> PlannedPost:
    return calendar.get(session, auth.actor, post_id)


PagePlannedPostFromPath = Annotated[PlannedPost, Depends(_planned_post_for_page)]

IdeaId = Annotated[ObjectId, Path(description="A saved idea for a creator's post.")]


def _idea_for_page(idea_id: IdeaId, auth: PageUser, session: DbSession) -> ContentIdea:
    return ideas.get(session, auth.actor, idea_id)


PageIdeaFromPath = Annotated[ContentIdea, Depends(_idea_for_page)]
