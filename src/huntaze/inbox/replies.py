"""Replies written in the inbox, with their provenance (DESIGN.md §6 "Reply", "Send").

Every reply is an outbound row created through the outbox (compliance first). Beside the row's
own provenance (author kind, author, approver, model and prompt version) a
:class:`~huntaze.inbox.models.ReplyOrigin` records how the text came to be: typed, an AI
suggestion of the conversation view (the suggestion as made and the edit distance to what was
kept) or a saved reply. A suggestion counts as the AI's only when it is one the assistant makes
for the conversation now; anything else is the person's own text.

In a flagged conversation (:mod:`huntaze.inbox.assistant`; read by the rules alone while the
model is still loading in a fresh process, so a reply never waits for it) a reply from someone
who may not override a compliance review is never approved or queued: it is saved with a review
hit that only a manager's approval clears (issue 15, acceptance 2).

Editing a reply waiting to go out replaces it: the waiting row is cancelled and the edited text
becomes a new draft, in one transaction. A row the send pipeline already holds (queued, sending)
or that has left is never edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.core.errors import ConflictError, InvalidInputError, NotFoundError, field_error
from huntaze.creators.service import creators
from huntaze.fans.models import Fan
from huntaze.fans.service import fans
from huntaze.inbox.assistant import (
    DRAFT_MODEL,
    DRAFT_PROMPT_VERSION,
    Suggestion,
    assistant,
    edit_distance,
)
from huntaze.inbox.models import ReplyOrigin, SavedReply
from huntaze.inbox.repository import reply_origins
from huntaze.inbox.scripts import scripts
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.schemas import OutboundCreate
from huntaze.outbox.service import outbox
from huntaze.outbox.states import AuthorKind, Kind, State
from huntaze.team.routing import routing

MODEL_WAIT_S = 5.0
"""How long a reply waits for a cold model before its flags are read by the rules alone."""
EDITABLE = frozenset({State.DRAFT.value, State.APPROVED.value})
"""States in which a waiting reply may still be edited (nothing holds it for sending)."""


@dataclass(frozen=True, slots=True)
class ReplyIn:
    """A reply as the reply box sends it (already validated by the page's form)."""

    text: str
    price_cents: int | None
    send: bool
    suggested: str = ""
    script_id: str = ""
    replaces: str = ""


@dataclass(frozen=True, slots=True)
class ReplyOut:
    """The outbound row made, and whether it waits for a manager."""

    message: OutboundMessage
    held_for_manager: bool


def held_reason(suggestion: Suggestion | None, actor: Actor) -> str | None:
    """Why a reply of ``actor`` in this conversation must wait for a manager, if it must."""
    if suggestion is None or not suggestion.needs_manager:
        return None
    if actor.can(Permission.COMPLIANCE_OVERRIDE_REVIEW):
        return None
    return f"Flagged conversation: {suggestion.reason} A manager approves every reply here."


class ReplyService:
    """Writes inbox replies through the outbox, with how each was written."""

    def reply(self, session: Session, actor: Actor, fan: Fan, data: ReplyIn) -> ReplyOut:
        """Answer the fan: queued to send when asked and allowed, else a draft for approval."""
        actor.require(Permission.OUTBOX_WRITE)
        if data.price_cents is not None:
            _check_persona_price(session, actor, fan, data.price_cents)
        routing.before_reply(session, actor, fan)
        replaced = self._replaced(session, actor, fan, data.replaces) if data.replaces else None
        script = scripts.get(session, actor, data.script_id) if data.script_id else None
        suggestion = assistant.reading(session, actor, fan, wait_s=MODEL_WAIT_S)
        held = held_reason(suggestion, actor)
        origin = self._origin(session, actor, fan, data, suggestion, script)
        if replaced is not None:
            outbox.cancel(session, actor, replaced.id)
        ai_written = origin.origin == "ai_draft"
        message = outbox.create(
            session,
            actor,
            platform_account_id=fan.platform_account_id,
            data=OutboundCreate(
                kind=Kind.PPV if data.price_cents else Kind.MESSAGE,
                text=data.text,
                platform_fan_id=fan.platform_fan_id,
                price_cents=data.price_cents or None,
                author_kind=AuthorKind.AI_DRAFT_APPROVED if ai_written else AuthorKind.PERSON,
                ai_model=DRAFT_MODEL if ai_written else None,
                ai_prompt_version=DRAFT_PROMPT_VERSION if ai_written else None,
                source_kind="saved_reply" if script is not None else "inbox",
                source_id=script.id if script is not None else fan.id,
            ),
            approve=data.send and held is None,
            queue=data.send and held is None,
            review_reason=held,
        )
        origin.outbound_message_id = message.id
        origin.replaces_id = replaced.id if replaced is not None else None
        reply_origins.add(session, origin)
        if script is not None:
            scripts.used(session, actor, script)
        fans.mark_read(session, actor, fan)
        return ReplyOut(message=message, held_for_manager=held is not None)

    def origins(
        self, session: Session, actor: Actor, messages: Sequence[OutboundMessage]
    ) -> dict[str, str]:
        """How each of these replies was written, as people read it, by message id."""
        actor.require(Permission.OUTBOX_READ)
        found = reply_origins.of_messages(session, actor.org, [m.id for m in messages])
        said: dict[str, str] = {}
        for m in messages:
            origin = found.get(m.id)
            if origin is None or origin.origin == "person":
                said[m.id] = "typed by a person" if m.author_kind == "person" else m.author_kind
                continue
            what = "AI draft" if origin.origin == "ai_draft" else "saved reply"
            edits = origin.edit_distance or 0
            said[m.id] = f"{what}, edited ({edits} characters)" if edits else f"{what}, as is"
        return said

    def editable(self, session: Session, actor: Actor, fan: Fan, message_id: str) -> str:
        """The text of a waiting reply to this fan that may still be edited."""
        return self._replaced(session, actor, fan, message_id).text

    def _replaced(
        self, session: Session, actor: Actor, fan: Fan, message_id: str
    ) -> OutboundMessage:
        message = outbox.get(session, actor, message_id)
        same_chat = (
            message.platform_account_id == fan.platform_account_id
            and message.platform_fan_id == fan.platform_fan_id
        )
        if not same_chat:
            raise NotFoundError("There is no such reply in this conversation.")
        if message.state not in EDITABLE:
            raise ConflictError(
                f"This reply is already {message.state}: it can no longer be edited. "
                "Write a new reply instead."
            )
        return message

    def _origin(
        self,
        session: Session,
        actor: Actor,
        fan: Fan,
        data: ReplyIn,
        suggestion: Suggestion | None,
        script: SavedReply | None,
    ) -> ReplyOrigin:
        text = data.text.strip()
        draft = suggestion.draft_matching(data.suggested) if suggestion and data.suggested else None
        origin = ReplyOrigin(organization_id=actor.org, fan_id=fan.id, origin="person")
        if draft is not None:
            origin.origin = "ai_draft"
            origin.suggested_text = draft.text
            origin.intent = draft.intent
            origin.edit_distance = edit_distance(draft.text, text)
        elif script is not None:
            filled = scripts.fill(session, actor, script, fan)
            origin.origin = "script"
            origin.saved_reply_id = script.id
            origin.suggested_text = filled
            origin.edit_distance = edit_distance(filled, text)
        if suggestion is not None and origin.intent is None:
            origin.intent = suggestion.intent
        return origin


replies = ReplyService()


def _check_persona_price(session: Session, actor: Actor, fan: Fan, price_cents: int) -> None:
    """A PPV in a reply stays within the creator's prices (the persona's range), which a
    manager sets; the platform's own range is the outbox's to check."""
    creator = creators.get(session, actor, fan.creator_id)
    low, high = creator.price_min_cents, creator.price_max_cents
    if not low <= price_cents <= high:
        message = (
            f"{creator.display_name}'s PPV prices run from ${low / 100:.2f} to "
            f"${high / 100:.2f} (the creator's persona); ${price_cents / 100:.2f} is outside."
        )
        raise InvalidInputError(message, errors=[field_error("price", message)])
