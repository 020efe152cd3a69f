"""Typed inputs and outputs of the AI tasks, and the record every AI call leaves (DESIGN.md §4).

Inputs are what a domain service hands the router; outputs are what the model must return, as
JSON validated against these models (their JSON schema also constrains local decoding). Free text
in outputs carries hard length limits; enumerations keep a small model on rails.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["en", "fr", "es", "de", "it", "pt"]
Verdict = Literal["allow", "review", "block"]
Outcome = Literal["accepted", "rejected_by_gate", "invalid_output", "fell_back", "error"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Output(BaseModel):
    model_config = ConfigDict(extra="ignore")


PersonaVoice = Literal["playful", "sweet", "bold"]
EmojiLevel = Literal["none", "light", "heavy"]


class PriceItem(_Input):
    """One priced item of the creator's menu (a set, a video, a custom)."""

    item: str = Field(min_length=1, max_length=80)
    price_cents: int = Field(ge=0)


class Persona(_Input):
    """How the creator talks: shown to the model so drafts sound like them."""

    name: str = Field(min_length=1, max_length=80)
    style: str = Field(default="warm, playful, short sentences", max_length=300)
    boundaries: list[str] = Field(default_factory=list, max_length=20)
    voice: PersonaVoice = "playful"
    price_floor_cents: int | None = Field(default=None, ge=0)
    custom_min_cents: int | None = Field(default=None, ge=0)
    never_discount: bool = False
    prices: list[PriceItem] = Field(default_factory=list, max_length=30)
    pet_names: list[str] = Field(default_factory=list, max_length=10)
    emoji_level: EmojiLevel = "light"
    avoid_topics: list[str] = Field(default_factory=list, max_length=20)
    make_good: str = Field(default="", max_length=80)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class ChatMessage(_Input):
    """One message of a conversation, oldest first in lists."""

    sender: Literal["fan", "creator"]
    text: str = Field(max_length=4000)


class FanSummary(_Input):
    """What the creator knows about a fan, already aggregated by the fans domain."""

    display_name: str = Field(default="", max_length=80)
    total_spent_cents: int = Field(default=0, ge=0)
    facts: list[str] = Field(default_factory=list, max_length=30)
    purchases: list[str] = Field(default_factory=list, max_length=30)
    flags: list[str] = Field(default_factory=list, max_length=10)


# content.caption
class CaptionInput(_Input):
    topic: str = Field(min_length=1, max_length=300)
    platform: str = "onlyfans"
    persona: Persona | None = None
    tone: str = Field(default="playful", max_length=60)
    keywords: list[str] = Field(default_factory=list, max_length=10)
    language: Language = "en"
    max_chars: int = Field(default=280, ge=40, le=2000)


class CaptionOutput(_Output):
    caption: str = Field(min_length=1, max_length=600)


# content.hashtags
class HashtagsInput(_Input):
    topic: str = Field(min_length=1, max_length=300)
    caption: str = Field(default="", max_length=2000)
    platform: str = "instagram"
    count: int = Field(default=6, ge=1, le=15)
    language: Language = "en"


class HashtagsOutput(_Output):
    hashtags: list[str] = Field(min_length=1, max_length=15)


# content.ideas
class IdeasInput(_Input):
    niche: str = Field(min_length=1, max_length=200)
    persona: Persona | None = None
    recent_titles: list[str] = Field(default_factory=list, max_length=20)
    count: int = Field(default=3, ge=1, le=8)
    language: Language = "en"


class ContentIdea(_Output):
    title: str = Field(min_length=1, max_length=120)
    format: Literal["photo", "video", "text", "live", "bundle"]
    hook: str = Field(min_length=1, max_length=240)


class IdeasOutput(_Output):
    ideas: list[ContentIdea] = Field(min_length=1, max_length=8)


# chat.analyze
Sentiment = Literal["positive", "neutral", "negative"]
# The understanding component's labels (huntaze.ai.understanding.INTENTS and RISKS).
Intent = Literal[
    "greeting",
    "small_talk",
    "compliment",
    "question",
    "purchase_interest",
    "custom_request",
    "haggle",
    "complaint",
    "refund",
    "churn",
    "meeting",
    "off_platform",
    "sad",
    "bot",
    "injection",
    "other",
]
Risk = Literal[
    "possible_minor",
    "meeting",
    "off_platform",
    "non_consent",
    "bestiality",
    "incest",
    "violence",
    "self_harm",
    "chargeback_threat",
]
RiskLevel = Literal["none", "low", "medium", "high"]
RiskFlag = Literal[
    "off_platform_payment",
    "off_platform_contact",
    "possible_minor",
    "meeting_request",
    "chargeback_threat",
    "abusive",
]


class AnalyzeInput(_Input):
    messages: list[ChatMessage] = Field(min_length=1, max_length=50)
    fan: FanSummary | None = None
    language: Language = "en"


class AnalyzeOutput(_Output):
    sentiment: Sentiment
    intent: Intent
    risk: RiskLevel
    risk_flags: list[Risk] = Field(default_factory=list, max_length=9)
    summary: str = Field(min_length=1, max_length=300)
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: list[str] = Field(default_factory=list, max_length=12)


# chat.reply_draft
class ReplyDraftInput(_Input):
    persona: Persona
    fan: FanSummary = Field(default_factory=FanSummary)
    messages: list[ChatMessage] = Field(min_length=1, max_length=50)
    best_past_replies: list[str] = Field(default_factory=list, max_length=5)
    goal: str = Field(default="keep the fan engaged", max_length=200)
    language: Language = "en"
    max_chars: int = Field(default=320, ge=20, le=2000)


DraftOrigin = Literal["template", "past_reply", "model", "none"]


class ReplyDraftOutput(_Output):
    """A draft, or ``escalate`` with a ``reason`` and an empty ``reply`` when a person must act."""

    reply: str = Field(default="", max_length=700)
    escalate: bool = False
    reason: str = Field(default="", max_length=300)
    intent: str = Field(default="", max_length=40)
    origin: DraftOrigin = "model"
    # The model's pick among the numbered candidates it was shown (not part of the output).
    choice: int | None = Field(default=None, ge=1, le=9, exclude=True)


# chat.memory_extract
FactKey = Literal[
    "name", "location", "birthday", "job", "likes", "dislikes", "relationship", "purchase", "other"
]


class MemoryExtractInput(_Input):
    messages: list[ChatMessage] = Field(min_length=1, max_length=50)
    known_facts: list[str] = Field(default_factory=list, max_length=50)


class MemoryFact(_Output):
    key: FactKey
    value: str = Field(min_length=1, max_length=60)


class MemoryExtractOutput(_Output):
    facts: list[MemoryFact] = Field(default_factory=list, max_length=6)


# marketing.copy
class SegmentOption(_Input):
    name: str = Field(min_length=1, max_length=60)
    description: str = Field(default="", max_length=200)
    size: int = Field(default=0, ge=0)
    avg_spend_cents: int = Field(default=0, ge=0)


PersonalizationField = Literal["first_name", "last_purchase", "days_subscribed"]


class MarketingCopyInput(_Input):
    goal: str = Field(min_length=1, max_length=200)
    offer: str = Field(min_length=1, max_length=300)
    price_cents: int | None = Field(default=None, ge=0)
    segments: list[SegmentOption] = Field(min_length=1, max_length=20)
    persona: Persona | None = None
    language: Language = "en"
    max_chars: int = Field(default=400, ge=40, le=2000)


class MarketingCopyOutput(_Output):
    segment: str = Field(min_length=1, max_length=60)
    copy_text: str = Field(min_length=1, max_length=800)
    personalization: list[PersonalizationField] = Field(default_factory=list, max_length=3)
    rationale: str = Field(min_length=1, max_length=300)


# analytics.insight_summary
class Kpi(_Input):
    name: str = Field(min_length=1, max_length=60)
    value: float
    previous: float | None = None
    unit: str = Field(default="", max_length=12)


class InsightInput(_Input):
    period: str = Field(min_length=1, max_length=40)
    kpis: list[Kpi] = Field(min_length=1, max_length=20)
    anomalies: list[str] = Field(default_factory=list, max_length=10)
    language: Language = "en"


class InsightOutput(_Output):
    headline: str = Field(min_length=1, max_length=140)
    summary: str = Field(min_length=1, max_length=700)
    recommendations: list[str] = Field(min_length=1, max_length=3)


# compliance.second_opinion
class SecondOpinionInput(_Input):
    text: str = Field(min_length=1, max_length=4000)
    rule_verdict: Verdict
    rule_reasons: list[str] = Field(default_factory=list, max_length=20)
    platform: str = "onlyfans"


class SecondOpinionOutput(_Output):
    verdict: Verdict
    reasons: list[str] = Field(default_factory=list, max_length=5)


# the record of one routed call
class AttemptRecord(BaseModel):
    """One provider call made while serving a task (retries and repairs included)."""

    provider: str
    model: str
    outcome: Outcome
    detail: str = ""
    gate: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: float = 0.0
    cost_micro_usd: int = 0


class AIRecord(BaseModel):
    """What a routed task did: who answered, at what cost, under which prompt, and how it ended.

    ``provider``/``model`` name the source of the returned output (``template`` for the
    last-resort fallback); tokens, cost and latency add up every attempt.
    """

    task: str
    organization_id: str
    provider: str
    model: str
    prompt_version: str
    outcome: Outcome
    fallback: bool = False
    capped: bool = False
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: float = 0.0
    cost_micro_usd: int = 0
    attempts: list[AttemptRecord] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
