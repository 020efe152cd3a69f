"""Organizations, members and invitations (the accounts domain's public face).

Other domains use this module (and ``audit``, ``actor``, ``auth``) only; services never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.audit import audit, snapshot
from huntaze.accounts.models import Invitation, Membership, Organization, User
from huntaze.accounts.permissions import Permission, Role, can_grant
from huntaze.accounts.repository import invitations, memberships, users
from huntaze.config import get_settings
from huntaze.core.db import utcnow
from huntaze.core.errors import (
    AuthenticationRequiredError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    field_error,
)
from huntaze.core.security import hash_password, hash_token, new_token
from huntaze.core.tenancy import OrgId, trusted_org_id

INVITATION_TTL = dt.timedelta(days=7)
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True, slots=True)
class NewInvitation:
    """An invitation just made, with its accept link (shown once)."""

    invitation: Invitation
    accept_url: str


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            errors=[field_error("password", f"at least {MIN_PASSWORD_LENGTH} characters")],
        )
    if len(password) > 256:
        raise InvalidInputError(
            "The password is too long.", errors=[field_error("password", "at most 256 characters")]
        )


class AccountService:
    """Creates organizations and manages who belongs to them with which role."""

    def create_organization(
        self, session: Session, *, name: str, owner_email: str, owner_name: str, password: str
    ) -> tuple[Organization, User]:
        """A new organization and its owner (a new user, or an existing one by e-mail)."""
        email = owner_email.strip().lower()
        user = users.by_email(session, email)
        if user is None:
            _check_password(password)
            user = User(email=email, name=owner_name.strip(), password_hash=hash_password(password))
            session.add(user)
        organization = Organization(name=name.strip())
        session.add(organization)
        session.flush()
        session.add(
            Membership(organization_id=organization.id, user_id=user.id, role=Role.OWNER.value)
        )
        session.flush()
        return organization, user

    def organization(self, session: Session, org: OrgId) -> Organization:
        """The organization the actor is acting in."""
        found = session.get(Organization, org)
        if found is None:
            raise NotFoundError("No such organization.")
        return found

    def organizations_of(self, session: Session, user_id: str) -> list[Organization]:
        """Every organization a user belongs to, by name."""
        return [m.organization for m in memberships.for_user(session, user_id)]

    def rename_organization(self, session: Session, actor: Actor, *, name: str) -> Organization:
        """Rename the actor's organization."""
        actor.require(Permission.ORG_MANAGE)
        organization = self.organization(session, actor.org)
        before = snapshot(organization, ["name"])
        organization.name = name
        audit.record(
            session,
            actor,
            action="organization.rename",
            target_type="organization",
            target_id=organization.id,
            before=before,
            after={"name": name},
        )
        return organization

    def members(self, session: Session, actor: Actor) -> Sequence[Membership]:
        """The organization's members with their users."""
        actor.require(Permission.MEMBERS_READ)
        return memberships.list_with_users(session, actor.org)

    def _member(self, session: Session, actor: Actor, membership_id: str) -> Membership:
        found = memberships.get_with_user(session, actor.org, membership_id)
        if found is None:
            raise NotFoundError("No such member in this organization.")
        return found

    def change_role(
        self, session: Session, actor: Actor, *, membership_id: str, role: Role
    ) -> Membership:
        """Give a member another role, never above the actor's own; keep at least one owner."""
        actor.require(Permission.MEMBERS_MANAGE)
        member = self._member(session, actor, membership_id)
        current = Role(member.role)
        if not can_grant(actor.role, role) or not can_grant(actor.role, current):
            raise PermissionDeniedError("You cannot give or take a role above your own.")
        if current is Role.OWNER and role is not Role.OWNER:
            self._keep_an_owner(session, actor.org)
        before = snapshot(member, ["role"])
        member.role = role.value
        audit.record(
            session,
            actor,
            action="member.role_change",
            target_type="membership",
            target_id=member.id,
            before=before,
            after={"role": role.value},
        )
        api_key_service.revoke_keys_of(
            session, actor, user_id=member.user_id, above=role, reason="creator_demoted"
        )
        return member

    def remove_member(self, session: Session, actor: Actor, *, membership_id: str) -> None:
        """Remove someone from the organization; its last owner cannot be removed."""
        actor.require(Permission.MEMBERS_MANAGE)
        member = self._member(session, actor, membership_id)
        if not can_grant(actor.role, Role(member.role)):
            raise PermissionDeniedError("You cannot remove a member whose role is above yours.")
        if member.role == Role.OWNER.value:
            self._keep_an_owner(session, actor.org)
        audit.record(
            session,
            actor,
            action="member.remove",
            target_type="membership",
            target_id=member.id,
            before={"email": member.user.email, "role": member.role},
        )
        api_key_service.revoke_keys_of(
            session, actor, user_id=member.user_id, above=None, reason="creator_removed"
        )
        session.delete(member)

    def _keep_an_owner(self, session: Session, org: OrgId) -> None:
        if memberships.count_owners(session, org) <= 1:
            raise ConflictError("An organization must keep at least one owner.")

    def invite(self, session: Session, actor: Actor, *, email: str, role: Role) -> NewInvitation:
        """Invite an e-mail address with a role; the accept link is shown once.

        The link is built on the configured public address (``HUNTAZE_BASE_URL``), never on the
        request's Host header, which whoever sends the request chooses.
        """
        actor.require(Permission.MEMBERS_MANAGE)
        if not can_grant(actor.role, role):
            raise PermissionDeniedError("You cannot invite someone with a role above your own.")
        email = email.strip().lower()
        existing = users.by_email(session, email)
        if existing and memberships.of_user_in(session, existing.id, actor.org):
            raise ConflictError(f"{email} is already a member of this organization.")
        token = new_token()
        invitation = Invitation(
            organization_id=actor.org,
            email=email,
            role=role.value,
            token_hash=hash_token(token),
            invited_by_id=actor.user_id,
            expires_at=utcnow() + INVITATION_TTL,
        )
        session.add(invitation)
        session.flush()
        audit.record(
            session,
            actor,
            action="invitation.create",
            target_type="invitation",
            target_id=invitation.id,
            after={"email": email, "role": role.value},
        )
        accept_url = f"{get_settings().base_url.rstrip('/')}/invite/{token}"
        return NewInvitation(invitation=invitation, accept_url=accept_url)

    def invitations(self, session: Session, actor: Actor) -> Sequence[Invitation]:
        """The organization's invitations, newest first."""
        actor.require(Permission.MEMBERS_READ)
        return invitations.list(session, actor.org)

    def revoke_invitation(self, session: Session, actor: Actor, *, invitation_id: str) -> None:
        """Withdraw a pending invitation."""
        actor.require(Permission.MEMBERS_MANAGE)
        invitation = invitations.get(session, actor.org, invitation_id)
        if invitation.state != "pending":
            raise ConflictError(f"This invitation is already {invitation.state}.")
        invitation.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            action="invitation.revoke",
            target_type="invitation",
            target_id=invitation.id,
            before={"state": "pending"},
            after={"state": "revoked"},
        )

    def pending_invitation(self, session: Session, *, token: str) -> Invitation:
        """The pending invitation behind an accept link; 404 when unknown or no longer valid."""
        invitation = invitations.by_token_hash(session, hash_token(token))
        if invitation is None or invitation.state != "pending":
            raise NotFoundError("This invitation link is not valid any more. Ask for a new one.")
        return invitation

    def invitation_with_organization(
        self, session: Session, *, token: str
    ) -> tuple[Invitation, Organization]:
        """The pending invitation behind a link and the organization it is for."""
        invitation = self.pending_invitation(session, token=token)
        organization = session.get(Organization, invitation.organization_id)
        if organization is None:
            raise NotFoundError("This invitation link is not valid any more.")
        return invitation, organization

    def invitee_account(self, session: Session, invitation: Invitation) -> User | None:
        """The user who already has the invited e-mail, if any."""
        return users.by_email(session, invitation.email)

    def accept_invitation(
        self,
        session: Session,
        *,
        token: str,
        name: str,
        password: str,
        signed_in_user_id: str | None,
    ) -> tuple[User, Membership]:
        """Join the organization: a new user sets a name and password; an existing user must be
        logged in as themselves (an invitation link never takes another account's password, so
        whoever holds the link cannot use it to guess one)."""
        invitation = self.pending_invitation(session, token=token)
        user = users.by_email(session, invitation.email)
        if user is None:
            _check_password(password)
            if not name.strip():
                raise InvalidInputError(
                    "Please give your name.", errors=[field_error("name", "required")]
                )
            user = User(
                email=invitation.email,
                name=name.strip()[:120],
                password_hash=hash_password(password),
            )
            session.add(user)
            session.flush()
        elif user.id != signed_in_user_id:
            raise AuthenticationRequiredError(
                f"{invitation.email} already has a Huntaze account. Log in as that account, "
                "then open this link again to join."
            )
        membership = Membership(
            organization_id=invitation.organization_id, user_id=user.id, role=invitation.role
        )
        session.add(membership)
        invitation.accepted_at = utcnow()
        session.flush()
        joiner = Actor(
            org=trusted_org_id(invitation.organization_id),
            role=Role(invitation.role),
            label=f"{user.name} <{user.email}>",
            user_id=user.id,
        )
        audit.record(
            session,
            joiner,
            action="invitation.accept",
            target_type="membership",
            target_id=membership.id,
            after={"email": user.email, "role": membership.role},
        )
        return user, membership


accounts = AccountService()
