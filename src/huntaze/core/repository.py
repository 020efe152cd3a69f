"""The tenant-scoped repository base (DESIGN.md §8.2).

Every query on a tenant table starts from :meth:`TenantRepository.scoped`, which carries the
``organization_id`` filter; an id from another organization is simply not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huntaze.core.db import Base
from huntaze.core.errors import NotFoundError
from huntaze.core.tenancy import OrgId, in_organization

ModelT = TypeVar("ModelT", bound=Base)


class TenantRepository(Generic[ModelT]):
    """SQL for one tenant-owned model; subclasses add their own queries."""

    model: ClassVar[type[Any]]
    not_found_message: ClassVar[str] = "Not found."

    def scoped(self, org: OrgId) -> Select[ModelT]:
        """A SELECT of this model limited to one organization."""
        return in_organization(select(self.model), org, self.model)

    def find(self, session: Session, org: OrgId, object_id: str) -> ModelT | None:
        """The object with ``object_id`` in ``org``, or None."""
        stmt = self.scoped(org).where(self.model.id == object_id)
        return session.scalars(stmt).one_or_none()

    def get(self, session: Session, org: OrgId, object_id: str) -> ModelT:
        """The object with ``object_id`` in ``org``; 404 otherwise."""
        found = self.find(session, org, object_id)
        if found is None:
            raise NotFoundError(self.not_found_message)
        return found

    def list(
        self,
        session: Session,
        org: OrgId,
        *,
        limit: int = 100,
        offset: int = 0,
        order_by: Any = None,
    ) -> Sequence[ModelT]:
        """A page of this organization's objects, newest first unless told otherwise."""
        order = order_by if order_by is not None else self.model.created_at.desc()
        stmt = self.scoped(org).order_by(order, self.model.id).limit(limit).offset(offset)
        return session.scalars(stmt).all()

    def count(self, session: Session, org: OrgId) -> int:
        """How many of this organization's objects exist."""
        stmt = in_organization(select(func.count()).select_from(self.model), org, self.model)
        return int(session.scalar(stmt) or 0)
