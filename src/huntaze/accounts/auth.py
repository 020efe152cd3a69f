"""Access aliases for routes and pages: who is asking, in which organization, may they.

API requests authenticate with ``Authorization: Bearer <api key>`` or the session cookie (then
an ``X-CSRF-Token`` header is required on writes). Pages use the cookie only; every form carries
the session's CSRF token. Failing authentication gives 401 on the API and a redirect to the login
page in the browser (see ``huntaze.web.errors``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.api_keys import UnknownApiKeyError, api_key_service
from huntaze.accounts.models import LoginSession
from huntaze.accounts.repository import memberships
from huntaze.accounts.sessions import login
from huntaze.accounts.throttling import api_key_policy, check_api_key_address, count_bad_api_key
from huntaze.config import get_settings
from huntaze.core.errors import (
    AuthenticationRequiredError,
    PermissionDeniedError,
    RateLimitedError,
)
from huntaze.core.http import DbSession, client_address
from huntaze.core.ratelimit import RateLimiter, RateLimitStatus, record_status
from huntaze.core.security import constant_time_equal

SESSION_COOKIE = "huntaze_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class PageAuth:
    """A browser request's actor and the login session behind it."""

    actor: Actor
    login_session: LoginSession


def _rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def _check_csrf(request: Request, login_session: LoginSession, presented: str | None) -> None:
    if request.method in SAFE_METHODS:
        return
    if not presented or not constant_time_equal(presented, login_session.csrf_token):
        raise PermissionDeniedError(
            "The form's security token is missing or out of date. Reload the page and try again."
        )


_bearer = HTTPBearer(auto_error=False, description="An API key made on the API keys page.")


def api_actor(
    request: Request,
    session: DbSession,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The authenticated actor of an API request, rate-limited per key or user; unknown API
    keys are throttled per client address."""
    if bearer is not None:
        actor = _bearer_actor(request, session, bearer.credentials.strip())
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise AuthenticationRequiredError(
                "Send an API key as 'Authorization: Bearer <key>', or log in."
            )
        login_session, actor = login.resolve(session, cookie)
        _check_csrf(request, login_session, request.headers.get(CSRF_HEADER))
    subject = actor.api_key_id or actor.user_id or client_address(request)
    status = _rate_limiter(request).acquire(
        subject, per_minute=get_settings().rate_limit_per_minute
    )
    record_status(request.scope, status)
    if not status.allowed:
        raise status.refusal()
    request.state.actor = actor
    return actor


def _bearer_actor(request: Request, session: Session, token: str) -> Actor:
    try:
        check_api_key_address(request)
    except RateLimitedError as exc:
        refused = RateLimitStatus(
            allowed=False,
            limit=api_key_policy().free_failures,
            remaining=0,
            reset_after_s=exc.retry_after_s,
        )
        record_status(request.scope, refused)
        raise
    try:
        return api_key_service.authenticate(session, token)
    except UnknownApiKeyError:
        count_bad_api_key(request)
        raise


async def _form_csrf_token(request: Request) -> str | None:
    """The CSRF token of a form post or an HTMX request (header), read before the sync check."""
    header = request.headers.get(CSRF_HEADER)
    if header or request.method in SAFE_METHODS:
        return header
    content_type = request.headers.get("content-type", "")
    if "form" not in content_type:
        return None
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def page_auth(
    request: Request,
    session: DbSession,
    presented_csrf: Annotated[str | None, Depends(_form_csrf_token)],
) -> PageAuth:
    """The logged-in person behind a page request; forms must carry the CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthenticationRequiredError("Please log in.")
    login_session, actor = login.resolve(session, cookie)
    _check_csrf(request, login_session, presented_csrf)
    request.state.actor = actor
    request.state.csrf_token = login_session.csrf_token
    # Plain values, not ORM objects: an error page renders after the session rolled back.
    request.state.organizations = [
        {"id": m.organization.id, "name": m.organization.name}
        for m in memberships.for_user(session, login_session.user_id)
    ]
    return PageAuth(actor=actor, login_session=login_session)


def optional_page_auth(request: Request, session: Session) -> PageAuth | None:
    """The logged-in person if there is one (login page: skip it when already logged in)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        login_session, actor = login.resolve(session, cookie)
    except AuthenticationRequiredError:
        return None
    return PageAuth(actor=actor, login_session=login_session)


ApiActor = Annotated[Actor, Depends(api_actor)]
PageUser = Annotated[PageAuth, Depends(page_auth)]
