"""The chat assistant in the conversation view: what the fan's last message means and the drafts
a person edits (DESIGN.md §6 "Reply", §7; issue 15 "AI in the conversation").

The analysis is the understanding component's reading of the fan's latest message, his earlier
messages carried forward (``huntaze.ai.understanding``); the drafts are the drafting plan's
vetted candidates (``huntaze.ai.drafting``: decide, then the creator's past replies that worked
and the template library). This is the bounded path: rules, the bundled embeddings and
templates, never a generated completion, so a conversation opens in the time of one reading.

A conversation is *flagged* when the reading finds a risk a person must see (a possible minor, a
meeting, a move off the platform, harm, a chargeback) or the decision is to escalate: nothing a
chatter writes there is sent before a manager approves it (:mod:`huntaze.inbox.replies`).
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.ai.drafting import candidates as drafting
from huntaze.ai.drafting.decide import states_minor_age
from huntaze.ai.drafting.persona import persona_from_creator
from huntaze.ai.drafting.templates import LIBRARY_FILE
from huntaze.ai.schemas import ChatMessage as DraftMessage
from huntaze.ai.schemas import FanSummary, ReplyDraftInput
from huntaze.ai.similarity.service import similarity
from huntaze.ai.understanding import understand
from huntaze.ai.understanding.rules import find
from huntaze.compliance.models import Direction, Outcome
from huntaze.compliance.service import compliance
from huntaze.creators.schemas import CreatorOut
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage
from huntaze.inbox.repository import chat_messages_repo

CONTEXT_MESSAGES = 20
DRAFTS_SHOWN = 3
DRAFT_MODEL = "drafting: rules + templates + all-MiniLM-L6-v2"
"""What wrote an inbox suggestion (recorded as the outbound row's ``ai_model``)."""
DRAFT_PROMPT_VERSION = f"templates.yaml@{zlib.crc32(LIBRARY_FILE.read_bytes()):08x}"
"""The template library the suggestion came from (recorded as ``ai_prompt_version``)."""
RISK_LABELS = {
    "possible_minor": "may be under 18",
    "meeting": "asks to meet in person",
    "off_platform": "wants to pay or talk off the platform",
    "non_consent": "asks for non-consensual content",
    "bestiality": "asks for content with animals",
    "incest": "asks for incest role-play",
    "violence": "writes about violence",
    "self_harm": "may be at risk of self-harm",
    "chargeback_threat": "threatens a chargeback",
}


@dataclass(frozen=True, slots=True)
class Draft:
    """One suggestion to edit: its text, where it comes from and the intent it answers."""

    text: str
    origin: str
    intent: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The reading of the fan's latest message and the drafts for it."""

    message_id: str
    intent: str
    sentiment: str
    confidence: float
    risks: tuple[str, ...]
    uncertain: tuple[str, ...]
    evidence: tuple[str, ...]
    needs_manager: bool
    reason: str
    drafts: tuple[Draft, ...]

    @property
    def risk_labels(self) -> list[str]:
        """The risks as people read them."""
        return [RISK_LABELS.get(risk, risk) for risk in self.risks]

    def draft_matching(self, text: str) -> Draft | None:
        """The suggested draft whose text is ``text`` (as posted back by the reply form)."""
        wanted = text.strip()
        return next((d for d in self.drafts if d.text == wanted), None)


def _draft_input(
    session: Session, actor: Actor, fan: Fan, messages: Sequence[ChatMessage]
) -> ReplyDraftInput:
    creator = creators.get(session, actor, fan.creator_id)
    persona = persona_from_creator(CreatorOut.model_validate(creator))
    conversation = [
        DraftMessage(sender="fan" if m.direction == "inbound" else "creator", text=m.text[:4000])
        for m in messages
        if m.text.strip()
    ]
    name = (fan.display_name or fan.username)[:80]
    summary = FanSummary(display_name=name, total_spent_cents=max(0, fan.total_spent_cents))
    return ReplyDraftInput(persona=persona, fan=summary, messages=conversation)


class _WarmUp:
    """Loads the embedding model and the labelled examples once per process, off the request
    (tens of seconds on a cold, loaded machine; a few milliseconds per reading after)."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._started = False
        self._lock = threading.Lock()

    def ready(self, wait_s: float) -> bool:
        """Whether readings are fast now, starting the warm-up and waiting ``wait_s`` for it."""
        if self._done.is_set():
            return True
        with self._lock:
            if not self._started:
                self._started = True
                threading.Thread(target=self._run, name="assistant-warm-up", daemon=True).start()
        return self._done.wait(wait_s)

    def _run(self) -> None:
        try:
            understand("hello there", history=("hi",))
        finally:
            self._done.set()


SuggestionKey = tuple[str, str, str, bool]


class _RecentSuggestions:
    """The suggestions of the last few minutes, per fan and latest message.

    The conversation view reads the fan's message when it opens; the reply written there a
    minute later asks for the same reading (its flags decide whether a manager must approve).
    Reading again costs about half a second of CPU inside the reply's writing transaction, the
    slowest part of approve-and-send under load (docs/benchmarks.md, load). A new message from
    the fan is another key; the outbox checks compliance again whatever the suggestion said."""

    def __init__(self, *, size: int = 512, ttl_s: float = 300.0) -> None:
        self._items: OrderedDict[SuggestionKey, tuple[float, Suggestion | None]] = OrderedDict()
        self._size, self._ttl_s = size, ttl_s
        self._lock = threading.Lock()

    def get(self, key: SuggestionKey) -> tuple[bool, Suggestion | None]:
        """(found, suggestion) for ``key`` when read within the time to live."""
        with self._lock:
            kept = self._items.get(key)
            if kept is None or time.monotonic() - kept[0] > self._ttl_s:
                return False, None
            self._items.move_to_end(key)
            return True, kept[1]

    def keep(self, key: SuggestionKey, suggestion: Suggestion | None) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), suggestion)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class AssistantService:
    """Reads the fan's latest message and suggests drafts, without a generated completion."""

    def __init__(self) -> None:
        self._warm_up = _WarmUp()
        self._recent = _RecentSuggestions()

    def ready(self, *, wait_s: float) -> bool:
        """Whether a reading answers at once; the first call starts loading the model in the
        background (a page shows a placeholder that asks again until it is ready)."""
        return self._warm_up.ready(wait_s)

    def reading(
        self, session: Session, actor: Actor, fan: Fan, *, wait_s: float
    ) -> Suggestion | None:
        """:meth:`suggest` when the model is ready within ``wait_s``, else the rules tier's
        reading alone (no drafts): what a reply checks its conversation's flags with."""
        if self.ready(wait_s=wait_s):
            return self.suggest(session, actor, fan)
        return self.rules_reading(session, actor, fan)

    def rules_reading(self, session: Session, actor: Actor, fan: Fan) -> Suggestion | None:
        """The rules tier's reading of the fan's messages alone: his flags, no drafts."""
        actor.require(Permission.FANS_READ)
        messages = self._messages(session, actor, fan)
        inbound = [m.text for m in messages if m.direction == "inbound" and m.text.strip()]
        if not inbound:
            return None
        risks: dict[str, str] = {}
        for text in inbound:
            risks.update(find(text).risks)
        if states_minor_age(inbound):
            risks.setdefault("possible_minor", "states an age under 18")
        last = find(inbound[-1])
        labels = [RISK_LABELS.get(r, r) for r in sorted(risks)]
        return Suggestion(
            message_id=messages[-1].id,
            intent=last.intents[0][0] if last.intents else "other",
            sentiment="neutral",
            confidence=0.0,
            risks=tuple(sorted(risks)),
            uncertain=(),
            evidence=tuple(f"{risk}: {why}" for risk, why in risks.items())[:6],
            needs_manager=bool(risks),
            reason="The fan " + ", ".join(labels) + "." if risks else "",
            drafts=(),
        )

    def _messages(self, session: Session, actor: Actor, fan: Fan) -> list[ChatMessage]:
        newest_first = chat_messages_repo.of_fan(
            session, actor.org, fan.id, limit=CONTEXT_MESSAGES, before=None
        )
        return list(reversed(newest_first))

    def suggest(self, session: Session, actor: Actor, fan: Fan) -> Suggestion | None:
        """The analysis and drafts for the fan's latest message; None when he has not written."""
        actor.require(Permission.FANS_READ)
        messages = self._messages(session, actor, fan)
        inbound = [m for m in messages if m.direction == "inbound" and m.text.strip()]
        if not inbound:
            return None
        writes = actor.can(Permission.OUTBOX_WRITE) and actor.can(Permission.AI_USE)
        key = (str(actor.org), fan.id, inbound[-1].id, writes)
        found, kept = self._recent.get(key)
        if found:
            return kept
        suggestion = self._suggest(session, actor, fan, messages, inbound, writes)
        self._recent.keep(key, suggestion)
        return suggestion

    def _suggest(
        self,
        session: Session,
        actor: Actor,
        fan: Fan,
        messages: list[ChatMessage],
        inbound: list[ChatMessage],
        writes: bool,
    ) -> Suggestion:
        data = _draft_input(session, actor, fan, messages)
        if writes:
            data = similarity.with_best_past_replies(session, actor, fan.creator_id, data)

        def reject(text: str) -> str | None:
            verdict = compliance.check(
                session,
                org=actor.org,
                creator_id=fan.creator_id,
                text=text,
                direction=Direction.OUTBOUND,
            )
            return None if verdict.verdict == Outcome.ALLOW else verdict.verdict.value

        plan = drafting.vet(data, reject) if writes else drafting.plan(data)
        decision = plan.decision
        reading = decision.understanding
        risks = tuple(sorted(reading.risks))
        needs_manager = bool(risks) or decision.action == "escalate"
        reason = decision.reason
        if needs_manager and not reason:
            reason = "The fan " + ", ".join(RISK_LABELS.get(r, r) for r in risks) + "."
        drafts = (
            tuple(Draft(c.text, c.origin, c.intent or decision.intent) for c in plan.usable)
            if writes and decision.action == "reply"
            else ()
        )
        return Suggestion(
            message_id=inbound[-1].id,
            intent=decision.intent,
            sentiment=reading.sentiment,
            confidence=reading.confidence,
            risks=risks,
            uncertain=tuple(sorted(reading.uncertain)),
            evidence=reading.evidence[:6],
            needs_manager=needs_manager,
            reason=reason,
            drafts=drafts[:DRAFTS_SHOWN],
        )


def edit_distance(before: str, after: str, *, cap: int = 1000) -> int:
    """Levenshtein distance between two texts (characters); beyond ``cap`` characters either
    side, the longer text's length, an upper bound, so a 10,000-character paste stays cheap."""
    if len(before) > cap or len(after) > cap:
        return max(len(before), len(after))
    if len(before) < len(after):
        before, after = after, before
    previous = list(range(len(after) + 1))
    for i, left in enumerate(before, start=1):
        current = [i]
        for j, right in enumerate(after, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
            )
        previous = current
    return previous[-1]


assistant = AssistantService()
