"""Sample task inputs and a scripted provider double for the AI tests.

Doubles live only in tests, at the provider boundary (DESIGN.md §8.8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from huntaze.ai.providers.base import (
    Completion,
    CompletionRequest,
    Pricing,
    ProviderError,
)

PERSONA = {"name": "Mia", "style": "warm, playful, short sentences"}
CONVERSATION = [
    {"sender": "fan", "text": "Hey Mia! My name is Tom and I live in Denver. I love hiking."},
    {"sender": "creator", "text": "Hi Tom! Nice to meet you"},
    {"sender": "fan", "text": "How much for the new beach video bundle?"},
]
SAMPLE_INPUTS: dict[str, dict[str, Any]] = {
    "content.caption": {"topic": "sunset beach photo shoot in a red bikini", "persona": PERSONA},
    "content.hashtags": {"topic": "sunset beach photo shoot", "count": 5},
    "content.ideas": {"niche": "fitness and yoga", "count": 3},
    "chat.analyze": {"messages": CONVERSATION},
    # A question asked back, so the drafts' candidates differ and the model is asked to choose.
    "chat.reply_draft": {
        "persona": PERSONA,
        "fan": {"display_name": "Tom"},
        "messages": [*CONVERSATION[:2], {"sender": "fan", "text": "Hey, how are you today?"}],
    },
    "chat.memory_extract": {"messages": CONVERSATION},
    "marketing.copy": {
        "goal": "sell the new beach video bundle",
        "offer": "beach video bundle, 3 videos",
        "price_cents": 1500,
        "segments": [
            {"name": "whales", "description": "top spenders", "size": 40, "avg_spend_cents": 20000},
            {
                "name": "new",
                "description": "joined this month",
                "size": 300,
                "avg_spend_cents": 500,
            },
        ],
    },
    "analytics.insight_summary": {
        "period": "March 2025",
        "kpis": [
            {"name": "revenue", "value": 5200, "previous": 4300, "unit": "USD"},
            {"name": "subscribers", "value": 410, "previous": 450},
        ],
    },
    "compliance.second_opinion": {
        "text": "Send me the money on cashapp and I'll send the video",
        "rule_verdict": "review",
        "rule_reasons": ["mentions a payment app"],
    },
}

Answer = str | ProviderError | Callable[[CompletionRequest], str]


@dataclass
class ScriptedProvider:
    """A provider double that answers from a script, one entry per call, and logs requests."""

    answers: list[Answer]
    name: str = "scripted"
    model: str = "scripted-1"
    pricing: Pricing = field(default_factory=Pricing)
    requests: list[CompletionRequest] = field(default_factory=list)

    def complete(self, request: CompletionRequest) -> Completion:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, ProviderError):
            raise answer
        text = answer(request) if callable(answer) else answer
        return Completion(text=text, model=self.model, tokens_in=100, tokens_out=20)
