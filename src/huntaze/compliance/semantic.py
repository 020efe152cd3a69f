"""The semantic tier of compliance: risks read by meaning, where the rules tier is silent.

See DESIGN.md §7 "two tiers". The rules tier (:mod:`huntaze.compliance.engine`) matches words and
structure, tens of thousands of checks a second; it misses role-play that makes someone a minor,
indirect offers to meet and contact moves phrased around a rule. This tier asks the understanding
component (:mod:`huntaze.ai.understanding`: rules plus the bundled sentence embeddings against
labelled examples, with the conversation's earlier flags carried forward) and adds one hit per
risk it finds whose category the rules have not already hit.

It runs only where the rules have not already decided (a blocked message is not read again), and
its hits ask for ``review``, never ``block``: a reading by meaning is uncertain, so a person
decides (an outbound draft waits for approval, an inbound message is flagged to the team).
"""

from __future__ import annotations

from collections.abc import Sequence

from huntaze.compliance.models import Hit, Outcome, Severity, Verdict, outcome_of

RISK_CATEGORIES: dict[str, str] = {
    "possible_minor": "minor_safety",
    "meeting": "in_person_meeting",
    "off_platform": "off_platform_contact",
    "non_consent": "prohibited_content",
    "bestiality": "prohibited_content",
    "incest": "prohibited_content",
    "violence": "violence",
    "self_harm": "self_harm",
    "chargeback_threat": "legal_escalation",
}
"""The compliance category of each risk class of the understanding component."""
SAME_CATEGORIES: dict[str, frozenset[str]] = {
    "off_platform_contact": frozenset({"off_platform_contact", "off_platform_payment"}),
}
REASONS: dict[str, str] = {
    "possible_minor": "The message reads as coming from, or making someone, a minor.",
    "meeting": "The message reads as an offer or request to meet in person.",
    "off_platform": "The message reads as moving contact or payment off the platform.",
    "non_consent": "The message reads as sexual content without consent.",
    "bestiality": "The message reads as sexual content with animals.",
    "incest": "The message reads as sexual content within a family.",
    "violence": "The message reads as a threat or a wish to hurt someone.",
    "self_harm": "The message reads as someone thinking of hurting himself; a person should reply.",
    "chargeback_threat": "The message reads as a threat to reverse a payment.",
}
RULE_PREFIX = "semantic."


def semantic_hits(verdict: Verdict, *, history: Sequence[str] = ()) -> tuple[Hit, ...]:
    """The review hits of the risks read in ``verdict.text`` that its rule hits do not cover."""
    # Imported on first use: it loads the AI package and, lazily, the embedding model, which a
    # process that only runs the rules tier never needs.
    from huntaze.ai.understanding import understand

    reading = understand(verdict.text, history=history)
    covered = verdict.categories
    hits = []
    for risk in sorted(reading.risks):
        category = RISK_CATEGORIES[risk]
        if covered & SAME_CATEGORIES.get(category, frozenset({category})):
            continue
        why = next((line for line in reading.evidence if line.startswith(f"{risk}:")), "")
        sureness = "uncertain" if risk in reading.uncertain else "likely"
        hits.append(
            Hit(
                rule=f"{RULE_PREFIX}{risk}",
                category=category,
                severity=Severity.REVIEW,
                reason=REASONS[risk],
                detail=f"{sureness}; {why.removeprefix(f'{risk}: ')}"[:300],
            )
        )
    return tuple(hits)


def with_semantic_tier(verdict: Verdict, *, history: Sequence[str] = ()) -> Verdict:
    """``verdict`` with the semantic tier's hits added, unless the rules already blocked it."""
    if verdict.verdict is Outcome.BLOCK:
        return verdict
    extra = semantic_hits(verdict, history=history)
    if not extra:
        return verdict
    hits = (*verdict.hits, *extra)
    return verdict.model_copy(update={"hits": hits, "verdict": outcome_of(hits)})
