"""The pages every visitor meets: login, logout, the dashboard, the organization switcher."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from starlette.responses import FileResponse, RedirectResponse, Response

from huntaze.accounts.auth import PageUser, optional_page_auth
from huntaze.accounts.service import accounts
from huntaze.accounts.session_cookie import clear_session_cookie, set_session_cookie
from huntaze.accounts.sessions import login
from huntaze.accounts.throttling import authenticate_throttled
from huntaze.core.errors import AppError, PermissionDeniedError, RateLimitedError
from huntaze.core.http import DbSession
from huntaze.core.security import constant_time_equal, new_token
from huntaze.creators.service import creators
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
FAVICON = Path(__file__).resolve().parent / "static" / "favicon.svg"
LOGIN_CSRF_COOKIE = "huntaze_login_csrf"
register_nav("Dashboard", "/", order=10)


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _login_page(
    request: Request, *, next_url: str, error: str | None = None, email: str = "", status: int = 200
) -> Response:
    token = new_token(nbytes=16)
    response = render(
        request,
        "login.html",
        {"login_csrf": token, "next": next_url, "error": error, "email": email},
        status=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.uses_https,
        max_age=3600,
    )
    return response


@router.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers ask for on pages that name none (the API docs)."""
    return FileResponse(FAVICON, media_type="image/svg+xml")


@router.get("/login")
def login_form(request: Request, session: DbSession, next: str | None = None) -> Response:
    """The login form; someone already logged in goes straight on."""
    if optional_page_auth(request, session) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_url=_safe_next(next))


@router.post("/login")
def login_submit(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the credentials, open a session, set the cookie."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not constant_time_equal(expected, csrf_token):
        return _login_page(
            request,
            next_url=_safe_next(next),
            email=email,
            status=400,
            error="The login form expired. Please try again.",
        )
    try:
        user = authenticate_throttled(request, session, email=email, password=password)
        started = login.start(session, user=user)
    except AppError as exc:
        page = _login_page(
            request,
            next_url=_safe_next(next),
            email=email,
            error=exc.detail,
            status=exc.status_code,
        )
        if isinstance(exc, RateLimitedError):
            page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, started.cookie_value)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, auth: PageUser) -> Response:
    """End the session and go back to the login page."""
    login.end(auth.login_session)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.post("/orgs/switch")
def switch_organization(
    auth: PageUser, session: DbSession, organization_id: Annotated[str, Form(max_length=64)]
) -> Response:
    """Act in another of your organizations."""
    login.switch_organization(
        session, login_session=auth.login_session, organization_id=organization_id
    )
    return RedirectResponse("/", status_code=303)


@router.get("/")
def dashboard(request: Request, auth: PageUser, session: DbSession) -> Response:
    """The first page after login: the organization at a glance."""
    organization = accounts.organization(session, auth.actor.org)
    creator_list = creators.list_creators(session, auth.actor)
    by_creator = creators.accounts_by_creator(session, auth.actor, creator_list)
    try:
        member_count = len(accounts.members(session, auth.actor))
    except PermissionDeniedError:
        member_count = 0
    return render(
        request,
        "home/dashboard.html",
        {
            "organization": organization,
            "creators": creator_list,
            "accounts_by_creator": by_creator,
            "member_count": member_count,
        },
    )
