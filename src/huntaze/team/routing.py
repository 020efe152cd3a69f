"""The routing queue (issue "the team at work"): waiting conversations ordered by waiting time
weighted by the fan's value, handed to chatters on shift up to their capacity.

A conversation waits while its fan has unread messages. Its priority is the seconds waited since
the fan's last message times ``1 + spent/$100 + 0.5 × (unread − 1)`` (unread counted up to 11):
a fan who spent $300 outranks one who spent nothing after a quarter of the wait. ``next chat``
takes the highest-priority waiting conversation of the creators on the chatter's shift that
nobody holds, by inserting its assignment row; the fan id is that row's primary key, so when two
chatters race for one conversation the database lets exactly one insert through (SQLite's write
lock or PostgreSQL's unique index) and the other moves to the next candidate.

An assignment ends when the conversation stops waiting (the fan's messages were read or
answered), when its holder clocks out, or when its holder stays silent for the agency's
``silent_reassign_minutes``: then it goes back to the queue for another chatter on shift. Only
the holder replies, unless a manager takes the conversation over (audited).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, case, cast, delete, exists, func, literal, not_, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.permissions import Permission
from huntaze.core.bulk import insert_new
from huntaze.core.db import utcnow
from huntaze.core.errors import PermissionDeniedError
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.fans.models import Fan
from huntaze.team.access import creators_on_shift, membership_id_of
from huntaze.team.models import ChatAssignment
from huntaze.team.repository import assignments, time_entries
from huntaze.team.service import team

CANDIDATES = 8
"""Waiting conversations read per attempt; more are read only if all of them were taken."""
HELD_ELSEWHERE = (
    "Another chatter holds this conversation; a manager can take it over if it needs you."
)


@dataclass(frozen=True, slots=True)
class NextChat:
    """The outcome of asking for the next chat."""

    fan_id: str | None
    creator_id: str | None
    reason: str


def _spent() -> Any:
    return (
        Fan.spent_subscription_cents
        + Fan.spent_tip_cents
        + Fan.spent_ppv_cents
        + Fan.spent_message_cents
        + Fan.spent_other_cents
    )


def waited_seconds(dialect: str, now: dt.datetime) -> Any:
    """SQL: seconds since the fan's last inbound message, at ``now``."""
    if dialect == "postgresql":
        return func.extract("epoch", literal(now) - Fan.last_inbound_at)
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return (func.julianday(literal(stamp)) - func.julianday(Fan.last_inbound_at)) * 86400.0


def priority(dialect: str, now: dt.datetime) -> Any:
    """SQL: the queue's order key (higher first)."""
    unread_bonus = case((Fan.unread_count > 11, 10), else_=Fan.unread_count - 1)
    weight = 1.0 + cast(_spent(), Float) / 10000.0 + 0.5 * cast(unread_bonus, Float)
    return waited_seconds(dialect, now) * weight


def waiting_statement(
    org: OrgId, creator_ids: frozenset[str] | None, dialect: str, now: dt.datetime, limit: int
) -> Any:
    """SELECT fan id, creator id of the waiting conversations nobody holds, best first."""
    held = exists().where(ChatAssignment.fan_id == Fan.id)
    stmt = in_organization(select(Fan.id, Fan.creator_id), org, Fan).where(
        Fan.unread_count > 0, Fan.last_inbound_at.is_not(None), Fan.opted_out.is_(False), not_(held)
    )
    if creator_ids is not None:
        stmt = stmt.where(Fan.creator_id.in_(sorted(creator_ids)))
    return stmt.order_by(priority(dialect, now).desc(), Fan.id).limit(limit)


class RoutingService:
    """The queue of an agency."""

    def tidy(self, session: Session, org: OrgId, silent_minutes: int, now: dt.datetime) -> int:
        """End assignments whose conversation no longer waits, and put those whose holder was
        silent too long back in the queue; how many went back."""
        answered = exists().where(Fan.id == ChatAssignment.fan_id, Fan.unread_count == 0)
        gone = in_organization(delete(ChatAssignment), org, ChatAssignment).where(answered)
        session.execute(gone)
        cutoff = now - dt.timedelta(minutes=silent_minutes)
        silent = in_organization(delete(ChatAssignment), org, ChatAssignment).where(
            ChatAssignment.assigned_at < cutoff, ChatAssignment.taken_over.is_(False)
        )
        return int(session.execute(silent).rowcount or 0)  # type: ignore[attr-defined]

    def next_chat(
        self, session: Session, actor: Actor, *, now: dt.datetime | None = None
    ) -> NextChat:
        """Assign the actor the highest-priority waiting conversation they may take."""
        actor.require(Permission.OUTBOX_WRITE)
        moment = now or utcnow()
        settings = team.settings(session, actor)
        self.tidy(session, actor.org, settings.silent_reassign_minutes, moment)
        membership_id = membership_id_of(session, actor)
        if membership_id is None:
            return NextChat(None, None, "Only a person takes chats, not an API key.")
        if time_entries.open_of(session, actor.org, membership_id) is None:
            return NextChat(None, None, "Clock in first: offline chatters receive no chat.")
        time_entries.touch(session, actor.org, membership_id, moment)
        held = assignments.of_member(session, actor.org, membership_id)
        capacity = team.capacity_of(
            session, actor, membership_id, default=settings.default_capacity
        )
        if len(held) >= capacity:
            return NextChat(
                None, None, f"You hold {len(held)} open chats, your capacity is {capacity}."
            )
        allowed = creators_on_shift(session, actor, moment, membership_id=membership_id)
        if allowed is not None and not allowed:
            return NextChat(None, None, "No shift of yours is running now.")
        dialect = session.get_bind().dialect.name
        tried: set[str] = set()
        for _ in range(5):
            rows = session.execute(
                waiting_statement(actor.org, allowed, dialect, moment, CANDIDATES)
            ).all()
            fresh = [(fan_id, creator_id) for fan_id, creator_id in rows if fan_id not in tried]
            if not fresh:
                break
            for fan_id, creator_id in fresh:
                tried.add(fan_id)
                if self._claim(session, actor.org, fan_id, creator_id, membership_id, moment):
                    return NextChat(fan_id, creator_id, "Assigned to you.")
        return NextChat(None, None, "No conversation is waiting for your creators.")

    def _claim(
        self,
        session: Session,
        org: OrgId,
        fan_id: str,
        creator_id: str,
        membership_id: str,
        now: dt.datetime,
    ) -> bool:
        row = {
            "fan_id": fan_id,
            "organization_id": org,
            "creator_id": creator_id,
            "membership_id": membership_id,
            "assigned_at": now,
            "taken_over": False,
        }
        return bool(
            insert_new(session, ChatAssignment, [row], conflict=("fan_id",), returning="fan_id")
        )

    def held_by(self, session: Session, actor: Actor) -> list[Fan]:
        """The conversations the actor holds, oldest assignment first."""
        actor.require(Permission.FANS_READ)
        membership_id = membership_id_of(session, actor)
        if membership_id is None:
            return []
        held = assignments.of_member(session, actor.org, membership_id)
        ids = [a.fan_id for a in held]
        if not ids:
            return []
        fans = {
            f.id: f
            for f in session.scalars(
                in_organization(select(Fan), actor.org, Fan).where(Fan.id.in_(ids))
            )
        }
        return [fans[i] for i in ids if i in fans]

    def waiting(self, session: Session, actor: Actor, *, limit: int = 50) -> list[Fan]:
        """The queue as the actor may see it (creators on their shift), best first."""
        actor.require(Permission.FANS_READ)
        moment = utcnow()
        allowed = creators_on_shift(session, actor, moment)
        dialect = session.get_bind().dialect.name
        ids = [
            r[0]
            for r in session.execute(waiting_statement(actor.org, allowed, dialect, moment, limit))
        ]
        if not ids:
            return []
        fans = {
            f.id: f
            for f in session.scalars(
                in_organization(select(Fan), actor.org, Fan).where(Fan.id.in_(ids))
            )
        }
        return [fans[i] for i in ids]

    def before_reply(self, session: Session, actor: Actor, fan: Fan) -> None:
        """Refuse a reply from someone else than the conversation's holder; a manager's reply
        takes the conversation over (audited)."""
        held = assignments.of_fan(session, actor.org, fan.id)
        membership_id = membership_id_of(session, actor)
        if membership_id is not None:
            time_entries.touch(session, actor.org, membership_id, utcnow())
        if held is None or held.membership_id == membership_id:
            return
        if not actor.can(Permission.TEAM_MANAGE) or membership_id is None:
            raise PermissionDeniedError(HELD_ELSEWHERE)
        before = {"membership_id": held.membership_id}
        held.membership_id = membership_id
        held.taken_over = True
        held.assigned_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            action="team.chat_taken_over",
            target_type="fan",
            target_id=fan.id,
            before=before,
            after={"membership_id": membership_id},
        )

    def holder_of(self, session: Session, actor: Actor, fan: Fan) -> ChatAssignment | None:
        """Who holds the conversation, if anyone."""
        return assignments.of_fan(session, actor.org, fan.id)


routing = RoutingService()
