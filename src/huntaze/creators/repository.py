"""All SQL of the creators domain, scoped to one organization."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, tenant_filter
from huntaze.creators.models import Creator, PlatformAccount


class CreatorRepository(TenantRepository[Creator]):
    model = Creator
    not_found_message = "No such creator in this organization."

    def all_by_name(self, session: Session, org: OrgId) -> Sequence[Creator]:
        """Every creator of the organization, by name."""
        stmt = self.scoped(org).order_by(Creator.display_name, Creator.id)
        return session.scalars(stmt).all()


class PlatformAccountRepository(TenantRepository[PlatformAccount]):
    model = PlatformAccount
    not_found_message = "No such platform account in this organization."

    def of_creator(
        self, session: Session, org: OrgId, creator_id: str
    ) -> Sequence[PlatformAccount]:
        """A creator's platform accounts."""
        stmt = (
            self.scoped(org)
            .where(PlatformAccount.creator_id == creator_id)
            .order_by(PlatformAccount.platform, PlatformAccount.handle)
        )
        return session.scalars(stmt).all()

    def of_creators(
        self, session: Session, org: OrgId, creator_ids: Sequence[str]
    ) -> Sequence[PlatformAccount]:
        """The platform accounts of several creators in one query (list pages)."""
        if not creator_ids:
            return []
        stmt = self.scoped(org).where(PlatformAccount.creator_id.in_(creator_ids))
        return session.scalars(stmt).all()

    def in_state(self, session: Session, link_state: str) -> Sequence[PlatformAccount]:
        """Accounts of every organization in one link state (workers and start-up only)."""
        stmt = select(PlatformAccount).where(PlatformAccount.link_state == link_state)
        return session.scalars(stmt).all()

    def all_with_creator_names(
        self, session: Session, org: OrgId
    ) -> list[tuple[PlatformAccount, str]]:
        """Every platform account of the organization with its creator's name (one query)."""
        stmt = (
            select(PlatformAccount, Creator.display_name)
            .join(Creator, Creator.id == PlatformAccount.creator_id)
            .where(tenant_filter(PlatformAccount, org))
            .order_by(Creator.display_name, PlatformAccount.platform, PlatformAccount.handle)
        )
        return [(account, name) for account, name in session.execute(stmt).all()]

    def find_handle(
        self, session: Session, org: OrgId, platform: str, handle: str
    ) -> PlatformAccount | None:
        """The organization's account with this handle on this platform."""
        stmt = self.scoped(org).where(
            PlatformAccount.platform == platform,
            PlatformAccount.handle == handle,
        )
        return session.scalars(stmt).first()


creators_repo = CreatorRepository()
platform_accounts_repo = PlatformAccountRepository()
