"""The marketing agent: pick a segment and write personalized copy for it (DESIGN.md §6 campaign).

Rules rank the offered segments by expected value (size × average spend) and the JSON schema only
lets the model name one of them; placeholders such as ``{first_name}`` in the copy decide which
personalization fields the campaign must fill per recipient.
"""

from __future__ import annotations

from typing import Any

from huntaze.ai.agents.base import TaskSpec, phrase
from huntaze.ai.agents.chat import SAFETY_GATE
from huntaze.ai.agents.content import topic_words
from huntaze.ai.gates import (
    ComplianceGate,
    LanguageGate,
    LengthGate,
    RelevanceGate,
    SystemEchoGate,
)
from huntaze.ai.schemas import (
    MarketingCopyInput,
    MarketingCopyOutput,
    PersonalizationField,
    SegmentOption,
)

AGENT = "marketing"
PLACEHOLDERS: tuple[PersonalizationField, ...] = ("first_name", "last_purchase", "days_subscribed")


def ranked_segments(data: MarketingCopyInput) -> list[SegmentOption]:
    """Segments by expected value, best first (ties keep the caller's order)."""
    return sorted(data.segments, key=lambda s: -(s.size * max(s.avg_spend_cents, 1)))


def marketing_rules(data: MarketingCopyInput) -> dict[str, Any]:
    """The best segment by expected value, shown to the model as a suggestion."""
    return {"best_segment": ranked_segments(data)[0].name}


def _schema(data: MarketingCopyInput) -> dict[str, Any]:
    schema = MarketingCopyOutput.model_json_schema()
    schema["properties"]["segment"] = {"enum": [s.name for s in data.segments], "type": "string"}
    return schema


def _finalize(data: MarketingCopyInput, out: MarketingCopyOutput) -> MarketingCopyOutput:
    names = {s.name for s in data.segments}
    if out.segment not in names:
        raise ValueError(f"segment must be one of {sorted(names)}")
    used = [f for f in PLACEHOLDERS if "{" + f + "}" in out.copy_text]
    return out.model_copy(update={"copy_text": out.copy_text.strip(), "personalization": used})


def _fallback(data: MarketingCopyInput) -> MarketingCopyOutput:
    best = ranked_segments(data)[0]
    copy_text = f"Hey {{first_name}}! {data.offer.strip().rstrip('.')} — "
    copy_text += phrase("new_for_you", data.language)
    return MarketingCopyOutput(
        segment=best.name,
        copy_text=copy_text[: data.max_chars],
        personalization=["first_name"],
        rationale="Template answer: segment chosen by expected value (size × average spend).",
    )


MARKETING_COPY: TaskSpec[MarketingCopyInput, MarketingCopyOutput] = TaskSpec(
    name="marketing.copy",
    agent=AGENT,
    input_model=MarketingCopyInput,
    output_model=MarketingCopyOutput,
    prompt="marketing/copy.v1",
    fallback=_fallback,
    gated_text=lambda out: out.copy_text,
    also_gated=lambda out: [out.rationale],
    rules=marketing_rules,
    finalize=_finalize,
    schema_for=_schema,
    topic_terms=lambda data: frozenset(topic_words(data.offer, data.goal)),
    gates=(
        SystemEchoGate(),
        LengthGate(),
        LanguageGate(),
        RelevanceGate(require_overlap=True),
        SAFETY_GATE,
        ComplianceGate(),
    ),
    max_tokens=200,
)
