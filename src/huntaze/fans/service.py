"""The fans service: fan records kept in step with the platform (DESIGN.md §6 "Inbox sync").

The inbox sync hands it what a connector read (:class:`~huntaze.platforms.base.PlatformFan`) and
it upserts them in one statement per page; messages and statement entries that name a fan the
sync has not seen yet get a placeholder fan, completed by the next fans page. Spend per type is
recomputed from the statement entries of the fans a page touched, so a chargeback lowers it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.analytics.events import EventIn
from huntaze.core.bulk import insert_new, upsert
from huntaze.core.db import new_id, utcnow
from huntaze.core.tenancy import OrgId
from huntaze.fans.models import Fan
from huntaze.fans.repository import fans_repo
from huntaze.fans.schemas import FanFilter
from huntaze.platforms.base import PlatformFan
from huntaze.team.access import creators_on_shift, require_on_shift

SPEND_COLUMNS = {
    "subscription": "spent_subscription_cents",
    "tip": "spent_tip_cents",
    "ppv": "spent_ppv_cents",
    "message": "spent_message_cents",
}
# Fans who subscribed this many days ago or less are "new" in the inbox.
NEW_FAN_DAYS = 7
_SYNCED_COLUMNS = (
    "username",
    "display_name",
    "status",
    "subscribed_at",
    "expires_at",
    "platform_spent_cents",
    "spend_is_net",
    "updated_at",
)


@dataclass
class FanSpend:
    """What one fan paid per kind of statement entry, and when they last paid."""

    by_kind: dict[str, int] = field(default_factory=dict)
    last_purchase_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AccountRef:
    """The platform account a sync works on, and its creator."""

    org: OrgId
    account_id: str
    creator_id: str


class FanService:
    """Reads fans for people; keeps them in step with the platform for the sync."""

    def page(self, session: Session, actor: Actor, filters: FanFilter) -> Sequence[Fan]:
        """A filtered page of the organization's fans, most recently active first."""
        actor.require(Permission.FANS_READ)
        creator_ids = [filters.creator_id] if filters.creator_id else None
        on_shift = creators_on_shift(session, actor, utcnow())
        if on_shift is not None:
            creator_ids = [c for c in (creator_ids or sorted(on_shift)) if c in on_shift]
        return fans_repo.search(
            session,
            actor.org,
            creator_ids=creator_ids,
            status=filters.status,
            query=filters.q,
            limit=filters.limit,
            offset=filters.offset,
        )

    def conversations(
        self, session: Session, actor: Actor, *, view: str, limit: int = 100
    ) -> Sequence[Fan]:
        """Fans with a chat for one inbox view (see ``FanRepository.conversations``)."""
        actor.require(Permission.FANS_READ)
        now = utcnow()
        since = now - dt.timedelta(days=NEW_FAN_DAYS)
        on_shift = creators_on_shift(session, actor, now)
        return fans_repo.conversations(
            session, actor.org, view=view, since=since, limit=limit, creator_ids=on_shift
        )

    def mark_read(self, session: Session, actor: Actor, fan: Fan) -> None:
        """Clear the fan's unread count (a person has read the chat in Huntaze)."""
        actor.require(Permission.OUTBOX_WRITE)
        fans_repo.update_many(session, actor.org, [{"id": fan.id, "unread_count": 0}])

    def get(self, session: Session, actor: Actor, fan_id: str) -> Fan:
        """One fan; 404 if not the organization's, 403 outside the actor's shift."""
        actor.require(Permission.FANS_READ)
        fan = fans_repo.get(session, actor.org, fan_id)
        require_on_shift(session, actor, fan.creator_id, utcnow())
        return fan

    def names(self, session: Session, actor: Actor, fan_ids: Sequence[str]) -> dict[str, str]:
        """Display names (or usernames) of the organization's fans by id, in one query."""
        actor.require(Permission.FANS_READ)
        return fans_repo.names(session, actor.org, fan_ids)

    def upsert_from_platform(
        self, session: Session, account: AccountRef, items: Sequence[PlatformFan]
    ) -> list[EventIn]:
        """Insert or update one page of fans; the subscribe and expiry events it reveals."""
        known = fans_repo.by_platform_ids(
            session, account.org, account.account_id, (f.platform_fan_id for f in items)
        )
        now = utcnow()
        rows: list[dict[str, Any]] = []
        events: list[EventIn] = []
        for item in {f.platform_fan_id: f for f in items}.values():
            before = known.get(item.platform_fan_id)
            status = "active" if item.is_active else "expired"
            fan_id = before.id if before else new_id()
            rows.append(
                {
                    "id": fan_id,
                    "organization_id": account.org,
                    "creator_id": account.creator_id,
                    "platform_account_id": account.account_id,
                    "platform_fan_id": item.platform_fan_id,
                    "username": item.username[:128],
                    "display_name": item.display_name[:255],
                    "status": status,
                    "subscribed_at": item.subscribed_at,
                    "expires_at": item.expires_at,
                    "platform_spent_cents": item.total_spent_cents,
                    "spend_is_net": item.spend_is_net,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            events += _status_events(account, fan_id, before, item, status)
        upsert(
            session,
            Fan,
            rows,
            conflict=("platform_account_id", "platform_fan_id"),
            update=_SYNCED_COLUMNS,
        )
        return events

    def ensure(
        self, session: Session, account: AccountRef, platform_fan_ids: Iterable[str]
    ) -> dict[str, Fan]:
        """The account's fans with these platform ids, placeholders made for unknown ones."""
        wanted = set(platform_fan_ids)
        known = fans_repo.by_platform_ids(session, account.org, account.account_id, wanted)
        missing = sorted(wanted - set(known))
        if missing:
            now = utcnow()
            insert_new(
                session,
                Fan,
                [
                    {
                        "id": new_id(),
                        "organization_id": account.org,
                        "creator_id": account.creator_id,
                        "platform_account_id": account.account_id,
                        "platform_fan_id": platform_fan_id,
                        "username": platform_fan_id,
                        "display_name": "",
                        "status": "active",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for platform_fan_id in missing
                ],
                conflict=("platform_account_id", "platform_fan_id"),
                returning="id",
            )
            known = fans_repo.by_platform_ids(session, account.org, account.account_id, wanted)
        return known

    def note_messages(
        self,
        session: Session,
        org: OrgId,
        fans: dict[str, Fan],
        new_messages: Iterable[tuple[str, str, dt.datetime]],
    ) -> None:
        """Move each fan's last-message times and unread count for newly synced messages
        (``(fan id, direction, sent at)``)."""
        by_id = {fan.id: fan for fan in fans.values()}
        changes: dict[str, dict[str, object]] = {}
        for fan_id, direction, sent_at in new_messages:
            fan = by_id[fan_id]
            change = changes.setdefault(
                fan_id,
                {
                    "id": fan_id,
                    "last_message_at": fan.last_message_at,
                    "last_inbound_at": fan.last_inbound_at,
                    "unread_count": fan.unread_count,
                },
            )
            change["last_message_at"] = _later(change["last_message_at"], sent_at)
            if direction == "inbound":
                change["last_inbound_at"] = _later(change["last_inbound_at"], sent_at)
                change["unread_count"] = int(change["unread_count"] or 0) + 1  # type: ignore[call-overload]
            else:
                # An answer from the creator's side means the chat was read there.
                change["unread_count"] = 0
        fans_repo.update_many(session, org, list(changes.values()))

    def set_spend(self, session: Session, org: OrgId, spend: Mapping[str, FanSpend]) -> None:
        """Store each fan's revenue per kind and last purchase (from the statement entries)."""
        changes: list[dict[str, object]] = []
        for fan_id, paid in spend.items():
            change: dict[str, object] = {"id": fan_id, "last_purchase_at": paid.last_purchase_at}
            for kind, column in SPEND_COLUMNS.items():
                change[column] = paid.by_kind.get(kind, 0)
            change["spent_other_cents"] = sum(
                total for kind, total in paid.by_kind.items() if kind not in SPEND_COLUMNS
            )
            changes.append(change)
        fans_repo.update_many(session, org, changes)


def _later(current: object, candidate: dt.datetime) -> dt.datetime:
    if isinstance(current, dt.datetime) and current >= candidate:
        return current
    return candidate


def _status_events(
    account: AccountRef, fan_id: str, before: Fan | None, item: PlatformFan, status: str
) -> list[EventIn]:
    key = f"{account.account_id}:{item.platform_fan_id}"
    was = before.status if before else None
    if status == was:
        return []
    kind = "fan.subscribed" if status == "active" else "fan.expired"
    at = (item.subscribed_at if status == "active" else item.expires_at) or utcnow()
    return [
        EventIn(
            kind,
            f"{kind}:{key}:{at.isoformat()}",
            at,
            creator_id=account.creator_id,
            platform_account_id=account.account_id,
            fan_id=fan_id,
        )
    ]


fans = FanService()
