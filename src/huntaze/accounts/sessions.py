"""Login sessions: password check, session cookie token, organization switch, logout.

The cookie carries a signed random token; only its hash is stored, so a leaked database does not
give away live sessions, and logging out or expiring a session takes effect at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.models import LoginSession, User
from huntaze.accounts.permissions import Role
from huntaze.accounts.repository import login_sessions, memberships, users
from huntaze.config import get_settings
from huntaze.core.db import utcnow
from huntaze.core.errors import AuthenticationRequiredError, NotFoundError
from huntaze.core.security import (
    hash_password,
    hash_token,
    new_token,
    sign,
    unsign,
    verify_password,
)
from huntaze.core.tenancy import trusted_org_id

COOKIE_SALT = "huntaze.session"
# A hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
_UNKNOWN_USER_HASH: list[str] = []


@dataclass(frozen=True, slots=True)
class StartedSession:
    """A new session: the value to put in the cookie and the stored row."""

    cookie_value: str
    login_session: LoginSession


class LoginService:
    """Authenticates people and keeps their browser sessions."""

    def authenticate(self, session: Session, *, email: str, password: str) -> User:
        """The active user with these credentials; 401 with one message for every failure."""
        user = users.by_email(session, email)
        if user is None:
            if not _UNKNOWN_USER_HASH:
                _UNKNOWN_USER_HASH.append(hash_password(new_token()))
            verify_password(_UNKNOWN_USER_HASH[0], password)
            raise AuthenticationRequiredError("Wrong e-mail or password.")
        if not verify_password(user.password_hash, password) or not user.is_active:
            raise AuthenticationRequiredError("Wrong e-mail or password.")
        return user

    def start(self, session: Session, *, user: User) -> StartedSession:
        """Open a session for ``user`` in their first organization."""
        member_of = memberships.for_user(session, user.id)
        if not member_of:
            raise AuthenticationRequiredError(
                "This account is not a member of any organization; ask for an invitation."
            )
        now = utcnow()
        token = new_token()
        row = LoginSession(
            user_id=user.id,
            organization_id=member_of[0].organization_id,
            token_hash=hash_token(token),
            csrf_token=new_token(nbytes=24),
            expires_at=now + dt.timedelta(seconds=get_settings().session_max_age_s),
        )
        user.last_login_at = now
        session.add(row)
        return StartedSession(cookie_value=sign(token, salt=COOKIE_SALT), login_session=row)

    def resolve(self, session: Session, cookie_value: str) -> tuple[LoginSession, Actor]:
        """The open session and actor behind a cookie; 401 when missing, expired or revoked."""
        token = unsign(cookie_value, salt=COOKIE_SALT)
        row = login_sessions.by_token_hash(session, hash_token(token)) if token else None
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            raise AuthenticationRequiredError("Your session has ended; please log in again.")
        user = users.by_id(session, row.user_id)
        membership = memberships.of_user_in(session, row.user_id, row.organization_id)
        if user is None or not user.is_active or membership is None:
            raise AuthenticationRequiredError("Your session has ended; please log in again.")
        actor = Actor(
            org=trusted_org_id(row.organization_id),
            role=Role(membership.role),
            label=f"{user.name} <{user.email}>",
            user_id=user.id,
            session_id=row.id,
        )
        return row, actor

    def switch_organization(
        self, session: Session, *, login_session: LoginSession, organization_id: str
    ) -> None:
        """Make another of the user's organizations the active one."""
        if memberships.of_user_in(session, login_session.user_id, organization_id) is None:
            raise NotFoundError("No such organization.")
        login_session.organization_id = organization_id

    def end(self, login_session: LoginSession) -> None:
        """Log out: the session stops working at once."""
        login_session.revoked_at = utcnow()


login = LoginService()
