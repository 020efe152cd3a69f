"""JSON API of the accounts domain under ``/api/v1`` (thin: parse, call one service, return)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.audit import audit
from huntaze.accounts.auth import ApiActor
from huntaze.accounts.models import ApiKey, Invitation, Membership
from huntaze.accounts.permissions import Permission, Role
from huntaze.accounts.repository import users
from huntaze.accounts.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    AuditEntryOut,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
    MemberOut,
    MemberRoleUpdate,
    MeOut,
    OrganizationOut,
    OrganizationUpdate,
    UserOut,
)
from huntaze.accounts.service import accounts
from huntaze.core.fields import AwareDatetime
from huntaze.core.http import DbSession

router = APIRouter(tags=["accounts"])


def _member_out(m: Membership) -> MemberOut:
    return MemberOut(
        id=m.id,
        user_id=m.user_id,
        email=m.user.email,
        name=m.user.name,
        role=m.role,
        joined_at=m.created_at,
    )


def _invitation_out(i: Invitation) -> InvitationOut:
    return InvitationOut.model_validate(
        {
            "id": i.id,
            "email": i.email,
            "role": i.role,
            "state": i.state,
            "expires_at": i.expires_at,
            "created_at": i.created_at,
        }
    )


def _key_out(k: ApiKey) -> ApiKeyOut:
    return ApiKeyOut.model_validate(k, from_attributes=True)


@router.get("/me", response_model=MeOut)
def me(actor: ApiActor, session: DbSession) -> MeOut:
    """Who is calling, in which organization, with which role."""
    organization = accounts.organization(session, actor.org)
    user = users.by_id(session, actor.user_id) if actor.user_id else None
    orgs = accounts.organizations_of(session, user.id) if user else [organization]
    return MeOut(
        user=UserOut(id=user.id, email=user.email, name=user.name) if user else None,
        api_key_id=actor.api_key_id,
        organization=OrganizationOut(id=organization.id, name=organization.name),
        role=actor.role.value,
        organizations=[OrganizationOut(id=o.id, name=o.name) for o in orgs],
    )


@router.patch("/organization", response_model=OrganizationOut)
def rename_organization(
    body: OrganizationUpdate, actor: ApiActor, session: DbSession
) -> OrganizationOut:
    """Rename the organization (owner only)."""
    organization = accounts.rename_organization(session, actor, name=body.name)
    return OrganizationOut(id=organization.id, name=organization.name)


@router.get("/members", response_model=list[MemberOut])
def list_members(actor: ApiActor, session: DbSession) -> list[MemberOut]:
    """The organization's members and their roles."""
    return [_member_out(m) for m in accounts.members(session, actor)]


@router.patch("/members/{membership_id}", response_model=MemberOut)
def change_member_role(
    membership_id: str, body: MemberRoleUpdate, actor: ApiActor, session: DbSession
) -> MemberOut:
    """Give a member another role."""
    member = accounts.change_role(session, actor, membership_id=membership_id, role=Role(body.role))
    return _member_out(member)


@router.delete("/members/{membership_id}", status_code=204)
def remove_member(membership_id: str, actor: ApiActor, session: DbSession) -> Response:
    """Remove a member from the organization."""
    accounts.remove_member(session, actor, membership_id=membership_id)
    return Response(status_code=204)


@router.get("/invitations", response_model=list[InvitationOut])
def list_invitations(actor: ApiActor, session: DbSession) -> list[InvitationOut]:
    """The organization's invitations, newest first."""
    return [_invitation_out(i) for i in accounts.invitations(session, actor)]


@router.post("/invitations", response_model=InvitationCreated, status_code=201)
def create_invitation(
    body: InvitationCreate, actor: ApiActor, session: DbSession
) -> InvitationCreated:
    """Invite someone by e-mail; the accept link (on the configured base URL) is returned once."""
    made = accounts.invite(session, actor, email=body.email, role=Role(body.role))
    return InvitationCreated(
        **_invitation_out(made.invitation).model_dump(), accept_url=made.accept_url
    )


@router.delete("/invitations/{invitation_id}", status_code=204)
def revoke_invitation(invitation_id: str, actor: ApiActor, session: DbSession) -> Response:
    """Withdraw a pending invitation."""
    accounts.revoke_invitation(session, actor, invitation_id=invitation_id)
    return Response(status_code=204)


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(actor: ApiActor, session: DbSession) -> list[ApiKeyOut]:
    """The organization's API keys (never their secrets)."""
    return [_key_out(k) for k in api_key_service.list(session, actor)]


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201)
def create_api_key(body: ApiKeyCreate, actor: ApiActor, session: DbSession) -> ApiKeyCreated:
    """A new API key; its secret is in this response only."""
    made = api_key_service.create(session, actor, name=body.name, role=Role(body.role))
    return ApiKeyCreated(**_key_out(made.api_key).model_dump(), token=made.token)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyOut)
def revoke_api_key(key_id: str, actor: ApiActor, session: DbSession) -> ApiKeyOut:
    """Revoke a key; it stops working at once."""
    return _key_out(api_key_service.revoke(session, actor, key_id=key_id))


@router.get("/audit-log", response_model=list[AuditEntryOut])
def audit_log(
    actor: ApiActor,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[AwareDatetime | None, Query()] = None,
    target_type: Annotated[str | None, Query(max_length=60)] = None,
) -> list[AuditEntryOut]:
    """The audit trail, newest first; page with ``before`` = the last ``created_at`` seen."""
    actor.require(Permission.AUDIT_READ)
    entries = audit.list(session, actor.org, limit=limit, before=before, target_type=target_type)
    return [AuditEntryOut.model_validate(e, from_attributes=True) for e in entries]
