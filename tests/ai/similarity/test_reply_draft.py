"""Reply drafting uses the creator's similar past replies that worked, unless it was given some.

A past reply close enough to the fan's message is the draft itself, with no model call.

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


ASKS_PRICE = SAMPLE_INPUTS["chat.reply_draft"] | {
    "messages": [{"sender": "fan", "text": "How much for the new beach video bundle?"}]
}


def test_a_close_reply_that_sold_is_the_draft(
    session: Session, studio: Studio, use_providers: Callable[..., AIRouter]
) -> None:
    _add(session, studio)
    local = ScriptedProvider([REPLY], name="local")
    use_providers(local=local)

    result = ai.run(
        session, studio.owner.actor, "chat.reply_draft", ASKS_PRICE, creator_id=studio.creator_id
    )

    assert not result.fallback and result.record.provider == "rules"
    assert (result.output.reply, result.output.origin) == (SOLD, "past_reply")
    assert local.requests == []  # no model needed
    assert IGNORED not in result.output.reply  # no outcome: never a candidate


def test_examples_given_by_the_caller_are_kept(
    session: Session, studio: Studio, use_providers: Callable[..., AIRouter]
) -> None:
    _add(session, studio)
    local = ScriptedProvider([REPLY], name="local")
    use_providers(local=local)
    mine = "The beach bundle is yours for 15 dollars, love. Shall I unlock it?"
    payload = ASKS_PRICE | {"best_past_replies": [mine]}

    result = ai.run(
        session, studio.owner.actor, "chat.reply_draft", payload, creator_id=studio.creator_id
    )

    assert result.output.reply == mine and SOLD not in result.output.reply
