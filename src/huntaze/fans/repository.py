"""All SQL of the fans domain, tenant-scoped (DESIGN.md §8.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from huntaze.core.bulk import update_rows
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, in_organization
from huntaze.fans.models import Fan

# A fan who has paid at least this much is a "big spender" in the inbox's view of that name.
BIG_SPENDER_CENTS = 10_000


class FanRepository(TenantRepository[Fan]):
    """Fans of an organization's platform accounts."""

    model = Fan
    not_found_message = "There is no such fan in this organization."

    def by_platform_ids(
        self, session: Session, org: OrgId, account_id: str, platform_fan_ids: Iterable[str]
    ) -> dict[str, Fan]:
        """The account's fans with these platform ids, by platform id (one query)."""
        wanted = sorted(set(platform_fan_ids))
        if not wanted:
            return {}
        stmt = self.scoped(org).where(
            Fan.platform_account_id == account_id, Fan.platform_fan_id.in_(wanted)
        )
        return {fan.platform_fan_id: fan for fan in session.scalars(stmt)}

    def names(self, session: Session, org: OrgId, fan_ids: Iterable[str]) -> dict[str, str]:
        """Display names (usernames where blank) of the fans among ``fan_ids``."""
        ids = list(set(fan_ids))
        if not ids:
            return {}
        rows = session.execute(
            in_organization(select(Fan.id, Fan.display_name, Fan.username), org, Fan).where(
                Fan.id.in_(ids)
            )
        )
        return {fan_id: name or username for fan_id, name, username in rows}

    def search(
        self,
        session: Session,
        org: OrgId,
        *,
        creator_ids: Sequence[str] | None,
        status: str | None,
        query: str | None,
        limit: int,
        offset: int,
    ) -> Sequence[Fan]:
        """A page of fans, most recently active first."""
        stmt = self.scoped(org)
        if creator_ids is not None:
            stmt = stmt.where(Fan.creator_id.in_(list(creator_ids)))
        if status:
            stmt = stmt.where(Fan.status == status)
        if query:
            pattern = f"%{query.lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(Fan.username).like(pattern),
                    func.lower(Fan.display_name).like(pattern),
                )
            )
        order = (Fan.last_message_at.is_(None), Fan.last_message_at.desc(), Fan.id)
        return session.scalars(stmt.order_by(*order).limit(limit).offset(offset)).all()

    def conversations(
        self,
        session: Session,
        org: OrgId,
        *,
        view: str,
        since: dt.datetime,
        limit: int,
        creator_ids: Iterable[str] | None = None,
    ) -> Sequence[Fan]:
        """Fans with a chat, for one inbox view: ``unread`` (waiting longest first), ``big``
        (spent the most), ``new`` (subscribed since ``since``), ``expired``, or ``all``; only
        of ``creator_ids`` when given."""
        stmt = self.scoped(org).where(Fan.last_message_at.is_not(None))
        if creator_ids is not None:
            stmt = stmt.where(Fan.creator_id.in_(sorted(creator_ids)))
        spent = (
            Fan.spent_subscription_cents
            + Fan.spent_tip_cents
            + Fan.spent_ppv_cents
            + Fan.spent_message_cents
            + Fan.spent_other_cents
        )
        order: tuple[Any, ...] = (Fan.last_message_at.desc(), Fan.id)
        if view == "unread":
            stmt = stmt.where(Fan.unread_count > 0)
            order = (Fan.last_inbound_at.asc(), Fan.id)
        elif view == "big":
            stmt = stmt.where(spent >= BIG_SPENDER_CENTS)
            order = (spent.desc(), Fan.id)
        elif view == "new":
            stmt = stmt.where(Fan.subscribed_at >= since)
        elif view == "expired":
            stmt = stmt.where(Fan.status == "expired")
        return session.scalars(stmt.order_by(*order).limit(limit)).all()

    def update_many(self, session: Session, org: OrgId, changes: Sequence[dict[str, Any]]) -> None:
        """Apply per-fan column changes (each dict has the fan's ``id``): one statement per set
        of columns; fans already loaded in the session are refreshed on next use."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for change in changes:
            groups.setdefault(tuple(sorted(k for k in change if k != "id")), []).append(change)
        for columns, rows in groups.items():
            update_rows(
                session,
                Fan,
                [{"id": row["id"], **{name: row[name] for name in columns}} for row in rows],
                where={"organization_id": org},
            )
        changed = {change["id"] for change in changes}
        for loaded in list(session.identity_map.values()):
            if isinstance(loaded, Fan) and loaded.id in changed:
                session.expire(loaded)


fans_repo = FanRepository()
