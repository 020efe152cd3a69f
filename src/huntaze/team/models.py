"""Tables of the team domain (DESIGN.md §1 "an agency … with a team of managers and chatters in
shifts"): the agency's settings, weekly shifts with their creators and chatters, each chatter's
capacity, clocked time, access extensions granted by a manager and the routing queue's
assignments.

A shift repeats on its weekdays from ``start_time`` to ``end_time`` read in its ``time_zone``; an
end at or before the start runs past midnight into the next day. A template is a shift kept to be
copied: it grants no access. An assignment row exists while a waiting conversation is held by a
chatter; the fan id is its primary key, so two chatters can never hold the same conversation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from huntaze.core.db import Base, IdMixin, TimestampMixin, utcnow


class TeamSettings(Base):
    """The routing and time rules of one agency; a missing row means the defaults."""

    __tablename__ = "team_settings"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_capacity: Mapped[int] = mapped_column(default=3)
    idle_clock_out_minutes: Mapped[int] = mapped_column(default=30)
    silent_reassign_minutes: Mapped[int] = mapped_column(default=10)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Shift(IdMixin, TimestampMixin, Base):
    """A weekly shift: when it runs, which creators it covers and who works it."""

    __tablename__ = "team_shift"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    weekdays: Mapped[list[int]] = mapped_column(JSON)
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    time_zone: Mapped[str] = mapped_column(String(64))
    is_template: Mapped[bool] = mapped_column(default=False)


class ShiftCreator(Base):
    """A creator covered by a shift."""

    __tablename__ = "team_shift_creator"

    shift_id: Mapped[str] = mapped_column(
        ForeignKey("team_shift.id", ondelete="CASCADE"), primary_key=True
    )
    creator_id: Mapped[str] = mapped_column(
        ForeignKey("creator.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )


class ShiftChatter(Base):
    """A member working a shift."""

    __tablename__ = "team_shift_chatter"

    shift_id: Mapped[str] = mapped_column(
        ForeignKey("team_shift.id", ondelete="CASCADE"), primary_key=True
    )
    membership_id: Mapped[str] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )


class ChatterProfile(Base):
    """A member's own routing figures: how many open chats they hold at once."""

    __tablename__ = "team_chatter"

    membership_id: Mapped[str] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    capacity: Mapped[int] = mapped_column()


class TimeEntry(IdMixin, Base):
    """A stretch of clocked time; open while ``clocked_out_at`` is empty."""

    __tablename__ = "team_time_entry"
    __table_args__ = (Index("ix_team_time_entry_member_in", "membership_id", "clocked_in_at"),)

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[str] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    clocked_in_at: Mapped[dt.datetime] = mapped_column()
    last_seen_at: Mapped[dt.datetime] = mapped_column()
    clocked_out_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    auto_clocked_out: Mapped[bool] = mapped_column(default=False)
    handover: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)


class ShiftExtension(IdMixin, Base):
    """A manager's grant: a chatter keeps some creators' chats a little past their shift."""

    __tablename__ = "team_shift_extension"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[str] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    creator_ids: Mapped[list[str]] = mapped_column(JSON)
    until: Mapped[dt.datetime] = mapped_column()
    granted_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChatAssignment(Base):
    """A waiting conversation held by one member (a chatter routed to it, or a manager who took
    it over)."""

    __tablename__ = "team_chat_assignment"
    __table_args__ = (Index("ix_team_chat_assignment_member", "membership_id"),)

    fan_id: Mapped[str] = mapped_column(ForeignKey("fan.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    creator_id: Mapped[str] = mapped_column(ForeignKey("creator.id", ondelete="CASCADE"))
    membership_id: Mapped[str] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    assigned_at: Mapped[dt.datetime] = mapped_column()
    taken_over: Mapped[bool] = mapped_column(default=False)
