"""The message log (issue "the team at work"): every message the agency sent, with who sent
it, paid or free, bought or not and how long the fan had waited, filterable, so that a manager
reviews quality without opening each chat.

"Bought" is known for a paid message only: a purchase on the platform's statement that names the
message (its platform message id). The reply time is :func:`huntaze.team.performance.reply_times`
over the page's messages; "the fan answered" is his next message within a day, before the
agency wrote to him again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.models import Membership
from huntaze.accounts.permissions import Permission
from huntaze.accounts.repository import memberships
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.creators.models import PlatformAccount
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.outbox.models import OutboundMessage
from huntaze.team.performance import SentMessage, reply_times, sender_column

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class LogFilter:
    """What the log shows: the last ``days`` days, optionally one creator, one sender, paid or
    free messages, bought or not (paid ones)."""

    days: int = 7
    creator_id: str | None = None
    sender_id: str | None = None  # a membership id
    paid: Literal["paid", "free"] | None = None
    bought: Literal["yes", "no"] | None = None
    page: int = 1


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One sent message as the log shows it."""

    message_id: str
    sent_at: dt.datetime
    account_id: str
    fan_label: str
    sender: str
    author_kind: str
    text: str
    price_cents: int | None
    bought: bool | None
    reply_s: float | None
    fan_answered_s: float | None = None


@dataclass(frozen=True, slots=True)
class MessageLog:
    entries: list[LogEntry]
    total: int
    page: int
    pages: int


def _bought(org: OrgId) -> ColumnElement[bool]:
    return (
        in_organization(select(Earning.id), org, Earning)
        .where(
            Earning.platform_account_id == OutboundMessage.platform_account_id,
            Earning.platform_message_id == OutboundMessage.platform_message_id,
            Earning.status == "done",
        )
        .exists()
    )


def message_log(
    session: Session, actor: Actor, wanted: LogFilter, *, now: dt.datetime
) -> MessageLog:
    """One page of the agency's sent messages, newest first."""
    actor.require(Permission.TEAM_MANAGE)
    org = actor.org
    people = {m.user_id: m for m in memberships.list_with_users(session, org)}
    stmt = in_organization(select(OutboundMessage), org, OutboundMessage).where(
        OutboundMessage.state == "sent",
        OutboundMessage.sent_at >= now - dt.timedelta(days=wanted.days),
    )
    if wanted.creator_id:
        accounts = in_organization(select(PlatformAccount.id), org, PlatformAccount).where(
            PlatformAccount.creator_id == wanted.creator_id
        )
        stmt = stmt.where(OutboundMessage.platform_account_id.in_(accounts))
    if wanted.sender_id:
        member = next((m for m in people.values() if m.id == wanted.sender_id), None)
        stmt = stmt.where(sender_column() == (member.user_id if member else "-"))
    if wanted.paid == "paid":
        stmt = stmt.where(OutboundMessage.price_cents > 0)
    elif wanted.paid == "free":
        stmt = stmt.where(
            or_(OutboundMessage.price_cents.is_(None), OutboundMessage.price_cents == 0)
        )
    if wanted.bought is not None:
        stmt = stmt.where(OutboundMessage.price_cents > 0)
        stmt = stmt.where(_bought(org) if wanted.bought == "yes" else ~_bought(org))
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    pages = max(1, -(-total // PER_PAGE))
    page = min(wanted.page, pages)
    rows = list(
        session.scalars(
            stmt.order_by(OutboundMessage.sent_at.desc(), OutboundMessage.id)
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    bought = _bought_of(session, actor, rows)
    names = _fan_names(session, actor, rows)
    timed = [_as_sent(r) for r in rows if r.platform_fan_id]
    around = _sent_to_same_fans(session, actor, rows)
    waited = reply_times(session, org, around, timed)
    answered = _fan_answered(session, actor, timed, around)
    entries = [
        LogEntry(
            message_id=r.id,
            sent_at=r.sent_at or now,
            account_id=r.platform_account_id,
            fan_label=names.get((r.platform_account_id, r.platform_fan_id or ""), "")
            or (f"{len(r.recipient_fan_ids or [])} fans" if r.recipient_fan_ids else "—"),
            sender=_sender_label(r, people),
            author_kind=r.author_kind,
            text=r.text,
            price_cents=r.price_cents,
            bought=(r.id in bought) if r.price_cents else None,
            reply_s=waited.get(r.id),
            fan_answered_s=answered.get(r.id),
        )
        for r in rows
    ]
    return MessageLog(entries=entries, total=total, page=page, pages=pages)


def _as_sent(row: OutboundMessage) -> SentMessage:
    sender = row.author_user_id or row.approved_by_user_id or ""
    return SentMessage(
        row.id,
        sender,
        row.platform_account_id,
        row.platform_fan_id or "",
        row.sent_at or dt.datetime.min.replace(tzinfo=dt.UTC),
        bool(row.price_cents),
        row.platform_message_id,
    )


def _sender_label(row: OutboundMessage, people: dict[str, Membership]) -> str:
    user_id = row.author_user_id or row.approved_by_user_id
    member = people.get(user_id or "")
    name = member.user.name if member else ""
    if row.author_kind == "person":
        return name or "a former member"
    kind = row.author_kind.replace("_", " ")
    return f"{kind}, approved by {name}" if name else kind


def _bought_of(session: Session, actor: Actor, rows: list[OutboundMessage]) -> set[str]:
    paid = {
        (r.platform_account_id, r.platform_message_id): r.id
        for r in rows
        if r.price_cents and r.platform_message_id
    }
    if not paid:
        return set()
    stmt = in_organization(
        select(Earning.platform_account_id, Earning.platform_message_id), actor.org, Earning
    ).where(
        Earning.status == "done",
        Earning.platform_message_id.in_(sorted({ref for _, ref in paid if ref})),
    )
    found = {(str(account), str(ref)) for account, ref in session.execute(stmt)}
    return {paid[key] for key in found if key in paid}


def _fan_names(
    session: Session, actor: Actor, rows: list[OutboundMessage]
) -> dict[tuple[str, str], str]:
    wanted = {r.platform_fan_id for r in rows if r.platform_fan_id}
    if not wanted:
        return {}
    stmt = in_organization(
        select(Fan.platform_account_id, Fan.platform_fan_id, Fan.display_name, Fan.username),
        actor.org,
        Fan,
    ).where(Fan.platform_fan_id.in_(sorted(wanted)))
    return {
        (account, fan): display or f"@{username}"
        for account, fan, display, username in session.execute(stmt)
    }


def _sent_to_same_fans(
    session: Session, actor: Actor, rows: list[OutboundMessage]
) -> list[SentMessage]:
    """Every message sent to the page's fans over the page's span (less a week), so that a
    fan answered by someone else in between counts as answered."""
    fans = {(r.platform_account_id, r.platform_fan_id) for r in rows if r.platform_fan_id}
    times = [r.sent_at for r in rows if r.sent_at]
    if not fans or not times:
        return []
    stmt = in_organization(select(OutboundMessage), actor.org, OutboundMessage).where(
        OutboundMessage.state == "sent",
        OutboundMessage.sent_at >= min(times) - dt.timedelta(days=7),
        OutboundMessage.sent_at <= max(times),
        OutboundMessage.platform_fan_id.in_(sorted({fan for _, fan in fans if fan})),
    )
    return [
        _as_sent(r)
        for r in session.scalars(stmt)
        if (r.platform_account_id, r.platform_fan_id) in fans
    ]


ANSWER_WINDOW = dt.timedelta(hours=24)
"""How long after a message the fan's next message counts as his answer to it."""


def _fan_answered(
    session: Session, actor: Actor, timed: list[SentMessage], around: list[SentMessage]
) -> dict[str, float]:
    """Seconds until the fan wrote back after each message (his next message within
    :data:`ANSWER_WINDOW`, before the agency wrote to him again)."""
    if not timed:
        return {}
    fans = {(s.account_id, s.fan) for s in timed}
    stmt = in_organization(
        select(ChatMessage.platform_account_id, Fan.platform_fan_id, ChatMessage.sent_at).join(
            Fan, Fan.id == ChatMessage.fan_id
        ),
        actor.org,
        ChatMessage,
    ).where(
        ChatMessage.direction == "inbound",
        ChatMessage.sent_at >= min(s.sent_at for s in timed),
        ChatMessage.sent_at <= max(s.sent_at for s in timed) + ANSWER_WINDOW,
        Fan.platform_fan_id.in_(sorted({fan for _, fan in fans})),
    )
    inbound: dict[tuple[str, str], list[dt.datetime]] = {}
    for account, fan, at in session.execute(stmt):
        if (account, fan) in fans:
            inbound.setdefault((account, fan), []).append(at)
    outbound: dict[tuple[str, str], list[dt.datetime]] = {}
    for each in {s.message_id: s for s in [*around, *timed]}.values():
        outbound.setdefault((each.account_id, each.fan), []).append(each.sent_at)
    found: dict[str, float] = {}
    for message in timed:
        key = (message.account_id, message.fan)
        later_ours = [t for t in outbound.get(key, []) if t > message.sent_at]
        until = min([message.sent_at + ANSWER_WINDOW, *later_ours])
        theirs = [t for t in inbound.get(key, []) if message.sent_at < t <= until]
        if theirs:
            found[message.message_id] = (min(theirs) - message.sent_at).total_seconds()
    return found
