"""Roles and what each may do: the one permission table of Huntaze.

Every check in routes and services asks :func:`role_allows`; nothing else compares role names.
Ranks order the roles so that nobody can grant a role above their own.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A member's role in one organization."""

    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    CHATTER = "chatter"
    VIEWER = "viewer"


class Permission(StrEnum):
    """An action that some roles may take."""

    ORG_MANAGE = "org.manage"
    MEMBERS_READ = "members.read"
    MEMBERS_MANAGE = "members.manage"
    API_KEYS_MANAGE = "api_keys.manage"
    AUDIT_READ = "audit.read"
    CREATORS_READ = "creators.read"
    CREATORS_WRITE = "creators.write"
    CREATORS_DELETE = "creators.delete"
    PLATFORM_ACCOUNTS_WRITE = "platform_accounts.write"
    COMPLIANCE_OVERRIDE_REVIEW = "compliance.override_review"
    COMPLIANCE_RULES_MANAGE = "compliance.rules_manage"
    OUTBOX_READ = "outbox.read"
    OUTBOX_WRITE = "outbox.write"
    OUTBOX_APPROVE = "outbox.approve"
    AI_USE = "ai.use"
    AI_SETTINGS_MANAGE = "ai.settings_manage"
    FANS_READ = "fans.read"
    FANS_WRITE = "fans.write"
    FANS_MANAGE = "fans.manage"
    INBOX_SYNC = "inbox.sync"
    ANALYTICS_READ = "analytics.read"
    CAMPAIGNS_READ = "campaigns.read"
    CAMPAIGNS_WRITE = "campaigns.write"
    TEAM_MANAGE = "team.manage"


ROLE_RANK: dict[Role, int] = {
    Role.VIEWER: 10,
    Role.CHATTER: 20,
    Role.MANAGER: 30,
    Role.ADMIN: 40,
    Role.OWNER: 50,
}

_READ = {
    Permission.CREATORS_READ,
    Permission.MEMBERS_READ,
    Permission.OUTBOX_READ,
    Permission.FANS_READ,
    Permission.CAMPAIGNS_READ,
}
_CHATTER = _READ | {
    Permission.OUTBOX_WRITE,
    Permission.OUTBOX_APPROVE,
    Permission.AI_USE,
    Permission.INBOX_SYNC,
    Permission.FANS_WRITE,
}
_MANAGER = _CHATTER | {
    Permission.CREATORS_WRITE,
    Permission.PLATFORM_ACCOUNTS_WRITE,
    Permission.AUDIT_READ,
    Permission.COMPLIANCE_OVERRIDE_REVIEW,
    Permission.ANALYTICS_READ,
    Permission.CAMPAIGNS_WRITE,
    Permission.TEAM_MANAGE,
    Permission.FANS_MANAGE,
}
_ADMIN = _MANAGER | {
    Permission.COMPLIANCE_RULES_MANAGE,
    Permission.MEMBERS_MANAGE,
    Permission.API_KEYS_MANAGE,
    Permission.CREATORS_DELETE,
    Permission.AI_SETTINGS_MANAGE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(_READ),
    Role.CHATTER: frozenset(_CHATTER),
    Role.MANAGER: frozenset(_MANAGER),
    Role.ADMIN: frozenset(_ADMIN),
    Role.OWNER: frozenset(_ADMIN | {Permission.ORG_MANAGE}),
}


def role_allows(role: Role, permission: Permission) -> bool:
    """Whether ``role`` may take the action ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


def can_grant(granter: Role, role: Role) -> bool:
    """Whether someone with ``granter`` may give (or take away) ``role``."""
    return ROLE_RANK[role] <= ROLE_RANK[granter]
