"""Tenant scoping in one place (STYLE.md §5, DESIGN.md §8.2).

``OrgId`` is a distinct type for "an organization the current actor may act in". It is produced
only by authentication (membership or API key checked) and by work that reads an organization
from its own row (a task), through :func:`trusted_org_id`, so a repository that takes an
``OrgId`` cannot be handed a raw id from a URL by mistake.

:func:`in_organization` is the one way to limit a statement to an organization: whole rows,
counts, column selects and joins alike. ``tests/test_architecture.py`` refuses
``Model.organization_id == …`` and ``OrgId(…)`` written anywhere outside ``core/``.
"""

from __future__ import annotations

from typing import Any, NewType, Protocol, Self, TypeVar

from sqlalchemy import ColumnElement

OrgId = NewType("OrgId", str)


class _Filterable(Protocol):
    def where(self, *whereclause: Any) -> Self: ...


StatementT = TypeVar("StatementT", bound=_Filterable)


def trusted_org_id(organization_id: str) -> OrgId:
    """Mark an organization id as checked; call only where membership was verified, or where
    the id was read from the organization's own row."""
    return OrgId(organization_id)


def tenant_filter(model: Any, org: OrgId) -> ColumnElement[bool]:
    """The condition "this row of ``model`` belongs to ``org``" (for a WHERE or a join's ON)."""
    condition: ColumnElement[bool] = model.organization_id == org
    return condition


def membership_filter(model: Any, organization_id: str) -> ColumnElement[bool]:
    """The condition "this row of ``model`` is in ``organization_id``" for the lookups that check
    a membership or key, before any ``OrgId`` exists (``accounts/repository.py``)."""
    condition: ColumnElement[bool] = model.organization_id == organization_id
    return condition


def in_organization(statement: StatementT, org: OrgId, *models: Any) -> StatementT:
    """``statement`` limited to rows of ``org`` in each of ``models`` (a SELECT, UPDATE or
    DELETE; every tenant table it reads must be named)."""
    if not models:
        raise TypeError("name the tenant model(s) the statement reads")
    for model in models:
        statement = statement.where(tenant_filter(model, org))
    return statement
