"""Quality gates: checks every model answer must pass before a feature sees it (DESIGN.md §4).

A gate looks at the user-facing text of an output and returns a rejection reason or ``None``.
The router retries the provider with that reason as feedback, then moves down the provider chain,
and finally to the labelled template answer; the record names the gate that said no.
Gates are heuristics on purpose: cheap, deterministic and explainable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

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
    # An apology is on topic; an assistant's refusal is not.
    "i'm sorry, but i can't",
    "i'm sorry, but i cannot",
    "i'm sorry, but as an",
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
    ``reference`` is the whole prompt, data included: what an answer may quote;
    ``facts`` are the task's own facts for its gates (the fan's words, the persona's prices).
    """

    instructions: str
    reference: str = ""
    language: str = "en"
    max_chars: int | None = None
    topic_terms: frozenset[str] = field(default_factory=frozenset)
    compliance_check: ComplianceCheck | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)


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


_PLACEHOLDER = re.compile(
    r"\[[^\]]{0,40}\]|\{[^}]{0,40}\}|\{\{|\}\}|\{%|<[a-z_ ]{1,30}>|%\(?\w*\)?s\b|\$\{|"
    r"\b(?:fan'?s name|your name here|insert \w+|placeholder|lorem ipsum|xx+)\b|\$x+\b|\bN/A\b",
    re.I,
)


@dataclass(frozen=True)
class PlaceholderGate:
    """Rejects placeholders and template syntax: ``[Fan's Name]``, ``{destination}``, ``{{x}}``."""

    name: str = "placeholder"

    def check(self, text: str, ctx: GateContext) -> str | None:
        found = _PLACEHOLDER.search(text)
        if found:
            return f"answer contains a placeholder or template syntax ({found.group(0)!r})"
        return None


@dataclass(frozen=True)
class EchoGate:
    """Rejects answers repeating ``span`` words in a row of what the fan wrote (``fan_text``)."""

    span: int = 5
    name: str = "echo"

    def check(self, text: str, ctx: GateContext) -> str | None:
        source = words(str(ctx.facts.get("fan_text", "")))
        if len(source) < 4:  # "how are you?" asked back is not an echo
            return None
        span = min(self.span, len(source))
        spans = {tuple(source[i : i + span]) for i in range(len(source) - span + 1)}
        out = words(text)
        for i in range(len(out) - span + 1):
            if tuple(out[i : i + span]) in spans:
                return "answer echoes the fan's own words"
        return None


_GREETING = r"(?:hi|hey|hello|hiya|coucou|salut|bonjour|hola|hallo|ciao|oi|ol[áa])"


@dataclass(frozen=True)
class SelfGreetingGate:
    """Rejects a draft that greets or names the creator as if she were the fan (``Hi Mia!``)."""

    name: str = "self_greeting"

    def check(self, text: str, ctx: GateContext) -> str | None:
        persona = str(ctx.facts.get("persona_name", "")).strip()
        fan = str(ctx.facts.get("fan_name", "")).strip()
        if not persona or persona.lower() == fan.lower():
            return None
        name = re.escape(persona)
        pattern = rf"\b{_GREETING}\W+{name}\b|\b(?:dear|thanks|thank you)\W+{name}\b|^{name}\W"
        if re.search(pattern, text, re.I):
            return f"the draft greets {persona}, who is the one writing it"
        return None


_MONEY = re.compile(
    r"(?:[$€£]\s?(\d+(?:[.,]\d{1,2})?))|"
    r"(?:(\d+(?:[.,]\d{1,2})?)\s?(?:[$€£]|dollars?|bucks|usd|eur|euros?|gbp|pounds?)\b)",
    re.I,
)
_DISCOUNT = re.compile(
    r"\b(?:discount\w*|\d+\s?% off|half price|cheaper for you|special price|sale price|"
    r"for less|lower (?:the )?price)\b",
    re.I,
)
_NO_DISCOUNT = re.compile(r"\b(?:no|don'?t do|never) discounts?\b", re.I)


def prices_in(text: str) -> list[int]:
    """The amounts of money written in ``text``, in cents."""
    found = []
    for match in _MONEY.finditer(text):
        amount = (match.group(1) or match.group(2)).replace(",", ".")
        found.append(round(float(amount) * 100))
    return found


@dataclass(frozen=True)
class PriceGate:
    """Rejects prices below the persona's floor or not in the persona, and discounts."""

    name: str = "price"

    def check(self, text: str, ctx: GateContext) -> str | None:
        floor = ctx.facts.get("price_floor_cents")
        allowed: frozenset[int] = frozenset(ctx.facts.get("allowed_prices_cents", ()))
        for cents in prices_in(text):
            if floor is not None and cents < int(floor):
                return f"price {cents / 100:.2f} is below the creator's floor"
            if allowed and cents not in allowed:
                return f"price {cents / 100:.2f} is not one of the creator's prices"
        if _DISCOUNT.search(_NO_DISCOUNT.sub(" ", text)):
            return "the draft offers a discount"
        return None


_REFUND_PROMISE = re.compile(
    r"\b(?:i'?ll|i will|i can|i'?m going to|let me|we'?ll|we will)\s+(?:\w+\s+)?"
    r"(?:refund|reimburse|give you (?:your |the )?money back|send (?:your |the )?money back)|"
    r"\byou(?:'ll| will) get (?:a |your )?(?:full )?(?:refund|money back)|\bfull refund\b",
    re.I,
)


@dataclass(frozen=True)
class RefundPromiseGate:
    """Rejects a draft that promises a refund (a person decides on money, never a draft)."""

    name: str = "refund_promise"

    def check(self, text: str, ctx: GateContext) -> str | None:
        if _REFUND_PROMISE.search(text):
            return "the draft promises a refund"
        return None


_NEGATION = re.compile(r"\b(?:never|don'?t|do not|can'?t|cannot|won'?t|not|only|no)\b", re.I)
_MEETING_PROPOSAL = re.compile(
    r"\b(?:let'?s|we (?:could|can|should)|i(?:'d| would) love to|wanna|want to|come)\s+"
    r"(?:meet|see (?:you|each other)|hang out|grab|get (?:a )?(?:coffee|drink|dinner))\b|"
    r"\b(?:come over|my place|your place|my address|my hotel|hotel room|cup of (?:tea|coffee)|"
    r"grab a (?:coffee|drink|bite)|go for a (?:drink|coffee|walk)|take you out|date night)\b|"
    r"\b(?:meet(?:ing)? (?:up|you|irl)|in person|irl|face to face|in real life)\b",
    re.I,
)
_AGE_PLAY = re.compile(
    r"\b(?:little girl|little boy|schoolgirl|school girl|teen\w*|barely legal|underage|"
    r"young girl|daddy'?s little|lolita|jailbait|student uniform|high ?school|minor)\b",
    re.I,
)
_CONTACT = re.compile(
    r"\b(?:snap(?:chat)?|telegram|whats\s?app|kik|insta(?:gram)?|discord|signal|wickr|"
    r"pay\s?pal|cash\s?app|venmo|zelle|crypto|bitcoin|phone number|e-?mail)\b|@\w{3,}|"
    r"\+?\d[\d\s().-]{8,}\d",
    re.I,
)


@dataclass(frozen=True)
class DraftSafetyGate:
    """Rejects drafts that propose meeting, use age-play wording or move off the platform.

    A meeting phrase preceded by a negation ("I don't meet in person") is a decline, not an offer.
    """

    name: str = "safety"

    def check(self, text: str, ctx: GateContext) -> str | None:
        if _AGE_PLAY.search(text):
            return "answer contains age-play wording"
        if _CONTACT.search(text):
            return "answer contains off-platform contact or payment"
        for match in _MEETING_PROPOSAL.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            if not _NEGATION.search(before):
                return "answer proposes to meet"
        return None


@dataclass(frozen=True)
class AvoidTopicsGate:
    """Rejects drafts that bring up a topic the creator avoids (``avoid_topics``)."""

    name: str = "avoid_topics"

    def check(self, text: str, ctx: GateContext) -> str | None:
        lowered = f" {' '.join(words(text))} "
        for topic in ctx.facts.get("avoid_topics", ()):
            phrase = " ".join(words(str(topic)))
            if phrase and f" {phrase} " in lowered:
                return f"the draft mentions {topic!r}, a topic the creator avoids"
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
