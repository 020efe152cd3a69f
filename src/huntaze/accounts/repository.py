"""All SQL of the accounts domain; tenant tables are scoped by ``OrgId``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from huntaze.accounts.models import (
    ApiKey,
    AuditLog,
    Invitation,
    LoginSession,
    Membership,
    Organization,
    User,
)
from huntaze.core.repository import TenantRepository
from huntaze.core.tenancy import OrgId, membership_filter


class UserRepository:
    """Users are global (one person, many organizations)."""

    def by_email(self, session: Session, email: str) -> User | None:
        """The user with this e-mail, compared case-insensitively."""
        return session.scalars(select(User).where(User.email == email.strip().lower())).first()

    def by_id(self, session: Session, user_id: str) -> User | None:
        """The user with this id."""
        return session.get(User, user_id)


class MembershipRepository(TenantRepository[Membership]):
    """Memberships of one organization, and a user's memberships across organizations."""

    model = Membership
    not_found_message = "No such member in this organization."

    def list_with_users(self, session: Session, org: OrgId) -> Sequence[Membership]:
        """Every member of ``org`` with their user loaded, oldest first."""
        stmt = (
            self.scoped(org)
            .options(joinedload(Membership.user))
            .order_by(Membership.created_at, Membership.id)
        )
        return session.scalars(stmt).all()

    def get_with_user(self, session: Session, org: OrgId, membership_id: str) -> Membership | None:
        """One membership of ``org`` with its user."""
        stmt = (
            self.scoped(org)
            .where(Membership.id == membership_id)
            .options(joinedload(Membership.user))
        )
        return session.scalars(stmt).one_or_none()

    def for_user(self, session: Session, user_id: str) -> Sequence[Membership]:
        """The user's memberships with their organizations, by organization name."""
        stmt = (
            select(Membership)
            .where(Membership.user_id == user_id)
            .options(joinedload(Membership.organization))
            .join(Organization, Organization.id == Membership.organization_id)
            .order_by(Organization.name, Organization.id)
        )
        return session.scalars(stmt).all()

    def of_user_in(self, session: Session, user_id: str, organization_id: str) -> Membership | None:
        """The user's membership in one organization, if any."""
        stmt = select(Membership).where(
            Membership.user_id == user_id, membership_filter(Membership, organization_id)
        )
        return session.scalars(stmt).one_or_none()

    def active_role_of(self, session: Session, org: OrgId, user_id: str) -> str | None:
        """The role of an active user in ``org``; None when not a member or inactive."""
        stmt = (
            self.scoped(org)
            .join(User, User.id == Membership.user_id)
            .where(Membership.user_id == user_id, User.is_active.is_(True))
        )
        membership = session.scalars(stmt).one_or_none()
        return membership.role if membership is not None else None

    def count_owners(self, session: Session, org: OrgId) -> int:
        """How many owners ``org`` has (it must keep at least one)."""
        stmt = self.scoped(org).where(Membership.role == "owner")
        return len(session.scalars(stmt).all())


class InvitationRepository(TenantRepository[Invitation]):
    """Invitations of one organization, and lookup by token for the person invited."""

    model = Invitation
    not_found_message = "No such invitation in this organization."

    def by_token_hash(self, session: Session, token_hash: str) -> Invitation | None:
        """The invitation whose token hashes to ``token_hash``."""
        return session.scalars(
            select(Invitation).where(Invitation.token_hash == token_hash)
        ).first()


class LoginSessionRepository:
    """Browser sessions, looked up by token hash."""

    def by_token_hash(self, session: Session, token_hash: str) -> LoginSession | None:
        """The session whose token hashes to ``token_hash``."""
        stmt = select(LoginSession).where(LoginSession.token_hash == token_hash)
        return session.scalars(stmt).first()

    def revoke_all_for_user(self, session: Session, user_id: str, at: dt.datetime) -> None:
        """End every open session of a user."""
        session.execute(
            update(LoginSession)
            .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
            .values(revoked_at=at)
        )


class ApiKeyRepository(TenantRepository[ApiKey]):
    """API keys of one organization, and lookup by token hash for authentication."""

    model = ApiKey
    not_found_message = "No such API key in this organization."

    def by_token_hash(self, session: Session, token_hash: str) -> ApiKey | None:
        """The key whose token hashes to ``token_hash``."""
        return session.scalars(select(ApiKey).where(ApiKey.token_hash == token_hash)).first()

    def mark_used(self, session: Session, key_id: str, *, at: dt.datetime) -> None:
        """Record that the key was used at ``at``."""
        session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=at))

    def live_created_by(self, session: Session, org: OrgId, user_id: str) -> Sequence[ApiKey]:
        """The keys of ``org`` made by one person that are not revoked."""
        stmt = (
            self.scoped(org)
            .where(ApiKey.created_by_id == user_id, ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.created_at, ApiKey.id)
        )
        return session.scalars(stmt).all()


class AuditLogRepository(TenantRepository[AuditLog]):
    """The organization's audit trail, newest first."""

    model = AuditLog

    def page(
        self,
        session: Session,
        org: OrgId,
        *,
        limit: int,
        before: dt.datetime | None = None,
        target_type: str | None = None,
    ) -> Sequence[AuditLog]:
        """A page of entries older than ``before``, optionally for one kind of object."""
        stmt = self.scoped(org)
        if before is not None:
            stmt = stmt.where(AuditLog.created_at < before)
        if target_type:
            stmt = stmt.where(AuditLog.target_type == target_type)
        stmt = stmt.order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(limit)
        return session.scalars(stmt).all()


users = UserRepository()
memberships = MembershipRepository()
invitations = InvitationRepository()
login_sessions = LoginSessionRepository()
api_keys = ApiKeyRepository()
audit_logs = AuditLogRepository()
