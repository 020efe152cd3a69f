"""Rate limits in-process and, when configured, shared through Redis; 429 on the API."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage, RedisStorage
from sqlalchemy.orm import Session
from tests.conftest import REDIS_URL
from tests.factories import api_headers, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.core.errors import RateLimitedError
from huntaze.core.ratelimit import RateLimiter


def _storages() -> list[object]:
    storages: list[object] = [pytest.param(MemoryStorage, id="memory")]
    if REDIS_URL:
        storages.append(pytest.param(lambda: RedisStorage(REDIS_URL), id="redis"))
    return storages


@pytest.mark.parametrize("make_storage", _storages())
def test_limit_counts_per_key_and_says_when(make_storage: object) -> None:
    limiter = RateLimiter(make_storage())  # type: ignore[operator]
    key = uuid.uuid4().hex
    for _ in range(3):
        limiter.hit(key, per_minute=3)
    with pytest.raises(RateLimitedError) as caught:
        limiter.hit(key, per_minute=3)
    assert 1 <= caught.value.retry_after_s <= 60
    limiter.hit(uuid.uuid4().hex, per_minute=3)


@pytest.mark.skipif(not REDIS_URL, reason="HUNTAZE_TEST_REDIS_URL not set")
def test_two_limiters_on_redis_share_one_budget() -> None:
    key = uuid.uuid4().hex
    first, second = RateLimiter(RedisStorage(REDIS_URL)), RateLimiter(RedisStorage(REDIS_URL))
    first.hit(key, per_minute=2)
    second.hit(key, per_minute=2)
    with pytest.raises(RateLimitedError):
        first.hit(key, per_minute=2)


def test_api_answers_429_with_retry_after(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huntaze.config import get_settings

    monkeypatch.setattr(get_settings(), "rate_limit_per_minute", 2)
    member = make_member(session, make_org(session), Role.VIEWER)
    headers = api_headers(client, session, member)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    limited = client.get("/api/v1/me", headers=headers)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["title"] == "Too many requests"


@pytest.mark.parametrize("make_storage", _storages())
def test_acquire_says_where_the_caller_stands(make_storage: object) -> None:
    limiter = RateLimiter(make_storage())  # type: ignore[operator]
    key = uuid.uuid4().hex
    statuses = [limiter.acquire(key, per_minute=2) for _ in range(3)]
    assert [(s.allowed, s.remaining) for s in statuses] == [(True, 1), (True, 0), (False, 0)]
    assert statuses[-1].headers()["RateLimit-Limit"] == "2"
    assert 1 <= int(statuses[-1].headers()["RateLimit-Reset"]) <= 60


def test_api_429_carries_the_ratelimit_headers(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huntaze.config import get_settings

    monkeypatch.setattr(get_settings(), "rate_limit_per_minute", 1)
    member = make_member(session, make_org(session), Role.VIEWER)
    headers = api_headers(client, session, member)
    allowed = client.get("/api/v1/me", headers=headers)
    assert allowed.headers["RateLimit-Remaining"] == "0"
    limited = client.get("/api/v1/me", headers=headers)
    assert limited.status_code == 429
    assert limited.headers["RateLimit-Limit"] == "1"
    assert limited.headers["RateLimit-Remaining"] == "0"
    assert limited.headers["RateLimit-Reset"] == limited.headers["Retry-After"]
