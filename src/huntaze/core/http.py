"""Request-scoped plumbing shared by every router: the database session of a request.

The session commits once, after the endpoint returns and before the response is sent, so a
failed commit is reported to the client and a failed request leaves no partial rows. A request
that answers with an error without raising (a page showing a form's errors) marks itself with
:func:`roll_back_request`, and its session rolls back instead of committing.

Whether the transaction writes is decided here, once, by the request's method: ``GET``, ``HEAD``
and ``OPTIONS`` read (on SQLite without taking the write lock, so reads never queue behind each
other), every other method writes (and takes the lock up front), unless its route is declared
:func:`reads_only` (a ``POST`` that checks or counts what it is sent). See ``core/db.py``.

:class:`RetryOnLockConflict` runs a request again when its transaction met a lock conflict
("database is locked" after the busy timeout, a PostgreSQL deadlock) before any byte of the
response went out: the first run rolled back, so running it again is safe. A reading request
that wrote anyway runs again as a writing one. When the conflicts persist the client gets a 503
with ``Retry-After``, never a 500. Only a body of up to :data:`REPLAY_MAX_BYTES` is kept for a
run again; a larger one (a vault upload) streams through without being held in memory, and its
request answers the conflict with that 503 at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huntaze.core.db import LOCK_RETRY_ATTEMPTS, Database, is_lock_conflict, lock_retry_pause
from huntaze.core.errors import problem_body

log = logging.getLogger(__name__)

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Set on the scope of a request run again after a lock conflict: its transaction writes.
_WRITES_SCOPE_KEY = "huntaze.writes"
# The largest request body kept to run a request again after a lock conflict.
REPLAY_MAX_BYTES = 1024 * 1024
# Set on an endpoint function by :func:`reads_only`.
_READS_ONLY_ATTRIBUTE = "huntaze_reads_only"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def reads_only(endpoint: Endpoint) -> Endpoint:
    """Declare that a route whose method would write only reads (a check, a count): its
    transaction reads, so on SQLite it does not wait for the write lock. Put it under the
    route's decorator. Should it write after all, a lock conflict runs it again as a writer."""
    setattr(endpoint, _READS_ONLY_ATTRIBUTE, True)
    return endpoint


def request_database(request: Request) -> Database:
    """The database the application was built with."""
    database: Database = request.app.state.database
    return database


def roll_back_request(request: Request) -> None:
    """End this request's transaction with a rollback: it answers with an error."""
    request.state.roll_back = True


def request_writes(request: Request) -> bool:
    """Whether the request's transaction writes: by method or the route's declaration, or
    after a conflict made it."""
    if request.scope.get(_WRITES_SCOPE_KEY):
        return True
    if getattr(request.scope.get("endpoint"), _READS_ONLY_ATTRIBUTE, False):
        return False
    return request.method not in READING_METHODS


def db_session(request: Request) -> Iterator[Session]:
    """One session per request: committed on success, rolled back on any error."""
    database = request_database(request)
    with database.session_scope(writes=request_writes(request)) as session:
        request.state.db_session = session
        yield session
        if getattr(request.state, "roll_back", False):
            session.rollback()


DbSession = Annotated[Session, Depends(db_session, scope="function")]


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, configure uvicorn's)."""
    return request.client.host if request.client else "unknown"


class _KeptBody:
    """The request body read so far, kept for a run again while it is small enough."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.size = 0
        self.replayable = True

    def keep(self, message: Message) -> None:
        if not self.replayable:
            return
        self.size += len(message.get("body", b""))
        if self.size > REPLAY_MAX_BYTES:
            self.messages.clear()
            self.replayable = False
        else:
            self.messages.append(message)


class _Exchange:
    """One run's side of the connection: replays the request body read by earlier runs, and
    notes whether the response has started (then the run can no longer be taken back)."""

    def __init__(self, receive: Receive, send: Send, body: _KeptBody) -> None:
        self._receive = receive
        self._send = send
        self._body = body
        self._replay = list(body.messages)
        self.started = False

    async def receive(self) -> Message:
        if self._replay:
            return self._replay.pop(0)
        message = await self._receive()
        if message["type"] == "http.request":
            self._body.keep(message)
        return message

    async def send(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


SQLITE_WRITING_REQUESTS = 4
"""How many writing requests run at once on SQLite (the others wait in the event loop)."""


class RetryOnLockConflict:
    """Runs a request again (up to ``attempts`` runs) after a lock conflict; then a 503.

    On SQLite, writing requests also pass a gate of :data:`SQLITE_WRITING_REQUESTS` places
    first. A request's write transaction begins in one worker thread (its dependencies) and
    commits in another (their teardown); a writer waiting for the write lock blocks its thread.
    Fifty writers at once would block every thread of the pool (forty) while the one holding
    the lock waits for a thread to commit in: nothing moves until the busy timeout. Waiting in
    the event loop instead keeps threads free; one writer at a time is all SQLite runs anyway.
    A request whose body is too large to replay (an upload) does not pass the gate.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        attempts: int = LOCK_RETRY_ATTEMPTS,
        sqlite_writers: int = SQLITE_WRITING_REQUESTS,
    ) -> None:
        self.app = app
        self.attempts = attempts
        self._sqlite_writers = sqlite_writers
        self._gate: anyio.Semaphore | None = None

    def _gate_for(self, scope: Scope) -> anyio.Semaphore | None:
        if scope.get("method", "GET") in READING_METHODS:
            return None
        if _declared_length(scope) > REPLAY_MAX_BYTES:
            return None  # an upload: it must not hold a place while its body streams in
        app = scope.get("app")
        database = getattr(getattr(app, "state", None), "database", None)
        if database is None or not str(database.url).startswith("sqlite"):
            return None
        if self._gate is None:
            self._gate = anyio.Semaphore(self._sqlite_writers)
        return self._gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gate = self._gate_for(scope)
        if gate is None:
            await self._run(scope, receive, send)
            return
        async with gate:
            await self._run(scope, receive, send)

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = _KeptBody()
        state = dict(scope.get("state", {}))
        for run in range(1, self.attempts + 1):
            exchange = _Exchange(receive, send, body)
            run_scope = {**scope, "state": dict(state)}
            if run > 1:
                run_scope[_WRITES_SCOPE_KEY] = True
            try:
                await self.app(run_scope, exchange.receive, exchange.send)
                return
            except Exception as exc:
                if exchange.started or not is_lock_conflict(exc):
                    raise
            log.warning(
                "lock conflict on %s %s in run %d of %d",
                scope.get("method"),
                scope.get("path"),
                run,
                self.attempts,
            )
            if not body.replayable:
                break
            if run < self.attempts:
                await anyio.sleep(lock_retry_pause(run - 1))
        await _busy_response(scope, send)


def _declared_length(scope: Scope) -> int:
    """The request's Content-Length (0 when absent or unreadable)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _busy_response(scope: Scope, send: Send) -> None:
    body = problem_body(
        status=503,
        title="Busy",
        detail="The database is busy; nothing was saved. Please try again in a moment.",
        type_slug="busy",
        instance=scope.get("path"),
    )
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"retry-after", b"1"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
