"""The content calendar of a creator: planned posts by week, the best hours learned from the
creator's own fans, and the next free slots at those hours (DESIGN.md §6 "Content pipeline").

Days and hours are shown and typed on the agency's clock (the organization's analytics zone);
moments are stored in UTC.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.analytics.rollups import day_zone
from huntaze.compliance.models import Direction, Outcome
from huntaze.compliance.service import compliance
from huntaze.content.best_times import (
    LOOKBACK,
    BestTimes,
    count_by_hour,
    learn,
    next_slots,
    paying_moments,
)
from huntaze.content.captions import check_caption
from huntaze.content.models import PlannedPost
from huntaze.content.repository import vault_repo
from huntaze.content.schemas import PlannedPostIn
from huntaze.core.db import utcnow
from huntaze.core.errors import InvalidInputError, field_error
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import in_organization
from huntaze.creators.models import Creator


class PlannedPostRepository(TenantRepository[PlannedPost]):
    """Planned posts of an organization's creators."""

    model = PlannedPost
    not_found_message = "There is no such planned post in this organization."


planned_repo = PlannedPostRepository()


@dataclass(frozen=True, slots=True)
class Week:
    """Seven days from ``start`` on the agency's clock, with the posts planned on each."""

    zone: str
    start: dt.date
    days: tuple[tuple[dt.date, tuple[PlannedPost, ...]], ...]

    @property
    def previous(self) -> dt.date:
        """The week before's first day."""
        return self.start - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        """The week after's first day."""
        return self.start + dt.timedelta(days=7)


def _tz(zone: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local(moment: dt.datetime, zone: str) -> dt.datetime:
    """``moment`` on the clock of ``zone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_tz(zone))


class CalendarService:
    """Plans and lists a creator's posts and says when their fans pay."""

    def zone(self, session: Session, actor: Actor) -> str:
        """The agency's time zone (its analytics setting; UTC by default)."""
        actor.require(Permission.CREATORS_READ)
        return day_zone(session, actor.org)

    def best_times(
        self, session: Session, actor: Actor, creator: Creator, *, now: dt.datetime | None = None
    ) -> BestTimes:
        """The creator's best hours of the week, learned from their fans' purchases and tips."""
        actor.require(Permission.CREATORS_READ)
        since = (now or utcnow()) - LOOKBACK
        moments = paying_moments(session, actor.org, creator.id, since=since)
        return learn(count_by_hour(moments, day_zone(session, actor.org)))

    def week(self, session: Session, actor: Actor, creator: Creator, *, start: dt.date) -> Week:
        """The posts planned in the seven days from ``start`` (agency clock)."""
        actor.require(Permission.CREATORS_READ)
        zone = day_zone(session, actor.org)
        tz = _tz(zone)
        begin = dt.datetime.combine(start, dt.time(), tzinfo=tz).astimezone(dt.UTC)
        end = dt.datetime.combine(start + dt.timedelta(days=7), dt.time(), tzinfo=tz)
        stmt = (
            planned_repo.scoped(actor.org)
            .where(
                PlannedPost.creator_id == creator.id,
                PlannedPost.scheduled_at >= begin,
                PlannedPost.scheduled_at < end.astimezone(dt.UTC),
            )
            .order_by(PlannedPost.scheduled_at, PlannedPost.id)
        )
        by_day: dict[dt.date, list[PlannedPost]] = {}
        for post in session.scalars(stmt):
            by_day.setdefault(local(post.scheduled_at, zone).date(), []).append(post)
        days = tuple(
            (day, tuple(by_day.get(day, ())))
            for day in (start + dt.timedelta(days=n) for n in range(7))
        )
        return Week(zone=zone, start=start, days=days)

    def suggested_slots(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        best: BestTimes,
        *,
        now: dt.datetime | None = None,
        count: int = 5,
    ) -> list[dt.datetime]:
        """The next free moments (UTC) at the creator's best hours, within a week."""
        actor.require(Permission.CREATORS_READ)
        now = now or utcnow()
        stmt = in_organization(
            select(PlannedPost.scheduled_at).where(
                PlannedPost.creator_id == creator.id,
                PlannedPost.scheduled_at >= now,
                PlannedPost.scheduled_at < now + dt.timedelta(days=8),
            ),
            actor.org,
            PlannedPost,
        )
        taken = list(session.scalars(stmt))
        zone = day_zone(session, actor.org)
        return next_slots(best, zone=zone, now=now, count=count, taken=taken)

    def plan(
        self, session: Session, actor: Actor, creator: Creator, data: PlannedPostIn
    ) -> PlannedPost:
        """Plan a post at the day and hour given on the agency's clock; its caption is checked
        against its platform's rules and by compliance now, not at publish time."""
        actor.require(Permission.CREATORS_WRITE)
        zone = day_zone(session, actor.org)
        moment = dt.datetime.combine(data.day, dt.time(data.hour), tzinfo=_tz(zone))
        item_id = data.vault_item_id or None
        if item_id is not None:
            item = vault_repo.find(session, actor.org, item_id)
            if item is None or item.creator_id != creator.id:
                raise InvalidInputError(
                    "There is no such item in this creator's vault.",
                    errors=[field_error("vault_item_id", "choose one of this creator's items")],
                )
        self._check_caption(session, actor, creator, data)
        post = PlannedPost(
            organization_id=actor.org,
            creator_id=creator.id,
            scheduled_at=moment.astimezone(dt.UTC),
            platform=data.platform,
            caption=data.caption,
            vault_item_id=item_id,
            created_by_user_id=actor.user_id,
        )
        session.add(post)
        session.flush()
        return post

    def _check_caption(
        self, session: Session, actor: Actor, creator: Creator, data: PlannedPostIn
    ) -> None:
        """Refuse, before scheduling, a caption its platform would not take or that compliance
        blocks (DESIGN.md §2.4: every outbound text)."""
        problems = check_caption(data.platform, data.caption)
        if data.caption:
            verdict = compliance.check(
                session,
                org=actor.org,
                creator_id=creator.id,
                text=data.caption,
                direction=Direction.OUTBOUND,
            )
            if verdict.verdict is Outcome.BLOCK:
                problems.append(
                    "Compliance blocks it: " + "; ".join(h.reason for h in verdict.hits)
                )
        if problems:
            raise InvalidInputError(
                "The caption cannot be scheduled as it is.",
                errors=[field_error("caption", " ".join(problems))],
            )

    def get(self, session: Session, actor: Actor, post_id: str) -> PlannedPost:
        """One planned post; 404 if not the organization's."""
        actor.require(Permission.CREATORS_READ)
        return planned_repo.get(session, actor.org, post_id)

    def remove(self, session: Session, actor: Actor, post: PlannedPost) -> None:
        """Take the post off the calendar."""
        actor.require(Permission.CREATORS_WRITE)
        session.delete(post)
        session.flush()

    def upcoming(
        self, session: Session, actor: Actor, creator: Creator, *, limit: int = 50
    ) -> Sequence[PlannedPost]:
        """The creator's next planned posts, soonest first."""
        actor.require(Permission.CREATORS_READ)
        stmt = planned_repo.scoped(actor.org).where(
            PlannedPost.creator_id == creator.id, PlannedPost.scheduled_at >= utcnow()
        )
        return session.scalars(stmt.order_by(PlannedPost.scheduled_at).limit(limit)).all()


calendar = CalendarService()
