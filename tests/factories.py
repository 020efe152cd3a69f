"""Factories for test data: organizations with members of each role, creators, logged-in clients."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.auth import SESSION_COOKIE
from huntaze.accounts.models import Membership, Organization, User
from huntaze.accounts.permissions import Role
from huntaze.accounts.sessions import login
from huntaze.core.security import hash_password
from huntaze.core.tenancy import trusted_org_id
from huntaze.creators.models import Creator
from huntaze.creators.schemas import CreatorCreate
from huntaze.creators.service import creators

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@dataclass
class Member:
    """A user with a role in an organization, and how to act as them."""

    user: User
    membership: Membership
    organization: Organization

    @property
    def actor(self) -> Actor:
        return Actor(
            org=trusted_org_id(self.organization.id),
            role=Role(self.membership.role),
            label=self.user.email,
            user_id=self.user.id,
        )


def make_user(session: Session, *, email: str | None = None, name: str = "Test User") -> User:
    n = next(_counter)
    user = User(
        email=email or f"user{n}@example.test", name=name, password_hash=hash_password(PASSWORD)
    )
    session.add(user)
    session.flush()
    return user


def make_org(session: Session, *, name: str | None = None) -> Organization:
    organization = Organization(name=name or f"Org {next(_counter)}")
    session.add(organization)
    session.flush()
    return organization


def make_member(
    session: Session, organization: Organization, role: Role, *, user: User | None = None
) -> Member:
    user = user or make_user(session, name=f"{role.value.title()} Person")
    membership = Membership(organization_id=organization.id, user_id=user.id, role=role.value)
    session.add(membership)
    session.flush()
    return Member(user=user, membership=membership, organization=organization)


def make_creator(session: Session, member: Member, *, name: str = "Test Creator") -> Creator:
    return creators.create(session, member.actor, CreatorCreate(display_name=name, tone="warm"))


def log_in(client: TestClient, session: Session, member: Member) -> str:
    """Give ``client`` a session cookie for ``member``; returns the CSRF token."""
    started = login.start(session, user=member.user)
    login.switch_organization(
        session, login_session=started.login_session, organization_id=member.organization.id
    )
    session.commit()
    client.cookies.set(SESSION_COOKIE, started.cookie_value)
    return started.login_session.csrf_token


def api_headers(client: TestClient, session: Session, member: Member) -> dict[str, str]:
    """Headers that authenticate API calls as ``member`` (cookie + CSRF header)."""
    return {"X-CSRF-Token": log_in(client, session, member)}
