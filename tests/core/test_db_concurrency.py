"""Reading and writing transactions on SQLite under concurrency (core/db.py, core/http.py).

These tests use a real SQLite file in WAL mode and real transactions (not the rolled-back
transaction of the other tests), served by a real uvicorn server, because what they check is how
separate connections lock each other. Threads are coordinated with events; waits have generous
timeouts only so that a broken build fails instead of hanging.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pathlib
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from limits.storage import MemoryStorage
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError
from tests.live_server import serve
from tests.outbox.helpers import make_agency

from huntaze.accounts.api_keys import api_key_service
from huntaze.accounts.models import ApiKey
from huntaze.accounts.permissions import Role
from huntaze.config import get_settings
from huntaze.core import migrations
from huntaze.core.db import Database, is_lock_conflict, set_busy_timeout, set_database
from huntaze.core.http import DbSession
from huntaze.core.ratelimit import RateLimiter
from huntaze.main import create_app
from huntaze.outbox.models import OutboundMessage

HANG_GUARD_S = 60
POSTGRES_URL = os.environ.get("HUNTAZE_TEST_DATABASE_URL", "")


@dataclass
class Setup:
    database: Database
    token: str
    key_id: str
    account_id: str


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    path: pathlib.Path = tmp_path_factory.mktemp("concurrency") / "huntaze.sqlite3"
    database = Database(f"sqlite:///{path}")
    migrations.upgrade(database.engine)
    with database.session_scope() as session:
        agency = make_agency(session)
        new_key = api_key_service.create(session, agency.owner.actor, name="load", role=Role.OWNER)
        result = Setup(database, new_key.token, new_key.api_key.id, agency.account.id)
    set_database(database)
    try:
        yield result
    finally:
        set_database(None)
        database.dispose()


def _app(database: Database) -> FastAPI:
    return create_app(get_settings(), database=database, rate_limiter=RateLimiter(MemoryStorage()))


def _headers(setup: Setup) -> dict[str, str]:
    return {"Authorization": f"Bearer {setup.token}"}


def _create(url: str, setup: Setup, n: int) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/platform-accounts/{setup.account_id}/outbound-messages",
        json={"kind": "message", "platform_fan_id": str(n), "text": f"Hello number {n}!"},
        headers=_headers(setup),
        timeout=HANG_GUARD_S * 2,
    )


def _count_messages(database: Database) -> int:
    with database.session_scope(writes=False) as session:
        return int(session.scalar(select(func.count()).select_from(OutboundMessage)) or 0)


def test_two_reads_do_not_wait_for_each_other(setup: Setup) -> None:
    app = _app(setup.database)
    holding, release = threading.Event(), threading.Event()

    @app.get("/test/hold-read")
    def hold_read(session: DbSession) -> dict[str, int]:
        count = session.scalar(select(func.count()).select_from(OutboundMessage)) or 0
        holding.set()  # this request's read transaction is open now
        release.wait(HANG_GUARD_S)
        return {"count": count}

    with serve(app) as url, ThreadPoolExecutor(2) as pool:
        held: Future[httpx.Response] = pool.submit(
            httpx.get, f"{url}/test/hold-read", timeout=HANG_GUARD_S * 2
        )
        try:
            assert holding.wait(HANG_GUARD_S)
            other = httpx.get(
                f"{url}/api/v1/outbound-messages", headers=_headers(setup), timeout=HANG_GUARD_S
            )
            # The second read completed while the first still held its transaction open.
            assert other.status_code == 200, other.text
            assert not held.done()
            # A writer does not wait for the open read either.
            assert _create(url, setup, 1).status_code == 201
            assert not held.done()
        finally:
            release.set()
        assert held.result(HANG_GUARD_S).status_code == 200


def test_read_then_write_transaction_never_fails_with_database_is_locked(setup: Setup) -> None:
    """Two writing transactions that read, then write: the second one to write waits its turn."""
    database = setup.database
    first_read, second_began, second_done = threading.Event(), threading.Event(), threading.Event()
    second_thread: list[int] = []

    def note_second(*_args: Any) -> None:
        if second_thread and threading.get_ident() == second_thread[0]:
            second_began.set()  # it has its connection: waits for its turn, then for the lock

    def bump(key_name: str, *, wait_for_second: bool) -> None:
        with database.session_scope() as session:
            name = session.scalar(select(ApiKey.name).where(ApiKey.id == setup.key_id))
            if wait_for_second:
                first_read.set()
                assert second_began.wait(HANG_GUARD_S)
                # Give the second transaction every chance to write first (it cannot, as its
                # transaction waits for our lock); not an assertion on time.
                second_done.wait(1)
            session.execute(
                update(ApiKey).where(ApiKey.id == setup.key_id).values(name=f"{name}+{key_name}")
            )

    def second() -> None:
        second_thread.append(threading.get_ident())
        try:
            bump("second", wait_for_second=False)
        finally:
            second_done.set()

    event.listen(database.engine, "checkout", note_second)
    try:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(bump, "first", wait_for_second=True)
            assert first_read.wait(HANG_GUARD_S)
            other = pool.submit(second)
            first.result(HANG_GUARD_S)  # raises OperationalError if the lock was lost
            other.result(HANG_GUARD_S)
    finally:
        event.remove(database.engine, "checkout", note_second)
    with database.session_scope(writes=False) as session:
        name = session.scalar(select(ApiKey.name).where(ApiKey.id == setup.key_id))
    assert name is not None and name.endswith("+first+second")


def test_a_reading_request_that_writes_is_run_again_as_a_writing_one(setup: Setup) -> None:
    """A GET that writes after another writer committed since its read: never "locked"."""
    app = _app(setup.database)
    read_done, other_committed = threading.Event(), threading.Event()
    runs: list[int] = []

    @app.get("/test/read-then-write")
    def read_then_write(session: DbSession) -> dict[str, int]:
        runs.append(1)
        session.scalar(select(func.count()).select_from(OutboundMessage))
        read_done.set()
        other_committed.wait(HANG_GUARD_S)
        # A write the read did not plan: a deferred transaction cannot upgrade now.
        session.execute(
            update(ApiKey).where(ApiKey.id == setup.key_id).values(name="touched by a read")
        )
        return {"runs": len(runs)}

    with serve(app) as url, ThreadPoolExecutor(1) as pool:
        reading = pool.submit(httpx.get, f"{url}/test/read-then-write", timeout=HANG_GUARD_S * 2)
        assert read_done.wait(HANG_GUARD_S)
        assert _create(url, setup, 2).status_code == 201
        other_committed.set()
        response = reading.result(HANG_GUARD_S)
    assert response.status_code == 200, response.text
    assert response.json()["runs"] == 2  # the first run met the conflict and was run again
    with setup.database.session_scope(writes=False) as session:
        name = session.scalar(select(ApiKey.name).where(ApiKey.id == setup.key_id))
    assert name == "touched by a read"


def test_writers_of_one_process_take_turns_instead_of_polling_for_the_lock(setup: Setup) -> None:
    """A second writer waits for its turn in the process, not in SQLite's busy handler: even
    with SQLite's own busy timeout at 0 it neither fails nor writes before the first commits."""
    database = setup.database
    first_began, second_waiting = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with database.session_scope() as session:
            session.execute(update(ApiKey).where(ApiKey.id == setup.key_id).values(name="first"))
            first_began.set()
            assert second_waiting.wait(HANG_GUARD_S)
            # Give the second writer every chance to write first (it must not); not a timing test.
            threading.Event().wait(0.5)
            order.append("first")

    def second() -> None:
        with database.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA busy_timeout=0")  # SQLite alone would fail at once
            second_waiting.set()
            with connection.begin():
                connection.execute(
                    update(ApiKey).where(ApiKey.id == setup.key_id).values(name="second")
                )
                order.append("second")
            raw.execute("PRAGMA busy_timeout=15000")

    with ThreadPoolExecutor(2) as pool:
        one = pool.submit(first)
        assert first_began.wait(HANG_GUARD_S)
        two = pool.submit(second)
        one.result(HANG_GUARD_S)
        two.result(HANG_GUARD_S)  # raises OperationalError ("database is locked") without turns
    assert order == ["first", "second"]


def test_a_post_declared_reading_does_not_wait_for_the_write_lock(setup: Setup) -> None:
    """The compliance check (a POST that only reads) answers while another process writes."""
    body = {"text": "see you tonight on my page", "direction": "outbound"}
    with serve(_app(setup.database)) as url:
        check = f"{url}/api/v1/compliance/check"
        # Once first: the key's last-used time is then fresh, and this run does not write it.
        assert httpx.post(check, json=body, headers=_headers(setup)).status_code == 200
        raw = setup.database.engine.raw_connection()  # as another process would: no turn
        try:
            raw.cursor().execute("BEGIN IMMEDIATE")
            response = httpx.post(check, json=body, headers=_headers(setup), timeout=HANG_GUARD_S)
        finally:
            raw.cursor().execute("ROLLBACK")
            raw.invalidate()
    assert response.status_code == 200, response.text


def _try_write_lock_at_once(database: Database) -> None:
    """Take and release the write lock on a new connection, failing at once if it is taken."""
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("ROLLBACK")
    finally:
        raw.invalidate()  # not back to the pool with no busy timeout


def test_a_read_leaves_the_write_lock_free(setup: Setup) -> None:
    with setup.database.session_scope(writes=False) as reading:
        reading.scalar(select(func.count()).select_from(OutboundMessage))
        _try_write_lock_at_once(setup.database)


def test_reading_with_the_api_key_records_its_last_use(setup: Setup) -> None:
    with setup.database.session_scope() as session:
        session.execute(update(ApiKey).where(ApiKey.id == setup.key_id).values(last_used_at=None))
    with serve(_app(setup.database)) as url:
        response = httpx.get(f"{url}/api/v1/outbound-messages", headers=_headers(setup))
    assert response.status_code == 200
    with setup.database.session_scope(writes=False) as session:
        used = session.scalar(select(ApiKey.last_used_at).where(ApiKey.id == setup.key_id))
    assert used is not None and used > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)


def test_fifty_concurrent_creates_never_answer_500(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    before = _count_messages(setup.database)
    with (
        caplog.at_level(logging.WARNING, logger="huntaze.core.http"),
        serve(_app(setup.database)) as url,
        ThreadPoolExecutor(50) as pool,
    ):
        responses = list(pool.map(lambda n: _create(url, setup, 1000 + n), range(50)))
    statuses = [r.status_code for r in responses]
    assert statuses == [201] * 50, [r.text for r in responses if r.status_code != 201][:3]
    assert _count_messages(setup.database) == before + 50
    # Writers wait for their turn in the event loop, not in the pool's threads: no writer
    # starves the one holding the lock of a thread to commit in, so nobody times out and runs
    # again (before the gate, forty blocked threads did, each waiting out the busy timeout).
    assert [r.message for r in caplog.records if "lock conflict" in r.message] == []


def test_a_lock_conflict_is_recognised_from_sqlite(setup: Setup) -> None:
    with setup.database.session_scope() as writing:
        writing.scalar(select(func.count()).select_from(OutboundMessage))
        other = setup.database.engine.connect()
        try:
            set_busy_timeout(other.connection.dbapi_connection, 0)
            with pytest.raises(OperationalError) as caught:
                other.begin()  # BEGIN IMMEDIATE while the write lock is taken
        finally:
            other.invalidate()
            other.close()
    assert is_lock_conflict(caught.value)


@pytest.mark.skipif(not POSTGRES_URL, reason="HUNTAZE_TEST_DATABASE_URL not set")
def test_a_postgresql_deadlock_is_recognised_as_a_lock_conflict() -> None:
    database = Database(POSTGRES_URL)
    first, second = database.engine.connect(), database.engine.connect()
    try:
        with database.engine.begin() as setup_conn:
            setup_conn.exec_driver_sql("DROP TABLE IF EXISTS lock_pair")
            setup_conn.exec_driver_sql("CREATE TABLE lock_pair (id int primary key, n int)")
            setup_conn.exec_driver_sql("INSERT INTO lock_pair VALUES (1, 0), (2, 0)")
        first.exec_driver_sql("UPDATE lock_pair SET n = 1 WHERE id = 1")
        second.exec_driver_sql("UPDATE lock_pair SET n = 1 WHERE id = 2")
        errors: list[BaseException] = []

        def cross(conn: Any, row: int) -> None:
            try:
                conn.exec_driver_sql(f"UPDATE lock_pair SET n = 2 WHERE id = {row}")
            except Exception as exc:
                errors.append(exc)
                conn.rollback()

        waiting = threading.Thread(target=cross, args=(first, 2))
        waiting.start()
        cross(second, 1)
        waiting.join(HANG_GUARD_S)
        assert errors and all(is_lock_conflict(e) for e in errors)
    finally:
        first.rollback()
        second.rollback()
        first.close()
        second.close()
        with database.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS lock_pair")
        database.dispose()
