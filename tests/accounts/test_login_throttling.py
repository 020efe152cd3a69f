"""Guessing kept slow: per account and per address, with growing lockouts and Retry-After;
successful logins are not counted; unknown API keys lock their address; the API's responses say
where the caller stands with the RateLimit-* headers. In memory and, when configured, on Redis;
the throttle's clock is moved by the tests."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.conftest import REDIS_URL
from tests.core.test_backoff import FakeClock
from tests.factories import PASSWORD, Member, api_headers, make_member, make_org

from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.permissions import Role
from huntaze.config import get_settings
from huntaze.core.backoff import FailureThrottle, MemoryFailureStore, RedisFailureStore

FIRST_LOCKOUT_S = get_settings().lockout_first_s


def _backends() -> list[object]:
    backends: list[object] = [pytest.param("memory", id="memory")]
    if REDIS_URL:
        backends.append(pytest.param("redis", id="redis"))
    return backends


@pytest.fixture(params=_backends())
def clock(request: pytest.FixtureRequest, app: FastAPI) -> FakeClock:
    """The app's failure throttle, on each backend, with a clock the test moves."""
    fake = FakeClock()
    if request.param == "redis":
        store = RedisFailureStore(
            redis.Redis.from_url(REDIS_URL), prefix=f"huntaze-test:{uuid.uuid4().hex}:"
        )
        app.state.failure_throttle = FailureThrottle(store, clock=fake)
    else:
        app.state.failure_throttle = FailureThrottle(MemoryFailureStore(), clock=fake)
    return fake


@pytest.fixture
def from_address(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """Clients of the same app that connect from the addresses the test names."""
    opened: list[TestClient] = []

    def open_client(address: str) -> TestClient:
        client = TestClient(app, raise_server_exceptions=False, client=(address, 50000))
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


def _log_in(client: TestClient, email: str, password: str) -> int:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    client.cookies.clear()
    return response.status_code


def _member(session: Session) -> Member:
    member = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    return member


def test_an_account_locks_after_wrong_passwords_from_any_address(
    session: Session, clock: FakeClock, from_address: Callable[[str], TestClient]
) -> None:
    email = _member(session).user.email
    for n in range(get_settings().login_failures_per_account):
        assert _log_in(from_address(f"10.0.0.{n}"), email, "wrong password!") == 401
    elsewhere = from_address("10.0.1.1")
    page = elsewhere.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    locked = elsewhere.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert locked.status_code == 429, "even the right password waits"
    assert int(locked.headers["Retry-After"]) == FIRST_LOCKOUT_S
    assert "try again in" in locked.text


def test_lockouts_grow_and_a_success_starts_the_count_again(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    email = _member(session).user.email
    free = get_settings().login_failures_per_account
    for _ in range(free):
        assert _log_in(client, email, "wrong password!") == 401
    assert _log_in(client, email, PASSWORD) == 429
    clock.advance(FIRST_LOCKOUT_S)
    assert _log_in(client, email, "wrong password!") == 401
    assert _log_in(client, email, PASSWORD) == 429
    clock.advance(FIRST_LOCKOUT_S)
    assert _log_in(client, email, PASSWORD) == 429, "the second lockout lasts twice as long"
    clock.advance(FIRST_LOCKOUT_S)
    assert _log_in(client, email, PASSWORD) == 303
    for _ in range(free):
        assert _log_in(client, email, "wrong password!") == 401
    assert _log_in(client, email, PASSWORD) == 429


def test_successful_logins_are_not_counted(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    email = _member(session).user.email
    for _ in range(get_settings().login_failures_per_address + 5):
        assert _log_in(client, email, PASSWORD) == 303


def test_an_address_locks_after_wrong_passwords_for_many_accounts(
    client: TestClient, session: Session, clock: FakeClock
) -> None:
    for n in range(get_settings().login_failures_per_address):
        assert _log_in(client, f"nobody{n}@example.test", "wrong password!") == 401
    assert _log_in(client, _member(session).user.email, PASSWORD) == 429
    clock.advance(FIRST_LOCKOUT_S)
    assert _log_in(client, _member(session).user.email, PASSWORD) == 303


def test_unknown_api_keys_lock_their_address(
    session: Session, clock: FakeClock, from_address: Callable[[str], TestClient]
) -> None:
    member = make_member(session, make_org(session), Role.ADMIN)
    good = api_key_service.create(session, member.actor, name="ci", role=Role.VIEWER).token
    session.commit()
    guesser, honest = from_address("10.9.9.9"), from_address("10.8.8.8")
    for _ in range(get_settings().api_key_failures_per_address):
        bad = guesser.get("/api/v1/me", headers={"Authorization": f"Bearer hz_{uuid.uuid4()}"})
        assert bad.status_code == 401
    locked = guesser.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == FIRST_LOCKOUT_S
    assert locked.headers["RateLimit-Remaining"] == "0"
    assert locked.headers["RateLimit-Reset"] == str(int(FIRST_LOCKOUT_S))
    assert honest.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    clock.advance(FIRST_LOCKOUT_S)
    assert guesser.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"}).status_code == 200


def test_api_responses_carry_ratelimit_headers(client: TestClient, session: Session) -> None:
    member = make_member(session, make_org(session), Role.VIEWER)
    headers = api_headers(client, session, member)
    first = client.get("/api/v1/me", headers=headers)
    second = client.get("/api/v1/me", headers=headers)
    limit = get_settings().rate_limit_per_minute
    assert first.headers["RateLimit-Limit"] == str(limit)
    assert first.headers["RateLimit-Remaining"] == str(limit - 1)
    assert second.headers["RateLimit-Remaining"] == str(limit - 2)
    assert 1 <= int(second.headers["RateLimit-Reset"]) <= 60
