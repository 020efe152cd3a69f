"""Who received which vault item, at what price, and who bought it (DESIGN.md §6 "Content
pipeline"; issue 16: "has this fan already received or bought it?").

Nothing is stored twice: every answer is derived from the outbox (messages, PPVs and mass
messages that were sent with media) and from what the inbox synced back (the platform's own copy
of each outbound message, with its ``purchased`` flag, and the statement entries naming it). An
outbound message carries an item when its ``media_ids`` name the item's id or an id a platform
account knows the item by (:class:`~huntaze.content.models.PlatformMedia`).

Per fan and item the state is, most telling first: ``bought`` (any offer of it was bought),
``offered`` (a paid offer still open: sent less than :data:`OPEN_FOR` ago), ``not_bought`` (paid
offers that were let pass), ``sent_free`` (only ever sent without a price). A mass message sent
"to everyone" (no recipient list) names no fan and counts only once its per-fan copies synced.

Revenue of a message that carried several vault items is split evenly between them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import String, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.content.models import PlatformMedia, VaultItem
from huntaze.content.repository import vault_repo
from huntaze.core.db import utcnow
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.creators.models import PlatformAccount
from huntaze.fans.models import Fan
from huntaze.inbox.models import ChatMessage, Earning
from huntaze.outbox.models import OutboundMessage

OPEN_FOR = dt.timedelta(days=3)
"""How long a paid offer nobody bought yet counts as open (``offered``), then ``not_bought``."""
_CHUNK = 500
_CARRIERS = ("message", "ppv", "mass_message")
_PAID = ("done", "pending")
# Up to this many media ids, the outbox rows are narrowed in SQL by a text match on media_ids.
_PREFILTER_KEYS = 60


class OfferState(StrEnum):
    """What a fan has had of an item."""

    BOUGHT = "bought"
    OFFERED = "offered"
    NOT_BOUGHT = "not_bought"
    SENT_FREE = "sent_free"

    @property
    def label(self) -> str:
        """The state as a person reads it."""
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbound message that carried one vault item to one fan, and what came of it."""

    item_id: str
    fan_id: str
    outbound_message_id: str
    sent_at: dt.datetime
    price_cents: int | None
    currency: str
    bought: bool
    revenue_cents: int

    @property
    def paid_offer(self) -> bool:
        """Whether the fan was asked to pay for it (a PPV or a priced mass message)."""
        return bool(self.price_cents)


@dataclass(slots=True)
class FanItem:
    """Everything one fan had of one item: the deliveries, newest first, and the state."""

    item_id: str
    fan_id: str
    username: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    state: OfferState = OfferState.SENT_FREE

    @property
    def last_at(self) -> dt.datetime:
        """When the fan last got the item."""
        return self.deliveries[0].sent_at

    @property
    def revenue_cents(self) -> int:
        """What the fan paid for the item."""
        return sum(d.revenue_cents for d in self.deliveries)

    @property
    def unbought_offers(self) -> int:
        """How many paid offers of the item the fan let pass (for the price ladder's next step)."""
        return sum(1 for d in self.deliveries if d.paid_offer and not d.bought)


@dataclass(slots=True)
class Performance:
    """An item's record: free sends, paid offers, purchases and revenue (cents)."""

    free_sends: int = 0
    offers: int = 0
    buys: int = 0
    revenue_cents: int = 0

    @property
    def buy_rate(self) -> float | None:
        """Purchases per paid offer; None before the first offer."""
        return self.buys / self.offers if self.offers else None

    def add(self, delivery: Delivery) -> None:
        """Count one delivery."""
        if delivery.paid_offer:
            self.offers += 1
            self.buys += int(delivery.bought)
        else:
            self.free_sends += 1
        self.revenue_cents += delivery.revenue_cents


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    listed = sorted(set(values))
    for start in range(0, len(listed), _CHUNK):
        yield listed[start : start + _CHUNK]


def state_of(deliveries: Sequence[Delivery], *, now: dt.datetime) -> OfferState:
    """The state a fan's deliveries of one item add up to."""
    if any(d.bought for d in deliveries):
        return OfferState.BOUGHT
    offers = [d for d in deliveries if d.paid_offer]
    if not offers:
        return OfferState.SENT_FREE
    newest = max(d.sent_at for d in offers)
    return OfferState.OFFERED if now - newest < OPEN_FOR else OfferState.NOT_BOUGHT


@dataclass(frozen=True, slots=True)
class _Sent:
    row_id: str
    account_id: str
    platform_fan_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    nonce: str
    platform_message_id: str | None
    sent_at: dt.datetime
    price_cents: int | None
    currency: str


class OfferLedger:
    """The SQL that finds deliveries of vault items (tenant-scoped, read only)."""

    def deliveries(
        self,
        session: Session,
        org: OrgId,
        items: Sequence[VaultItem],
        *,
        fan: Fan | None = None,
    ) -> list[Delivery]:
        """Every delivery of ``items`` (to ``fan`` only, when given), oldest first."""
        if not items:
            return []
        accounts = self._accounts(session, org, {i.creator_id for i in items})
        if fan is not None:
            accounts = {a: c for a, c in accounts.items() if a == fan.platform_account_id}
        if not accounts:
            return []
        keys = self._media_keys(session, org, items, accounts)
        sent = self._sent(session, org, accounts, keys, fan=fan)
        if not sent:
            return []
        fans = self._fans(session, org, sent)
        outcomes = self._outcomes(session, org, sent, fans)
        found: list[Delivery] = []
        for row in sent:
            for platform_fan_id in row.platform_fan_ids:
                fan_id = fans.get((row.account_id, platform_fan_id))
                if fan_id is None or (fan is not None and fan_id != fan.id):
                    continue
                bought, revenue = outcomes.get((row.row_id, fan_id), (False, 0))
                share = revenue // len(row.item_ids)
                for item_id in row.item_ids:
                    found.append(
                        Delivery(
                            item_id=item_id,
                            fan_id=fan_id,
                            outbound_message_id=row.row_id,
                            sent_at=row.sent_at,
                            price_cents=row.price_cents,
                            currency=row.currency,
                            bought=bought,
                            revenue_cents=share,
                        )
                    )
        return found

    def usernames(self, session: Session, org: OrgId, fan_ids: Iterable[str]) -> dict[str, str]:
        """The fans' usernames by id."""
        names: dict[str, str] = {}
        for chunk in _chunks(fan_ids):
            stmt = in_organization(select(Fan.id, Fan.username), org, Fan).where(Fan.id.in_(chunk))
            names.update({str(i): str(n) for i, n in session.execute(stmt).all()})
        return names

    def _accounts(self, session: Session, org: OrgId, creator_ids: set[str]) -> dict[str, str]:
        stmt = in_organization(
            select(PlatformAccount.id, PlatformAccount.creator_id), org, PlatformAccount
        ).where(PlatformAccount.creator_id.in_(creator_ids))
        return {str(a): str(c) for a, c in session.execute(stmt).all()}

    def _media_keys(
        self,
        session: Session,
        org: OrgId,
        items: Sequence[VaultItem],
        accounts: dict[str, str],
    ) -> dict[tuple[str, str], str]:
        """(account id, media id) → item id: an item's own id on each of its creator's
        accounts, and the ids the accounts know it by."""
        keys = {
            (account, item.id): item.id
            for item in items
            for account, creator in accounts.items()
            if creator == item.creator_id
        }
        item_ids = [item.id for item in items]
        for chunk in _chunks(item_ids):
            stmt = in_organization(
                select(
                    PlatformMedia.platform_account_id,
                    PlatformMedia.platform_media_id,
                    PlatformMedia.vault_item_id,
                ),
                org,
                PlatformMedia,
            ).where(PlatformMedia.vault_item_id.in_(chunk))
            for account, media, item_id in session.execute(stmt).all():
                if account in accounts:
                    keys[(str(account), str(media))] = str(item_id)
        return keys

    def _sent(
        self,
        session: Session,
        org: OrgId,
        accounts: dict[str, str],
        keys: dict[tuple[str, str], str],
        *,
        fan: Fan | None,
    ) -> list[_Sent]:
        stmt = in_organization(select(OutboundMessage), org, OutboundMessage).where(
            OutboundMessage.platform_account_id.in_(list(accounts)),
            OutboundMessage.state == "sent",
            OutboundMessage.kind.in_(_CARRIERS),
        )
        media_text = cast(OutboundMessage.media_ids, String)
        media_ids = {media for _, media in keys}
        if len(media_ids) <= _PREFILTER_KEYS:
            stmt = stmt.where(or_(false(), *(media_text.contains(m) for m in sorted(media_ids))))
        if fan is not None:
            stmt = stmt.where(
                or_(
                    OutboundMessage.platform_fan_id == fan.platform_fan_id,
                    OutboundMessage.kind == "mass_message",
                )
            )
        found = []
        for row in session.scalars(stmt.order_by(OutboundMessage.sent_at, OutboundMessage.id)):
            item_ids = tuple(
                dict.fromkeys(
                    keys[(row.platform_account_id, media)]
                    for media in row.media_ids
                    if (row.platform_account_id, media) in keys
                )
            )
            if not item_ids:
                continue
            recipients = tuple(row.recipient_fan_ids or ())
            if row.platform_fan_id:
                recipients = (row.platform_fan_id,)
            found.append(
                _Sent(
                    row_id=row.id,
                    account_id=row.platform_account_id,
                    platform_fan_ids=recipients,
                    item_ids=item_ids,
                    nonce=row.nonce,
                    platform_message_id=row.platform_message_id,
                    sent_at=row.sent_at or row.updated_at,
                    price_cents=row.price_cents,
                    currency=row.currency,
                )
            )
        return found

    def _fans(self, session: Session, org: OrgId, sent: list[_Sent]) -> dict[tuple[str, str], str]:
        by_account: dict[str, set[str]] = defaultdict(set)
        for row in sent:
            by_account[row.account_id].update(row.platform_fan_ids)
        found: dict[tuple[str, str], str] = {}
        for account, platform_fan_ids in by_account.items():
            for chunk in _chunks(platform_fan_ids):
                stmt = in_organization(select(Fan.platform_fan_id, Fan.id), org, Fan).where(
                    Fan.platform_account_id == account, Fan.platform_fan_id.in_(chunk)
                )
                found.update({(account, str(p)): str(i) for p, i in session.execute(stmt).all()})
        return found

    def _outcomes(
        self, session: Session, org: OrgId, sent: list[_Sent], fans: dict[tuple[str, str], str]
    ) -> dict[tuple[str, str], tuple[bool, int]]:
        """(outbound message id, fan id) → (bought, revenue cents), from the platform's copies
        of the messages (matched by nonce or platform message id) and the statements."""
        by_nonce = {(r.account_id, r.nonce): r.row_id for r in sent}
        by_message = {
            (r.account_id, r.platform_message_id): r.row_id for r in sent if r.platform_message_id
        }
        accounts = sorted({r.account_id for r in sent})
        # (account, platform message id) of a copy → (outbound message id, fan id)
        copies: dict[tuple[str, str], tuple[str, str]] = {}
        for row in sent:
            if row.platform_message_id and len(row.platform_fan_ids) == 1:
                fan_id = fans.get((row.account_id, row.platform_fan_ids[0]))
                if fan_id is not None:
                    copies[(row.account_id, row.platform_message_id)] = (row.row_id, fan_id)
        outcomes: dict[tuple[str, str], tuple[bool, int]] = {}
        wanted = [r.nonce for r in sent] + [r.platform_message_id or "" for r in sent]
        for chunk in _chunks(w for w in wanted if w):
            stmt = in_organization(
                select(
                    ChatMessage.platform_account_id,
                    ChatMessage.fan_id,
                    ChatMessage.platform_message_id,
                    ChatMessage.nonce,
                    ChatMessage.purchased,
                ),
                org,
                ChatMessage,
            ).where(
                ChatMessage.platform_account_id.in_(accounts),
                ChatMessage.direction == "outbound",
                or_(ChatMessage.nonce.in_(chunk), ChatMessage.platform_message_id.in_(chunk)),
            )
            for account, fan_id, message_id, nonce, purchased in session.execute(stmt).all():
                row_id = by_nonce.get((account, nonce or "")) or by_message.get(
                    (account, message_id)
                )
                if row_id is None:
                    continue
                key = (row_id, str(fan_id))
                copies[(str(account), str(message_id))] = key
                bought, revenue = outcomes.get(key, (False, 0))
                outcomes[key] = (bought or bool(purchased), revenue)
        paid = self._revenue(session, org, accounts, [m for _, m in copies])
        for copy, cents in paid.items():
            key = copies[copy]
            _, revenue = outcomes.get(key, (False, 0))
            outcomes[key] = (True, revenue + cents)
        return outcomes

    def _revenue(
        self, session: Session, org: OrgId, accounts: list[str], message_ids: list[str]
    ) -> dict[tuple[str, str], int]:
        found: dict[tuple[str, str], int] = {}
        for chunk in _chunks(message_ids):
            stmt = (
                in_organization(
                    select(
                        Earning.platform_account_id,
                        Earning.platform_message_id,
                        func.sum(Earning.amount_cents),
                    ),
                    org,
                    Earning,
                )
                .where(
                    and_(
                        Earning.platform_account_id.in_(accounts),
                        Earning.platform_message_id.in_(chunk),
                        Earning.status.in_(_PAID),
                    )
                )
                .group_by(Earning.platform_account_id, Earning.platform_message_id)
            )
            for account, message_id, cents in session.execute(stmt).all():
                found[(str(account), str(message_id))] = int(cents or 0)
        return found


ledger = OfferLedger()


def fan_items(
    deliveries: Sequence[Delivery], usernames: dict[str, str], *, now: dt.datetime | None = None
) -> list[FanItem]:
    """The deliveries grouped per fan and item, each with its state, latest first."""
    now = now or utcnow()
    grouped: dict[tuple[str, str], FanItem] = {}
    for delivery in sorted(deliveries, key=lambda d: d.sent_at, reverse=True):
        key = (delivery.item_id, delivery.fan_id)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = FanItem(
                item_id=delivery.item_id,
                fan_id=delivery.fan_id,
                username=usernames.get(delivery.fan_id, ""),
            )
        entry.deliveries.append(delivery)
    for entry in grouped.values():
        entry.state = state_of(entry.deliveries, now=now)
    return sorted(grouped.values(), key=lambda e: e.last_at, reverse=True)


def performance(deliveries: Iterable[Delivery]) -> dict[str, Performance]:
    """Each item's free sends, offers, purchases and revenue."""
    found: dict[str, Performance] = defaultdict(Performance)
    for delivery in deliveries:
        found[delivery.item_id].add(delivery)
    return dict(found)


@dataclass(frozen=True, slots=True)
class ItemOffers:
    """An item's performance and, per fan, what they had of it (latest first)."""

    performance: Performance
    fans: list[FanItem]


class OfferService:
    """Answers who had which item and how each item sells, for pages and other domains."""

    def of_item(
        self, session: Session, actor: Actor, item: VaultItem, *, now: dt.datetime | None = None
    ) -> ItemOffers:
        """The item's performance and every fan who received it, with their state."""
        actor.require(Permission.CREATORS_READ)
        found = ledger.deliveries(session, actor.org, [item])
        names = ledger.usernames(session, actor.org, {d.fan_id for d in found})
        return ItemOffers(
            performance=performance(found).get(item.id, Performance()),
            fans=fan_items(found, names, now=now),
        )

    def performance_of(
        self, session: Session, actor: Actor, items: Sequence[VaultItem]
    ) -> dict[str, Performance]:
        """Each item's performance (items never sent are absent)."""
        actor.require(Permission.CREATORS_READ)
        return performance(ledger.deliveries(session, actor.org, items))

    def of_fan(
        self, session: Session, actor: Actor, fan: Fan, *, now: dt.datetime | None = None
    ) -> dict[str, FanItem]:
        """Every vault item the fan received, by item id, with its state (for the inbox)."""
        actor.require(Permission.CREATORS_READ)
        items = vault_repo.of_creator(
            session, actor.org, fan.creator_id, folder=None, limit=100_000, offset=0
        )
        found = ledger.deliveries(session, actor.org, items, fan=fan)
        return {e.item_id: e for e in fan_items(found, {fan.id: fan.username}, now=now)}

    def received_by(
        self, session: Session, actor: Actor, fan: Fan, *, now: dt.datetime | None = None
    ) -> list[tuple[VaultItem, FanItem]]:
        """The vault items the fan received, newest first, each with what came of it (the
        inbox shows them so nobody sells the fan the same set twice)."""
        actor.require(Permission.CREATORS_READ)
        items = vault_repo.of_creator(
            session, actor.org, fan.creator_id, folder=None, limit=100_000, offset=0
        )
        by_id = {item.id: item for item in items}
        found = ledger.deliveries(session, actor.org, items, fan=fan)
        had = fan_items(found, {fan.id: fan.username}, now=now)
        pairs = [(by_id[e.item_id], e) for e in had if e.item_id in by_id]
        return sorted(pairs, key=lambda pair: pair[1].last_at, reverse=True)

    def state_for(
        self,
        session: Session,
        actor: Actor,
        *,
        fan: Fan,
        item: VaultItem,
        now: dt.datetime | None = None,
    ) -> OfferState | None:
        """Has this fan already received or bought this item? Its state, or None if never."""
        actor.require(Permission.CREATORS_READ)
        found = ledger.deliveries(session, actor.org, [item], fan=fan)
        return state_of(found, now=now or utcnow()) if found else None

    def fans_who_have(
        self,
        session: Session,
        actor: Actor,
        *,
        platform_account_id: str,
        media_ids: Sequence[str],
        states: frozenset[OfferState] = frozenset({OfferState.BOUGHT, OfferState.SENT_FREE}),
        now: dt.datetime | None = None,
    ) -> set[str]:
        """The platform fan ids of the account's fans who already had any of these media (vault
        item ids or the account's platform media ids) in one of ``states`` — by default bought
        or got free — so that a campaign never sells them the same item."""
        actor.require(Permission.CREATORS_READ)
        return self.platform_fans_who_have(
            session,
            actor.org,
            platform_account_id=platform_account_id,
            media_ids=media_ids,
            states=states,
            now=now,
        )

    def platform_fans_who_have(
        self,
        session: Session,
        org: OrgId,
        *,
        platform_account_id: str,
        media_ids: Sequence[str],
        states: frozenset[OfferState] = frozenset({OfferState.BOUGHT, OfferState.SENT_FREE}),
        now: dt.datetime | None = None,
    ) -> set[str]:
        """:meth:`fans_who_have` for a task that acts for the organization (a campaign's
        snapshot), with no person behind it."""
        items = _items_named(session, org, platform_account_id, media_ids)
        found = ledger.deliveries(session, org, items)
        per_fan = fan_items(found, {}, now=now)
        fan_ids = {e.fan_id for e in per_fan if e.state in states}
        platform_ids: set[str] = set()
        for chunk in _chunks(fan_ids):
            stmt = in_organization(select(Fan.platform_fan_id), org, Fan).where(
                Fan.id.in_(chunk), Fan.platform_account_id == platform_account_id
            )
            platform_ids.update(str(p) for p in session.scalars(stmt))
        return platform_ids

    def link_platform_media(
        self,
        session: Session,
        actor: Actor,
        item: VaultItem,
        *,
        platform_account_id: str,
        platform_media_id: str,
    ) -> None:
        """Record the id the platform account knows the item by (idempotent)."""
        actor.require(Permission.CREATORS_WRITE)
        stmt = in_organization(select(PlatformMedia), actor.org, PlatformMedia).where(
            PlatformMedia.platform_account_id == platform_account_id,
            PlatformMedia.platform_media_id == platform_media_id,
        )
        known = session.scalars(stmt).one_or_none()
        if known is None:
            session.add(
                PlatformMedia(
                    organization_id=actor.org,
                    vault_item_id=item.id,
                    platform_account_id=platform_account_id,
                    platform_media_id=platform_media_id,
                )
            )
        else:
            known.vault_item_id = item.id
        session.flush()


def _items_named(
    session: Session, org: OrgId, platform_account_id: str, media_ids: Sequence[str]
) -> list[VaultItem]:
    if not media_ids:
        return []
    linked = in_organization(select(PlatformMedia.vault_item_id), org, PlatformMedia).where(
        PlatformMedia.platform_account_id == platform_account_id,
        PlatformMedia.platform_media_id.in_(list(media_ids)),
    )
    ids = set(media_ids) | {str(i) for i in session.scalars(linked)}
    creator = in_organization(select(PlatformAccount.creator_id), org, PlatformAccount).where(
        PlatformAccount.id == platform_account_id
    )
    stmt = in_organization(select(VaultItem), org, VaultItem).where(
        VaultItem.id.in_(sorted(ids)), VaultItem.creator_id.in_(creator.scalar_subquery())
    )
    return list(session.scalars(stmt))


offers = OfferService()
