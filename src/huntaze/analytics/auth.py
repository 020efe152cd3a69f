"""Access aliases of analytics (DESIGN.md §8.1, §8.2): an actor allowed to read the agency's
figures, for the JSON API and for the pages; creators named in a path come through
:mod:`huntaze.creators.auth` (404 when another organization's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from huntaze.accounts.actor import Actor
from huntaze.accounts.auth import ApiActor, PageAuth, PageUser
from huntaze.accounts.permissions import Permission


def _api_reader(actor: ApiActor) -> Actor:
    actor.require(Permission.ANALYTICS_READ)
    return actor


def _page_reader(auth: PageUser) -> PageAuth:
    auth.actor.require(Permission.ANALYTICS_READ)
    return auth


AnalyticsReader = Annotated[Actor, Depends(_api_reader)]
PageAnalyticsReader = Annotated[PageAuth, Depends(_page_reader)]
