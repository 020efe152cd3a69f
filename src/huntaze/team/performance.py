"""What each member did: the leaderboard and the handover's open promises (issue "the team at
work": performance, handover).

Reply time: from the fan's oldest message still unanswered to the member's reply (a message
sent when the fan was not waiting, the agency writing first, has none); each member's median and
90th percentile over the period.

The credit rule (who gets a purchase): a purchase that names the message it unlocked (a PPV) goes
to the person behind that message; any other tip or paid message goes to the person behind the
last message the agency sent that fan at most :data:`CREDIT_WINDOW` before it; subscriptions
and their renewals are credited to nobody. "The person behind a message" is its author, or the
person who approved it when an AI or a script wrote it. Chargebacks are not counted.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.accounts.repository import memberships
from huntaze.ai.understanding.rules import find
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.outbox.models import OutboundMessage

CREDIT_WINDOW = dt.timedelta(hours=24)
CREDITED_KINDS = frozenset({"ppv", "tip", "message"})
PROMISE = re.compile(
    r"\b(i'?ll send|i will send|i'?ll (make|shoot|film|record|do) |i promise|promise you"
    r"|tomorrow|later|tonight)\b",
    re.IGNORECASE,
)
"""Words of a message that promise something to come (the handover lists them while open)."""


@dataclass
class Figures:
    """One member's figures over a period."""

    membership_id: str
    name: str
    user_id: str
    messages_sent: int = 0
    ppvs_sent: int = 0
    ppvs_bought: int = 0
    purchases: int = 0
    revenue_cents: int = 0
    message_ids: list[str] = field(default_factory=list)
    reply_seconds: list[float] = field(default_factory=list)

    @property
    def median_reply_s(self) -> float | None:
        """The median reply time in seconds (None without a reply to a waiting fan)."""
        return _quantile(self.reply_seconds, 0.5)

    @property
    def p90_reply_s(self) -> float | None:
        """The 90th percentile of the reply times in seconds."""
        return _quantile(self.reply_seconds, 0.9)


def _quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile by linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A sent message as the figures need it: whose, to which fan, when, paid or not."""

    message_id: str
    sender: str
    account_id: str
    fan: str
    sent_at: dt.datetime
    priced: bool
    platform_message_id: str | None


def sender_column() -> Any:
    """The person behind a message: its author, or who approved what an AI or script wrote."""
    return func.coalesce(OutboundMessage.author_user_id, OutboundMessage.approved_by_user_id)


def _sent_messages(
    session: Session, org: OrgId, start: dt.datetime, end: dt.datetime
) -> list[SentMessage]:
    stmt = in_organization(
        select(
            OutboundMessage.id,
            sender_column(),
            OutboundMessage.platform_account_id,
            OutboundMessage.platform_fan_id,
            OutboundMessage.sent_at,
            OutboundMessage.price_cents,
            OutboundMessage.platform_message_id,
        ),
        org,
        OutboundMessage,
    ).where(
        OutboundMessage.state == "sent",
        OutboundMessage.sent_at >= start,
        OutboundMessage.sent_at < end,
        sender_column().is_not(None),
    )
    return [
        SentMessage(mid, sender, account, fan or "", sent_at, bool(price), platform_id)
        for mid, sender, account, fan, sent_at, price, platform_id in session.execute(stmt)
    ]


def leaderboard(
    session: Session, actor: Actor, start: dt.datetime, end: dt.datetime
) -> list[Figures]:
    """Every member's figures over ``[start, end)``, best revenue first."""
    actor.require(Permission.MEMBERS_READ)
    org = actor.org
    people = {
        m.user_id: Figures(membership_id=m.id, name=m.user.name, user_id=m.user_id)
        for m in memberships.list_with_users(session, org)
    }
    earlier = _sent_messages(session, org, start - CREDIT_WINDOW, end)
    by_platform_id: dict[tuple[str, str], SentMessage] = {}
    timeline: dict[tuple[str, str], list[SentMessage]] = defaultdict(list)
    for sent in sorted(earlier, key=lambda s: (s.sent_at, s.message_id)):
        timeline[(sent.account_id, sent.fan)].append(sent)
        if sent.platform_message_id:
            by_platform_id[(sent.account_id, sent.platform_message_id)] = sent
        if sent.sent_at >= start and sent.sender in people:
            figures = people[sent.sender]
            figures.messages_sent += 1
            figures.ppvs_sent += int(sent.priced)
            figures.message_ids.append(sent.message_id)
    _add_reply_times(session, org, earlier, start, people)
    purchases = in_organization(
        select(
            Earning.platform_account_id,
            Earning.platform_message_id,
            Earning.kind,
            Earning.amount_cents,
            Earning.occurred_at,
            Fan.platform_fan_id,
        ).join(Fan, Fan.id == Earning.fan_id),
        org,
        Earning,
    ).where(Earning.occurred_at >= start, Earning.occurred_at < end, Earning.status == "done")
    rows: list[tuple[Any, ...]] = [
        tuple(r) for r in session.execute(purchases) if r[2] in CREDITED_KINDS
    ]
    _add_older_linked(session, org, rows, by_platform_id)
    for account_id, message_ref, _kind, amount, occurred_at, platform_fan_id in rows:
        linked = by_platform_id.get((account_id, message_ref)) if message_ref else None
        credited = linked or _last_before(
            timeline.get((account_id, platform_fan_id), []), occurred_at
        )
        if credited is None or credited.sender not in people:
            continue
        figures = people[credited.sender]
        figures.purchases += 1
        figures.revenue_cents += amount
        if linked is not None and linked.priced:
            figures.ppvs_bought += 1
    return sorted(people.values(), key=lambda f: (-f.revenue_cents, -f.messages_sent, f.name))


REPLY_LOOKBACK = dt.timedelta(days=7)
"""How far before the period a fan's unanswered message is looked for."""


def _add_reply_times(
    session: Session,
    org: OrgId,
    sent: list[SentMessage],
    start: dt.datetime,
    people: dict[str, Figures],
) -> None:
    """Each member's replies in the period, timed (see :func:`reply_times`)."""
    counted = [s for s in sent if s.sent_at >= start and s.sender in people]
    by_id = {s.message_id: s for s in counted}
    for message_id, seconds in reply_times(session, org, sent, counted).items():
        people[by_id[message_id].sender].reply_seconds.append(seconds)


def reply_times(
    session: Session, org: OrgId, sent: list[SentMessage], timed: list[SentMessage]
) -> dict[str, float]:
    """Seconds from the fan's oldest message still unanswered to each message of ``timed``
    that answered one (by message id); ``sent`` is every message sent to those fans around
    them, so that an earlier reply marks the fan as answered."""
    if not timed:
        return {}
    wanted = {s.message_id for s in timed}
    first = min(s.sent_at for s in [*sent, *timed]) - REPLY_LOOKBACK
    fans = {(s.account_id, s.fan) for s in timed}
    inbound = in_organization(
        select(ChatMessage.platform_account_id, Fan.platform_fan_id, ChatMessage.sent_at).join(
            Fan, Fan.id == ChatMessage.fan_id
        ),
        org,
        ChatMessage,
    ).where(
        ChatMessage.direction == "inbound",
        ChatMessage.sent_at >= first,
        ChatMessage.sent_at < max(s.sent_at for s in timed),
        ChatMessage.platform_account_id.in_(sorted({account for account, _ in fans})),
        Fan.platform_fan_id.in_(sorted({fan for _, fan in fans})),
    )
    events: dict[tuple[str, str], list[tuple[dt.datetime, int, str]]] = defaultdict(list)
    for account, fan, at in session.execute(inbound):
        if (account, fan) in fans:
            events[(account, fan)].append((at, 0, ""))
    for each in {s.message_id: s for s in [*sent, *timed]}.values():
        if (each.account_id, each.fan) in fans:
            events[(each.account_id, each.fan)].append((each.sent_at, 1, each.message_id))
    found: dict[str, float] = {}
    for timeline in events.values():
        waiting_since: dt.datetime | None = None
        for at, kind, message_id in sorted(timeline):
            if kind == 0:
                waiting_since = waiting_since or at
                continue
            if waiting_since is not None and message_id in wanted:
                found[message_id] = (at - waiting_since).total_seconds()
            waiting_since = None
    return found


def _add_older_linked(
    session: Session,
    org: OrgId,
    rows: list[tuple[Any, ...]],
    by_platform_id: dict[tuple[str, str], SentMessage],
) -> None:
    """Messages named by purchases but sent before the period's window (an old PPV bought now)."""
    missing = {(r[0], r[1]) for r in rows if r[1] and (r[0], r[1]) not in by_platform_id}
    if not missing:
        return
    stmt = in_organization(
        select(
            OutboundMessage.id,
            sender_column(),
            OutboundMessage.platform_account_id,
            OutboundMessage.platform_fan_id,
            OutboundMessage.sent_at,
            OutboundMessage.price_cents,
            OutboundMessage.platform_message_id,
        ),
        org,
        OutboundMessage,
    ).where(
        OutboundMessage.state == "sent",
        OutboundMessage.platform_message_id.in_(sorted({ref for _, ref in missing})),
    )
    for mid, sender, account, fan, sent_at, price, platform_id in session.execute(stmt):
        if sender is not None and (account, platform_id) in missing:
            by_platform_id[(account, platform_id)] = SentMessage(
                mid, sender, account, fan or "", sent_at, bool(price), platform_id
            )


def _last_before(sent: list[SentMessage], moment: dt.datetime) -> SentMessage | None:
    times = [s.sent_at for s in sent]
    index = bisect.bisect_right(times, moment) - 1
    if index < 0 or moment - sent[index].sent_at > CREDIT_WINDOW:
        return None
    return sent[index]


def handover_items(
    session: Session, org: OrgId, membership_id: str, start: dt.datetime, end: dt.datetime
) -> list[dict[str, str]]:
    """What the next shift must pick up from the member's ``[start, end]``, each item citing its
    conversation: open promises, custom requests nobody sold yet, PPVs not bought, and fans who
    wrote last and wait for an answer. Structure, not prose: every item is a fact found in the
    messages (``kind`` says which), shown per creator."""
    member = memberships.get(session, org, membership_id)
    written = list(
        session.scalars(
            in_organization(select(OutboundMessage), org, OutboundMessage)
            .where(
                sender_column() == member.user_id,
                OutboundMessage.created_at >= start,
                OutboundMessage.created_at <= end,
                OutboundMessage.state != "cancelled",
                OutboundMessage.platform_fan_id.is_not(None),
            )
            .order_by(OutboundMessage.created_at)
        )
    )
    if not written:
        return []
    keys = {(m.platform_account_id, m.platform_fan_id or "") for m in written}
    fan_rows = session.scalars(
        in_organization(select(Fan), org, Fan).where(
            Fan.platform_fan_id.in_(sorted({fan for _, fan in keys})),
            Fan.platform_account_id.in_(sorted({account for account, _ in keys})),
        )
    )
    fans_by_key = {(f.platform_account_id, f.platform_fan_id): f for f in fan_rows}
    all_out = _outbound_after(session, org, keys, start)
    found: list[dict[str, str]] = []

    def item(kind: str, key: tuple[str, str], text: str, at: dt.datetime, ref: str) -> None:
        fan = fans_by_key.get(key)
        found.append(
            {
                "kind": kind,
                "message_id": ref,
                "fan_id": fan.id if fan else "",
                "fan_name": (fan.display_name or fan.username) if fan else "",
                "creator_id": fan.creator_id if fan else "",
                "text": text[:280],
                "at": at.isoformat(),
            }
        )

    def paid_after(key: tuple[str, str], moment: dt.datetime) -> bool:
        return any(m.created_at > moment and (m.price_cents or 0) > 0 for m in all_out[key])

    for message in written:
        key = (message.platform_account_id, message.platform_fan_id or "")
        if PROMISE.search(message.text) and not paid_after(key, message.created_at):
            item("promise", key, message.text, message.created_at, message.id)
    bought = _bought_refs(session, org, written)
    for message in written:
        key = (message.platform_account_id, message.platform_fan_id or "")
        if (
            message.state == "sent"
            and (message.price_cents or 0) > 0
            and (message.platform_account_id, message.platform_message_id) not in bought
        ):
            price = f"${message.price_cents / 100:.2f}" if message.price_cents else ""
            item("ppv_not_bought", key, f"{price} “{message.text}”", message.created_at, message.id)
    for key, fan in fans_by_key.items():
        inbound = list(
            session.scalars(
                in_organization(select(ChatMessage), org, ChatMessage)
                .where(
                    ChatMessage.fan_id == fan.id,
                    ChatMessage.sent_at >= start,
                    ChatMessage.sent_at <= end,
                    ChatMessage.direction == "inbound",
                )
                .order_by(ChatMessage.sent_at)
            )
        )
        for said in inbound:
            intents = {name for name, _ in find(said.text).intents}
            if "custom_request" in intents and not paid_after(key, said.sent_at):
                item("custom_request", key, said.text, said.sent_at, said.id)
        last_ours = max((m.created_at for m in all_out[key]), default=None)
        if inbound and (last_ours is None or inbound[-1].sent_at > last_ours):
            item("waiting", key, inbound[-1].text, inbound[-1].sent_at, inbound[-1].id)
    return found


def _outbound_after(
    session: Session, org: OrgId, keys: set[tuple[str, str]], start: dt.datetime
) -> dict[tuple[str, str], list[OutboundMessage]]:
    """Every message (by anyone) to these fans since ``start``, per fan."""
    rows = session.scalars(
        in_organization(select(OutboundMessage), org, OutboundMessage).where(
            OutboundMessage.created_at >= start,
            OutboundMessage.state != "cancelled",
            OutboundMessage.platform_fan_id.in_(sorted({fan for _, fan in keys})),
        )
    )
    per_fan: dict[tuple[str, str], list[OutboundMessage]] = {key: [] for key in keys}
    for row in rows:
        key = (row.platform_account_id, row.platform_fan_id or "")
        if key in per_fan:
            per_fan[key].append(row)
    return per_fan


def _bought_refs(
    session: Session, org: OrgId, messages: list[OutboundMessage]
) -> set[tuple[str, str | None]]:
    refs = sorted({m.platform_message_id for m in messages if m.platform_message_id})
    if not refs:
        return set()
    stmt = in_organization(
        select(Earning.platform_account_id, Earning.platform_message_id), org, Earning
    ).where(Earning.status == "done", Earning.platform_message_id.in_(refs))
    return {(str(account), ref) for account, ref in session.execute(stmt)}
