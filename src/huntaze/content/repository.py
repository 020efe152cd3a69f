"""All SQL of the content vault, tenant-scoped (DESIGN.md §8.2)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.content.models import VaultItem
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, in_organization


class VaultRepository(TenantRepository[VaultItem]):
    """Vault items of an organization's creators."""

    model = VaultItem
    not_found_message = "There is no such vault item in this organization."

    def by_hash(
        self, session: Session, org: OrgId, creator_id: str, sha256: str
    ) -> VaultItem | None:
        """The creator's item with this content hash, if there is one."""
        stmt = self.scoped(org).where(
            VaultItem.creator_id == creator_id, VaultItem.sha256 == sha256
        )
        return session.scalars(stmt).one_or_none()

    def of_creator(
        self,
        session: Session,
        org: OrgId,
        creator_id: str,
        *,
        folder: str | None,
        limit: int,
        offset: int,
    ) -> Sequence[VaultItem]:
        """A page of the creator's items, newest first, of one folder when ``folder`` is set."""
        stmt = self.scoped(org).where(VaultItem.creator_id == creator_id)
        if folder is not None:
            stmt = stmt.where(VaultItem.folder == folder)
        order = (VaultItem.created_at.desc(), VaultItem.id)
        return session.scalars(stmt.order_by(*order).limit(limit).offset(offset)).all()

    def folders(self, session: Session, org: OrgId, creator_id: str) -> list[str]:
        """The creator's folder names in use, sorted."""
        stmt = in_organization(select(VaultItem.folder).distinct(), org, VaultItem).where(
            VaultItem.creator_id == creator_id, VaultItem.folder != ""
        )
        return sorted(session.scalars(stmt))


vault_repo = VaultRepository()
