"""Guessing kept slow: wrong passwords and unknown API keys lock their target for longer and longer.

Policies over :mod:`huntaze.core.backoff` (DESIGN.md §3, "rate limit" middleware):

- a password attempt is refused while its client address or its account (the e-mail, known or
  not, so that a lockout says nothing about who has an account) is locked; the account's failure
  is counted before the password is checked, so parallel guesses cannot slip in together;
- a wrong password counts against the address too; a right one is not counted and restarts the
  account's count;
- an invitation link that leads nowhere, or that names an existing account the caller is not
  logged in as, counts against the client address like a wrong password;
- a bearer token that is no API key at all counts against the client address, and the API
  refuses that address's bearer tokens while it is locked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session
from starlette.requests import Request

from huntaze.accounts.models import User
from huntaze.accounts.sessions import login
from huntaze.config import Settings, get_settings
from huntaze.core.backoff import BackoffPolicy, FailureThrottle
from huntaze.core.errors import AuthenticationRequiredError, NotFoundError
from huntaze.core.http import client_address
from huntaze.core.security import hash_token


def _policy(settings: Settings, free_failures: int) -> BackoffPolicy:
    return BackoffPolicy(
        free_failures=free_failures,
        first_lockout_s=settings.lockout_first_s,
        max_lockout_s=settings.lockout_max_s,
        forget_after_s=settings.lockout_forget_after_s,
    )


def account_policy() -> BackoffPolicy:
    """Wrong passwords one account may take before it locks."""
    settings = get_settings()
    return _policy(settings, settings.login_failures_per_account)


def address_policy() -> BackoffPolicy:
    """Wrong passwords one client address may send before it locks."""
    settings = get_settings()
    return _policy(settings, settings.login_failures_per_address)


def api_key_policy() -> BackoffPolicy:
    """Unknown API keys one client address may send before it locks."""
    settings = get_settings()
    return _policy(settings, settings.api_key_failures_per_address)


def failure_throttle(request: Request) -> FailureThrottle:
    """The application's failure throttle (in-process, or on Redis)."""
    throttle: FailureThrottle = request.app.state.failure_throttle
    return throttle


def _account_key(email: str) -> str:
    # Hashed: the shared store holds no e-mail addresses.
    return "password:account:" + hash_token(email.strip().lower())


def _address_key(address: str) -> str:
    return "password:address:" + address


def authenticate_throttled(
    request: Request, session: Session, *, email: str, password: str
) -> User:
    """The user with these credentials, unless their account or the caller is locked (429)."""
    throttle = failure_throttle(request)
    address = client_address(request)
    throttle.check(_address_key(address), address_policy())
    throttle.reserve(_account_key(email), account_policy())
    try:
        user = login.authenticate(session, email=email, password=password)
    except AuthenticationRequiredError:
        throttle.fail(_address_key(address), address_policy())
        raise
    throttle.clear(_account_key(email))
    return user


def check_api_key_address(request: Request) -> None:
    """Refuse (429) a bearer token from an address that sent too many unknown keys."""
    failure_throttle(request).check("api_key:address:" + client_address(request), api_key_policy())


def count_bad_api_key(request: Request) -> None:
    """Count a bearer token that was not a live API key against its client address."""
    failure_throttle(request).fail("api_key:address:" + client_address(request), api_key_policy())


@contextmanager
def counted_as_guess(request: Request) -> Iterator[None]:
    """Refuse (429) while the caller's address is locked for password guessing; count a link
    that leads nowhere, or an account refused, as one more failure of that address."""
    throttle = failure_throttle(request)
    key = _address_key(client_address(request))
    throttle.check(key, address_policy())
    try:
        yield
    except (NotFoundError, AuthenticationRequiredError):
        throttle.fail(key, address_policy())
        raise
