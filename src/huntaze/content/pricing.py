"""Prices of the vault: a price ladder per folder and the history of every price (DESIGN.md §6
"Content pipeline"; issue 16).

A folder's ladder is the prices its items are offered at, in order: the first offer at the first
step; a fan who let an offer of the item pass gets the next step at the next offer (the last step
repeats). An item's own price, when it has one, is its first offer; the ladder's later steps
still apply to it. Every change of an item's price or of a ladder is recorded with who made it
and when; nothing is ever rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.permissions import Permission
from huntaze.content.models import PriceChange, PriceLadder, VaultItem
from huntaze.core.db import utcnow
from huntaze.core.tenancy import in_organization
from huntaze.creators.models import Creator

MAX_STEPS = 8


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The price to offer an item at next, and why."""

    cents: int | None
    step: int
    reason: str


def suggested_price(
    item: VaultItem, ladder: PriceLadder | None, *, unbought_offers: int
) -> Suggestion:
    """The price of the next offer of ``item`` to a fan who let ``unbought_offers`` pass."""
    steps = list(ladder.steps_cents) if ladder is not None else []
    if item.price_cents is not None:
        steps = [item.price_cents, *steps[1:]]
    if not steps:
        return Suggestion(None, 0, "No price: set the item's price or its folder's ladder.")
    step = min(unbought_offers, len(steps) - 1)
    if unbought_offers == 0:
        reason = "First offer."
    else:
        reason = f"{unbought_offers} earlier offer(s) not bought: step {step + 1} of the ladder."
    return Suggestion(steps[step], step, reason)


class PriceService:
    """Reads and changes folder ladders, records and lists price history."""

    def ladders(self, session: Session, actor: Actor, creator: Creator) -> Sequence[PriceLadder]:
        """The creator's ladders, by folder."""
        actor.require(Permission.CREATORS_READ)
        stmt = in_organization(select(PriceLadder), actor.org, PriceLadder).where(
            PriceLadder.creator_id == creator.id
        )
        return session.scalars(stmt.order_by(PriceLadder.folder)).all()

    def ladder_of(self, session: Session, actor: Actor, item: VaultItem) -> PriceLadder | None:
        """The ladder of the item's folder, if it has one."""
        actor.require(Permission.CREATORS_READ)
        stmt = in_organization(select(PriceLadder), actor.org, PriceLadder).where(
            PriceLadder.creator_id == item.creator_id, PriceLadder.folder == item.folder
        )
        return session.scalars(stmt).one_or_none()

    def set_ladder(
        self,
        session: Session,
        actor: Actor,
        creator: Creator,
        *,
        folder: str,
        steps_cents: Sequence[int],
    ) -> PriceLadder | None:
        """Set the folder's ladder (no steps: remove it); the change goes in the history."""
        actor.require(Permission.CREATORS_WRITE)
        stmt = in_organization(select(PriceLadder), actor.org, PriceLadder).where(
            PriceLadder.creator_id == creator.id, PriceLadder.folder == folder
        )
        ladder = session.scalars(stmt).one_or_none()
        old = list(ladder.steps_cents) if ladder is not None else []
        new = list(steps_cents)
        if old == new:
            return ladder
        self._record(
            session,
            actor,
            creator.id,
            item_id=None,
            folder=folder,
            old=old,
            new=new,
            currency=creator.currency,
        )
        if not new:
            if ladder is not None:
                session.delete(ladder)
            session.flush()
            return None
        if ladder is None:
            ladder = PriceLadder(
                organization_id=actor.org,
                creator_id=creator.id,
                folder=folder,
                currency=creator.currency,
            )
            session.add(ladder)
        ladder.steps_cents = new
        ladder.updated_by_user_id = actor.user_id
        ladder.updated_at = utcnow()
        session.flush()
        return ladder

    def item_price_changed(
        self, session: Session, actor: Actor, item: VaultItem, *, old: int | None
    ) -> None:
        """Record that the item's price went from ``old`` to its current price."""
        new = item.price_cents
        if old == new:
            return
        self._record(
            session,
            actor,
            item.creator_id,
            item_id=item.id,
            folder=None,
            old=[] if old is None else [old],
            new=[] if new is None else [new],
            currency=item.currency,
        )

    def history(self, session: Session, actor: Actor, item: VaultItem) -> Sequence[PriceChange]:
        """The item's price changes and those of its folder's ladder, newest first."""
        actor.require(Permission.CREATORS_READ)
        mine = PriceChange.vault_item_id == item.id
        folder = (PriceChange.vault_item_id.is_(None)) & (PriceChange.folder == item.folder)
        stmt = in_organization(select(PriceChange), actor.org, PriceChange).where(
            PriceChange.creator_id == item.creator_id, or_(mine, folder)
        )
        order = (PriceChange.changed_at.desc(), PriceChange.id.desc())
        return session.scalars(stmt.order_by(*order).limit(200)).all()

    def _record(
        self,
        session: Session,
        actor: Actor,
        creator_id: str,
        *,
        item_id: str | None,
        folder: str | None,
        old: list[int],
        new: list[int],
        currency: str = "USD",
    ) -> None:
        session.add(
            PriceChange(
                organization_id=actor.org,
                creator_id=creator_id,
                vault_item_id=item_id,
                folder=folder,
                old_cents=old,
                new_cents=new,
                currency=currency,
                changed_by_user_id=actor.user_id,
                changed_by=actor.label[:200],
                changed_at=utcnow(),
            )
        )


prices = PriceService()
