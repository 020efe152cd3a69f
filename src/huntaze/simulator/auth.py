"""Who a request is: API token, session cookie, or admin token (DESIGN.md §3).

Endpoints open their own transaction with ``authenticated(request)`` so that a write is
committed before the response starts (the ``lost_response`` fault relies on that).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from huntaze.simulator.accounts import creator_for_api_token, creator_for_session
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.errors import SimulatorError
from huntaze.simulator.faults import SESSION_COOKIE
from huntaze.simulator.models import Creator
from huntaze.simulator.settings import SimulatorSettings


@dataclass(frozen=True)
class SimulatorContext:
    """What every route needs: the database and the settings."""

    db: SimulatorDatabase
    settings: SimulatorSettings


class LoginRequiredError(Exception):
    """A page was asked for without a valid session (answered with a redirect to /login)."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("login required")
        self.expired = expired


def context(request: Request) -> SimulatorContext:
    """The simulator context of the app serving this request."""
    ctx = request.app.state.simulator
    assert isinstance(ctx, SimulatorContext)
    return ctx


def resolve_creator(session: Session, request: Request) -> Creator:
    """The account of an API token or a logged-in session cookie, or a 401."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        creator = creator_for_api_token(session, auth[7:].strip())
        if creator is None:
            raise SimulatorError(401, "invalid_token", "The API token is not valid.")
        return creator
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SimulatorError(401, "not_authenticated", "Log in or send an API token.")
    creator = creator_for_session(session, token)
    if creator is None:
        raise SimulatorError(401, "session_expired", "The session has expired; log in again.")
    return creator


@contextmanager
def authenticated(request: Request) -> Iterator[tuple[Session, Creator]]:
    """A transaction and the account of an API request."""
    with context(request).db.session() as session:
        yield session, resolve_creator(session, request)


@contextmanager
def page_account(request: Request) -> Iterator[tuple[Session, Creator]]:
    """A transaction and the account of a page request; redirects to /login when logged out."""
    with context(request).db.session() as session:
        token = request.cookies.get(SESSION_COOKIE)
        creator = creator_for_session(session, token) if token else None
        if creator is None:
            raise LoginRequiredError(expired=bool(token))
        yield session, creator


def require_admin(request: Request) -> None:
    """Refuse admin calls without the admin token (header ``X-Admin-Token``)."""
    expected = context(request).settings.admin_token
    given = request.headers.get("x-admin-token", "")
    if not expected or not hmac.compare_digest(given, expected):
        raise SimulatorError(403, "admin_forbidden", "Send the simulator's X-Admin-Token header.")
