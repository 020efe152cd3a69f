"""A request run again after a lock conflict gets its body again when it is small; a large body
(an upload) is never held in memory for that, and its request answers the conflict with a 503."""

from __future__ import annotations

from typing import Any

import anyio
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.types import Receive, Scope, Send

from huntaze.core.http import REPLAY_MAX_BYTES, RetryOnLockConflict


class ConflictOnFirstRun:
    """An app that reads the whole body, meets a lock conflict once, then answers its size."""

    def __init__(self) -> None:
        self.runs = 0
        self.bodies: list[int] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.runs += 1
        size = 0
        while True:
            message = await receive()
            size += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        self.bodies.append(size)
        if self.runs == 1:
            raise PoolTimeoutError("no connection came free")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})


def _post(app: Any, body_chunks: list[bytes]) -> tuple[int, bytes]:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": n < len(body_chunks) - 1}
        for n, chunk in enumerate(body_chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/upload", "headers": [], "state": {}}
    anyio.run(RetryOnLockConflict(app, attempts=3), scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_a_small_body_is_replayed_to_the_second_run() -> None:
    app = ConflictOnFirstRun()
    status, body = _post(app, [b"a" * 1000, b"b" * 1000])
    assert (status, body) == (200, b"2000")
    assert app.bodies == [2000, 2000]


def test_a_large_body_is_not_kept_and_its_conflict_is_a_503() -> None:
    app = ConflictOnFirstRun()
    chunk = b"x" * (256 * 1024)
    status, _ = _post(app, [chunk] * (REPLAY_MAX_BYTES // len(chunk) + 2))
    assert status == 503
    assert app.runs == 1
