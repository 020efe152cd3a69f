"""Failure throttling: free failures, then lockouts that double up to a ceiling, in memory and on
Redis, with a clock the tests move (nobody waits for a lockout to end)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
import redis
from tests.conftest import REDIS_URL

from huntaze.core.backoff import (
    BackoffPolicy,
    FailureStore,
    FailureThrottle,
    MemoryFailureStore,
    RedisFailureStore,
)
from huntaze.core.errors import RateLimitedError

POLICY = BackoffPolicy(free_failures=3, first_lockout_s=10, max_lockout_s=40, forget_after_s=100)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _redis_store() -> FailureStore:
    return RedisFailureStore(
        redis.Redis.from_url(REDIS_URL), prefix=f"huntaze-test:{uuid.uuid4().hex}:"
    )


def _stores() -> list[object]:
    stores: list[object] = [pytest.param(MemoryFailureStore, id="memory")]
    if REDIS_URL:
        stores.append(pytest.param(_redis_store, id="redis"))
    return stores


@pytest.fixture(params=_stores())
def make_store(request: pytest.FixtureRequest) -> Callable[[], FailureStore]:
    factory: Callable[[], FailureStore] = request.param
    return factory


def _refused_for(throttle: FailureThrottle, key: str) -> int:
    with pytest.raises(RateLimitedError) as caught:
        throttle.reserve(key, POLICY)
    return caught.value.retry_after_s


def test_lockouts_start_after_the_free_failures_and_double_up_to_the_ceiling(
    make_store: Callable[[], FailureStore],
) -> None:
    clock = FakeClock()
    throttle = FailureThrottle(make_store(), clock=clock)
    for _ in range(3):
        throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 10
    clock.advance(9.5)
    assert _refused_for(throttle, "k") == 1
    clock.advance(0.5)
    throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 20
    clock.advance(20)
    throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 40
    clock.advance(40)
    throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 40, "the ceiling holds"
    throttle.reserve("other", POLICY)


def test_refused_attempts_do_not_lengthen_the_lock(make_store: Callable[[], FailureStore]) -> None:
    clock = FakeClock()
    throttle = FailureThrottle(make_store(), clock=clock)
    for _ in range(3):
        throttle.reserve("k", POLICY)
    for _ in range(5):
        _refused_for(throttle, "k")
    clock.advance(10)
    throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 20


def test_clear_starts_the_count_again(make_store: Callable[[], FailureStore]) -> None:
    clock = FakeClock()
    throttle = FailureThrottle(make_store(), clock=clock)
    for _ in range(3):
        throttle.reserve("k", POLICY)
    clock.advance(10)
    throttle.clear("k")
    for _ in range(3):
        throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 10


def test_failures_are_forgotten_after_a_quiet_period(
    make_store: Callable[[], FailureStore],
) -> None:
    clock = FakeClock()
    throttle = FailureThrottle(make_store(), clock=clock)
    for _ in range(3):
        throttle.reserve("k", POLICY)
    clock.advance(10 + 99)
    throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 20, "not forgotten yet: the fourth failure"
    clock.advance(20 + 100)
    for _ in range(3):
        throttle.reserve("k", POLICY)
    assert _refused_for(throttle, "k") == 10


def test_check_counts_nothing_and_fail_counts_without_checking(
    make_store: Callable[[], FailureStore],
) -> None:
    clock = FakeClock()
    throttle = FailureThrottle(make_store(), clock=clock)
    for _ in range(10):
        throttle.check("k", POLICY)
    for _ in range(4):
        throttle.fail("k", POLICY)
    with pytest.raises(RateLimitedError) as caught:
        throttle.check("k", POLICY)
    assert caught.value.retry_after_s == 20


@pytest.mark.skipif(not REDIS_URL, reason="HUNTAZE_TEST_REDIS_URL not set")
def test_two_throttles_on_redis_share_the_count() -> None:
    clock = FakeClock()
    prefix = f"huntaze-test:{uuid.uuid4().hex}:"
    first = FailureThrottle(RedisFailureStore(redis.Redis.from_url(REDIS_URL), prefix=prefix))
    second = FailureThrottle(RedisFailureStore(redis.Redis.from_url(REDIS_URL), prefix=prefix))
    first.clock = second.clock = clock
    first.reserve("k", POLICY)
    second.reserve("k", POLICY)
    first.reserve("k", POLICY)
    assert _refused_for(second, "k") == 10
