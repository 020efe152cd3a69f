"""HTML pages of the accounts domain: team and invitations, API keys, audit log, joining."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.audit import audit
from huntaze.accounts.auth import PageAuth, PageUser, optional_page_auth
from huntaze.accounts.permissions import ROLE_RANK, Permission, Role, can_grant
from huntaze.accounts.schemas import ApiKeyCreate, InvitationCreate
from huntaze.accounts.service import accounts
from huntaze.accounts.session_cookie import set_session_cookie
from huntaze.accounts.sessions import login
from huntaze.accounts.throttling import counted_as_guess
from huntaze.core.errors import AppError, AuthenticationRequiredError, InvalidInputError
from huntaze.core.fields import AwareDatetime
from huntaze.core.http import DbSession
from huntaze.core.security import constant_time_equal
from huntaze.web.forms import FormState, parse_form
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
register_nav("Team", "/team", Permission.MEMBERS_READ, order=90)
register_nav("API keys", "/settings/api-keys", Permission.API_KEYS_MANAGE, order=95)
register_nav("Audit log", "/audit", Permission.AUDIT_READ, order=98)

ROLES_HIGH_TO_LOW = sorted(Role, key=lambda r: -ROLE_RANK[r])


def _grantable_roles(auth: PageUser) -> list[Role]:
    """The roles this person may give, highest first (what the role selects offer)."""
    return [r for r in ROLES_HIGH_TO_LOW if can_grant(auth.actor.role, r)]


def _team_page(
    request: Request,
    auth: PageUser,
    session: DbSession,
    *,
    new_link: str | None = None,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    invitations = accounts.invitations(session, auth.actor)
    return render(
        request,
        "accounts/team.html",
        {
            "members": accounts.members(session, auth.actor),
            "invitations": invitations,
            "revocable": {i.id for i in invitations if i.state == "pending"},
            "roles": _grantable_roles(auth),
            "new_link": new_link,
            "form": form or FormState(),
        },
        status=status,
    )


@router.get("/team")
def team(request: Request, auth: PageUser, session: DbSession) -> Response:
    """Members, their roles, and pending invitations."""
    return _team_page(request, auth, session)


@router.post("/team/invitations")
def invite(
    request: Request,
    auth: PageUser,
    session: DbSession,
    email: Annotated[str, Form(max_length=400)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    """Invite someone; the page shows the link to send them."""
    values = {"email": email, "role": role}
    try:
        data = parse_form(InvitationCreate, values)
        made = accounts.invite(session, auth.actor, email=data.email, role=Role(data.role))
    except AppError as exc:
        failed = FormState.failed(values, exc)
        return _team_page(request, auth, session, form=failed, status=exc.status_code)
    return _team_page(request, auth, session, new_link=made.accept_url)


@router.post("/team/invitations/{invitation_id}/revoke")
def revoke_invitation(invitation_id: str, auth: PageUser, session: DbSession) -> Response:
    """Withdraw an invitation."""
    accounts.revoke_invitation(session, auth.actor, invitation_id=invitation_id)
    return RedirectResponse("/team", status_code=303)


@router.post("/team/members/{membership_id}/role")
def change_role(
    membership_id: str,
    auth: PageUser,
    session: DbSession,
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    """Change a member's role."""
    if role not in {r.value for r in Role}:
        raise InvalidInputError(f"Unknown role {role!r}.")
    accounts.change_role(session, auth.actor, membership_id=membership_id, role=Role(role))
    return RedirectResponse("/team", status_code=303)


@router.post("/team/members/{membership_id}/remove")
def remove_member(membership_id: str, auth: PageUser, session: DbSession) -> Response:
    """Remove a member."""
    accounts.remove_member(session, auth.actor, membership_id=membership_id)
    return RedirectResponse("/team", status_code=303)


def _keys_page(
    request: Request,
    auth: PageUser,
    session: DbSession,
    *,
    new_token: str | None = None,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "accounts/api_keys.html",
        {
            "keys": api_key_service.list(session, auth.actor),
            "roles": _grantable_roles(auth),
            "new_token": new_token,
            "form": form or FormState(values={"role": Role.VIEWER.value}),
        },
        status=status,
    )


@router.get("/settings/api-keys")
def api_keys_page(request: Request, auth: PageUser, session: DbSession) -> Response:
    """The organization's API keys."""
    return _keys_page(request, auth, session)


@router.post("/settings/api-keys")
def create_api_key(
    request: Request,
    auth: PageUser,
    session: DbSession,
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=20)] = "viewer",
) -> Response:
    """Create a key and show its secret once."""
    values = {"name": name, "role": role}
    try:
        data = parse_form(ApiKeyCreate, values)
        made = api_key_service.create(session, auth.actor, name=data.name, role=Role(data.role))
    except AppError as exc:
        failed = FormState.failed(values, exc)
        return _keys_page(request, auth, session, form=failed, status=exc.status_code)
    return _keys_page(request, auth, session, new_token=made.token)


@router.post("/settings/api-keys/{key_id}/revoke")
def revoke_api_key(key_id: str, auth: PageUser, session: DbSession) -> Response:
    """Revoke a key."""
    api_key_service.revoke(session, auth.actor, key_id=key_id)
    return RedirectResponse("/settings/api-keys", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    auth: PageUser,
    session: DbSession,
    before: AwareDatetime | None = None,
) -> Response:
    """Who did what, when; 50 entries a page."""
    auth.actor.require(Permission.AUDIT_READ)
    entries = audit.list(session, auth.actor.org, limit=50, before=before)
    older = entries[-1].created_at.isoformat() if len(entries) == 50 else None
    return render(request, "accounts/audit.html", {"entries": entries, "older": older})


def _invitation_page(
    request: Request,
    session: DbSession,
    *,
    token: str,
    current: PageAuth | None,
    name: str = "",
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    """A new person sets a name and password; an existing user joins from their own session."""
    invitation, organization = accounts.invitation_with_organization(session, token=token)
    invitee = accounts.invitee_account(session, invitation)
    if invitee is None:
        mode = "new"
    elif current is None:
        mode = "log_in_first"
    elif current.login_session.user_id == invitee.id:
        mode = "join"
    else:
        mode = "switch_account"
    return render(
        request,
        "accounts/invite.html",
        {
            "invitation": invitation,
            "organization": organization,
            "mode": mode,
            "csrf_token": current.login_session.csrf_token if current else "",
            "signed_in_as": current.actor.label if current else "",
            "login_url": "/login?next=" + quote(f"/invite/{token}", safe=""),
            "errors": errors or [],
            "name": name,
        },
        status=status,
    )


@router.get("/invite/{token}")
def invitation_page(request: Request, token: str, session: DbSession) -> Response:
    """The page an invited person opens."""
    with counted_as_guess(request):
        return _invitation_page(
            request, session, token=token, current=optional_page_auth(request, session)
        )


@router.post("/invite/{token}")
def accept_invitation(
    request: Request,
    token: str,
    session: DbSession,
    name: Annotated[str, Form(max_length=120)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Join: a new person creates their account; an existing user joins from their session."""
    current = optional_page_auth(request, session)
    signed_in = (
        current
        if current is not None and constant_time_equal(csrf_token, current.login_session.csrf_token)
        else None
    )
    try:
        with counted_as_guess(request):
            user, membership = accounts.accept_invitation(
                session,
                token=token,
                name=name,
                password=password,
                signed_in_user_id=signed_in.login_session.user_id if signed_in else None,
            )
    except (InvalidInputError, AuthenticationRequiredError) as exc:
        return _invitation_page(
            request,
            session,
            token=token,
            current=current,
            name=name,
            errors=exc.errors or [{"field": "form", "message": exc.detail}],
            status=exc.status_code,
        )
    if signed_in is not None and signed_in.login_session.user_id == user.id:
        login.switch_organization(
            session,
            login_session=signed_in.login_session,
            organization_id=membership.organization_id,
        )
        return RedirectResponse("/", status_code=303)
    started = login.start(session, user=user)
    login.switch_organization(
        session, login_session=started.login_session, organization_id=membership.organization_id
    )
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, started.cookie_value)
    return response
