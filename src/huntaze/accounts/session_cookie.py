"""The browser session cookie, set and cleared in one place (DESIGN.md §8 "safe by construction").

Login and joining through an invitation both open a session; both hand the browser the same
cookie: HTTP-only, ``SameSite=Lax``, ``Secure`` behind TLS, living as long as the session.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from huntaze.accounts.auth import SESSION_COOKIE
from huntaze.config import Settings


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def set_session_cookie(request: Request, response: Response, cookie_value: str) -> None:
    """Give the browser the cookie of a session just started."""
    settings = _settings(request)
    response.set_cookie(
        SESSION_COOKIE,
        cookie_value,
        httponly=True,
        samesite="lax",
        secure=settings.uses_https,
        max_age=settings.session_max_age_s,
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    """Make the browser forget the session cookie."""
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=_settings(request).uses_https
    )
