"""The labels of the understanding component: intents of a fan's message and risk classes.

Shared by the rules, the labelled examples and every caller (DESIGN.md §4 "understanding", §7).
"""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
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
)
"""What the fan wants from this message; ``other`` when nothing fits."""

RISKS: tuple[str, ...] = (
    "possible_minor",
    "meeting",
    "off_platform",
    "non_consent",
    "bestiality",
    "incest",
    "violence",
    "self_harm",
    "chargeback_threat",
)
"""What a person must look at: stated or implied, in the message or earlier in the conversation."""

SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")

STICKY_RISKS: frozenset[str] = frozenset(RISKS)
"""Risks that, once found in a fan's earlier message, stay on the conversation."""
