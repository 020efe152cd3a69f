"""All SQL of the team domain, tenant-scoped (DESIGN.md §8.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.team.models import (
    ChatAssignment,
    ChatterProfile,
    Shift,
    ShiftChatter,
    ShiftCreator,
    ShiftExtension,
    TeamSettings,
    TimeEntry,
)


class ShiftRepository(TenantRepository[Shift]):
    """Shifts with their creators and chatters."""

    model = Shift
    not_found_message = "There is no such shift in this organization."

    def all(self, session: Session, org: OrgId) -> Sequence[Shift]:
        """Every shift and template of ``org``, by name."""
        return session.scalars(self.scoped(org).order_by(Shift.name, Shift.id)).all()

    def any_live(self, session: Session, org: OrgId) -> bool:
        """Whether ``org`` has set up at least one shift (templates aside)."""
        stmt = self.scoped(org).where(Shift.is_template.is_(False)).limit(1)
        return session.scalars(stmt).first() is not None

    def of_member(self, session: Session, org: OrgId, membership_id: str) -> Sequence[Shift]:
        """The live shifts ``membership_id`` works."""
        stmt = (
            self.scoped(org)
            .join(ShiftChatter, ShiftChatter.shift_id == Shift.id)
            .where(ShiftChatter.membership_id == membership_id, Shift.is_template.is_(False))
        )
        return session.scalars(stmt).all()

    def creators_of(
        self, session: Session, org: OrgId, shift_ids: Iterable[str]
    ) -> dict[str, list[str]]:
        """Creator ids by shift id."""
        ids = sorted(set(shift_ids))
        found: dict[str, list[str]] = {shift_id: [] for shift_id in ids}
        if not ids:
            return found
        stmt = in_organization(
            select(ShiftCreator.shift_id, ShiftCreator.creator_id), org, ShiftCreator
        ).where(ShiftCreator.shift_id.in_(ids))
        for shift_id, creator_id in session.execute(stmt):
            found[shift_id].append(creator_id)
        return found

    def chatters_of(
        self, session: Session, org: OrgId, shift_ids: Iterable[str]
    ) -> dict[str, list[str]]:
        """Membership ids by shift id."""
        ids = sorted(set(shift_ids))
        found: dict[str, list[str]] = {shift_id: [] for shift_id in ids}
        if not ids:
            return found
        stmt = in_organization(
            select(ShiftChatter.shift_id, ShiftChatter.membership_id), org, ShiftChatter
        ).where(ShiftChatter.shift_id.in_(ids))
        for shift_id, membership_id in session.execute(stmt):
            found[shift_id].append(membership_id)
        return found

    def members_of(
        self, session: Session, org: OrgId, membership_ids: Iterable[str]
    ) -> Sequence[Shift]:
        """The live shifts any of ``membership_ids`` works."""
        ids = sorted(set(membership_ids))
        if not ids:
            return []
        stmt = (
            self.scoped(org)
            .where(Shift.is_template.is_(False))
            .where(
                exists()
                .where(ShiftChatter.shift_id == Shift.id)
                .where(ShiftChatter.membership_id.in_(ids))
            )
        )
        return session.scalars(stmt).all()


class TeamSettingsRepository:
    """The settings row of an organization."""

    def find(self, session: Session, org: OrgId) -> TeamSettings | None:
        """The saved settings, or None (the defaults apply)."""
        stmt = in_organization(select(TeamSettings), org, TeamSettings)
        return session.scalars(stmt).one_or_none()


class ChatterRepository:
    """Capacities of members."""

    def capacities(self, session: Session, org: OrgId) -> dict[str, int]:
        """Capacity by membership id, for those set."""
        stmt = in_organization(
            select(ChatterProfile.membership_id, ChatterProfile.capacity), org, ChatterProfile
        )
        return {m: c for m, c in session.execute(stmt)}

    def find(self, session: Session, org: OrgId, membership_id: str) -> ChatterProfile | None:
        """One member's profile."""
        stmt = in_organization(select(ChatterProfile), org, ChatterProfile).where(
            ChatterProfile.membership_id == membership_id
        )
        return session.scalars(stmt).one_or_none()


class TimeEntryRepository(TenantRepository[TimeEntry]):
    """Clocked time."""

    model = TimeEntry
    not_found_message = "There is no such time entry in this organization."

    def open_of(self, session: Session, org: OrgId, membership_id: str) -> TimeEntry | None:
        """The member's running entry, if clocked in."""
        stmt = self.scoped(org).where(
            TimeEntry.membership_id == membership_id, TimeEntry.clocked_out_at.is_(None)
        )
        return session.scalars(stmt.order_by(TimeEntry.clocked_in_at.desc())).first()

    def open_members(self, session: Session, org: OrgId) -> set[str]:
        """Membership ids clocked in now."""
        stmt = in_organization(select(TimeEntry.membership_id), org, TimeEntry).where(
            TimeEntry.clocked_out_at.is_(None)
        )
        return set(session.scalars(stmt))

    def touch(self, session: Session, org: OrgId, membership_id: str, at: dt.datetime) -> None:
        """Note activity on the member's running entry."""
        stmt = in_organization(update(TimeEntry), org, TimeEntry).where(
            TimeEntry.membership_id == membership_id, TimeEntry.clocked_out_at.is_(None)
        )
        session.execute(stmt.values(last_seen_at=at))

    def idle_everywhere(
        self, session: Session, cutoff_by_org: dict[str, dt.datetime]
    ) -> list[TimeEntry]:
        """Running entries (of every organization) whose last activity is before their
        organization's cutoff; ``default`` (key ``""``) applies to the others."""
        default = cutoff_by_org[""]
        stmt = select(TimeEntry).where(TimeEntry.clocked_out_at.is_(None))
        return [
            entry
            for entry in session.scalars(stmt)
            if entry.last_seen_at < cutoff_by_org.get(entry.organization_id, default)
        ]

    def between(
        self, session: Session, org: OrgId, start: dt.datetime, end: dt.datetime
    ) -> Sequence[TimeEntry]:
        """Entries overlapping ``[start, end)``, oldest first."""
        stmt = self.scoped(org).where(
            TimeEntry.clocked_in_at < end,
            (TimeEntry.clocked_out_at.is_(None)) | (TimeEntry.clocked_out_at > start),
        )
        return session.scalars(stmt.order_by(TimeEntry.clocked_in_at, TimeEntry.id)).all()

    def latest_handovers(self, session: Session, org: OrgId, limit: int) -> Sequence[TimeEntry]:
        """The newest closed entries that left a handover."""
        stmt = self.scoped(org).where(
            TimeEntry.clocked_out_at.is_not(None), TimeEntry.handover.is_not(None)
        )
        return session.scalars(stmt.order_by(TimeEntry.clocked_out_at.desc()).limit(limit)).all()


class ExtensionRepository:
    """Shift extensions."""

    def live_of(
        self, session: Session, org: OrgId, membership_id: str, now: dt.datetime
    ) -> Sequence[ShiftExtension]:
        """The member's extensions still running at ``now``."""
        stmt = in_organization(select(ShiftExtension), org, ShiftExtension).where(
            ShiftExtension.membership_id == membership_id, ShiftExtension.until > now
        )
        return session.scalars(stmt).all()


class AssignmentRepository:
    """Conversations held by members."""

    def of_fan(self, session: Session, org: OrgId, fan_id: str) -> ChatAssignment | None:
        """Who holds the conversation with ``fan_id``."""
        stmt = in_organization(select(ChatAssignment), org, ChatAssignment).where(
            ChatAssignment.fan_id == fan_id
        )
        return session.scalars(stmt).one_or_none()

    def of_member(
        self, session: Session, org: OrgId, membership_id: str
    ) -> Sequence[ChatAssignment]:
        """The conversations ``membership_id`` holds, oldest first."""
        stmt = in_organization(select(ChatAssignment), org, ChatAssignment).where(
            ChatAssignment.membership_id == membership_id
        )
        return session.scalars(stmt.order_by(ChatAssignment.assigned_at)).all()

    def open_counts(self, session: Session, org: OrgId) -> dict[str, int]:
        """Open chats by membership id."""
        stmt = in_organization(
            select(ChatAssignment.membership_id, func.count()), org, ChatAssignment
        ).group_by(ChatAssignment.membership_id)
        return {m: int(n) for m, n in session.execute(stmt)}

    def release(self, session: Session, org: OrgId, fan_ids: Sequence[str]) -> None:
        """Put these conversations back in the queue."""
        if fan_ids:
            stmt = in_organization(delete(ChatAssignment), org, ChatAssignment)
            session.execute(stmt.where(ChatAssignment.fan_id.in_(list(fan_ids))))

    def release_member(self, session: Session, org: OrgId, membership_id: str) -> None:
        """Put every conversation a member holds back in the queue."""
        stmt = in_organization(delete(ChatAssignment), org, ChatAssignment)
        session.execute(stmt.where(ChatAssignment.membership_id == membership_id))


shifts_repo = ShiftRepository()
settings_repo = TeamSettingsRepository()
chatters_repo = ChatterRepository()
time_entries = TimeEntryRepository()
extensions_repo = ExtensionRepository()
assignments = AssignmentRepository()
