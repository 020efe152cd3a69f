"""The team service: settings, shifts, capacities, clocked time and shift extensions
(issue "the team at work"). Routing lives in :mod:`huntaze.team.routing`, figures in
:mod:`huntaze.team.performance`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit, snapshot
from huntaze.accounts.models import Membership
from huntaze.accounts.permissions import Permission
from huntaze.accounts.repository import memberships
from huntaze.core.db import utcnow
from huntaze.core.errors import ConflictError, InvalidInputError, field_error
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.service import creators
from huntaze.team.access import membership_id_of, window_of
from huntaze.team.models import (
    ChatterProfile,
    Shift,
    ShiftChatter,
    ShiftCreator,
    ShiftExtension,
    TeamSettings,
    TimeEntry,
)
from huntaze.team.performance import handover_items
from huntaze.team.repository import (
    assignments,
    chatters_repo,
    settings_repo,
    shifts_repo,
    time_entries,
)
from huntaze.team.schedule import Window, is_running, overlap, parse_clock
from huntaze.team.schemas import ShiftCreate, ShiftOut, TeamSettingsIn

EXTENSION_MINUTES = 15
"""How long a manager may extend a chatter's shift at a time."""
_SETTING_FIELDS = (
    "time_zone",
    "default_capacity",
    "idle_clock_out_minutes",
    "silent_reassign_minutes",
)


@dataclass(frozen=True, slots=True)
class ShiftView:
    """A shift with its creators and chatters, for pages and the API."""

    shift: Shift
    creator_ids: list[str]
    chatter_ids: list[str]
    running_now: bool

    def out(self) -> ShiftOut:
        """The API shape."""
        s = self.shift
        return ShiftOut(
            id=s.id,
            name=s.name,
            weekdays=list(s.weekdays),
            start_time=s.start_time,
            end_time=s.end_time,
            time_zone=s.time_zone,
            is_template=s.is_template,
            creator_ids=sorted(self.creator_ids),
            chatter_ids=sorted(self.chatter_ids),
            running_now=self.running_now,
        )


def defaults(org: str) -> TeamSettings:
    """The settings an agency has before saving its own."""
    return TeamSettings(
        organization_id=org,
        time_zone="UTC",
        default_capacity=3,
        idle_clock_out_minutes=30,
        silent_reassign_minutes=10,
    )


class TeamService:
    """Shifts, capacities, clocked time and extensions of an agency."""

    # Settings ---------------------------------------------------------------------------------

    def settings(self, session: Session, actor: Actor) -> TeamSettings:
        """The settings in force."""
        actor.require(Permission.FANS_READ)
        return settings_repo.find(session, actor.org) or defaults(actor.org)

    def save_settings(self, session: Session, actor: Actor, data: TeamSettingsIn) -> TeamSettings:
        """Store the agency's rules (audited)."""
        actor.require(Permission.TEAM_MANAGE)
        row = settings_repo.find(session, actor.org)
        before = snapshot(row, _SETTING_FIELDS) if row else None
        if row is None:
            row = defaults(actor.org)
            session.add(row)
        for name in _SETTING_FIELDS:
            setattr(row, name, getattr(data, name))
        session.flush()
        audit.record(
            session,
            actor,
            action="team.settings_saved",
            target_type="team_settings",
            target_id=actor.org,
            before=before,
            after=snapshot(row, _SETTING_FIELDS),
        )
        return row

    # Shifts -----------------------------------------------------------------------------------

    def shifts(
        self, session: Session, actor: Actor, *, now: dt.datetime | None = None
    ) -> list[ShiftView]:
        """Every shift and template with who works it and whether it runs now."""
        actor.require(Permission.FANS_READ)
        moment = now or utcnow()
        found = shifts_repo.all(session, actor.org)
        ids = [s.id for s in found]
        by_creator = shifts_repo.creators_of(session, actor.org, ids)
        by_chatter = shifts_repo.chatters_of(session, actor.org, ids)
        return [
            ShiftView(
                s,
                by_creator[s.id],
                by_chatter[s.id],
                not s.is_template and is_running(window_of(s), moment),
            )
            for s in found
        ]

    def create_shift(self, session: Session, actor: Actor, data: ShiftCreate) -> ShiftView:
        """A new shift or template; its chatters' other shifts must not overlap it."""
        actor.require(Permission.TEAM_MANAGE)
        zone = data.time_zone or self.settings(session, actor).time_zone
        for creator_id in dict.fromkeys(data.creator_ids):
            creators.get(session, actor, creator_id)
        chatter_ids = list(dict.fromkeys(data.chatter_ids))
        for membership_id in chatter_ids:
            memberships.get(session, actor.org, membership_id)
        window = Window(
            tuple(data.weekdays), parse_clock(data.start_time), parse_clock(data.end_time), zone
        )
        if not data.is_template:
            self._refuse_overlap(session, actor, window, chatter_ids)
        shift = Shift(
            organization_id=actor.org,
            name=data.name,
            weekdays=list(data.weekdays),
            start_time=data.start_time,
            end_time=data.end_time,
            time_zone=zone,
            is_template=data.is_template,
        )
        session.add(shift)
        session.flush()
        session.add_all(
            ShiftCreator(shift_id=shift.id, creator_id=c, organization_id=actor.org)
            for c in dict.fromkeys(data.creator_ids)
        )
        session.add_all(
            ShiftChatter(shift_id=shift.id, membership_id=m, organization_id=actor.org)
            for m in chatter_ids
        )
        session.flush()
        audit.record(
            session,
            actor,
            action="team.shift_created",
            target_type="team_shift",
            target_id=shift.id,
            after={**data.model_dump(mode="json"), "time_zone": zone},
        )
        return ShiftView(
            shift,
            list(dict.fromkeys(data.creator_ids)),
            chatter_ids,
            not shift.is_template and is_running(window, utcnow()),
        )

    def _refuse_overlap(
        self, session: Session, actor: Actor, window: Window, chatter_ids: Sequence[str]
    ) -> None:
        now = utcnow()
        clashes = []
        for other in shifts_repo.members_of(session, actor.org, chatter_ids):
            if overlap(window, window_of(other), now):
                clashes.append(other)
        if not clashes:
            return
        taken = shifts_repo.chatters_of(session, actor.org, (s.id for s in clashes))
        names = {m.id: m.user.name for m in memberships.list_with_users(session, actor.org)}
        messages = [
            f"shifts of one chatter must not overlap: {names.get(m, m)} already works "
            f"'{s.name}' at that time"
            for s in clashes
            for m in taken[s.id]
            if m in chatter_ids
        ]
        raise InvalidInputError(
            "Please check: " + "; ".join(messages) + ".",
            errors=[field_error("chatter_ids", message) for message in messages],
        )

    def copy_template(self, session: Session, actor: Actor, shift_id: str, name: str) -> ShiftView:
        """A live shift made from a template (or another shift), without its chatters."""
        actor.require(Permission.TEAM_MANAGE)
        source = shifts_repo.get(session, actor.org, shift_id)
        creator_ids = shifts_repo.creators_of(session, actor.org, [source.id])[source.id]
        return self.create_shift(
            session,
            actor,
            ShiftCreate(
                name=name,
                weekdays=list(source.weekdays),
                start_time=source.start_time,
                end_time=source.end_time,
                time_zone=source.time_zone,
                creator_ids=creator_ids,
            ),
        )

    def delete_shift(self, session: Session, actor: Actor, shift_id: str) -> None:
        """Remove a shift (audited)."""
        actor.require(Permission.TEAM_MANAGE)
        shift = shifts_repo.get(session, actor.org, shift_id)
        before = snapshot(shift, ("name", "weekdays", "start_time", "end_time", "time_zone"))
        session.delete(shift)
        session.flush()
        audit.record(
            session,
            actor,
            action="team.shift_deleted",
            target_type="team_shift",
            target_id=shift_id,
            before=before,
        )

    # Capacity ---------------------------------------------------------------------------------

    def member(self, session: Session, actor: Actor, membership_id: str) -> Membership:
        """One member of the organization; 404 otherwise."""
        actor.require(Permission.FANS_READ)
        return memberships.get(session, actor.org, membership_id)

    def set_capacity(
        self, session: Session, actor: Actor, membership: Membership, capacity: int
    ) -> ChatterProfile:
        """How many open chats the member holds at once (audited)."""
        actor.require(Permission.TEAM_MANAGE)
        row = chatters_repo.find(session, actor.org, membership.id)
        before = {"capacity": row.capacity} if row else None
        if row is None:
            row = ChatterProfile(
                membership_id=membership.id, organization_id=actor.org, capacity=capacity
            )
            session.add(row)
        row.capacity = capacity
        session.flush()
        audit.record(
            session,
            actor,
            action="team.capacity_set",
            target_type="membership",
            target_id=membership.id,
            before=before,
            after={"capacity": capacity},
        )
        return row

    def capacities(
        self, session: Session, actor: Actor, membership_ids: Sequence[str]
    ) -> dict[str, int]:
        """Each member's capacity (the agency's default where not set), in two queries."""
        actor.require(Permission.FANS_READ)
        default = self.settings(session, actor).default_capacity
        set_ = chatters_repo.capacities(session, actor.org)
        return {m: set_.get(m, default) for m in membership_ids}

    def capacity_of(
        self, session: Session, actor: Actor, membership_id: str, *, default: int | None = None
    ) -> int:
        """The member's capacity (the agency's default, or ``default``, when not set)."""
        row = chatters_repo.find(session, actor.org, membership_id)
        if row is not None:
            return row.capacity
        return default if default is not None else self.settings(session, actor).default_capacity

    # Clocked time -----------------------------------------------------------------------------

    def _own_membership(self, session: Session, actor: Actor) -> str:
        membership_id = membership_id_of(session, actor)
        if membership_id is None:
            raise ConflictError("Only a person clocks in and out, not an API key.")
        return membership_id

    def clock_in(self, session: Session, actor: Actor) -> TimeEntry:
        """Start counting the member's time (a second clock-in keeps the running entry)."""
        actor.require(Permission.OUTBOX_WRITE)
        membership_id = self._own_membership(session, actor)
        running = time_entries.open_of(session, actor.org, membership_id)
        if running is not None:
            return running
        now = utcnow()
        entry = TimeEntry(
            organization_id=actor.org,
            membership_id=membership_id,
            clocked_in_at=now,
            last_seen_at=now,
        )
        session.add(entry)
        session.flush()
        return entry

    def current_entry(self, session: Session, actor: Actor) -> TimeEntry | None:
        """The actor's running entry, if clocked in."""
        membership_id = membership_id_of(session, actor)
        if membership_id is None:
            return None
        return time_entries.open_of(session, actor.org, membership_id)

    def clock_out(self, session: Session, actor: Actor) -> TimeEntry | None:
        """Stop the member's time, release their chats and leave the handover summary (None
        when they were not clocked in)."""
        actor.require(Permission.OUTBOX_WRITE)
        membership_id = self._own_membership(session, actor)
        entry = time_entries.open_of(session, actor.org, membership_id)
        if entry is None:
            return None
        close_entry(session, entry, at=utcnow(), auto=False)
        return entry

    def hours_csv(self, session: Session, actor: Actor, start: dt.date, days: int) -> str:
        """Clocked time per entry over ``days`` days from ``start`` (UTC), as CSV for payroll."""
        actor.require(Permission.TEAM_MANAGE)
        begin = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
        end = begin + dt.timedelta(days=days)
        names = {
            m.id: (m.user.name, m.user.email)
            for m in memberships.list_with_users(session, actor.org)
        }
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["member", "email", "clocked_in_utc", "clocked_out_utc", "minutes", "auto_clocked_out"]
        )
        now = utcnow()
        for entry in time_entries.between(session, actor.org, begin, end):
            name, email = names.get(entry.membership_id, ("", ""))
            until = entry.clocked_out_at or now
            minutes = int((min(until, end) - max(entry.clocked_in_at, begin)).total_seconds() // 60)
            writer.writerow(
                [
                    _safe_cell(name),
                    _safe_cell(email),
                    entry.clocked_in_at.isoformat(),
                    entry.clocked_out_at.isoformat() if entry.clocked_out_at else "",
                    minutes,
                    "yes" if entry.auto_clocked_out else "no",
                ]
            )
        return out.getvalue()

    # Extensions -------------------------------------------------------------------------------

    def extend(self, session: Session, actor: Actor, membership: Membership) -> ShiftExtension:
        """Let a member keep the creators of their shifts for :data:`EXTENSION_MINUTES` more
        minutes from now, past the end of the shift (audited)."""
        actor.require(Permission.TEAM_MANAGE)
        now = utcnow()
        shifts = [s.id for s in shifts_repo.of_member(session, actor.org, membership.id)]
        if not shifts:
            raise ConflictError("This member works no shift: there is nothing to extend.")
        by_shift = shifts_repo.creators_of(session, actor.org, shifts)
        creator_ids = sorted({c for ids in by_shift.values() for c in ids})
        extension = ShiftExtension(
            organization_id=actor.org,
            membership_id=membership.id,
            creator_ids=creator_ids,
            until=now + dt.timedelta(minutes=EXTENSION_MINUTES),
            granted_by_user_id=actor.user_id,
            created_at=now,
        )
        session.add(extension)
        session.flush()
        audit.record(
            session,
            actor,
            action="team.shift_extended",
            target_type="membership",
            target_id=membership.id,
            after={"creator_ids": creator_ids, "until": extension.until.isoformat()},
        )
        return extension


def _safe_cell(text: str) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def close_entry(session: Session, entry: TimeEntry, *, at: dt.datetime, auto: bool) -> None:
    """End a time entry: its chats go back to the queue, its handover is written."""
    org = trusted_org_id(entry.organization_id)
    entry.clocked_out_at = at
    entry.auto_clocked_out = auto
    entry.handover = handover_items(session, org, entry.membership_id, entry.clocked_in_at, at)
    assignments.release_member(session, org, entry.membership_id)
    session.flush()


team = TeamService()
