"""JSON API of a creator's past examples: add them, search them (DESIGN.md §4, §8.1)."""

from __future__ import annotations

from fastapi import APIRouter

from huntaze.accounts.auth import ApiActor
from huntaze.ai.similarity.schemas import ExamplesAdded, ExamplesIn, SearchIn, SearchOut
from huntaze.ai.similarity.service import similarity
from huntaze.core.http import DbSession
from huntaze.creators.auth import CreatorFromPath

router = APIRouter(tags=["ai"])


@router.post("/creators/{creator_id}/ai-examples", response_model=ExamplesAdded, status_code=201)
def add_examples(
    creator: CreatorFromPath, body: ExamplesIn, actor: ApiActor, session: DbSession
) -> ExamplesAdded:
    """Store past replies or captions with their outcome, for similar-reply grounding."""
    return similarity.add_examples(session, actor, creator.id, body.items)


@router.post("/creators/{creator_id}/ai-examples/search", response_model=SearchOut)
def search_examples(
    creator: CreatorFromPath, body: SearchIn, actor: ApiActor, session: DbSession
) -> SearchOut:
    """The creator's examples most like a text, best first, with how each performed."""
    return similarity.search(session, actor, creator.id, body)
