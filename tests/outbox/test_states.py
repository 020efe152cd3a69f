"""The outbound state machine allows exactly the moves of DESIGN.md §2.1."""

from __future__ import annotations

import itertools

import pytest

from huntaze.core.errors import ConflictError
from huntaze.outbox.states import TERMINAL, State, can_move, check_move

ALLOWED = {
    (State.DRAFT, State.APPROVED),
    (State.DRAFT, State.CANCELLED),
    (State.APPROVED, State.QUEUED),
    (State.APPROVED, State.CANCELLED),
    (State.QUEUED, State.SENDING),
    (State.QUEUED, State.CANCELLED),
    (State.SENDING, State.SENT),
    (State.SENDING, State.FAILED),
    (State.SENDING, State.QUEUED),
}


@pytest.mark.parametrize("current,target", list(itertools.product(State, State)))
def test_only_the_listed_moves_are_allowed(current: State, target: State) -> None:
    allowed = (current, target) in ALLOWED
    assert can_move(current, target) is allowed
    if allowed:
        assert check_move(current.value, target.value) is target
    else:
        with pytest.raises(ConflictError):
            check_move(current, target)


def test_terminal_states() -> None:
    assert {State.SENT, State.FAILED, State.CANCELLED} == TERMINAL
