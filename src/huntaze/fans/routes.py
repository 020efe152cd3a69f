"""JSON API of fans under ``/api/v1`` (DESIGN.md §8.1: thin routes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from huntaze.accounts.auth import ApiActor
from huntaze.core.fields import MAX_OFFSET
from huntaze.core.http import DbSession
from huntaze.fans.auth import FanFromPath
from huntaze.fans.schemas import FanFilter, FanOut
from huntaze.fans.service import fans

router = APIRouter(tags=["fans"])


@router.get("/fans", response_model=list[FanOut])
def list_fans(
    actor: ApiActor,
    session: DbSession,
    creator_id: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[str | None, Query(pattern="^(active|expired)$")] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[FanOut]:
    """The organization's fans, most recently active first; filter by creator, status or name."""
    filters = FanFilter(creator_id=creator_id, status=status, q=q, limit=limit, offset=offset)
    return [FanOut.model_validate(f) for f in fans.page(session, actor, filters)]


@router.get("/fans/{fan_id}", response_model=FanOut)
def get_fan(fan: FanFromPath) -> FanOut:
    """One fan with their spend per type and chat state."""
    return FanOut.model_validate(fan)
