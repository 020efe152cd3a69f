"""The campaign state machine, defined in this one place (DESIGN.md §6 "Campaign").

``draft → scheduled → sending ⇄ paused → done``; any state before ``done`` can be cancelled.
Every move is a compare-and-set update on the row (the ``WHERE state = ...`` clause decides who
wins), so a pause racing the worker's next batch, or two people pressing cancel, end in one
clear state. Any other move raises :class:`~huntaze.core.errors.ConflictError`.
"""

from __future__ import annotations

from enum import StrEnum

from huntaze.core.errors import ConflictError


class State(StrEnum):
    """Where a campaign is."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class Kind(StrEnum):
    """What a campaign sends: a plain mass message or a PPV offer with vault media."""

    MESSAGE = "message"
    PPV = "ppv"


class Schedule(StrEnum):
    """When: now, at a moment, or at a wall-clock time in each fan's own time zone."""

    NOW = "now"
    AT = "at"
    FAN_LOCAL = "fan_local"


class Arm(StrEnum):
    """Which arm of the campaign a fan of its audience is in."""

    TREATED = "treated"
    HOLDOUT = "holdout"
    EXCLUDED = "excluded"


class RecipientState(StrEnum):
    """Where one recipient is: ``pending`` until planned, then ``queued`` (an outbound message
    exists), ``refused`` (compliance), ``cancelled``; ``held_out`` and ``excluded`` stay;
    ``waiting`` (the remainder of an A/B test) becomes ``pending`` when the winner is chosen."""

    PENDING = "pending"
    WAITING = "waiting"
    QUEUED = "queued"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    HELD_OUT = "held_out"
    EXCLUDED = "excluded"


class WinnerMetric(StrEnum):
    """What decides an A/B test: mean revenue per recipient, or the share who bought."""

    REVENUE_PER_RECIPIENT = "revenue_per_recipient"
    BUY_RATE = "buy_rate"


class Action(StrEnum):
    """What a person can do to a campaign."""

    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"


TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.SCHEDULED, State.CANCELLED}),
    State.SCHEDULED: frozenset({State.SENDING, State.CANCELLED}),
    State.SENDING: frozenset({State.PAUSED, State.DONE, State.CANCELLED}),
    State.PAUSED: frozenset({State.SENDING, State.CANCELLED}),
    State.DONE: frozenset(),
    State.CANCELLED: frozenset(),
}
ACTION_MOVES: dict[Action, tuple[frozenset[State], State]] = {
    Action.START: (frozenset({State.DRAFT}), State.SCHEDULED),
    Action.PAUSE: (frozenset({State.SENDING}), State.PAUSED),
    Action.RESUME: (frozenset({State.PAUSED}), State.SENDING),
    Action.CANCEL: (
        frozenset({State.DRAFT, State.SCHEDULED, State.SENDING, State.PAUSED}),
        State.CANCELLED,
    ),
}
TERMINAL = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)
ACTIVE = frozenset({State.SCHEDULED, State.SENDING})


def can_move(current: State | str, target: State | str) -> bool:
    """Whether the state machine allows ``current → target``."""
    return State(target) in TRANSITIONS[State(current)]


def actions_from(current: State | str) -> list[Action]:
    """The actions a person may take on a campaign in ``current``."""
    return [action for action, (froms, _) in ACTION_MOVES.items() if State(current) in froms]


def check_move(current: State | str, target: State | str) -> State:
    """``target`` if ``current → target`` is allowed; 409 otherwise."""
    if not can_move(current, target):
        raise ConflictError(
            f"A campaign cannot go from {State(current).value} to {State(target).value}."
        )
    return State(target)
