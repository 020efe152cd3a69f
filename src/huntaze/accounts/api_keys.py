"""API keys: shown once, stored hashed, acting with a role no higher than their creator's.

A key lives only as long as its creator's standing: removing the creator from the organization
revokes their keys, demoting them revokes the keys whose role is now above theirs (revoked
rather than capped, so an integration fails loudly instead of quietly losing rights), and every
use checks again that the creator is an active member with at least the key's role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.models import ApiKey
from huntaze.accounts.permissions import Permission, Role, can_grant
from huntaze.accounts.repository import api_keys, memberships
from huntaze.core.db import utcnow, write_soon
from huntaze.core.errors import AuthenticationRequiredError, ConflictError, PermissionDeniedError
from huntaze.core.security import hash_token, new_token
from huntaze.core.tenancy import trusted_org_id

KEY_PREFIX = "hz_"
# last_used_at is written at most this often per key, so hot API clients do not write per call.
LAST_USED_RESOLUTION_S = 60


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key just made; ``token`` is shown once and never stored."""

    api_key: ApiKey
    token: str


class UnknownApiKeyError(AuthenticationRequiredError):
    """A bearer token that is no key at all (what guessing produces; counted per address)."""


class ApiKeyService:
    """Creates, lists, revokes and authenticates API keys."""

    def create(self, session: Session, actor: Actor, *, name: str, role: Role) -> NewApiKey:
        """A new key for the actor's organization."""
        actor.require(Permission.API_KEYS_MANAGE)
        if not can_grant(actor.role, role):
            raise PermissionDeniedError("A key cannot have a role above your own.")
        token = new_token(KEY_PREFIX)
        key = ApiKey(
            organization_id=actor.org,
            name=name,
            role=role.value,
            display_prefix=token[:10],
            token_hash=hash_token(token),
            created_by_id=self._person_behind(session, actor),
        )
        session.add(key)
        session.flush()
        audit.record(
            session,
            actor,
            action="api_key.create",
            target_type="api_key",
            target_id=key.id,
            after={"name": name, "role": role.value},
        )
        return NewApiKey(api_key=key, token=token)

    def list(self, session: Session, actor: Actor) -> Sequence[ApiKey]:
        """The organization's keys, newest first."""
        actor.require(Permission.API_KEYS_MANAGE)
        return api_keys.list(session, actor.org)

    def revoke(self, session: Session, actor: Actor, *, key_id: str) -> ApiKey:
        """Stop a key from working, at once."""
        actor.require(Permission.API_KEYS_MANAGE)
        key = api_keys.get(session, actor.org, key_id)
        if key.revoked_at is not None:
            raise ConflictError("This key is already revoked.")
        key.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            action="api_key.revoke",
            target_type="api_key",
            target_id=key.id,
            before={"revoked": False},
            after={"revoked": True},
        )
        return key

    def revoke_keys_of(
        self, session: Session, actor: Actor, *, user_id: str, above: Role | None, reason: str
    ) -> Sequence[ApiKey]:
        """Revoke the live keys a person made in the actor's organization: all of them, or
        only those whose role is above ``above`` (the person's new role)."""
        revoked = [
            key
            for key in api_keys.live_created_by(session, actor.org, user_id)
            if above is None or not can_grant(above, Role(key.role))
        ]
        now = utcnow()
        for key in revoked:
            key.revoked_at = now
            audit.record(
                session,
                actor,
                action="api_key.revoke",
                target_type="api_key",
                target_id=key.id,
                before={"revoked": False, "role": key.role},
                after={"revoked": True, "reason": reason},
            )
        return revoked

    def authenticate(self, session: Session, token: str) -> Actor:
        """The actor behind a bearer token; 401 when unknown, revoked, or when its creator is no
        longer an active member with at least the key's role."""
        key = api_keys.by_token_hash(session, hash_token(token)) if token else None
        if key is None:
            raise UnknownApiKeyError("Unknown or revoked API key.")
        if key.revoked_at is not None:
            raise AuthenticationRequiredError("Unknown or revoked API key.")
        if not self._creator_still_allows(session, key):
            raise AuthenticationRequiredError(
                "This API key no longer works: the person who made it has left the "
                "organization or lost the role it needs."
            )
        now = utcnow()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > (
            LAST_USED_RESOLUTION_S
        ):
            # Reading requests do not write: the time is recorded just after their read.
            key_id = key.id
            write_soon(session, lambda own: api_keys.mark_used(own, key_id, at=now))
        return Actor(
            org=trusted_org_id(key.organization_id),
            role=Role(key.role),
            label=f"API key {key.name} ({key.display_prefix}…)",
            api_key_id=key.id,
        )

    def _person_behind(self, session: Session, actor: Actor) -> str | None:
        """The person a new key answers to: the actor, or the creator of the key acting."""
        if actor.user_id is not None or actor.api_key_id is None:
            return actor.user_id
        acting_key = api_keys.get(session, actor.org, actor.api_key_id)
        return acting_key.created_by_id

    def _creator_still_allows(self, session: Session, key: ApiKey) -> bool:
        if key.created_by_id is None:
            return False
        role = memberships.active_role_of(
            session, trusted_org_id(key.organization_id), key.created_by_id
        )
        return role is not None and can_grant(Role(role), Role(key.role))


api_key_service = ApiKeyService()
