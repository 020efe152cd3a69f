"""What a task is: typed input and output, owning agent, prompt, gates, rules and fallback.

Agents (``content``, ``chat``, ``marketing``, ``analytics``, ``compliance``) each define the
:class:`TaskSpec` objects of their area in their own module; ``huntaze.ai.tasks`` collects them
into the registry the router reads (DESIGN.md §4). The deterministic parts of a task live here
too: ``rules`` computes signals the prompt shows the model and ``finalize`` merges them back
into the model's answer, so a small model only has to fill what rules cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from huntaze.ai.gates import STANDARD_GATES, Gate

InT = TypeVar("InT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)
Reject = Callable[[str], str | None]
"""Why the task's gates reject a text (``"gate: reason"``), or ``None`` when they all pass."""

LOCAL_PHRASES: Mapping[str, Mapping[str, str]] = {
    "new_for_you": {
        "en": "something new for you today",
        "fr": "quelque chose de nouveau pour toi aujourd'hui",
        "es": "algo nuevo para ti hoy",
        "de": "heute etwas Neues für dich",
        "it": "qualcosa di nuovo per te oggi",
        "pt": "algo novo para você hoje",
    },
}


def phrase(key: str, language: str) -> str:
    """A short fixed phrase for template answers, in ``language`` when we have it."""
    options = LOCAL_PHRASES[key]
    return options.get(language, options["en"])


@dataclass(frozen=True)
class TaskSpec(Generic[InT, OutT]):
    """One typed request type the router can serve."""

    name: str
    agent: str
    input_model: type[InT]
    output_model: type[OutT]
    prompt: str
    fallback: Callable[[InT], OutT]
    gated_text: Callable[[OutT], str]
    gates: tuple[Gate, ...] = STANDARD_GATES
    rules: Callable[[InT], dict[str, Any]] | None = None
    finalize: Callable[[InT, OutT], OutT] | None = None
    topic_terms: Callable[[InT], frozenset[str]] | None = None
    schema_for: Callable[[InT], dict[str, Any]] | None = None
    gate_facts: Callable[[InT], Mapping[str, Any]] | None = None
    # Other free-text fields of the output (a rationale), gated like the main text.
    also_gated: Callable[[OutT], list[str]] | None = None
    # An answer decided before any model runs (no draft for a possible minor, the one good
    # candidate); it gets ``reject``, the task's gates as one call, to vet what it may return.
    settle: Callable[[InT, Reject], OutT | None] | None = None
    max_tokens: int = 200
    temperature: float = 0.3

    def prompt_vars(self, data: InT) -> dict[str, Any]:
        """The template variables: the input's fields plus the rule signals under ``signals``."""
        variables = dict(data)
        variables["signals"] = self.rules(data) if self.rules else {}
        return variables

    def json_schema(self, data: InT) -> dict[str, Any]:
        """The JSON schema the answer must follow (possibly narrowed by the input)."""
        if self.schema_for is not None:
            return self.schema_for(data)
        return self.output_model.model_json_schema()

    def complete(self, data: InT, output: OutT) -> OutT:
        """The model's answer merged with the rules; raises ``ValueError`` if unusable."""
        return self.finalize(data, output) if self.finalize else output

    def terms(self, data: InT) -> frozenset[str]:
        """Words an on-topic answer should share with the input."""
        return self.topic_terms(data) if self.topic_terms else frozenset()

    def more_text(self, output: OutT) -> list[str]:
        """The output's other free-text fields, gated like the main one."""
        return self.also_gated(output) if self.also_gated else []

    def facts(self, data: InT) -> Mapping[str, Any]:
        """The task's facts for its gates (see :class:`~huntaze.ai.gates.GateContext`)."""
        return self.gate_facts(data) if self.gate_facts else {}

    def language(self, data: InT) -> str:
        """The language the answer must be written in."""
        return str(getattr(data, "language", "en"))

    def max_chars(self, data: InT) -> int | None:
        """The caller's length limit for the answer's text, if the input sets one."""
        limit = getattr(data, "max_chars", None)
        return int(limit) if limit is not None else None
