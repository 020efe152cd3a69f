"""Decide before writing: what a reply draft may be for one fan message (DESIGN.md §4).

The decision comes from the understanding of the fan's last message (intent and risks, with the
conversation's earlier flags carried forward) and the fan's own flags. Risks win over intents:
a possible minor gets no draft at all, whatever else the message says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from huntaze.ai.understanding import Understanding

Action = Literal["escalate", "reply"]

# Risks that stop drafting: a person reads the conversation and answers (or blocks).
STOP_RISKS: tuple[tuple[str, str], ...] = (
    (
        "possible_minor",
        "The fan may be a minor: no draft. Flag the fan; a person checks the conversation "
        "before anything is sent.",
    ),
    (
        "self_harm",
        "The fan may be at risk of harming themselves: a person answers, with care.",
    ),
    (
        "non_consent",
        "The fan asks for non-consensual content: no draft; a person answers or blocks.",
    ),
    ("bestiality", "The fan asks for content involving animals: no draft; a person answers."),
    ("incest", "The fan asks for incest role-play: no draft; a person answers."),
    ("violence", "The fan writes about violence: no draft; a person reads and answers."),
    (
        "chargeback_threat",
        "The fan threatens a chargeback: a person handles payment disputes, no draft.",
    ),
)
BOT_REASON = "The fan asks whether a person is writing: a person answers that one."
NOTHING_FITS = (
    "No template or past reply of the creator fits this message: a person writes the reply."
)

# Intents answered with a reply of the same name in the template library.
REPLY_INTENTS = frozenset(
    {
        "greeting",
        "small_talk",
        "question",
        "compliment",
        "purchase_interest",
        "custom_request",
        "haggle",
        "complaint",
        "refund",
        "sad",
        "meeting",
        "off_platform",
        "injection",
        "churn",
    }
)
# Intents where the creator's own past replies may be the draft (not declines or apologies,
# where only the vetted wording of the library is used).
RETRIEVAL_INTENTS = frozenset(
    {
        "greeting",
        "small_talk",
        "question",
        "compliment",
        "purchase_interest",
        "custom_request",
        "other",
    }
)


@dataclass(frozen=True)
class Decision:
    """What to do with one fan message: escalate with a reason, or reply with one intent."""

    action: Action
    intent: str
    reason: str
    understanding: Understanding

    @property
    def retrieval(self) -> bool:
        """Whether the creator's past replies may be used as the draft."""
        return self.action == "reply" and self.intent in RETRIEVAL_INTENTS


# A stated age under 18 stops drafting even where the understanding missed it: no draft is the
# one mistake that costs nothing.
_STATED_MINOR_AGE = re.compile(
    r"\b(?:i'?m|im|i am|turn(?:ed|ing)?|age(?: is)?|aged)\s+(?:only\s+|just\s+)?(1[0-7]|[1-9])\b"
    r"|\b(1[0-7]|[1-9])\s*(?:yo|y/o|years? old)\b",
    re.I,
)


def states_minor_age(texts: Sequence[str]) -> bool:
    """Whether the fan states an age under 18 in any of ``texts``."""
    return any(_STATED_MINOR_AGE.search(text) for text in texts)


def decide(
    understanding: Understanding, fan_flags: Sequence[str] = (), fan_texts: Sequence[str] = ()
) -> Decision:
    """The decision for a message understood as ``understanding`` from a fan with these flags."""
    risks = set(understanding.risks) | set(fan_flags)
    if states_minor_age(fan_texts):
        risks.add("possible_minor")
    for risk, reason in STOP_RISKS:
        if risk in risks:
            return Decision("escalate", understanding.intent, reason, understanding)
    intent = understanding.intent
    if intent == "bot":
        return Decision("escalate", intent, BOT_REASON, understanding)
    if intent == "meeting" or "meeting" in risks:
        return Decision("reply", "meeting", "Declines to meet; keeps the fan here.", understanding)
    if intent == "off_platform" or "off_platform" in risks:
        return Decision(
            "reply", "off_platform", "Declines to move off the platform.", understanding
        )
    if intent == "injection":
        return Decision(
            "reply", intent, "Ignores the instructions in the message, in persona.", understanding
        )
    if intent in REPLY_INTENTS:
        return Decision("reply", intent, "", understanding)
    return Decision("reply", "other", "", understanding)
