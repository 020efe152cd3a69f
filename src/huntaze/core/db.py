"""Database engine, sessions and the declarative base (DESIGN.md §4 "database", §8.3).

SQLite is the embedded default (WAL mode, foreign keys on); PostgreSQL through psycopg 3 at scale.
Sessions never commit inside services: the request or task boundary calls :func:`session_scope`
or the web dependency, which commits once at the end or rolls back on error.

Reading and writing transactions. The boundary says once whether its transaction writes (the
request's method, a task's declaration; see ``core/http.py`` and ``core/tasks.py``). On SQLite a
writing transaction begins with ``BEGIN IMMEDIATE``: it takes the database's single write lock up
front, so a transaction that reads and then writes waits for the lock instead of failing with
"database is locked" when it upgrades. A reading transaction begins with a plain (deferred)
``BEGIN``: in WAL mode it reads a snapshot without taking any lock, so reads never wait for each
other nor for writers. A small write that a reading request needs anyway (an API key's last-used
time) goes through :func:`write_soon`, which runs it in its own short writing transaction once the
read has ended, never by upgrading the read. PostgreSQL needs none of this (MVCC, row locks).

Writers of one SQLite file in one process take turns in Python before ``BEGIN IMMEDIATE``
(:class:`_WriteTurn`): the next writer wakes the moment the previous one commits. Left to SQLite's
busy handler, a waiting writer polls with sleeps that grow to 100 ms and newcomers overtake it,
so under load a few writes waited seconds (issue 13). ``huntaze up`` runs its web server and
queue consumers in one process, so nearly every writer takes its turn there; other processes (a
CLI command) still meet the busy timeout.

Lock conflicts that are left (a writer that waited longer than the busy timeout, a PostgreSQL
deadlock) are recognised by :func:`is_lock_conflict` and retried at the boundary, whose work is
idempotent: the request middleware in ``core/http.py``, :func:`retry_on_lock_conflict` for tasks.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    SessionTransaction,
    mapped_column,
    sessionmaker,
)

T = TypeVar("T")
log = logging.getLogger(__name__)

# How long a SQLite writer waits for the write lock before "database is locked" (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 15_000
# SQLite connections are cheap; with enough of them for every server thread (anyio's pool has 40),
# writers wait for the lock in SQLite, not for a pooled connection held by another waiter.
SQLITE_POOL_SIZE = 10
SQLITE_POOL_OVERFLOW = 40
# Times a boundary runs its work when it keeps meeting lock conflicts.
LOCK_RETRY_ATTEMPTS = 4
# The connection execution option and the session info key that say a transaction writes.
_WRITES_OPTION = "huntaze_writes"
_WRITES_KEY = "huntaze.writes"
_LATER_KEY = "huntaze.write_soon"
_default_writes: ContextVar[bool] = ContextVar("huntaze_default_writes", default=True)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    """A new primary key: a random UUID as 32 hex characters."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use huntaze.core.db.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every Huntaze table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


class IdMixin:
    """A string primary key generated in Python, so ids are known before flush."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)


class TimestampMixin:
    """``created_at`` and ``updated_at`` in UTC."""

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class _WriteTurn:
    """Whose turn it is to write to one SQLite file among this process's connections."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def take(self, timeout_s: float) -> bool:
        """Wait for the turn; False after ``timeout_s`` (SQLite's busy timeout then decides)."""
        return self._lock.acquire(timeout=timeout_s)

    def give_back(self) -> None:
        self._lock.release()


_write_turns: dict[str, _WriteTurn] = {}
_write_turns_guard = threading.Lock()


def _write_turn_of(database: object) -> _WriteTurn | None:
    if not isinstance(database, str | os.PathLike):
        return None
    name = os.fspath(database)
    if not name or name == ":memory:" or name.startswith("file:"):
        return None  # in memory (one database per connection) or a URI: no turns
    key = os.path.realpath(name)
    with _write_turns_guard:
        return _write_turns.setdefault(key, _WriteTurn())


class _TurnConnection(sqlite3.Connection):
    """A SQLite connection that holds its file's write turn from ``BEGIN IMMEDIATE`` until its
    transaction ends (commit, rollback or close)."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self.write_turn = _write_turn_of(database)
        self.holds_write_turn = False
        self.turn_timeout_s = SQLITE_BUSY_TIMEOUT_MS / 1000

    def take_write_turn(self) -> bool:
        """Wait for the turn; False when it did not come within the busy timeout."""
        if self.write_turn is not None and not self.holds_write_turn:
            self.holds_write_turn = self.write_turn.take(self.turn_timeout_s)
            return self.holds_write_turn
        return True

    def give_back_write_turn(self) -> None:
        if self.holds_write_turn and self.write_turn is not None:
            self.holds_write_turn = False
            self.write_turn.give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_back_write_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back_write_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_back_write_turn()


def set_busy_timeout(dbapi_connection: Any, milliseconds: int) -> None:
    """How long a writer on this SQLite connection waits for the write lock (and its turn)."""
    dbapi_connection.execute(f"PRAGMA busy_timeout={int(milliseconds)}")
    if isinstance(dbapi_connection, _TurnConnection):
        dbapi_connection.turn_timeout_s = milliseconds / 1000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writing transaction takes the write lock up front: upgrading a deferred transaction that
    # has read fails at once with "database is locked" (SQLite does not wait for an upgrade) when
    # another writer holds the lock or has committed since the read. Transactions that only read
    # begin deferred and take no lock at all in WAL mode. Unmarked transactions write.
    # A writer waits for its turn among this process's writers first (see the module docstring).
    writes = connection.get_execution_options().get(_WRITES_OPTION, True)
    if not writes:
        connection.exec_driver_sql("BEGIN")
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not isinstance(dbapi_connection, _TurnConnection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    if not dbapi_connection.take_write_turn():
        # The busy timeout went by waiting for the turn: fail now as SQLite would have, with
        # "database is locked" (a lock conflict the boundary runs again), not wait it twice.
        dbapi_connection.execute("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            set_busy_timeout(dbapi_connection, int(dbapi_connection.turn_timeout_s * 1000))
        return
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        dbapi_connection.give_back_write_turn()
        raise


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "factory": _TurnConnection})
        if ":memory:" not in url and url.rstrip("/") != "sqlite:":
            kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
            kwargs.setdefault("max_overflow", SQLITE_POOL_OVERFLOW)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # No server-side prepared statements: after five runs psycopg prepares a query, and
    # PostgreSQL may then settle on one generic plan for it. A plan cached while small tenants
    # ran was reused for a 100,000-fan campaign and made its planning 3x slower
    # (docs/benchmarks.md, campaign planning); a plan per execution costs little beside that.
    kwargs.setdefault("connect_args", {"prepare_threshold": None})
    return create_engine(url, **kwargs)


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.session_factory: sessionmaker[Session] = sessionmaker(
            self.engine, expire_on_commit=False
        )

    def session(self, *, writes: bool | None = None) -> Session:
        """A new session whose transactions write (the default) or only read.

        ``writes=None`` follows the boundary around the caller: a task declared read-only
        (:func:`reading_only`) reads, everything else writes.
        """
        if writes is None:
            writes = _default_writes.get()
        session = self.session_factory(execution_options={_WRITES_OPTION: writes})
        session.info[_WRITES_KEY] = writes
        return session

    @contextmanager
    def session_scope(self, *, writes: bool | None = None) -> Iterator[Session]:
        """A session committed at the end of the block, rolled back on error.

        Pass ``writes=False`` for work that only reads (see :meth:`session`).
        """
        session = self.session(writes=writes)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def transaction_writes(session: Session) -> bool:
    """Whether ``session`` was opened for writing (sessions made elsewhere write)."""
    return bool(session.info.get(_WRITES_KEY, True))


@contextmanager
def reading_only() -> Iterator[None]:
    """Within the block, sessions opened without saying otherwise only read (a read-only task)."""
    token = _default_writes.set(False)
    try:
        yield
    finally:
        _default_writes.reset(token)


def write_soon(session: Session, work: Callable[[Session], object]) -> None:
    """Do a small write that reading work needs anyway (e.g. a last-used time).

    In a writing transaction it is done at once, as part of it. In a reading one it is done in its
    own short writing transaction right after the read ends (committed or rolled back), so a read
    never upgrades to the write lock. It is best effort: a failure is logged, not raised.
    """
    if transaction_writes(session):
        work(session)
        return
    pending: list[Callable[[Session], object]] = session.info.setdefault(_LATER_KEY, [])
    pending.append(work)


@event.listens_for(Session, "after_transaction_end")
def _write_later(session: Session, transaction: SessionTransaction) -> None:
    # After the outermost transaction, once its connection went back to the pool.
    if transaction.parent is not None or transaction.nested:
        return
    pending: list[Callable[[Session], object]] = session.info.pop(_LATER_KEY, [])
    if not pending:
        return
    try:
        with Session(
            bind=session.get_bind(),
            join_transaction_mode="create_savepoint",
            execution_options={_WRITES_OPTION: True},
        ) as own:
            for work in pending:
                work(own)
            own.commit()
    except Exception:
        log.exception("could not do %d small write(s) after a read", len(pending))


def is_lock_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` is a lock conflict that running the transaction again can cure.

    SQLite: busy or locked ("database is locked"). PostgreSQL: deadlock detected or a
    serialization failure. Both: no pooled connection came free in time.
    """
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED and their extended codes
    return getattr(exc.orig, "sqlstate", None) in ("40001", "40P01")


def lock_retry_pause(attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: short, growing, jittered."""
    return float(random.uniform(0.5, 1.0) * min(2.0, 0.05 * 2**attempt))


def retry_on_lock_conflict(work: Callable[[], T], *, attempts: int = LOCK_RETRY_ATTEMPTS) -> T:
    """Run ``work`` (a whole, idempotent unit: its own transactions) again on a lock conflict."""
    for attempt in range(attempts):
        try:
            return work()
        except (DBAPIError, PoolTimeoutError) as exc:
            if not is_lock_conflict(exc) or attempt == attempts - 1:
                raise
            log.warning("lock conflict; running the work again (attempt %d)", attempt + 2)
            time.sleep(lock_retry_pause(attempt))
    raise AssertionError("unreachable")


_database: Database | None = None


def get_database() -> Database:
    """The process-wide database built from settings."""
    global _database
    if _database is None:
        from huntaze.config import get_settings

        _database = Database(get_settings().resolved_database_url)
    return _database


def set_database(database: Database | None) -> None:
    """Replace the process-wide database (tests, CLI with another data dir)."""
    global _database
    _database = database
