"""JSON API of the team under ``/api/v1/team`` (DESIGN.md §8.1: thin routes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from huntaze.accounts.auth import ApiActor
from huntaze.core.db import utcnow
from huntaze.core.http import DbSession
from huntaze.team.auth import MemberFromPath, ShiftFromPath
from huntaze.team.performance import leaderboard
from huntaze.team.routing import routing
from huntaze.team.schemas import (
    CapacityIn,
    ClockOutOut,
    ExtensionOut,
    LeaderboardRow,
    NextChatOut,
    ShiftCreate,
    ShiftOut,
    TeamSettingsIn,
    TeamSettingsOut,
    TimeEntryOut,
)
from huntaze.team.service import team

router = APIRouter(prefix="/team", tags=["team"])
Days = Annotated[int, Query(ge=1, le=366, description="How many days back from now, 1 to 366.")]


@router.get("/settings", response_model=TeamSettingsOut)
def get_settings(actor: ApiActor, session: DbSession) -> TeamSettingsOut:
    """The agency's time zone and routing rules."""
    return TeamSettingsOut.model_validate(team.settings(session, actor))


@router.put("/settings", response_model=TeamSettingsOut)
def put_settings(body: TeamSettingsIn, actor: ApiActor, session: DbSession) -> TeamSettingsOut:
    """Save the agency's time zone and routing rules (managers)."""
    return TeamSettingsOut.model_validate(team.save_settings(session, actor, body))


@router.get("/shifts", response_model=list[ShiftOut])
def list_shifts(actor: ApiActor, session: DbSession) -> list[ShiftOut]:
    """Every shift and template, with whether it runs now."""
    return [view.out() for view in team.shifts(session, actor)]


@router.post("/shifts", response_model=ShiftOut, status_code=201)
def create_shift(body: ShiftCreate, actor: ApiActor, session: DbSession) -> ShiftOut:
    """A new weekly shift or template; a chatter's shifts must not overlap (managers)."""
    return team.create_shift(session, actor, body).out()


@router.delete("/shifts/{shift_id}", status_code=204)
def delete_shift(shift: ShiftFromPath, actor: ApiActor, session: DbSession) -> Response:
    """Remove a shift (managers)."""
    team.delete_shift(session, actor, shift.id)
    return Response(status_code=204)


@router.put("/chatters/{membership_id}/capacity", response_model=CapacityIn)
def set_capacity(
    body: CapacityIn, member: MemberFromPath, actor: ApiActor, session: DbSession
) -> CapacityIn:
    """How many open chats the member holds at once, 1 to 50 (managers)."""
    row = team.set_capacity(session, actor, member, body.capacity)
    return CapacityIn(capacity=row.capacity)


@router.post("/chatters/{membership_id}/extend", response_model=ExtensionOut, status_code=201)
def extend_shift(member: MemberFromPath, actor: ApiActor, session: DbSession) -> ExtensionOut:
    """Extend the member's current or just-ended shift by 15 minutes (managers, audited)."""
    return ExtensionOut.model_validate(team.extend(session, actor, member))


@router.post("/clock-in", response_model=TimeEntryOut)
def clock_in(actor: ApiActor, session: DbSession) -> TimeEntryOut:
    """Start your clocked time (routing sends chats only to those clocked in)."""
    return TimeEntryOut.model_validate(team.clock_in(session, actor))


@router.post("/clock-out", response_model=ClockOutOut)
def clock_out(actor: ApiActor, session: DbSession) -> ClockOutOut:
    """End your clocked time: your chats go back to the queue, the handover is written."""
    entry = team.clock_out(session, actor)
    if entry is None:
        return ClockOutOut(entry=None, detail="You were not clocked in.")
    return ClockOutOut(entry=TimeEntryOut.model_validate(entry), detail="Clocked out.")


@router.post("/next-chat", response_model=NextChatOut)
def next_chat(actor: ApiActor, session: DbSession) -> NextChatOut:
    """Take the highest-priority waiting conversation of your shift's creators, if any."""
    found = routing.next_chat(session, actor)
    return NextChatOut(fan_id=found.fan_id, creator_id=found.creator_id, reason=found.reason)


@router.get("/leaderboard", response_model=list[LeaderboardRow])
def get_leaderboard(actor: ApiActor, session: DbSession, days: Days = 7) -> list[LeaderboardRow]:
    """Each member's messages sent, reply times, PPVs sent and bought and revenue credited."""
    end = utcnow()
    rows = leaderboard(session, actor, end - dt.timedelta(days=days), end)
    return [
        LeaderboardRow(
            membership_id=r.membership_id,
            name=r.name,
            messages_sent=r.messages_sent,
            ppvs_sent=r.ppvs_sent,
            ppvs_bought=r.ppvs_bought,
            revenue_cents=r.revenue_cents,
            purchases=r.purchases,
            median_reply_s=r.median_reply_s,
            p90_reply_s=r.p90_reply_s,
        )
        for r in rows
    ]
