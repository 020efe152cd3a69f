"""Access aliases of the fans domain: a fan named in the path, loaded through the service for
the request's actor, 404 when it is another organization's (DESIGN.md §8.1, §8.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from huntaze.accounts.auth import ApiActor, PageUser
from huntaze.core.fields import ObjectId
from huntaze.core.http import DbSession
from huntaze.fans.models import Fan
from huntaze.fans.service import fans

FanId = Annotated[ObjectId, Path(description="A fan of the organization.")]


def _fan_for_api(fan_id: FanId, actor: ApiActor, session: DbSession) -> Fan:
    return fans.get(session, actor, fan_id)


def _fan_for_page(fan_id: FanId, auth: PageUser, session: DbSession) -> Fan:
    return fans.get(session, auth.actor, fan_id)


FanFromPath = Annotated[Fan, Depends(_fan_for_api)]
PageFanFromPath = Annotated[Fan, Depends(_fan_for_page)]
