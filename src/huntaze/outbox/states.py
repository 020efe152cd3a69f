"""The outbound message state machine, defined in this one place (DESIGN.md §2.1, §6 "Send").

``draft → approved → queued → sending → sent | failed | cancelled``. A send whose outcome is
unknown, or that the platform asked to retry later, goes ``sending → queued`` again; a row that
was never sent can be cancelled from any state before ``sending``. Any other move raises
:class:`~huntaze.core.errors.ConflictError`.
"""

from __future__ import annotations

from enum import StrEnum

from huntaze.core.errors import ConflictError


class State(StrEnum):
    """Where an outbound message is on its way to the platform."""

    DRAFT = "draft"
    APPROVED = "approved"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Kind(StrEnum):
    """What is sent."""

    MESSAGE = "message"
    PPV = "ppv"
    MASS_MESSAGE = "mass_message"
    POST = "post"


class AuthorKind(StrEnum):
    """Who wrote the text (provenance)."""

    PERSON = "person"
    AI_DRAFT_APPROVED = "ai_draft_approved"
    AUTOMATION = "automation"
    AUTO_SEND = "auto_send"


TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.APPROVED, State.CANCELLED}),
    State.APPROVED: frozenset({State.QUEUED, State.CANCELLED}),
    State.QUEUED: frozenset({State.SENDING, State.CANCELLED}),
    State.SENDING: frozenset({State.SENT, State.FAILED, State.QUEUED}),
    State.SENT: frozenset(),
    State.FAILED: frozenset(),
    State.CANCELLED: frozenset(),
}
TERMINAL = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)


class PersonAction(StrEnum):
    """What a person can do to a message from the outbox page or the API."""

    APPROVE = "approve"
    SEND = "send"
    CANCEL = "cancel"


ACTION_TARGETS: dict[PersonAction, State] = {
    PersonAction.APPROVE: State.APPROVED,
    PersonAction.SEND: State.QUEUED,
    PersonAction.CANCEL: State.CANCELLED,
}
"""The state each action moves a message to; the moves themselves are :data:`TRANSITIONS`."""


IN_WORKER_HANDS = frozenset({State.SENDING})
"""States only a worker moves a message out of (``sending → queued`` is a retry, not a send)."""


def actions_from(current: State | str) -> frozenset[PersonAction]:
    """The actions the state machine allows a person on a message in ``current``."""
    if State(current) in IN_WORKER_HANDS:
        return frozenset()
    return frozenset(
        action for action, target in ACTION_TARGETS.items() if can_move(current, target)
    )


def can_move(current: State | str, target: State | str) -> bool:
    """Whether the state machine allows ``current → target``."""
    return State(target) in TRANSITIONS[State(current)]


def check_move(current: State | str, target: State | str) -> State:
    """``target`` as a :class:`State` if ``current → target`` is allowed; 409 otherwise."""
    if not can_move(current, target):
        raise ConflictError(
            f"An outbound message cannot go from {State(current).value} to {State(target).value}."
        )
    return State(target)
