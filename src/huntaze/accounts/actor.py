"""Who is acting: a person through a login session, or an API key, in one organization."""

from __future__ import annotations

from dataclasses import dataclass

from huntaze.accounts.permissions import Permission, Role, role_allows
from huntaze.core.errors import PermissionDeniedError
from huntaze.core.tenancy import OrgId


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated subject of a request or task."""

    org: OrgId
    role: Role
    label: str
    user_id: str | None = None
    api_key_id: str | None = None
    session_id: str | None = None

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role allows ``permission``."""
        return role_allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        """Raise 403 unless this actor's role allows ``permission``."""
        if not self.can(permission):
            raise PermissionDeniedError(
                f"Your role ({self.role.value}) does not allow this ({permission.value})."
            )
