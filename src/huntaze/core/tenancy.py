"""Tenant scoping in one place (STYLE.md §5).

``OrgId`` is a distinct type for "an organization the current actor may act in". It is produced
only by authentication (membership or API key checked), so a repository that takes an ``OrgId``
cannot be handed a raw id from a URL by mistake.
"""

from __future__ import annotations

from typing import NewType

OrgId = NewType("OrgId", str)


def trusted_org_id(organization_id: str) -> OrgId:
    """Mark an organization id as checked; call only where membership was verified."""
    return OrgId(organization_id)
