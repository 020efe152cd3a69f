"""The accounts JSON API: identity, members and roles, invitations, API keys, audit log."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_member, make_org

from huntaze.accounts.models import AuditLog, Invitation, Membership
from huntaze.accounts.permissions import Role


def test_me_names_user_org_and_role(client: TestClient, session: Session) -> None:
    org = make_org(session, name="Velvet Agency")
    manager = make_member(session, org, Role.MANAGER)
    response = client.get("/api/v1/me", headers=api_headers(client, session, manager))
    assert response.status_code == 200
    body = response.json()
    assert body["organization"]["name"] == "Velvet Agency"
    assert body["role"] == "manager"
    assert body["user"]["email"] == manager.user.email


def test_admin_changes_role_and_it_is_audited(client: TestClient, session: Session) -> None:
    org = make_org(session)
    admin = make_member(session, org, Role.ADMIN)
    chatter = make_member(session, org, Role.CHATTER)
    headers = api_headers(client, session, admin)
    response = client.patch(
        f"/api/v1/members/{chatter.membership.id}", json={"role": "manager"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "manager"
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "member.role_change")).one()
    assert entry.before == {"role": "chatter"} and entry.after == {"role": "manager"}
    assert entry.actor_user_id == admin.user.id


def test_admin_cannot_grant_owner(client: TestClient, session: Session) -> None:
    org = make_org(session)
    admin = make_member(session, org, Role.ADMIN)
    chatter = make_member(session, org, Role.CHATTER)
    response = client.patch(
        f"/api/v1/members/{chatter.membership.id}",
        json={"role": "owner"},
        headers=api_headers(client, session, admin),
    )
    assert response.status_code == 403
    assert session.get(Membership, chatter.membership.id).role == "chatter"  # type: ignore[union-attr]


def test_last_owner_cannot_be_demoted(client: TestClient, session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    response = client.patch(
        f"/api/v1/members/{owner.membership.id}",
        json={"role": "admin"},
        headers=api_headers(client, session, owner),
    )
    assert response.status_code == 409
    assert "at least one owner" in response.json()["detail"]


def test_invitation_round_trip(client: TestClient, session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    headers = api_headers(client, session, owner)
    response = client.post(
        "/api/v1/invitations",
        json={"email": "New.Chatter@Example.test", "role": "chatter"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["email"] == "new.chatter@example.test" and created["state"] == "pending"
    token = created["accept_url"].rsplit("/", 1)[1]
    listed = client.get("/api/v1/invitations", headers=headers).json()
    assert [i["id"] for i in listed] == [created["id"]]
    assert "accept_url" not in listed[0]

    client.cookies.clear()
    page = client.post(
        f"/invite/{token}",
        data={"name": "Nia", "password": "long enough pw"},
        follow_redirects=False,
    )
    assert page.status_code == 303
    me = client.get("/api/v1/me").json()
    assert me["role"] == "chatter" and me["organization"]["id"] == org.id
    invitation = session.get(Invitation, created["id"])
    assert invitation is not None and invitation.state == "accepted"
    assert client.get(f"/invite/{token}").status_code == 404


def test_duplicate_invitation_for_member_conflicts(client: TestClient, session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    chatter = make_member(session, org, Role.CHATTER)
    response = client.post(
        "/api/v1/invitations",
        json={"email": chatter.user.email, "role": "viewer"},
        headers=api_headers(client, session, owner),
    )
    assert response.status_code == 409


def test_api_key_shown_once_works_and_revokes(client: TestClient, session: Session) -> None:
    org = make_org(session)
    admin = make_member(session, org, Role.ADMIN)
    headers = api_headers(client, session, admin)
    created = client.post(
        "/api/v1/api-keys", json={"name": "reports", "role": "viewer"}, headers=headers
    )
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    assert token.startswith("hz_")
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and me.json()["role"] == "viewer"
    assert me.json()["api_key_id"] == created.json()["id"]
    listed = client.get("/api/v1/api-keys", headers=api_headers(client, session, admin)).json()
    assert "token" not in listed[0] and listed[0]["last_used_at"] is not None
    revoke = client.delete(
        f"/api/v1/api-keys/{created.json()['id']}", headers=api_headers(client, session, admin)
    )
    assert revoke.status_code == 200
    client.cookies.clear()
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_key_cannot_outrank_its_creator(client: TestClient, session: Session) -> None:
    org = make_org(session)
    admin = make_member(session, org, Role.ADMIN)
    response = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "role": "owner"},
        headers=api_headers(client, session, admin),
    )
    assert response.status_code == 403


def test_audit_log_lists_newest_first_and_pages(client: TestClient, session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    headers = api_headers(client, session, owner)
    for n in range(3):
        client.post(
            "/api/v1/invitations",
            json={"email": f"p{n}@example.test", "role": "viewer"},
            headers=headers,
        )
    entries = client.get("/api/v1/audit-log?limit=2", headers=headers).json()
    assert [e["after"]["email"] for e in entries] == ["p2@example.test", "p1@example.test"]
    older = client.get(
        "/api/v1/audit-log",
        params={"limit": 2, "before": entries[-1]["created_at"]},
        headers=headers,
    ).json()
    assert [e["after"]["email"] for e in older] == ["p0@example.test"]


def test_csrf_header_required_for_cookie_writes(client: TestClient, session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    api_headers(client, session, owner)
    response = client.post(
        "/api/v1/invitations", json={"email": "a@example.test", "role": "viewer"}
    )
    assert response.status_code == 403
    assert session.scalars(select(Invitation)).all() == []
