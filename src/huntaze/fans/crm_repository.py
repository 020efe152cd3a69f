"""SQL of the fan CRM: the fan list's filters, a fan's timeline and score facts, notes, tags,
custom fields and saved views, all tenant-scoped (DESIGN.md §8.2; issue 15 "Fans (CRM)").

The timeline is one ``UNION ALL`` of the fan's chat messages, statement entries and subscription
events, ordered and paged in the database, so a fan with years of history costs one page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    Text,
    case,
    cast,
    delete,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from huntaze.analytics.models import DomainEvent
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.fans.models import Fan, FanField, FanNote, FanSavedView, FanTag
from huntaze.inbox.models import ChatMessage, Earning

fan_spent = (
    Fan.spent_subscription_cents
    + Fan.spent_tip_cents
    + Fan.spent_ppv_cents
    + Fan.spent_message_cents
    + Fan.spent_other_cents
)
SORTS: dict[str, tuple[Any, ...]] = {
    "recent": (Fan.last_message_at.is_(None), Fan.last_message_at.desc()),
    "spend": (fan_spent.desc(),),
    "newest": (Fan.subscribed_at.is_(None), Fan.subscribed_at.desc()),
    "expiring": (Fan.expires_at.is_(None), Fan.expires_at.asc()),
    "name": (func.lower(Fan.username).asc(),),
}
# Spend brackets of the fan list, in cents: [low, high) with None for "no upper bound".
BRACKETS: dict[str, tuple[int, int | None]] = {
    "none": (0, 1),
    "under_50": (1, 5_000),
    "50_200": (5_000, 20_000),
    "200_1000": (20_000, 100_000),
    "over_1000": (100_000, None),
}
SUBSCRIPTION_EVENTS = ("fan.subscribed", "fan.expired")
# Statement entries that are a purchase (a subscription payment is counted apart).
PURCHASE_KINDS = ("tip", "ppv", "message")


@dataclass(frozen=True, slots=True)
class FanQuery:
    """What the fan list asks the database (the page's filters, checked)."""

    creator_ids: Sequence[str] | None = None
    status: str | None = None
    bracket: str | None = None
    subscribed_since: dt.datetime | None = None
    tag: str | None = None
    q: str | None = None
    sort: str = "recent"
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a fan's timeline."""

    source: str
    """``message``, ``purchase`` or ``subscription``."""
    id: str
    at: dt.datetime
    kind: str
    text: str | None
    amount_cents: int | None
    flag: bool | None


@dataclass(frozen=True, slots=True)
class ActivityCounts:
    """Counts the scores read, from the fan's messages and statement entries."""

    ppv_offered: int = 0
    ppv_bought: int = 0
    inbound_30d: int = 0
    purchases_90d: int = 0
    renewals: int = 0
    last_renewal_at: dt.datetime | None = None


class FanCrmRepository(TenantRepository[Fan]):
    """The fan list and a fan's CRM data."""

    model = Fan
    not_found_message = "There is no such fan in this organization."

    def browse(self, session: Session, org: OrgId, query: FanQuery) -> tuple[Sequence[Fan], int]:
        """A page of fans matching ``query`` and how many match in all."""
        stmt = self.scoped(org)
        if query.creator_ids is not None:
            stmt = stmt.where(Fan.creator_id.in_(sorted(query.creator_ids)))
        if query.status:
            stmt = stmt.where(Fan.status == query.status)
        if query.bracket in BRACKETS:
            low, high = BRACKETS[query.bracket]
            stmt = stmt.where(fan_spent >= low)
            if high is not None:
                stmt = stmt.where(fan_spent < high)
        if query.subscribed_since is not None:
            stmt = stmt.where(Fan.subscribed_at >= query.subscribed_since)
        if query.tag:
            tagged = in_organization(select(FanTag.fan_id), org, FanTag).where(
                FanTag.tag == query.tag
            )
            stmt = stmt.where(Fan.id.in_(tagged))
        if query.q:
            escaped = query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            stmt = stmt.where(
                or_(
                    func.lower(Fan.username).like(pattern, escape="\\"),
                    func.lower(Fan.display_name).like(pattern, escape="\\"),
                )
            )
        total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
        order = (*SORTS.get(query.sort, SORTS["recent"]), Fan.id)
        rows = session.scalars(stmt.order_by(*order).limit(query.limit).offset(query.offset))
        return rows.all(), total

    # Timeline and facts -------------------------------------------------------------------

    def timeline(
        self, session: Session, org: OrgId, fan_id: str, *, limit: int, offset: int
    ) -> tuple[list[TimelineEntry], int]:
        """A page of the fan's messages, payments and subscription changes, newest first."""
        messages = in_organization(
            select(
                literal("message", String(16)).label("source"),
                ChatMessage.id.label("id"),
                ChatMessage.sent_at.label("at"),
                cast(ChatMessage.direction, String(40)).label("kind"),
                cast(ChatMessage.text, Text).label("text"),
                cast(ChatMessage.price_cents, Integer).label("amount"),
                cast(ChatMessage.purchased, Boolean).label("flag"),
            ),
            org,
            ChatMessage,
        ).where(ChatMessage.fan_id == fan_id)
        payments = in_organization(
            select(
                literal("purchase", String(16)),
                Earning.id,
                Earning.occurred_at,
                cast(Earning.kind, String(40)),
                cast(Earning.status, Text),
                cast(Earning.amount_cents, Integer),
                cast(Earning.renewal, Boolean),
            ),
            org,
            Earning,
        ).where(Earning.fan_id == fan_id)
        changes = in_organization(
            select(
                literal("subscription", String(16)),
                DomainEvent.id,
                DomainEvent.occurred_at,
                cast(DomainEvent.kind, String(40)),
                cast(null(), Text),
                cast(null(), Integer),
                cast(false(), Boolean),
            ),
            org,
            DomainEvent,
        ).where(DomainEvent.fan_id == fan_id, DomainEvent.kind.in_(SUBSCRIPTION_EVENTS))
        everything = union_all(messages, payments, changes).subquery()
        total = int(session.scalar(select(func.count()).select_from(everything)) or 0)
        rows = session.execute(
            select(everything)
            .order_by(everything.c.at.desc(), everything.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        entries = [
            TimelineEntry(
                source=r.source,
                id=r.id,
                at=r.at,
                kind=r.kind,
                text=r.text,
                amount_cents=r.amount,
                flag=None if r.flag is None else bool(r.flag),
            )
            for r in rows
        ]
        return entries, total

    def activity(
        self, session: Session, org: OrgId, fan_id: str, *, now: dt.datetime
    ) -> ActivityCounts:
        """The counts behind the fan's scores (two queries)."""
        offered = (ChatMessage.direction == "outbound") & (ChatMessage.price_cents > 0)
        message_row = session.execute(
            in_organization(
                select(
                    func.sum(case((offered, 1), else_=0)),
                    func.sum(case((offered & ChatMessage.purchased, 1), else_=0)),
                    func.sum(
                        case(
                            (
                                (ChatMessage.direction == "inbound")
                                & (ChatMessage.sent_at >= now - dt.timedelta(days=30)),
                                1,
                            ),
                            else_=0,
                        )
                    ),
                ),
                org,
                ChatMessage,
            ).where(ChatMessage.fan_id == fan_id)
        ).one()
        counted = Earning.status != "chargeback"
        renewal = counted & Earning.renewal & (Earning.kind == "subscription")
        earning_row = session.execute(
            in_organization(
                select(
                    func.sum(
                        case(
                            (
                                counted
                                & Earning.kind.in_(PURCHASE_KINDS)
                                & (Earning.occurred_at >= now - dt.timedelta(days=90)),
                                1,
                            ),
                            else_=0,
                        )
                    ),
                    func.sum(case((renewal, 1), else_=0)),
                    func.max(case((renewal, Earning.occurred_at), else_=None)),
                ),
                org,
                Earning,
            ).where(Earning.fan_id == fan_id)
        ).one()
        last_renewal = earning_row[2]
        if isinstance(last_renewal, str):  # SQLite returns MAX of a datetime column as text
            last_renewal = dt.datetime.fromisoformat(last_renewal)
        if last_renewal is not None and last_renewal.tzinfo is None:
            last_renewal = last_renewal.replace(tzinfo=dt.UTC)
        return ActivityCounts(
            ppv_offered=int(message_row[0] or 0),
            ppv_bought=int(message_row[1] or 0),
            inbound_30d=int(message_row[2] or 0),
            purchases_90d=int(earning_row[0] or 0),
            renewals=int(earning_row[1] or 0),
            last_renewal_at=last_renewal,
        )

    # Notes, tags, fields ------------------------------------------------------------------

    def notes(self, session: Session, org: OrgId, fan_id: str) -> Sequence[FanNote]:
        """The fan's notes, the pinned one first, then newest first."""
        stmt = in_organization(select(FanNote), org, FanNote).where(FanNote.fan_id == fan_id)
        order = (FanNote.pinned.desc(), FanNote.created_at.desc(), FanNote.id)
        return session.scalars(stmt.order_by(*order)).all()

    def note(self, session: Session, org: OrgId, fan_id: str, note_id: str) -> FanNote | None:
        """One of the fan's notes."""
        stmt = in_organization(select(FanNote), org, FanNote).where(
            FanNote.fan_id == fan_id, FanNote.id == note_id
        )
        return session.scalars(stmt).one_or_none()

    def pinned_note(self, session: Session, org: OrgId, fan_id: str) -> FanNote | None:
        """The fan's pinned note, if written."""
        stmt = in_organization(select(FanNote), org, FanNote).where(
            FanNote.fan_id == fan_id, FanNote.pinned.is_(True)
        )
        return session.scalars(stmt.order_by(FanNote.created_at).limit(1)).first()

    def tags(self, session: Session, org: OrgId, fan_id: str) -> list[str]:
        """The fan's tags, sorted."""
        stmt = in_organization(select(FanTag.tag), org, FanTag).where(FanTag.fan_id == fan_id)
        return list(session.scalars(stmt.order_by(FanTag.tag)))

    def tags_of(self, session: Session, org: OrgId, fan_ids: Sequence[str]) -> dict[str, list[str]]:
        """Tags of several fans in one query, by fan id."""
        if not fan_ids:
            return {}
        stmt = in_organization(select(FanTag.fan_id, FanTag.tag), org, FanTag).where(
            FanTag.fan_id.in_(list(fan_ids))
        )
        found: dict[str, list[str]] = {}
        for fan_id, tag in session.execute(stmt.order_by(FanTag.tag)):
            found.setdefault(fan_id, []).append(tag)
        return found

    def all_tags(self, session: Session, org: OrgId) -> list[str]:
        """Every tag used in the organization, sorted."""
        stmt = in_organization(select(FanTag.tag).distinct(), org, FanTag)
        return list(session.scalars(stmt.order_by(FanTag.tag)))

    def tag_count(self, session: Session, org: OrgId, fan_id: str) -> int:
        """How many tags the fan has."""
        stmt = in_organization(select(func.count()).select_from(FanTag), org, FanTag)
        return int(session.scalar(stmt.where(FanTag.fan_id == fan_id)) or 0)

    def remove_tag(self, session: Session, org: OrgId, fan_id: str, tag: str) -> int:
        """Delete one tag of the fan; how many rows went."""
        stmt = in_organization(delete(FanTag), org, FanTag).where(
            FanTag.fan_id == fan_id, FanTag.tag == tag
        )
        return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]

    def fields(self, session: Session, org: OrgId, fan_id: str) -> Sequence[FanField]:
        """The fan's custom fields, by key."""
        stmt = in_organization(select(FanField), org, FanField).where(FanField.fan_id == fan_id)
        return session.scalars(stmt.order_by(FanField.key)).all()

    def field(self, session: Session, org: OrgId, fan_id: str, key: str) -> FanField | None:
        """One custom field of the fan."""
        stmt = in_organization(select(FanField), org, FanField).where(
            FanField.fan_id == fan_id, FanField.key == key
        )
        return session.scalars(stmt).one_or_none()

    # Saved views --------------------------------------------------------------------------

    def views(self, session: Session, org: OrgId, user_id: str) -> Sequence[FanSavedView]:
        """One person's saved views, by name."""
        stmt = in_organization(select(FanSavedView), org, FanSavedView).where(
            FanSavedView.user_id == user_id
        )
        return session.scalars(stmt.order_by(FanSavedView.name)).all()

    def view(
        self,
        session: Session,
        org: OrgId,
        user_id: str,
        *,
        view_id: str | None = None,
        name: str | None = None,
    ) -> FanSavedView | None:
        """One of the person's saved views, by id or by name."""
        stmt = in_organization(select(FanSavedView), org, FanSavedView).where(
            FanSavedView.user_id == user_id
        )
        if view_id is not None:
            stmt = stmt.where(FanSavedView.id == view_id)
        if name is not None:
            stmt = stmt.where(FanSavedView.name == name)
        return session.scalars(stmt).one_or_none()


crm_repo = FanCrmRepository()
