"""An invitation link is no password oracle: it never takes an existing account's password.

Someone who already has a Huntaze account joins from their own session (log in first, then open
the link again); the link page only tells anyone else to do so. Posting to invitation links is
throttled per client address like login.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, Member, log_in, make_member, make_org

from huntaze.accounts.auth import SESSION_COOKIE
from huntaze.accounts.models import Membership
from huntaze.accounts.permissions import Role
from huntaze.accounts.service import accounts
from huntaze.config import get_settings


def _invite(session: Session, inviter: Member, email: str) -> str:
    made = accounts.invite(session, inviter.actor, email=email, role=Role.MANAGER)
    session.commit()
    return made.accept_url.rsplit("/", 1)[1]


def _memberships(session: Session, member: Member) -> set[str]:
    session.expire_all()
    rows = session.scalars(select(Membership).where(Membership.user_id == member.user.id))
    return {m.organization_id for m in rows}


@pytest.fixture
def invited(session: Session) -> tuple[Member, Member, str]:
    """A user of one organization invited to another: (the user, the inviting owner, token)."""
    existing = make_member(session, make_org(session), Role.CHATTER)
    owner = make_member(session, make_org(session, name="Other Agency"), Role.OWNER)
    return existing, owner, _invite(session, owner, existing.user.email)


def test_the_link_never_takes_an_existing_accounts_password(
    client: TestClient, session: Session, invited: tuple[Member, Member, str]
) -> None:
    existing, owner, token = invited
    response = client.post(
        f"/invite/{token}", data={"name": "x", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 401
    assert SESSION_COOKIE not in response.cookies
    assert "Log in as that account" in response.text
    assert owner.organization.id not in _memberships(session, existing)


def test_anyone_else_is_told_to_log_in_first_and_come_back(
    client: TestClient, session: Session, invited: tuple[Member, Member, str]
) -> None:
    existing, _, token = invited
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200
    assert 'type="password"' not in page.text
    assert "Log in as that account first" in page.text
    assert f'href="/login?next=%2Finvite%2F{token}"' in page.text

    login_page = client.get(f"/login?next=%2Finvite%2F{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text)
    assert csrf
    logged_in = client.post(
        "/login",
        data={
            "email": existing.user.email,
            "password": PASSWORD,
            "csrf_token": csrf.group(1),
            "next": f"/invite/{token}",
        },
        follow_redirects=False,
    )
    assert logged_in.headers["location"] == f"/invite/{token}"


def test_the_invitee_joins_from_their_own_session(
    client: TestClient, session: Session, invited: tuple[Member, Member, str]
) -> None:
    existing, owner, token = invited
    csrf = log_in(client, session, existing)
    page = client.get(f"/invite/{token}")
    assert 'data-testid="join"' in page.text and 'type="password"' not in page.text
    joined = client.post(f"/invite/{token}", data={"csrf_token": csrf}, follow_redirects=False)
    assert joined.status_code == 303, joined.text
    assert owner.organization.id in _memberships(session, existing)
    me = client.get("/api/v1/me", headers={"X-CSRF-Token": csrf}).json()
    assert me["organization"]["id"] == owner.organization.id and me["role"] == "manager"


def test_a_cross_site_post_from_the_invitees_session_does_not_join(
    client: TestClient, session: Session, invited: tuple[Member, Member, str]
) -> None:
    existing, owner, token = invited
    log_in(client, session, existing)
    refused = client.post(f"/invite/{token}", data={}, follow_redirects=False)
    assert refused.status_code == 401
    assert owner.organization.id not in _memberships(session, existing)


def test_someone_else_logged_in_cannot_accept_for_the_invitee(
    client: TestClient, session: Session, invited: tuple[Member, Member, str]
) -> None:
    existing, owner, token = invited
    stranger = make_member(session, make_org(session), Role.OWNER)
    csrf = log_in(client, session, stranger)
    page = client.get(f"/invite/{token}")
    assert "you are logged in as someone else" in page.text
    refused = client.post(
        f"/invite/{token}",
        data={"csrf_token": csrf, "password": PASSWORD},
        follow_redirects=False,
    )
    assert refused.status_code == 401
    assert owner.organization.id not in _memberships(session, existing)
    assert owner.organization.id not in _memberships(session, stranger)


def test_posting_to_invitation_links_is_throttled_per_address(
    client: TestClient, session: Session, invited: tuple[Member, Member, str]
) -> None:
    existing, owner, token = invited
    for n in range(get_settings().login_failures_per_address):
        guess = client.post(
            f"/invite/{token}", data={"password": f"guess number {n}"}, follow_redirects=False
        )
        assert guess.status_code == 401
    throttled = client.post(f"/invite/{token}", data={"password": PASSWORD}, follow_redirects=False)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert client.get(f"/invite/{token}").status_code == 429
    assert owner.organization.id not in _memberships(session, existing)


def test_a_new_person_still_joins_with_a_name_and_password(
    client: TestClient, session: Session
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    token = _invite(session, owner, "newcomer@example.test")
    page = client.get(f"/invite/{token}")
    assert 'type="password"' in page.text
    joined = client.post(
        f"/invite/{token}",
        data={"name": "Newcomer", "password": "long enough pw"},
        follow_redirects=False,
    )
    assert joined.status_code == 303
    assert client.get("/api/v1/me").json()["organization"]["id"] == owner.organization.id
