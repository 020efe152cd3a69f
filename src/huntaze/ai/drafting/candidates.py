"""Write a reply from the creator's own material: past replies that worked, then templates.

:func:`plan` understands the fan's last message, decides (``decide``), and writes the candidates
of that decision: the creator's past replies that earned a reply, tip or purchase (when close
enough to the fan's message) and the intent's templates in the persona's voice, slots filled from
the persona's menu and the fan. Candidates are ranked by origin and by similarity to what worked
for the creator; the task's gates vet them later (``vet``), and the model only chooses among the
vetted ones. Plans are kept for the input object they were made for, so one routed call
understands the message once.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from huntaze.ai.drafting.decide import Decision, decide
from huntaze.ai.drafting.templates import emoji, fill, templates_for
from huntaze.ai.gates import prices_in, words
from huntaze.ai.schemas import Persona, PriceItem, ReplyDraftInput
from huntaze.ai.similarity.embedder import EmbeddingUnavailableError, embedder
from huntaze.ai.understanding import understand

Origin = Literal["template", "past_reply"]
VIP_SPEND_CENTS = 50_000
# A past reply is the draft itself only when this close to the fan's message (cosine).
PAST_REPLY_MIN_SIMILARITY = 0.45
MAX_CANDIDATES = 6
_SYMBOLS = {"USD": "${}", "EUR": "{} €", "GBP": "£{}", "CAD": "CA${}", "AUD": "A${}"}
_BONUS_ONLY_IF_ASKED = frozenset({"haggle"})


@dataclass(frozen=True)
class Candidate:
    """One possible draft and where it comes from."""

    text: str
    origin: Origin
    score: float
    intent: str = ""


@dataclass(frozen=True)
class Plan:
    """The decision for one input and its ranked candidates (vetted once the gates ran)."""

    decision: Decision
    language: str
    candidates: tuple[Candidate, ...]
    vetted: tuple[Candidate, ...] | None = None

    @property
    def usable(self) -> tuple[Candidate, ...]:
        """The vetted candidates, or every candidate before vetting."""
        return self.vetted if self.vetted is not None else self.candidates


def money(cents: int, currency: str) -> str:
    """A price as people write it: ``$40``, ``12.50 €``."""
    amount = f"{cents // 100}" if cents % 100 == 0 else f"{cents / 100:.2f}"
    return _SYMBOLS.get(currency, "{} " + currency).format(amount)


def _stems(text: str) -> set[str]:
    return {w[:5] for w in words(text) if len(w) > 2}


def matched_item(persona: Persona, fan_text: str) -> PriceItem | None:
    """The menu item the fan's words name best, if any."""
    said = _stems(fan_text)
    best: tuple[int, PriceItem] | None = None
    for item in persona.prices:
        overlap = len(_stems(item.item) & said)
        if overlap and (best is None or overlap > best[0]):
            best = (overlap, item)
    return best[1] if best else None


def _fan_texts(data: ReplyDraftInput) -> list[str]:
    return [m.text for m in data.messages if m.sender == "fan"]


def _slots(data: ReplyDraftInput, intent: str, seed: int) -> dict[str, str]:
    persona, fan = data.persona, data.fan
    fan_texts = _fan_texts(data)
    item = matched_item(persona, " ".join(fan_texts[-2:]))
    # Pet names are written in the creator's words; they fit drafts in English only.
    pets = persona.pet_names if data.language == "en" else []
    pet = pets[seed % len(pets)] if pets else ""
    name = fan.display_name.split()[0] if fan.display_name.strip() else pet
    custom = persona.custom_min_cents
    slots = {
        "name": name,
        "item": item.item if item else "",
        "price": money(item.price_cents, persona.currency) if item else "",
        "custom_price": money(custom, persona.currency) if custom else "",
        "bonus": persona.make_good,
        "e": emoji(persona.emoji_level, seed),
    }
    return slots


_SPECIFIC = ("{item}", "{price}", "{custom_price}", "{bonus}")


def _template_candidates(
    data: ReplyDraftInput, decision: Decision, seed: int
) -> list[tuple[str, str]]:
    persona = data.persona
    intents = [decision.intent]
    last = (_fan_texts(data) or [""])[-1]
    if decision.intent in ("small_talk", "greeting") and "?" in last:
        intents.insert(0, "question")  # "how was your day?" wants an answer, not "tell me more"
    elif decision.intent == "small_talk" and decision.understanding.sentiment == "negative":
        intents = ["small_talk_down"]  # "so boring" wants sympathy, not "haha I love that"
    if data.fan.total_spent_cents >= VIP_SPEND_CENTS:
        intents.insert(0, f"vip_{decision.intent}")
    slots = _slots(data, decision.intent, seed)
    texts: list[tuple[str, str]] = []
    for intent in intents:
        found = templates_for(intent, persona.voice, data.language)
        # Rotate by the message so two fans asking the same thing do not get the same words;
        # templates that use the persona's menu or offer come before the generic ones.
        start = seed % len(found) if found else 0
        rotated = found[start:] + found[:start]
        rotated.sort(key=lambda t: not any(slot in t.text for slot in _SPECIFIC))
        for template in rotated:
            text = fill(template.text, slots)
            if text and text not in [t for t, _ in texts]:
                texts.append((text, intent))
    return texts


def _similarities(query: str, texts: Sequence[str]) -> list[float]:
    """Cosine similarity of each text to the query (word overlap without the embedding model)."""
    if not texts:
        return []
    try:
        vectors = embedder.embed([query, *texts])
        return [float(v) for v in vectors[1:] @ vectors[0]]
    except EmbeddingUnavailableError:
        wanted = _stems(query)
        return [len(_stems(t) & wanted) / (len(_stems(t) | wanted) or 1) for t in texts]


def _rank(
    data: ReplyDraftInput, decision: Decision, found: list[tuple[str, str]]
) -> tuple[Candidate, ...]:
    fan_text = (_fan_texts(data) or [""])[-1]
    past = list(data.best_past_replies) if decision.retrieval else []
    ranked: list[Candidate] = []
    templates = [text for text, _ in found]
    intents = [intent for _, intent in found]
    if past:
        close = _similarities(fan_text, past)
        for text, score in zip(past, close, strict=True):
            if score >= PAST_REPLY_MIN_SIMILARITY:
                ranked.append(
                    Candidate(text, "past_reply", score=1.0 + score, intent=decision.intent)
                )
    if templates and data.best_past_replies:
        # Similarity to what worked for this creator ranks her templates.
        vectors_ok = _similarities(" ".join(data.best_past_replies), templates)
        order = np.argsort(-np.array(vectors_ok), kind="stable")
        ranked += [
            Candidate(templates[i], "template", score=float(vectors_ok[i]), intent=intents[i])
            for i in order
        ]
    else:
        ranked += [
            Candidate(t, "template", score=0.5 - i / 100, intent=intents[i])
            for i, t in enumerate(templates)
        ]
    return tuple(ranked[:MAX_CANDIDATES])


# Intents a fan's lower offer is read as haggling from ("5 bucks for the shower video?").
_HAGGLE_LOOKALIKES = frozenset(
    {"purchase_interest", "custom_request", "small_talk", "question", "other", "complaint"}
)
_PRICE_TALK = re.compile(
    r"\b(?:price|expensive|cheap\w*|deal|discount|bucks|dollars?|pay|offer|sell\w*)\b|\$", re.I
)
_BARE_NUMBER = re.compile(r"(?<![\d.,])(\d{1,4})(?![\d.,]*\s*(?:%|yo\b|years?))")


def _offers_less(data: ReplyDraftInput, text: str) -> bool:
    """Whether the fan names a price below the item's (or the floor) while talking money."""
    persona = data.persona
    item = matched_item(persona, text)
    if not _PRICE_TALK.search(text) and item is None:
        return False
    least = item.price_cents if item else persona.price_floor_cents
    if least is None:
        return False
    offered = prices_in(text) or [int(n) * 100 for n in _BARE_NUMBER.findall(text)]
    return any(0 < cents < least for cents in offered)


def _make_plan(data: ReplyDraftInput) -> Plan:
    fan_texts = _fan_texts(data)
    last = fan_texts[-1] if fan_texts else ""
    understanding = understand(last, history=fan_texts[:-1], language=data.language)
    decision = decide(understanding, data.fan.flags, fan_texts)
    if _offers_less(data, last) and decision.intent in _HAGGLE_LOOKALIKES:
        decision = replace(decision, intent="haggle", reason="Holds the price.")
    if decision.action == "escalate":
        return Plan(decision=decision, language=data.language, candidates=())
    seed = zlib.crc32(last.encode())
    templates = _template_candidates(data, decision, seed)
    return Plan(
        decision=decision, language=data.language, candidates=_rank(data, decision, templates)
    )


_plans: OrderedDict[int, tuple[ReplyDraftInput, Plan]] = OrderedDict()
_plans_lock = threading.Lock()
_PLANS_KEPT = 256


def plan(data: ReplyDraftInput) -> Plan:
    """The decision and candidates for ``data``, made once per input object."""
    key = id(data)
    with _plans_lock:
        kept = _plans.get(key)
        if kept is not None and kept[0] is data:
            return kept[1]
    made = _make_plan(data)
    _keep(data, made)
    return made


def _keep(data: ReplyDraftInput, made: Plan) -> None:
    with _plans_lock:
        _plans[id(data)] = (data, made)
        _plans.move_to_end(id(data))
        while len(_plans) > _PLANS_KEPT:
            _plans.popitem(last=False)


def vet(data: ReplyDraftInput, reject: Callable[[str], str | None]) -> Plan:
    """The plan with only the candidates every gate accepts (kept for the rest of the call)."""
    made = plan(data)
    vetted = replace(made, vetted=tuple(c for c in made.candidates if reject(c.text) is None))
    _keep(data, vetted)
    return vetted


def quoted_prices(data: ReplyDraftInput) -> list[int]:
    """Prices the fan wrote (shown to the model as what the fan offered, never to repeat)."""
    return prices_in(" ".join(_fan_texts(data)[-2:]))
