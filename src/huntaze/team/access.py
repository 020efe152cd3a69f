"""Access to creators' chats by shift (issue "the team at work", acceptance 2).

Once an agency has set up a shift, a member who does not manage the team (a chatter, a viewer)
sees a creator's fans and conversations only while a shift of theirs covering that creator runs,
or while a manager's extension of it lasts. Managers, admins and owners are not limited. An
organization without shifts (a creator's own workspace) limits nobody. An API key below manager
works no shift, so once shifts exist it sees no creator's chats.

:func:`creators_on_shift` is the one question the fans and inbox domains ask.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.accounts.repository import memberships
from huntaze.core.errors import PermissionDeniedError
from huntaze.team.models import Shift
from huntaze.team.repository import extensions_repo, shifts_repo
from huntaze.team.schedule import Window, is_running, parse_clock

OUTSIDE_SHIFT = (
    "This creator's chats open to you during your shift only; "
    "ask a manager to extend it if you need a few more minutes."
)


def window_of(shift: Shift) -> Window:
    """The repeat of a stored shift."""
    return Window(
        weekdays=tuple(shift.weekdays),
        start=parse_clock(shift.start_time),
        end=parse_clock(shift.end_time),
        time_zone=shift.time_zone,
    )


def membership_id_of(session: Session, actor: Actor) -> str | None:
    """The actor's membership id in its organization (None for an API key)."""
    if actor.user_id is None:
        return None
    found = memberships.of_user_in(session, actor.user_id, actor.org)
    return found.id if found is not None else None


def running_shifts(
    session: Session, actor: Actor, membership_id: str, now: dt.datetime
) -> list[Shift]:
    """The member's shifts running at ``now``."""
    return [
        s
        for s in shifts_repo.of_member(session, actor.org, membership_id)
        if is_running(window_of(s), now)
    ]


def creators_on_shift(
    session: Session, actor: Actor, now: dt.datetime, *, membership_id: str | None = None
) -> frozenset[str] | None:
    """The creator ids whose chats ``actor`` may see at ``now``; None when not limited
    (``membership_id``: the actor's, when the caller has it already)."""
    if actor.can(Permission.TEAM_MANAGE) or not shifts_repo.any_live(session, actor.org):
        return None
    membership_id = membership_id or membership_id_of(session, actor)
    if membership_id is None:
        return frozenset()
    running = running_shifts(session, actor, membership_id, now)
    creators = shifts_repo.creators_of(session, actor.org, (s.id for s in running))
    allowed = {c for ids in creators.values() for c in ids}
    for extension in extensions_repo.live_of(session, actor.org, membership_id, now):
        allowed.update(extension.creator_ids)
    return frozenset(allowed)


def require_on_shift(session: Session, actor: Actor, creator_id: str, now: dt.datetime) -> None:
    """403 with a clear message unless ``actor`` may see ``creator_id``'s chats at ``now``."""
    allowed = creators_on_shift(session, actor, now)
    if allowed is not None and creator_id not in allowed:
        raise PermissionDeniedError(OUTSIDE_SHIFT)
