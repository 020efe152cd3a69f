"""Access aliases of analytics (DESIGN.md §8.1, §8.2): an actor allowed to read the agency's
figures, for the JSON API and for the pages, and the blob store of the stored reports; creators
named in a path come through :mod:`huntaze.creators.auth` (404 when another organization's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from huntaze.accounts.actor import Actor
from huntaze.accounts.auth import ApiActor, PageAuth, PageUser
from huntaze.accounts.permissions import Permission
from huntaze.storage.blobs import BlobStore, blob_store


def _api_reader(actor: ApiActor) -> Actor:
    actor.require(Permission.ANALYTICS_READ)
    return actor


def _page_reader(auth: PageUser) -> PageAuth:
    auth.actor.require(Permission.ANALYTICS_READ)
    return auth


def _blobs(request: Request) -> BlobStore:
    """The blob store the application's settings choose, made once per application."""
    store: BlobStore | None = getattr(request.app.state, "blob_store", None)
    if store is None:
        store = blob_store(request.app.state.settings)
        request.app.state.blob_store = store
    return store


AnalyticsReader = Annotated[Actor, Depends(_api_reader)]
PageAnalyticsReader = Annotated[PageAuth, Depends(_page_reader)]
Blobs = Annotated[BlobStore, Depends(_blobs)]
