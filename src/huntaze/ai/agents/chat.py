"""The chat agent: message analysis, reply drafts and fan memory (DESIGN.md §4, §6 reply flow).

Classification is the understanding component's (``huntaze.ai.understanding``: rules plus the
bundled embeddings against labelled examples, earlier risks carried forward): intent, sentiment
and risk flags are its reading of the fan's last message; the model writes the summary only.
Reply drafts are decided before they are written (``huntaze.ai.drafting``): no draft when a
person must act (``escalate`` with a ``reason``), otherwise candidates from the creator's own past
replies and the template library, vetted by the gates; the model only chooses among them.
Memory facts the model proposes are kept only if
their words appear in what the fan wrote, so the small model cannot invent facts.
"""

from __future__ import annotations

import re
from typing import Any

from huntaze.ai.agents.base import Reject, TaskSpec
from huntaze.ai.drafting import candidates as drafting
from huntaze.ai.drafting.decide import NOTHING_FITS
from huntaze.ai.gates import (
    AvoidTopicsGate,
    ComplianceGate,
    DraftSafetyGate,
    EchoGate,
    LanguageGate,
    LengthGate,
    PatternGate,
    PlaceholderGate,
    PriceGate,
    RefundPromiseGate,
    RelevanceGate,
    SelfGreetingGate,
    SystemEchoGate,
    words,
)
from huntaze.ai.schemas import (
    AnalyzeInput,
    AnalyzeOutput,
    ChatMessage,
    MemoryExtractInput,
    MemoryExtractOutput,
    MemoryFact,
    ReplyDraftInput,
    ReplyDraftOutput,
    Risk,
    RiskFlag,
    RiskLevel,
    Sentiment,
)
from huntaze.ai.understanding import RISKS, understand

AGENT = "chat"

FLAG_PATTERNS: dict[RiskFlag, re.Pattern[str]] = {
    "off_platform_payment": re.compile(
        r"\b(pay\s?pal|cash\s?app|venmo|zelle|crypto|bitcoin|btc|wire transfer|gift ?card)\b", re.I
    ),
    "off_platform_contact": re.compile(
        r"\b(snap(chat)?|telegram|whats\s?app|kik|insta(gram)?|phone number|e-?mail|"
        r"text me|dm me on)\b|\+?\d[\d\s().-]{8,}\d",
        re.I,
    ),
    "possible_minor": re.compile(
        r"\b(i'?m|i am|im)\s+(1[0-7]|[1-9])\b|\b(high school|middle school|underage|my mom says)\b",
        re.I,
    ),
    "meeting_request": re.compile(
        r"\b(meet (up|you|irl|in person)|see you in person|come over|hotel|your address)\b", re.I
    ),
    "chargeback_threat": re.compile(
        r"\b(chargeback|charge back|dispute|refund|scam(med)?)\b", re.I
    ),
    "abusive": re.compile(r"\b(bitch|slut|whore|stupid|idiot|kill you)\b", re.I),
}
RISK_LEVELS: dict[Risk, RiskLevel] = {
    "possible_minor": "high",
    "meeting": "high",
    "off_platform": "high",
    "non_consent": "high",
    "bestiality": "high",
    "incest": "high",
    "violence": "high",
    "self_harm": "high",
    "chargeback_threat": "medium",
}
SAFETY_GATE = PatternGate(
    patterns=tuple(
        (flag, FLAG_PATTERNS[flag])
        for flag in ("off_platform_payment", "off_platform_contact", "meeting_request")
    )
)
_LEVELS: tuple[RiskLevel, ...] = ("none", "low", "medium", "high")


def _fan_text(messages: list[ChatMessage]) -> str:
    return "\n".join(m.text for m in messages if m.sender == "fan")


def analyze_rules(data: AnalyzeInput) -> dict[str, Any]:
    """The understanding of the fan's last message, his earlier messages carried forward."""
    fan = [m.text for m in data.messages if m.sender == "fan"]
    if not fan:
        return {"flags": [], "intent": None, "sentiment": None, "confidence": 0.0, "evidence": []}
    reading = understand(fan[-1], history=fan[:-1], language=data.language)
    return {
        "flags": [risk for risk in RISKS if risk in reading.risks],
        "intent": reading.intent,
        "sentiment": reading.sentiment,
        "confidence": reading.confidence,
        "evidence": [line[:200] for line in reading.evidence[:12]],
    }


def _max_risk(*levels: RiskLevel) -> RiskLevel:
    return max(levels, key=_LEVELS.index)


def _analyze_finalize(data: AnalyzeInput, out: AnalyzeOutput) -> AnalyzeOutput:
    signals = analyze_rules(data)
    flags: list[Risk] = signals["flags"]
    rule_risk = _max_risk("none", *(RISK_LEVELS[f] for f in flags))
    # Flags come from understanding only; the model may add "low" risk at most (a tiny model's
    # "high" is noise, and a real risk has a rule or a labelled example behind it).
    model_risk: RiskLevel = min(out.risk, "low", key=_LEVELS.index)
    return out.model_copy(
        update={
            "sentiment": signals["sentiment"] or out.sentiment,
            "intent": signals["intent"] or out.intent,
            "risk": _max_risk(rule_risk, model_risk),
            "risk_flags": flags,
            "confidence": signals["confidence"],
            "evidence": signals["evidence"],
        }
    )


def _analyze_fallback(data: AnalyzeInput) -> AnalyzeOutput:
    signals = analyze_rules(data)
    flags: list[Risk] = signals["flags"]
    sentiment: Sentiment = signals["sentiment"] or "neutral"
    return AnalyzeOutput(
        sentiment=sentiment,
        intent=signals["intent"] or "other",
        risk=_max_risk("none", *(RISK_LEVELS[f] for f in flags)),
        risk_flags=flags,
        summary="Classified by the understanding component only; no model answer was available.",
        confidence=signals["confidence"],
        evidence=signals["evidence"],
    )


ANALYZE: TaskSpec[AnalyzeInput, AnalyzeOutput] = TaskSpec(
    name="chat.analyze",
    agent=AGENT,
    input_model=AnalyzeInput,
    output_model=AnalyzeOutput,
    prompt="chat/analyze.v1",
    fallback=_analyze_fallback,
    gated_text=lambda out: out.summary,
    rules=analyze_rules,
    finalize=_analyze_finalize,
    gates=(SystemEchoGate(), RelevanceGate()),
    max_tokens=120,
    temperature=0.0,
)


def _reply_terms(data: ReplyDraftInput) -> frozenset[str]:
    return frozenset(w for w in words(_fan_text(data.messages[-3:])) if len(w) > 3)


def _reply_facts(data: ReplyDraftInput) -> dict[str, Any]:
    persona = data.persona
    fan_texts = [m.text for m in data.messages if m.sender == "fan"]
    allowed: set[int] = set()
    if persona.prices:
        allowed = {p.price_cents for p in persona.prices}
        allowed |= {c for c in (persona.custom_min_cents,) if c is not None}
    return {
        "fan_text": fan_texts[-1] if fan_texts else "",
        "fan_name": data.fan.display_name,
        "persona_name": persona.name,
        "price_floor_cents": persona.price_floor_cents,
        "allowed_prices_cents": sorted(allowed),
        "avoid_topics": list(persona.avoid_topics),
    }


def _escalation(decision_intent: str, reason: str) -> ReplyDraftOutput:
    return ReplyDraftOutput(
        reply="", escalate=True, reason=reason, intent=decision_intent, origin="none"
    )


def _reply_settle(data: ReplyDraftInput, reject: Reject) -> ReplyDraftOutput | None:
    """Decide before writing: no draft, the one good candidate, or None (the model chooses)."""
    made = drafting.vet(data, reject)
    decision = made.decision
    if decision.action == "escalate":
        return _escalation(decision.intent, decision.reason)
    usable = made.usable
    if not usable:
        return _escalation(decision.intent, NOTHING_FITS)
    best = usable[0]
    # The model is asked only when the candidates are different answers (a question or a
    # reaction, the VIP wording or the usual one) and the understanding is unsure which fits;
    # variants of one answer, or a sure reading, need no choosing.
    one_answer = len({c.intent for c in usable[:CHOICES]}) == 1
    sure = decision.understanding.confidence >= SURE
    if one_answer or sure or best.origin == "past_reply":
        return ReplyDraftOutput(
            reply=best.text, intent=decision.intent, reason=decision.reason, origin=best.origin
        )
    return None


def _reply_choices(data: ReplyDraftInput) -> list[str]:
    return [c.text for c in drafting.plan(data).usable[:CHOICES]]


def _reply_schema(data: ReplyDraftInput) -> dict[str, Any]:
    # The model answers with a candidate's number: a few tokens, and nothing it could invent.
    count = max(1, len(_reply_choices(data)))
    choice = {"type": "integer", "enum": list(range(1, count + 1))}
    return {"type": "object", "properties": {"choice": choice}, "required": ["choice"]}


def _reply_rules(data: ReplyDraftInput) -> dict[str, Any]:
    made = drafting.plan(data)
    return {
        "intent": made.decision.intent,
        "decision": made.decision.reason,
        "numbered": "\n".join(
            f"{i}. {c.text}" for i, c in enumerate(made.usable[:CHOICES], start=1)
        ),
    }


def _reply_finalize(data: ReplyDraftInput, out: ReplyDraftOutput) -> ReplyDraftOutput:
    made = drafting.plan(data)
    choices = made.usable[:CHOICES]
    if out.choice is not None:
        if out.choice > len(choices):
            raise ValueError(f"choice {out.choice} is not one of the {len(choices)} candidates")
        picked = choices[out.choice - 1]
        return ReplyDraftOutput(
            reply=picked.text,
            intent=made.decision.intent,
            reason=made.decision.reason,
            origin=picked.origin,
        )
    reply = out.reply.strip().strip('"').strip()
    if not reply:
        raise ValueError("empty reply")
    origin = next((c.origin for c in made.usable if c.text == reply), "model")
    return ReplyDraftOutput(
        reply=reply, intent=made.decision.intent, reason=made.decision.reason, origin=origin
    )


def _reply_fallback(data: ReplyDraftInput) -> ReplyDraftOutput:
    made = drafting.plan(data)
    if made.decision.action == "escalate":
        return _escalation(made.decision.intent, made.decision.reason)
    if not made.usable:
        return _escalation(made.decision.intent, NOTHING_FITS)
    best = made.usable[0]
    return ReplyDraftOutput(
        reply=best.text,
        intent=made.decision.intent,
        reason=made.decision.reason,
        origin=best.origin,
    )


def _reply_gated(out: ReplyDraftOutput) -> str:
    # An escalation has no text to send; its reason is our fixed wording, not a model's.
    return out.reply


CHOICES = 3
SURE = 0.6  # understanding confidence above which its ranking of the candidates stands
REPLY_DRAFT: TaskSpec[ReplyDraftInput, ReplyDraftOutput] = TaskSpec(
    name="chat.reply_draft",
    agent=AGENT,
    input_model=ReplyDraftInput,
    output_model=ReplyDraftOutput,
    prompt="chat/reply_draft.v2",
    fallback=_reply_fallback,
    gated_text=_reply_gated,
    rules=_reply_rules,
    finalize=_reply_finalize,
    topic_terms=_reply_terms,
    schema_for=_reply_schema,
    gate_facts=_reply_facts,
    settle=_reply_settle,
    gates=(
        SystemEchoGate(),
        LengthGate(),
        LanguageGate(),
        RelevanceGate(),
        PlaceholderGate(),
        EchoGate(),
        SelfGreetingGate(),
        PriceGate(),
        RefundPromiseGate(),
        DraftSafetyGate(),
        AvoidTopicsGate(),
        SAFETY_GATE,
        ComplianceGate(),
    ),
    max_tokens=160,
    temperature=0.2,
)

MEMORY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("name", re.compile(r"\bmy name is ([A-Z][\w'-]+)", re.I)),
    ("location", re.compile(r"\bi(?:'m| am) from ([A-Z][\w .'-]{1,40}?)(?=[.,!?\n]|$)", re.I)),
    ("location", re.compile(r"\bi live in ([A-Z][\w .'-]{1,40}?)(?=[.,!?\n]|$)", re.I)),
    ("job", re.compile(r"\bi work as (?:an? )?([\w .'-]{2,40}?)(?=[.,!?\n]|$)", re.I)),
    ("birthday", re.compile(r"\bmy birthday is ([\w ,'-]{2,30}?)(?=[.!?\n]|$)", re.I)),
    (
        "likes",
        re.compile(r"\bi (?:really )?(?:love|like|enjoy) ([\w .'-]{2,40}?)(?=[.,!?\n]|$)", re.I),
    ),
    (
        "dislikes",
        re.compile(r"\bi (?:hate|dislike|don't like) ([\w .'-]{2,40}?)(?=[.,!?\n]|$)", re.I),
    ),
]


def memory_rules(data: MemoryExtractInput) -> dict[str, Any]:
    """Facts stated in the fan's own words, found by patterns."""
    text = _fan_text(data.messages)
    found = [
        {"key": key, "value": match.group(1).strip()}
        for key, pattern in MEMORY_PATTERNS
        for match in pattern.finditer(text)
    ]
    return {"facts": found}


def _grounded(value: str, fan_words: set[str]) -> bool:
    content = [w for w in words(value) if len(w) > 2]
    return bool(content) and all(w in fan_words for w in content)


def _memory_finalize(data: MemoryExtractInput, out: MemoryExtractOutput) -> MemoryExtractOutput:
    fan_words = set(words(_fan_text(data.messages)))
    known = {f.lower() for f in data.known_facts}
    rule_facts = [MemoryFact.model_validate(f) for f in memory_rules(data)["facts"]]
    merged: dict[tuple[str, str], MemoryFact] = {}
    for fact in [*rule_facts, *out.facts]:
        key = (fact.key, fact.value.strip().lower())
        if _grounded(fact.value, fan_words) and f"{fact.key}: {key[1]}" not in known:
            merged.setdefault(key, MemoryFact(key=fact.key, value=fact.value.strip()))
    return MemoryExtractOutput(facts=list(merged.values())[:6])


def _memory_fallback(data: MemoryExtractInput) -> MemoryExtractOutput:
    return _memory_finalize(data, MemoryExtractOutput(facts=[]))


MEMORY_EXTRACT: TaskSpec[MemoryExtractInput, MemoryExtractOutput] = TaskSpec(
    name="chat.memory_extract",
    agent=AGENT,
    input_model=MemoryExtractInput,
    output_model=MemoryExtractOutput,
    prompt="chat/memory_extract.v1",
    fallback=_memory_fallback,
    gated_text=lambda out: "; ".join(f"{f.key}: {f.value}" for f in out.facts),
    rules=memory_rules,
    finalize=_memory_finalize,
    gates=(SystemEchoGate(),),
    max_tokens=220,
    temperature=0.0,
)
