"""Creator accounts, passwords, one-time codes, sessions and API tokens (DESIGN.md §3).

Logging in is two steps when the account has its one-time code switched on: the password gives
a session in stage ``otp``; the fixed code (readable through ``/_admin``) upgrades it to ``full``.
Passwords use PBKDF2 with few rounds: this is a local stand-in, not a place for real secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from huntaze.simulator.models import Creator, SessionToken

SKINS = ("classic", "api2")
PBKDF2_ROUNDS = 2_000


def hash_password(password: str, salt: str) -> str:
    """The stored hash of ``password``."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), PBKDF2_ROUNDS)
    return digest.hex()


def creator_by_username(session: Session, username: str) -> Creator | None:
    """The account with this username, if any."""
    return session.scalars(select(Creator).where(Creator.username == username)).first()


def authenticate(session: Session, username: str, password: str) -> Creator | None:
    """The account when the password matches, else ``None``."""
    creator = creator_by_username(session, username)
    if creator is None:
        return None
    expected = hash_password(password, creator.password_salt)
    return creator if hmac.compare_digest(expected, creator.password_hash) else None


def start_session(session: Session, creator: Creator) -> SessionToken:
    """A new session, waiting for the one-time code when the account requires it."""
    row = SessionToken(
        token=secrets.token_urlsafe(32),
        creator_id=creator.id,
        stage="otp" if creator.otp_enabled else "full",
    )
    session.add(row)
    session.flush()
    return row


def complete_otp(session: Session, token: str, code: str) -> bool:
    """Upgrade a session waiting for its code; ``False`` when the code is wrong."""
    row = session.get(SessionToken, token)
    if row is None or row.stage != "otp":
        return False
    creator = session.get(Creator, row.creator_id)
    if creator is None or not hmac.compare_digest(creator.otp_code, code.strip()):
        return False
    row.stage = "full"
    return True


def session_stage(session: Session, token: str) -> tuple[Creator, str] | None:
    """The account and stage of a session token."""
    row = session.get(SessionToken, token)
    if row is None:
        return None
    creator = session.get(Creator, row.creator_id)
    return (creator, row.stage) if creator else None


def creator_for_session(session: Session, token: str) -> Creator | None:
    """The account of a fully logged-in session."""
    found = session_stage(session, token)
    return found[0] if found and found[1] == "full" else None


def creator_for_api_token(session: Session, token: str) -> Creator | None:
    """The account an API token belongs to."""
    return session.scalars(select(Creator).where(Creator.api_token == token)).first()


def end_session(session: Session, token: str) -> None:
    """Log a session out."""
    session.execute(delete(SessionToken).where(SessionToken.token == token))


def revoke_sessions(session: Session, creator_id: int) -> int:
    """Expire every session of an account (the ``session_expiry`` fault); returns how many."""
    result = session.execute(delete(SessionToken).where(SessionToken.creator_id == creator_id))
    return int(getattr(result, "rowcount", 0) or 0)
