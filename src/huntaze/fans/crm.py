"""The fan CRM service: the fan list with filters and saved views, a fan's profile with its
timeline and explainable scores, notes, tags and custom fields (issue 15 "Fans (CRM)";
DESIGN.md §6 "Inbox sync" fills the rows it reads).

Who sees what: every read goes through the actor's organization and, for a chatter while shifts
are live, only the creators of the shifts they are on (``team.access``); a fan of another
organization is not found (404). Writing notes, tags and fields needs ``fans.write`` (chatters
and up); the pinned note, the fan's profile, needs ``fans.manage`` (managers and up). Saved views
belong to the person who saved them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.core.db import utcnow
from huntaze.core.errors import ConflictError, InvalidInputError, NotFoundError, field_error
from huntaze.fans.crm_repository import ActivityCounts, FanQuery, TimelineEntry, crm_repo
from huntaze.fans.models import Fan, FanField, FanNote, FanSavedView, FanTag
from huntaze.fans.schemas import (
    FANS_PER_PAGE,
    TIMELINE_PER_PAGE,
    FanListFilter,
    FieldIn,
    NoteIn,
    SavedViewIn,
    TagIn,
)
from huntaze.fans.scores import FanFacts, Score, all_scores
from huntaze.fans.service import NEW_FAN_DAYS
from huntaze.team.access import creators_on_shift

PINNED_TEMPLATE = (
    "Real name / what to call them:\n"
    "Likes:\n"
    "Dislikes / boundaries:\n"
    "Buys (what, at what price):\n"
    "Best time to write:\n"
)
MAX_TAGS_PER_FAN = 30
MAX_FIELDS_PER_FAN = 30
MAX_VIEWS_PER_PERSON = 50


@dataclass
class FanList:
    """One page of the fan list."""

    fans: Sequence[Fan]
    total: int
    page: int
    pages: int
    tags: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class FanProfile:
    """What the fan page shows beside the fan row."""

    scores: list[Score]
    activity: ActivityCounts
    notes: Sequence[FanNote]
    tags: list[str]
    fields: Sequence[FanField]
    timeline: list[TimelineEntry]
    timeline_total: int
    timeline_page: int
    timeline_pages: int

    @property
    def pinned(self) -> FanNote | None:
        """The fan's pinned note, if written."""
        return next((n for n in self.notes if n.pinned), None)

    @property
    def free_notes(self) -> list[FanNote]:
        """The notes that are not pinned, newest first."""
        return [n for n in self.notes if not n.pinned]


@dataclass(frozen=True, slots=True)
class FanCard:
    """What a chatter sees of the CRM beside a conversation: the pinned note and the tags."""

    pinned: FanNote | None
    tags: list[str]


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


class FanCrmService:
    """The fan list, fan page and what people add to a fan."""

    # Reading ------------------------------------------------------------------------------

    def visible_creators(self, session: Session, actor: Actor) -> frozenset[str] | None:
        """The creators whose fans ``actor`` may see now; None when not limited."""
        actor.require(Permission.FANS_READ)
        return creators_on_shift(session, actor, utcnow())

    def browse(self, session: Session, actor: Actor, filters: FanListFilter) -> FanList:
        """A page of the fans ``actor`` may see, filtered, searched and sorted."""
        actor.require(Permission.FANS_READ)
        now = utcnow()
        creator_ids: Sequence[str] | None = [filters.creator] if filters.creator else None
        on_shift = creators_on_shift(session, actor, now)
        if on_shift is not None:
            creator_ids = [c for c in (creator_ids or sorted(on_shift)) if c in on_shift]
        query = FanQuery(
            creator_ids=creator_ids,
            status=filters.state,
            bracket=filters.spend,
            subscribed_since=now - dt.timedelta(days=NEW_FAN_DAYS) if filters.new else None,
            tag=filters.tag.lower() if filters.tag else None,
            q=filters.q,
            sort=filters.sort,
            limit=FANS_PER_PAGE,
            offset=(filters.page - 1) * FANS_PER_PAGE,
        )
        rows, total = crm_repo.browse(session, actor.org, query)
        tags = crm_repo.tags_of(session, actor.org, [f.id for f in rows])
        return FanList(
            fans=rows,
            total=total,
            page=filters.page,
            pages=_pages(total, FANS_PER_PAGE),
            tags=tags,
        )

    def all_tags(self, session: Session, actor: Actor) -> list[str]:
        """Every tag in use in the organization (the list's tag filter)."""
        actor.require(Permission.FANS_READ)
        return crm_repo.all_tags(session, actor.org)

    def profile(self, session: Session, actor: Actor, fan: Fan, *, page: int = 1) -> FanProfile:
        """The fan's scores, notes, tags, fields and one page of their timeline (``fan`` was
        loaded through ``fans.get``, so the actor may see it)."""
        actor.require(Permission.FANS_READ)
        now = utcnow()
        activity = crm_repo.activity(session, actor.org, fan.id, now=now)
        timeline, total = crm_repo.timeline(
            session,
            actor.org,
            fan.id,
            limit=TIMELINE_PER_PAGE,
            offset=(page - 1) * TIMELINE_PER_PAGE,
        )
        return FanProfile(
            scores=all_scores(facts_of(fan, activity, now)),
            activity=activity,
            notes=crm_repo.notes(session, actor.org, fan.id),
            tags=crm_repo.tags(session, actor.org, fan.id),
            fields=crm_repo.fields(session, actor.org, fan.id),
            timeline=timeline,
            timeline_total=total,
            timeline_page=page,
            timeline_pages=_pages(total, TIMELINE_PER_PAGE),
        )

    # Notes --------------------------------------------------------------------------------

    def card(self, session: Session, actor: Actor, fan: Fan) -> FanCard:
        """The pinned note and tags of a fan the actor sees (``fan`` loaded through
        ``fans.get``): two small reads, for the inbox's sidebar."""
        actor.require(Permission.FANS_READ)
        return FanCard(
            pinned=crm_repo.pinned_note(session, actor.org, fan.id),
            tags=crm_repo.tags(session, actor.org, fan.id),
        )

    def add_note(self, session: Session, actor: Actor, fan: Fan, data: NoteIn) -> FanNote:
        """A free note on the fan, signed by its author."""
        actor.require(Permission.FANS_WRITE)
        note = FanNote(
            organization_id=actor.org,
            fan_id=fan.id,
            pinned=False,
            text=data.text,
            author_label=actor.label[:255],
            author_user_id=actor.user_id,
        )
        session.add(note)
        session.flush()
        return note

    def save_pinned(self, session: Session, actor: Actor, fan: Fan, data: NoteIn) -> FanNote:
        """Write the fan's pinned note (managers only): one per fan, replaced in place."""
        actor.require(Permission.FANS_MANAGE)
        note = crm_repo.pinned_note(session, actor.org, fan.id)
        if note is None:
            note = FanNote(organization_id=actor.org, fan_id=fan.id, pinned=True, text=data.text)
            session.add(note)
        note.text = data.text
        note.author_label = actor.label[:255]
        note.author_user_id = actor.user_id
        session.flush()
        return note

    def delete_note(self, session: Session, actor: Actor, fan: Fan, note_id: str) -> None:
        """Delete a free note: its author may, and managers may delete any; the pinned note
        only a manager."""
        actor.require(Permission.FANS_WRITE)
        note = crm_repo.note(session, actor.org, fan.id, note_id)
        if note is None:
            raise NotFoundError("There is no such note on this fan.")
        mine = note.author_user_id is not None and note.author_user_id == actor.user_id
        if note.pinned or not mine:
            actor.require(Permission.FANS_MANAGE)
        session.delete(note)
        session.flush()

    # Tags ---------------------------------------------------------------------------------

    def add_tag(self, session: Session, actor: Actor, fan: Fan, data: TagIn) -> None:
        """Tag the fan (a tag already there is left as it is)."""
        actor.require(Permission.FANS_WRITE)
        if data.tag in crm_repo.tags(session, actor.org, fan.id):
            return
        if crm_repo.tag_count(session, actor.org, fan.id) >= MAX_TAGS_PER_FAN:
            raise InvalidInputError(
                f"A fan has at most {MAX_TAGS_PER_FAN} tags: remove one first.",
                errors=[field_error("tag", f"at most {MAX_TAGS_PER_FAN} tags per fan")],
            )
        try:
            with session.begin_nested():
                session.add(FanTag(organization_id=actor.org, fan_id=fan.id, tag=data.tag))
        except IntegrityError:
            pass  # tagged by someone else at the same moment: the tag is there, as asked

    def remove_tag(self, session: Session, actor: Actor, fan: Fan, tag: str) -> None:
        """Take a tag off the fan."""
        actor.require(Permission.FANS_WRITE)
        if not crm_repo.remove_tag(session, actor.org, fan.id, tag.strip().lower()[:40]):
            raise NotFoundError("This fan has no such tag.")

    # Custom fields ------------------------------------------------------------------------

    def set_field(self, session: Session, actor: Actor, fan: Fan, data: FieldIn) -> FanField:
        """Set a custom field of the fan (a key already there gets the new value)."""
        actor.require(Permission.FANS_WRITE)
        found = crm_repo.field(session, actor.org, fan.id, data.key)
        if found is None:
            if len(crm_repo.fields(session, actor.org, fan.id)) >= MAX_FIELDS_PER_FAN:
                raise InvalidInputError(
                    f"A fan has at most {MAX_FIELDS_PER_FAN} fields: remove one first.",
                    errors=[field_error("key", f"at most {MAX_FIELDS_PER_FAN} fields per fan")],
                )
            found = FanField(organization_id=actor.org, fan_id=fan.id, key=data.key)
        found.value = data.value
        _save(session, found, "This field was just set by someone else: try again.")
        return found

    def remove_field(self, session: Session, actor: Actor, fan: Fan, key: str) -> None:
        """Remove a custom field of the fan."""
        actor.require(Permission.FANS_WRITE)
        found = crm_repo.field(session, actor.org, fan.id, key.strip()[:40])
        if found is None:
            raise NotFoundError("This fan has no such field.")
        session.delete(found)
        session.flush()

    # Saved views --------------------------------------------------------------------------

    def views(self, session: Session, actor: Actor) -> Sequence[FanSavedView]:
        """The person's saved views of the fan list (none for an API key)."""
        actor.require(Permission.FANS_READ)
        if actor.user_id is None:
            return []
        return crm_repo.views(session, actor.org, actor.user_id)

    def save_view(
        self, session: Session, actor: Actor, data: SavedViewIn, filters: FanListFilter
    ) -> FanSavedView:
        """Save the list's filters under a name (the same name is replaced)."""
        actor.require(Permission.FANS_READ)
        if actor.user_id is None:
            raise InvalidInputError("Only a person can save a view.")
        query = filters.query_string()
        if not query:
            raise InvalidInputError(
                "Choose at least one filter before saving a view.",
                errors=[field_error("name", "choose a filter first: this is the whole list")],
            )
        found = crm_repo.view(session, actor.org, actor.user_id, name=data.name)
        if found is None:
            if len(crm_repo.views(session, actor.org, actor.user_id)) >= MAX_VIEWS_PER_PERSON:
                raise ConflictError(f"You have {MAX_VIEWS_PER_PERSON} saved views: delete one.")
            found = FanSavedView(organization_id=actor.org, user_id=actor.user_id, name=data.name)
        found.query = query
        _save(session, found, "A view of this name was just saved: try again.")
        return found

    def delete_view(self, session: Session, actor: Actor, view_id: str) -> None:
        """Delete one of the person's saved views."""
        actor.require(Permission.FANS_READ)
        found = None
        if actor.user_id is not None:
            found = crm_repo.view(session, actor.org, actor.user_id, view_id=view_id)
        if found is None:
            raise NotFoundError("There is no such saved view.")
        session.delete(found)
        session.flush()


def _save(session: Session, row: FanField | FanSavedView, conflict: str) -> None:
    """Insert or update ``row``; a unique key taken at the same moment is a 409, not a 500."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise ConflictError(conflict) from None


def facts_of(fan: Fan, activity: ActivityCounts, now: dt.datetime) -> FanFacts:
    """The score inputs of a fan row and its activity counts."""
    return FanFacts(
        now=now,
        status=fan.status,
        subscribed_at=fan.subscribed_at,
        expires_at=fan.expires_at,
        spent_cents=fan.total_spent_cents,
        spent_subscription_cents=fan.spent_subscription_cents,
        spent_tip_cents=fan.spent_tip_cents,
        spent_ppv_cents=fan.spent_ppv_cents,
        last_purchase_at=fan.last_purchase_at,
        last_inbound_at=fan.last_inbound_at,
        purchases_90d=activity.purchases_90d,
        renewals=activity.renewals,
        ppv_offered=activity.ppv_offered,
        ppv_bought=activity.ppv_bought,
        inbound_30d=activity.inbound_30d,
    )


crm = FanCrmService()
