"""API keys live only as long as their creator's standing in the organization.

Removing the creator revokes their keys; demoting them revokes the keys whose role is now above
theirs (revoked, not capped: an integration fails loudly with 401 rather than quietly losing
rights); and every use checks the creator's membership again, whatever path changed it.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Member, api_headers, make_member, make_org

from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.models import ApiKey, AuditLog, Membership, User
from huntaze.accounts.permissions import Role


def _key(session: Session, creator: Member, role: Role, name: str = "bi") -> tuple[str, str]:
    made = api_key_service.create(session, creator.actor, name=name, role=role)
    session.commit()
    return made.api_key.id, made.token


def _me(client: TestClient, token: str) -> int:
    client.cookies.clear()
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_removing_the_creator_revokes_their_keys(client: TestClient, session: Session) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    admin = make_member(session, org, Role.ADMIN)
    key_id, token = _key(session, admin, Role.ADMIN)
    assert _me(client, token) == 200

    removed = client.delete(
        f"/api/v1/members/{admin.membership.id}", headers=api_headers(client, session, owner)
    )
    assert removed.status_code == 204, removed.text
    assert _me(client, token) == 401
    session.expire_all()
    assert session.get(ApiKey, key_id).revoked_at is not None  # type: ignore[union-attr]
    entry = session.scalars(
        select(AuditLog).where(AuditLog.action == "api_key.revoke", AuditLog.target_id == key_id)
    ).one()
    assert entry.after == {"revoked": True, "reason": "creator_removed"}
    assert entry.actor_user_id == owner.user.id


def test_demotion_revokes_only_the_keys_above_the_new_role(
    client: TestClient, session: Session
) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    admin = make_member(session, org, Role.ADMIN)
    admin_key_id, admin_token = _key(session, admin, Role.ADMIN, "admin automation")
    viewer_key_id, viewer_token = _key(session, admin, Role.VIEWER, "reports")

    demoted = client.patch(
        f"/api/v1/members/{admin.membership.id}",
        json={"role": "manager"},
        headers=api_headers(client, session, owner),
    )
    assert demoted.status_code == 200, demoted.text
    assert _me(client, admin_token) == 401
    assert _me(client, viewer_token) == 200
    session.expire_all()
    assert session.get(ApiKey, admin_key_id).revoked_at is not None  # type: ignore[union-attr]
    assert session.get(ApiKey, viewer_key_id).revoked_at is None  # type: ignore[union-attr]
    reasons = session.scalars(
        select(AuditLog.after).where(AuditLog.action == "api_key.revoke")
    ).all()
    assert reasons == [{"revoked": True, "reason": "creator_demoted"}]


def test_use_checks_the_creator_membership_whatever_changed_it(
    client: TestClient, session: Session
) -> None:
    org = make_org(session)
    make_member(session, org, Role.OWNER)
    admin = make_member(session, org, Role.ADMIN)
    demoted = make_member(session, org, Role.ADMIN)
    deactivated = make_member(session, org, Role.ADMIN)
    _, removed_token = _key(session, admin, Role.ADMIN)
    _, demoted_token = _key(session, demoted, Role.ADMIN)
    _, inactive_token = _key(session, deactivated, Role.VIEWER)
    for token in (removed_token, demoted_token, inactive_token):
        assert _me(client, token) == 200

    # Changed behind the services' back (a script, a direct SQL fix): the key row is untouched.
    session.delete(session.get(Membership, admin.membership.id))
    session.get(Membership, demoted.membership.id).role = "manager"  # type: ignore[union-attr]
    session.get(User, deactivated.user.id).is_active = False  # type: ignore[union-attr]
    session.commit()

    for token in (removed_token, demoted_token, inactive_token):
        assert _me(client, token) == 401


def test_a_key_made_by_a_key_answers_to_the_same_person(
    client: TestClient, session: Session
) -> None:
    org = make_org(session)
    owner = make_member(session, org, Role.OWNER)
    admin = make_member(session, org, Role.ADMIN)
    _, admin_token = _key(session, admin, Role.ADMIN)
    client.cookies.clear()
    child = client.post(
        "/api/v1/api-keys",
        json={"name": "child", "role": "manager"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert child.status_code == 201, child.text
    assert _me(client, child.json()["token"]) == 200

    client.delete(
        f"/api/v1/members/{admin.membership.id}", headers=api_headers(client, session, owner)
    )
    assert _me(client, child.json()["token"]) == 401
