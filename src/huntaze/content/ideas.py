"""Post ideas for a creator (DESIGN.md §6 "Content pipeline": ideas → assets → captions → slots),
on the drafting structure: from the creator's topics, their best-selling PPVs, the season and
the dates ahead, templates write ideas and the model (``content.ideas``, with its gates) adds
its own; each idea is compliance-checked before it is shown. A person saves or discards an
idea, and turns a saved one into a planned post.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.ai.agents.content import topic_words
from huntaze.ai.drafting.persona import persona_from_creator
from huntaze.ai.schemas import IdeasInput
from huntaze.ai.service import ai
from huntaze.compliance.models import Direction, Outcome
from huntaze.compliance.service import compliance
from huntaze.content.calendar import calendar
from huntaze.content.captions import best_sold_texts
from huntaze.content.models import ContentIdea, PlannedPost
from huntaze.content.schemas import IdeaIn, PlannedPostIn
from huntaze.core.db import utcnow
from huntaze.core.errors import InvalidInputError
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import in_organization
from huntaze.creators.models import Creator
from huntaze.creators.schemas import CreatorOut

# (month, day, name): dates fans spend around, looked at 30 days ahead.
DATES = (
    (1, 1, "New Year"),
    (2, 14, "Valentine's Day"),
    (3, 17, "St Patrick's Day"),
    (4, 1, "April Fools' Day"),
    (6, 21, "the first day of summer"),
    (10, 31, "Halloween"),
    (11, 27, "Black Friday"),
    (12, 25, "Christmas"),
    (12, 31, "New Year's Eve"),
)
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}
SEASONS |= {6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}
AHEAD = dt.timedelta(days=30)


class IdeaRepository(TenantRepository[ContentIdea]):
    """Saved ideas of an organization's creators."""

    model = ContentIdea
    not_found_message = "There is no such idea in this organization."


ideas_repo = IdeaRepository()


@dataclass(slots=True)
class Suggestions:
    """Ideas to choose from, what they were drawn from, and what compliance refused."""

    ideas: list[IdeaIn] = field(default_factory=list)
    occasions: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def occasions(today: dt.date) -> list[str]:
    """The season and the dates within the next 30 days."""
    found = [f"{SEASONS[today.month]}"]
    for month, day, name in DATES:
        for year in (today.year, today.year + 1):
            when = dt.date(year, month, day)
            if today <= when <= today + AHEAD:
                found.append(f"{name} ({when.strftime('%d %b')})")
    return found


class IdeaService:
    """Suggests, saves, discards and plans a creator's post ideas."""

    def suggest(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        *,
        count: int = 4,
        use_model: bool = False,
        today: dt.date | None = None,
    ) -> Suggestions:
        """Fresh ideas from the creator's topics, best sellers, season and dates ahead."""
        actor.require(Permission.CREATORS_READ)
        today = today or utcnow().date()
        found = Suggestions(occasions=occasions(today))
        topics = [t for t in creator.topics if t.strip()] or ["behind the scenes"]
        best = best_sold_texts(session, actor.org, creator.id)
        best_words = topic_words(*best)[:3]
        saved = self.saved(session, actor, creator)
        known = {idea.title.lower() for idea in saved}
        candidates: list[IdeaIn] = []
        if use_model and actor.can(Permission.AI_USE):
            candidates.extend(self._from_model(session, actor, creator, topics, found, saved))
        for n, occasion in enumerate(found.occasions[1:] or found.occasions):
            topic = topics[n % len(topics)]
            candidates.append(
                IdeaIn(
                    title=f"{topic.title()} for {occasion.split(' (')[0]}"[:120],
                    description=f"A {topic} set themed for {occasion}, teased on the feed, "
                    "the full set as a PPV."[:240],
                    content_type="photo",
                    tags=[topic[:40], SEASONS[today.month]],
                )
            )
        for topic in topics:
            again = f" like your best seller ({', '.join(best_words)})" if best_words else ""
            candidates.append(
                IdeaIn(
                    title=f"{topic.title()}: a short video"[:120],
                    description=f"A 30-second {topic} clip{again}."[:240],
                    content_type="video",
                    tags=[topic[:40]],
                )
            )
        for idea in candidates:
            if idea.title.lower() in known or len(found.ideas) >= count:
                continue
            verdict = compliance.check(
                session,
                org=actor.org,
                creator_id=creator.id,
                text=f"{idea.title}. {idea.description}",
                direction=Direction.OUTBOUND,
            )
            if verdict.verdict is Outcome.BLOCK:
                reasons = "; ".join(hit.reason for hit in verdict.hits)
                found.refused.append(f"{idea.title}: {reasons}")
                continue
            known.add(idea.title.lower())
            found.ideas.append(idea)
        return found

    def _from_model(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        topics: list[str],
        found: Suggestions,
        saved: Sequence[ContentIdea],
    ) -> list[IdeaIn]:
        niche = f"{', '.join(topics)}; {', '.join(found.occasions)}"[:200]
        result = ai.run(
            session,
            actor,
            "content.ideas",
            IdeasInput(
                niche=niche,
                persona=persona_from_creator(CreatorOut.model_validate(creator)),
                recent_titles=[idea.title[:120] for idea in saved[:20]],
                count=3,
            ),
            creator_id=creator.id,
        )
        if result.fallback:
            return []
        return [
            IdeaIn(
                title=idea.title,
                description=idea.hook,
                content_type=idea.format,
                tags=[t[:40] for t in topics[:3]],
                source="model",
            )
            for idea in result.output.ideas
        ]

    def saved(self, session: Session, actor: Actor, creator: Creator) -> Sequence[ContentIdea]:
        """The creator's saved ideas not yet planned or discarded, newest first."""
        actor.require(Permission.CREATORS_READ)
        stmt = in_organization(select(ContentIdea), actor.org, ContentIdea).where(
            ContentIdea.creator_id == creator.id, ContentIdea.state == "saved"
        )
        return session.scalars(stmt.order_by(ContentIdea.created_at.desc()).limit(100)).all()

    def save(self, session: Session, actor: Actor, creator: Creator, data: IdeaIn) -> ContentIdea:
        """Keep an idea for later."""
        actor.require(Permission.CREATORS_WRITE)
        idea = ContentIdea(
            organization_id=actor.org,
            creator_id=creator.id,
            title=data.title,
            description=data.description,
            content_type=data.content_type,
            tags=list(data.tags),
            source=data.source,
        )
        session.add(idea)
        session.flush()
        return idea

    def get(self, session: Session, actor: Actor, idea_id: str) -> ContentIdea:
        """One idea; 404 if not the organization's."""
        actor.require(Permission.CREATORS_READ)
        return ideas_repo.get(session, actor.org, idea_id)

    def discard(self, session: Session, actor: Actor, idea: ContentIdea) -> None:
        """Set the idea aside for good."""
        actor.require(Permission.CREATORS_WRITE)
        idea.state = "discarded"
        session.flush()

    def plan(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        idea: ContentIdea,
        *,
        at: dt.date,
        hour: int,
    ) -> PlannedPost:
        """Turn a saved idea into a planned post (its description as the draft caption)."""
        actor.require(Permission.CREATORS_WRITE)
        if idea.state != "saved" or idea.creator_id != creator.id:
            raise InvalidInputError("Only a saved idea of this creator can be planned.")
        post = calendar.plan(
            session,
            actor,
            creator,
            PlannedPostIn(day=at, hour=hour, caption=f"{idea.title}. {idea.description}"),
        )
        idea.state = "planned"
        idea.planned_post_id = post.id
        session.flush()
        return post


ideas = IdeaService()
