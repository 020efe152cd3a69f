"""Per-key locks: file locks (embedded) and Redis locks (at scale) behave the same."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from tests.conftest import REDIS_URL

from huntaze.core.locks import FileLocks, Locks, LockTimeoutError, RedisLocks

BACKENDS = ["file"] + (["redis"] if REDIS_URL else [])


@pytest.fixture(params=BACKENDS)
def locks(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Locks]:
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL)
        yield RedisLocks(client, ttl_s=5, prefix=f"huntaze:test-lock:{tmp_path.name}:")
        client.close()
    else:
        yield FileLocks(tmp_path / "locks")


def test_a_held_key_times_out_for_others_and_frees_after(locks: Locks) -> None:
    with locks.hold("account:1", timeout_s=1):
        outcome: list[str] = []

        def contender() -> None:
            try:
                with locks.hold("account:1", timeout_s=0.2):
                    outcome.append("got it")
            except LockTimeoutError:
                outcome.append("timed out")

        thread = threading.Thread(target=contender)
        thread.start()
        thread.join()
        assert outcome == ["timed out"]
        with locks.hold("account:2", timeout_s=0.2):
            pass  # other keys are independent
    with locks.hold("account:1", timeout_s=0.2):
        pass


def _hold_forever(directory: str, ready: object) -> None:
    import time

    with FileLocks(Path(directory)).hold("account:9", timeout_s=5):
        ready.set()  # type: ignore[attr-defined]
        time.sleep(60)


def test_file_lock_is_released_when_its_process_dies(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = context.Process(target=_hold_forever, args=(str(tmp_path), ready))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(LockTimeoutError), FileLocks(tmp_path).hold("account:9", timeout_s=0.2):
            pass
        holder.kill()
        holder.join(10)
        with FileLocks(tmp_path).hold("account:9", timeout_s=2):
            pass
    finally:
        if holder.is_alive():
            holder.kill()


def _hold_redis_forever(url: str, prefix: str, ready: object) -> None:
    import time

    client = redis.Redis.from_url(url)
    with RedisLocks(client, ttl_s=1, prefix=prefix).hold("account:9", timeout_s=5):
        ready.set()  # type: ignore[attr-defined]
        time.sleep(60)


@pytest.mark.skipif(not REDIS_URL, reason="HUNTAZE_TEST_REDIS_URL not set")
def test_redis_lock_is_kept_by_a_live_holder_and_lapses_when_it_is_killed(tmp_path: Path) -> None:
    prefix = f"huntaze:test-lease:{tmp_path.name}:"
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = context.Process(target=_hold_redis_forever, args=(REDIS_URL, prefix, ready))
    holder.start()
    client = redis.Redis.from_url(REDIS_URL)
    locks = RedisLocks(client, ttl_s=1, prefix=prefix)
    try:
        assert ready.wait(30)
        # Three TTLs later the live holder still has it: its heartbeat renews the lease.
        with pytest.raises(LockTimeoutError), locks.hold("account:9", timeout_s=3):
            pass
        holder.kill()  # SIGKILL: no release, no more renewals
        holder.join(10)
        with locks.hold("account:9", timeout_s=2.5):  # free within one TTL
            pass
    finally:
        if holder.is_alive():
            holder.kill()
        client.close()


@pytest.mark.skipif(not REDIS_URL, reason="HUNTAZE_TEST_REDIS_URL not set")
def test_redis_lock_is_not_released_by_a_former_owner(tmp_path: Path) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"huntaze:test-owner:{tmp_path.name}:"
    locks = RedisLocks(client, ttl_s=0.3, prefix=prefix)
    try:
        first = locks.hold("k", timeout_s=0.1)
        first.__enter__()
        client.delete(prefix + "k")  # the first owner's lease lapsed (a long pause, say)
        second = locks.hold("k", timeout_s=2)
        second.__enter__()
        first.__exit__(None, None, None)  # a late release must not free the new owner's lock
        with pytest.raises(LockTimeoutError), locks.hold("k", timeout_s=0.5):
            pass
        second.__exit__(None, None, None)
        with locks.hold("k", timeout_s=0.1):
            pass
    finally:
        client.close()
