"""The chat agent: message analysis, reply drafts and fan memory (DESIGN.md §4, §6 reply flow).

Classification is rules plus the model: keyword rules find the signals that matter (money leaving
the platform, minors, meetings, chargebacks, churn) and always win over the model; the model fills
sentiment, intent and a summary where rules are silent; risk flags are the rules' alone.
Memory facts the model proposes are kept only if
their words appear in what the fan wrote, so the small model cannot invent facts.
"""

from __future__ import annotations

import re
from typing import Any

from huntaze.ai.agents.base import TaskSpec, phrase
from huntaze.ai.gates import (
    ComplianceGate,
    LanguageGate,
    LengthGate,
    PatternGate,
    RelevanceGate,
    SystemEchoGate,
    word_set,
    words,
)
from huntaze.ai.schemas import (
    AnalyzeInput,
    AnalyzeOutput,
    ChatMessage,
    Intent,
    MemoryExtractInput,
    MemoryExtractOutput,
    MemoryFact,
    ReplyDraftInput,
    ReplyDraftOutput,
    RiskFlag,
    RiskLevel,
    Sentiment,
)

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
FLAG_RISK: dict[RiskFlag, RiskLevel] = {
    "off_platform_payment": "high",
    "off_platform_contact": "medium",
    "possible_minor": "high",
    "meeting_request": "high",
    "chargeback_threat": "medium",
    "abusive": "medium",
}
INTENT_PATTERNS: list[tuple[Intent, re.Pattern[str]]] = [
    ("churn_risk", re.compile(r"\b(unsubscrib\w*|cancel\w*|not renew\w*|leaving|bored)\b", re.I)),
    ("complaint", re.compile(r"\b(refund|scam\w*|rip.?off|disappointed|not worth|waste)\b", re.I)),
    (
        "request_custom",
        re.compile(r"\b(custom|personali[sz]ed|just for me|special request)\b", re.I),
    ),
    ("purchase_interest", re.compile(r"\b(buy|price|how much|unlock|ppv|bundle|tip)\b", re.I)),
]
POSITIVE = word_set("love loved amazing great gorgeous beautiful thanks thank hot wow cute")
NEGATIVE = word_set("hate bad angry disappointed boring bored scam waste annoyed upset")
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
    """Signals found by keyword rules in the fan's messages (the last one weighs most)."""
    text = _fan_text(data.messages)
    last = next((m.text for m in reversed(data.messages) if m.sender == "fan"), "")
    flags = [flag for flag, pattern in FLAG_PATTERNS.items() if pattern.search(text)]
    intent: Intent | None = None
    if flags and flags[0] in ("off_platform_payment", "off_platform_contact"):
        intent = "off_platform"
    for candidate, pattern in INTENT_PATTERNS:
        if intent is None and pattern.search(last):
            intent = candidate
    tokens = words(last)
    score = sum(t in POSITIVE for t in tokens) - sum(t in NEGATIVE for t in tokens)
    sentiment: Sentiment | None = "positive" if score > 0 else "negative" if score < 0 else None
    return {"flags": flags, "intent": intent, "sentiment": sentiment}


def _max_risk(*levels: RiskLevel) -> RiskLevel:
    return max(levels, key=_LEVELS.index)


def _analyze_finalize(data: AnalyzeInput, out: AnalyzeOutput) -> AnalyzeOutput:
    signals = analyze_rules(data)
    flags: list[RiskFlag] = signals["flags"]
    rule_risk = _max_risk("none", *(FLAG_RISK[f] for f in signals["flags"]))
    # Flags come from rules only; the model may add "low" risk at most (a tiny model's "high" is
    # noise, and a real risk has a rule behind it).
    model_risk: RiskLevel = min(out.risk, "low", key=_LEVELS.index)
    return out.model_copy(
        update={
            "sentiment": signals["sentiment"] or out.sentiment,
            "intent": signals["intent"] or out.intent,
            "risk": _max_risk(rule_risk, model_risk),
            "risk_flags": flags[:6],
        }
    )


def _analyze_fallback(data: AnalyzeInput) -> AnalyzeOutput:
    signals = analyze_rules(data)
    risk = _max_risk("none", *(FLAG_RISK[f] for f in signals["flags"]))
    return AnalyzeOutput(
        sentiment=signals["sentiment"] or "neutral",
        intent=signals["intent"] or "other",
        risk=risk,
        risk_flags=signals["flags"][:6],
        summary="Classified by keyword rules only; no model answer was available.",
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


def _reply_finalize(data: ReplyDraftInput, out: ReplyDraftOutput) -> ReplyDraftOutput:
    reply = out.reply.strip().strip('"').strip()
    if not reply:
        raise ValueError("empty reply")
    return ReplyDraftOutput(reply=reply)


def _reply_fallback(data: ReplyDraftInput) -> ReplyDraftOutput:
    name = f", {data.fan.display_name}" if data.fan.display_name else ""
    return ReplyDraftOutput(reply=phrase("thanks_reply", data.language).format(name=name))


REPLY_DRAFT: TaskSpec[ReplyDraftInput, ReplyDraftOutput] = TaskSpec(
    name="chat.reply_draft",
    agent=AGENT,
    input_model=ReplyDraftInput,
    output_model=ReplyDraftOutput,
    prompt="chat/reply_draft.v1",
    fallback=_reply_fallback,
    gated_text=lambda out: out.reply,
    finalize=_reply_finalize,
    topic_terms=_reply_terms,
    gates=(
        SystemEchoGate(),
        LengthGate(),
        LanguageGate(),
        RelevanceGate(),
        SAFETY_GATE,
        ComplianceGate(),
    ),
    max_tokens=120,
    temperature=0.5,
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
