"""Understanding a fan's message: intent, sentiment and risk, from rules plus meaning.

One component used by compliance's semantic tier, the chat assistant and the inbox (DESIGN.md
§4, §7). ``understand(text, history=...)`` reads a message with two tiers:

* the rules tier (:mod:`.rules`): regex features over the normalized text, for what is said
  plainly (a stated age, a named app, a chargeback);
* the semantic tier (:mod:`.semantic`): the bundled MiniLM embeddings against labelled example
  phrases per class (``examples.txt``), for what is said around the words (role-play that makes
  someone a minor, an indirect offer to meet, "find me elsewhere").

A risk found in the fan's earlier messages (``history``, oldest first) carries forward: a fan who
said he is 16 stays flagged. Risks found by meaning alone and below the sure threshold are also
listed in ``uncertain``, so that callers can send them to a person rather than refuse outright.
Without the embedding model the rules stand alone and the evidence says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from huntaze.ai.similarity.embedder import EmbeddingUnavailableError
from huntaze.ai.understanding.labels import INTENTS, RISKS, SENTIMENTS, STICKY_RISKS
from huntaze.ai.understanding.rules import RuleFindings, find
from huntaze.ai.understanding.semantic import Meaning, semantic_tier

__all__ = ["INTENTS", "RISKS", "SENTIMENTS", "Understanding", "understand"]

_RISK_INTENTS = (("meeting", "meeting"), ("off_platform", "off_platform"), ("self_harm", "sad"))
_NEGATIVE_INTENTS = frozenset({"complaint", "refund", "churn", "sad"})
_POSITIVE_INTENTS = frozenset({"compliment"})
_WEAK_RULE_INTENTS = frozenset({"greeting", "purchase_interest"})


@dataclass(frozen=True)
class Understanding:
    """What a message means: one intent, a sentiment, the risks a person must see, and why."""

    intent: str
    sentiment: str
    risks: frozenset[str]
    confidence: float
    evidence: tuple[str, ...]
    uncertain: frozenset[str] = field(default_factory=frozenset)
    """The risks found by meaning alone below the sure threshold (a subset of ``risks``)."""


def _risks_of(
    rules: RuleFindings, meaning: Meaning | None
) -> tuple[dict[str, str], frozenset[str]]:
    found = dict(rules.risks)
    uncertain: dict[str, str] = {}
    if meaning is not None:
        for score in meaning.risks:
            if not score.found or score.risk in found:
                continue
            why = f"nearest: {score.nearest!r} {score.score:.2f}"
            if score.sure:
                found[score.risk] = why
            else:
                uncertain[score.risk] = why
    # A faint second reading beside a clear one is the clear one's echo ("i don't want to be
    # alive" is near a threat too): uncertain risks count only when nothing is clear.
    if found:
        return found, frozenset()
    return uncertain, frozenset(uncertain)


def _intent_of(
    rules: RuleFindings, meaning: Meaning | None, risks: dict[str, str]
) -> tuple[str, float, str]:
    vote = meaning.intent if meaning is not None else None
    rule_intents = dict(rules.intents)
    if "injection" in rule_intents:
        return "injection", 0.95, rule_intents["injection"]
    for risk, intent in _RISK_INTENTS:
        if risk in risks:
            return intent, 0.8, f"risk: {risk}"
    if "chargeback_threat" in risks and "refund" not in rule_intents:
        return "complaint", 0.7, "risk: chargeback_threat"
    strong = [(i, why) for i, why in rules.intents if i not in _WEAK_RULE_INTENTS]
    weak = [(i, why) for i, why in rules.intents if i in _WEAK_RULE_INTENTS]
    for intent, why in strong:
        agrees = vote is not None and vote.intent == intent
        return intent, 0.95 if agrees else 0.85, why
    if vote is not None and vote.share >= 0.5 and vote.similarity >= 0.5:
        return vote.intent, _vote_confidence(vote.share, vote.similarity), _vote_reason(meaning)
    for intent, why in weak:
        agrees = vote is not None and vote.intent == intent
        return intent, 0.9 if agrees else 0.7, why
    if vote is not None:
        return vote.intent, _vote_confidence(vote.share, vote.similarity), _vote_reason(meaning)
    return "other", 0.3, "no rule or example close enough"


def _vote_confidence(share: float, similarity: float) -> float:
    return round(max(0.05, min(0.95, share * min(1.0, similarity / 0.6))), 2)


def _vote_reason(meaning: Meaning | None) -> str:
    vote = meaning.intent if meaning is not None else None
    if vote is None:
        return "no example close enough"
    return f"nearest: {vote.nearest!r} {vote.similarity:.2f} ({vote.intent}, {vote.share:.0%})"


def _sentiment_of(rules: RuleFindings, intent: str, risks: dict[str, str]) -> str:
    if "self_harm" in risks or "violence" in risks:
        return "negative"
    if intent in _NEGATIVE_INTENTS:
        return "negative" if rules.sentiment_score <= 1 else "neutral"
    if rules.sentiment_score > 0 or intent in _POSITIVE_INTENTS:
        return "positive"
    if rules.sentiment_score < 0:
        return "negative"
    return "neutral"


def _read(texts: Sequence[str]) -> tuple[list[Meaning | None], str | None]:
    try:
        meanings: list[Meaning | None] = list(semantic_tier.read(texts))
    except EmbeddingUnavailableError as exc:
        return [None] * len(texts), f"rules only: {exc}"
    return meanings, None


def understand(
    text: str, *, history: Sequence[str] = (), language: str | None = None
) -> Understanding:
    """Read ``text`` (the fan's latest message) in the light of his earlier ``history``.

    ``language`` is the conversation's language when known; the rules cover a few languages and
    the embedding model reads English best, so it is recorded in the evidence for a reviewer.
    """
    earlier = [message for message in history if message.strip()]
    meanings, missing = _read([text, *earlier])
    rules = find(text)
    risks, uncertain = _risks_of(rules, meanings[0])
    evidence = [f"{risk}: {why}" for risk, why in risks.items()]
    carried: set[str] = set()
    for message, meaning in zip(earlier, meanings[1:], strict=True):
        before, before_uncertain = _risks_of(find(message), meaning)
        for risk, why in before.items():
            if risk in STICKY_RISKS and risk not in risks:
                risks[risk] = why
                carried.add(risk)
                if risk in before_uncertain:
                    uncertain = uncertain | {risk}
                evidence.append(f"{risk}: earlier message, {why}")
    intent, confidence, why = _intent_of(
        rules, meanings[0], {risk: reason for risk, reason in risks.items() if risk not in carried}
    )
    evidence.insert(0, f"intent {intent}: {why}")
    if missing is not None:
        evidence.append(missing)
    if language is not None and language != "en":
        evidence.append(f"language: {language} (examples are mostly English)")
    return Understanding(
        intent=intent,
        sentiment=_sentiment_of(rules, intent, risks),
        risks=frozenset(risks),
        confidence=confidence,
        evidence=tuple(evidence),
        uncertain=uncertain,
    )
