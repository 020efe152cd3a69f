"""Reply drafting gets the creator's similar past replies that worked, unless it was given some.

The provider is a scripted double at the provider boundary; the similarity search, the model and
the database are real.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy.orm import Session
from tests.ai.doubles import SAMPLE_INPUTS, ScriptedProvider

from huntaze.ai.router import AIRouter
from huntaze.ai.service import ai
from huntaze.ai.similarity.schemas import ExampleIn
from huntaze.ai.similarity.service import similarity

from .conftest import Studio

REPLY = json.dumps({"reply": "Hi Tom! The beach bundle is ready for you, enjoy it."})
SOLD = "The beach video bundle is 15 dollars babe, want me to unlock it for you?"
IGNORED = "The beach video bundle is out, check it."
UNRELATED = "I'm cooking pasta tonight, what's your favourite dinner?"


def _add(session: Session, studio: Studio) -> None:
    similarity.add_examples(
        session,
        studio.owner.actor,
        studio.creator_id,
        [
            ExampleIn(kind="reply", text=SOLD, outcome="purchase", revenue_cents=1500),
            ExampleIn(kind="reply", text=IGNORED, outcome="none"),
            ExampleIn(kind="reply", text=UNRELATED, outcome="tip"),
            ExampleIn(kind="caption", text="New beach video bundle out now", outcome="purchase"),
        ],
    )


def test_the_draft_prompt_shows_similar_replies_that_sold(
    session: Session, studio: Studio, use_providers: Callable[..., AIRouter]
) -> None:
    _add(session, studio)
    local = ScriptedProvider([REPLY], name="local")
    use_providers(local=local)

    result = ai.run(
        session,
        studio.owner.actor,
        "chat.reply_draft",
        SAMPLE_INPUTS["chat.reply_draft"],
        creator_id=studio.creator_id,
    )

    prompt = local.requests[0].user
    assert not result.fallback
    assert SOLD in prompt
    assert IGNORED not in prompt  # no outcome
    assert UNRELATED not in prompt  # not similar enough
    assert "New beach video bundle out now" not in prompt  # a caption, not a reply


def test_examples_given_by_the_caller_are_kept(
    session: Session, studio: Studio, use_providers: Callable[..., AIRouter]
) -> None:
    _add(session, studio)
    local = ScriptedProvider([REPLY], name="local")
    use_providers(local=local)
    payload = SAMPLE_INPUTS["chat.reply_draft"] | {"best_past_replies": ["Mine, thanks!"]}

    ai.run(session, studio.owner.actor, "chat.reply_draft", payload, creator_id=studio.creator_id)

    prompt = local.requests[0].user
    assert "Mine, thanks!" in prompt and SOLD not in prompt
