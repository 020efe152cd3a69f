"""Quality gates: checks every model answer must pass before a feature sees it (DESIGN.md §4).

A gate looks at the user-facing text of an output and returns a rejection reason or ``None``.
The router retries the provider with that reason as feedback, then moves down the provider chain,
and finally to the labelled template answer; the record names the gate that said no.
Gates are heuristics on purpose: cheap, deterministic and explainable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

ComplianceCheck = Callable[[str], Literal["allow", "review", "block"]]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def word_set(text: str) -> frozenset[str]:
    """The space-separated words of ``text`` as a set (for word lists kept readable)."""
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": word_set(
        "the and you to is it of for my your this that with are have be on in what so just "
        "me i we not can will do was all here today new"
    ),
    "fr": word_set(
        "le la les et tu vous est de des pour mon ma mes ton ta un une je suis avec dans ce "
        "cette pas que qui sur ne nous au aux aujourd"
    ),
    "es": word_set(
        "el la los las y tu es de para mi un una yo soy con en que no por este esta pero muy "
        "hoy nuevo del al"
    ),
    "de": word_set(
        "der die das und du ist nicht ich mit für ein eine mein dein zu auf wir sie es heute "
        "auch den dem bin"
    ),
    "it": word_set(
        "il lo la gli le e tu è di per mio mia un una io sono con che non questo questa oggi "
        "del della ti"
    ),
    "pt": word_set(
        "o a os as e você é de para meu minha um uma eu sou com em que não este esta hoje "
        "do da muito"
    ),
}

OFF_TOPIC_MARKERS = (
    "as an ai",
    "language model",
    "i cannot assist",
    "i can't assist",
    "i'm sorry, but i",
    "```",
    "def ",
    "<|im_",
    "system prompt",
)


def words(text: str) -> list[str]:
    """Lower-case letter runs of ``text`` (digits and punctuation dropped)."""
    return [w.lower() for w in _WORD.findall(text)]


def guess_language(text: str) -> tuple[str | None, dict[str, int]]:
    """The language whose stop words occur most in ``text``, with every language's count."""
    tokens = words(text)
    scores = {lang: sum(1 for t in tokens if t in stop) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return (best if scores[best] > 0 else None), scores


@dataclass(frozen=True)
class GateContext:
    """What a gate may compare an output with, assembled by the router for one call.

    ``instructions`` is the prompt without its data sections: what must never be echoed back;
    ``reference`` is the whole prompt, data included: what an answer may quote.
    """

    instructions: str
    reference: str = ""
    language: str = "en"
    max_chars: int | None = None
    topic_terms: frozenset[str] = field(default_factory=frozenset)
    compliance_check: ComplianceCheck | None = None


class Gate(Protocol):
    """One quality check; ``check`` returns why the text is rejected, or ``None``."""

    @property
    def name(self) -> str: ...

    def check(self, text: str, ctx: GateContext) -> str | None: ...


@dataclass(frozen=True)
class LengthGate:
    """Rejects text longer than the caller's limit (or this gate's own, whichever is tighter)."""

    max_chars: int | None = None
    name: str = "length"

    def check(self, text: str, ctx: GateContext) -> str | None:
        limits = [m for m in (self.max_chars, ctx.max_chars) if m is not None]
        if limits and len(text) > min(limits):
            return f"answer is {len(text)} characters; the limit is {min(limits)}"
        return None


@dataclass(frozen=True)
class LanguageGate:
    """Rejects text that is clearly in another language than the one asked for.

    Counts stop words per language; short texts and ties pass, so only a clear miss rejects.
    """

    min_words: int = 5
    margin: int = 2
    name: str = "language"

    def check(self, text: str, ctx: GateContext) -> str | None:
        if len(words(text)) < self.min_words or ctx.language not in STOPWORDS:
            return None
        best, scores = guess_language(text)
        if best is None or best == ctx.language:
            return None
        if scores[best] - scores[ctx.language] >= self.margin:
            return f"answer looks like '{best}', expected '{ctx.language}'"
        return None


def _stem(word: str) -> str:
    return word[:5]


@dataclass(frozen=True)
class RelevanceGate:
    """Rejects off-topic answers: assistant boilerplate, code, or (if asked) no topic word."""

    require_overlap: bool = False
    name: str = "relevance"

    def check(self, text: str, ctx: GateContext) -> str | None:
        if not words(text):
            return "answer is empty or a placeholder"
        lowered = text.lower()
        for marker in OFF_TOPIC_MARKERS:
            if marker in lowered:
                return f"answer is off-topic (contains {marker.strip()!r})"
        if self.require_overlap and ctx.topic_terms:
            found = {_stem(w) for w in words(text) if len(w) > 2}
            wanted = {_stem(t) for t in ctx.topic_terms}
            if not found & wanted:
                return "answer does not mention the topic"
        return None


@dataclass(frozen=True)
class ComplianceGate:
    """Rejects text the caller's compliance engine blocks or sends to review."""

    reject_review: bool = True
    name: str = "compliance"

    def check(self, text: str, ctx: GateContext) -> str | None:
        if ctx.compliance_check is None:
            return None
        verdict = ctx.compliance_check(text)
        if verdict == "block" or (verdict == "review" and self.reject_review):
            return f"compliance verdict is '{verdict}'"
        return None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class GroundedNumbersGate:
    """Rejects numbers the prompt never gave: a summary must not invent figures."""

    name: str = "grounded_numbers"

    def check(self, text: str, ctx: GateContext) -> str | None:
        known = {n.replace(",", "") for n in _NUMBER.findall(ctx.reference)}
        invented = [n for n in _NUMBER.findall(text) if n.replace(",", "") not in known]
        if invented:
            return f"answer states numbers not in the data: {', '.join(invented[:3])}"
        return None


@dataclass(frozen=True)
class PatternGate:
    """Rejects text matching a labelled pattern, e.g. a draft that proposes to meet in person."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    name: str = "safety"

    def check(self, text: str, ctx: GateContext) -> str | None:
        for label, pattern in self.patterns:
            if pattern.search(text):
                return f"answer contains {label.replace('_', ' ')}"
        return None


@dataclass(frozen=True)
class SystemEchoGate:
    """Rejects answers repeating ``span`` words in a row of the instructions (a prompt leak)."""

    span: int = 6
    name: str = "system_echo"

    def check(self, text: str, ctx: GateContext) -> str | None:
        prompt_words = words(ctx.instructions)
        spans = {
            tuple(prompt_words[i : i + self.span]) for i in range(len(prompt_words) - self.span + 1)
        }
        out = words(text)
        for i in range(len(out) - self.span + 1):
            if tuple(out[i : i + self.span]) in spans:
                return "answer repeats the system prompt"
        return None


def first_rejection(gates: Sequence[Gate], text: str, ctx: GateContext) -> tuple[str, str] | None:
    """The first gate that rejects ``text`` as ``(gate name, reason)``, or ``None`` if all pass."""
    for gate in gates:
        reason = gate.check(text, ctx)
        if reason is not None:
            return gate.name, reason
    return None


STANDARD_GATES: tuple[Gate, ...] = (
    SystemEchoGate(),
    LengthGate(),
    LanguageGate(),
    RelevanceGate(),
    ComplianceGate(),
)
