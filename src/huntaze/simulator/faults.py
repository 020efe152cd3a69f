"""Faults on demand, per account, and the ASGI middleware that plays them (DESIGN.md §3).

A fault applies to requests authenticated as its account (API token or session cookie), never
to ``/_admin`` or ``/static``. ``count`` (optional on every mode) limits how many times it fires
before it clears itself. What a client sees, mode by mode:

``latency`` (``ms``)
    Every request of the account waits ``ms`` milliseconds before it is handled.
``slow_pages`` (``ms``)
    The same wait, only on what a browser loads: HTML pages, ``/api2`` JSON, media.
    ``/api/v1`` is not slowed.
``rate_limit`` (``retry_after_s``, default 30)
    ``429`` with header ``Retry-After: <retry_after_s>`` and body
    ``{"error": {"code": "rate_limited", ...}}``; nothing is stored.
``error_rate`` (``rate`` 0..1, ``status`` 500/502/503, default 503)
    That share of requests (drawn from the seed, so reproducible) fails with ``status`` and
    ``{"error": {"code": "server_error", ...}}`` before anything is stored.
``session_expiry`` (``after_requests``, default 0)
    After that many further requests, every browser session of the account is deleted; the
    request that triggers it already runs logged out: pages redirect to ``/login?expired=1``,
    ``/api2`` and ``/api/v1`` with a cookie answer ``401 {"error": {"code": "session_expired"}}``.
    API tokens keep working. The fault clears itself once it has fired.
``lost_response`` (``rate`` 0..1, default 1)
    Applies to that share of successful writes (POST, PUT, PATCH, DELETE answered 2xx/3xx;
    drawn from the seed like ``error_rate``). The write is
    committed, then the server sends a ``200`` status line with ``Content-Length: 1024`` and
    closes the connection without a body. httpx raises ``httpx.RemoteProtocolError``; ``fetch()``
    rejects with a ``TypeError``; a form post shows the browser's network-error page. uvicorn
    logs the ``ResponseLostError`` it was given. In-process (``TestClient``) the
    ``ResponseLostError`` propagates to the caller.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huntaze.simulator.accounts import creator_for_api_token, revoke_sessions, session_stage
from huntaze.simulator.behaviour import stream
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.errors import invalid
from huntaze.simulator.models import Creator, Fault
from huntaze.simulator.state import get_seed, next_id

MODES = ("latency", "slow_pages", "rate_limit", "error_rate", "session_expiry", "lost_response")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
SESSION_COOKIE = "sim_session"
EXEMPT_PREFIXES = ("/_admin", "/static")


class ResponseLostError(Exception):
    """Raised after a committed write to make the server drop the connection."""


def validate_params(mode: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters of a fault mode, checked and with defaults filled in."""
    if mode not in MODES:
        raise invalid("unknown_fault_mode", f"mode must be one of {', '.join(MODES)}.")
    clean: dict[str, Any] = {}
    if mode in ("latency", "slow_pages"):
        clean["ms"] = _number(params, "ms", None, 0, 60_000)
    elif mode == "rate_limit":
        clean["retry_after_s"] = int(_number(params, "retry_after_s", 30, 0, 3600))
    elif mode == "error_rate":
        clean["rate"] = _number(params, "rate", None, 0, 1)
        clean["status"] = int(_number(params, "status", 503, 500, 599))
    elif mode == "session_expiry":
        clean["after_requests"] = int(_number(params, "after_requests", 0, 0, 1_000_000))
    elif mode == "lost_response":
        clean["rate"] = _number(params, "rate", 1, 0, 1)
    return clean


def _number(
    params: dict[str, Any], key: str, default: float | None, low: float, high: float
) -> float:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid("invalid_fault_params", f"{key} must be a number.")
    if not low <= value <= high:
        raise invalid("invalid_fault_params", f"{key} must be between {low} and {high}.")
    return value


def set_fault(
    session: Session, creator: Creator, *, mode: str, params: dict[str, Any], count: int | None
) -> Fault:
    """Switch a fault on for an account (replacing the same mode's previous settings)."""
    clean = validate_params(mode, params)
    if count is not None and count < 1:
        raise invalid("invalid_fault_params", "count must be at least 1.")
    session.execute(delete(Fault).where(Fault.creator_id == creator.id, Fault.mode == mode))
    fault = Fault(
        id=next_id(session, Fault),
        creator_id=creator.id,
        mode=mode,
        params=json.dumps(clean),
        remaining=count,
        checks=0,
        fired=0,
    )
    session.add(fault)
    session.flush()
    return fault


def clear_faults(session: Session, creator: Creator, *, mode: str | None = None) -> None:
    """Switch off one fault mode of an account, or all of them."""
    query = delete(Fault).where(Fault.creator_id == creator.id)
    if mode is not None:
        query = query.where(Fault.mode == mode)
    session.execute(query)


def list_faults(session: Session, creator: Creator) -> list[Fault]:
    """The faults switched on for an account."""
    return list(session.scalars(select(Fault).where(Fault.creator_id == creator.id)))


@dataclass(frozen=True)
class Decision:
    """What the middleware does to one request."""

    delay_ms: float = 0
    status: int | None = None
    retry_after_s: int | None = None
    lose_response_of: int | None = None


class FaultMiddleware:
    """Plays the faults of the account a request is authenticated as."""

    def __init__(self, app: ASGIApp, db: SimulatorDatabase) -> None:
        self.app = app
        self.db = db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        decision = await to_thread.run_sync(self._decide, Request(scope))
        if decision.delay_ms:
            await asyncio.sleep(decision.delay_ms / 1000)
        if decision.status is not None:
            await _send_error(send, decision)
            return
        if decision.lose_response_of is None:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, self._losing_send(send, decision.lose_response_of))

    def _losing_send(self, send: Send, fault_id: int) -> Send:
        async def losing_send(message: Message) -> None:
            if message["type"] == "http.response.start" and int(message["status"]) < 400:
                await to_thread.run_sync(self._record_fired, fault_id)
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", b"1024"),
                        ],
                    }
                )
                raise ResponseLostError("the simulator dropped this response on purpose")
            await send(message)

        return losing_send

    def _record_fired(self, fault_id: int) -> None:
        with self.db.session() as session:
            fault = session.get(Fault, fault_id)
            if fault is not None:
                _consume(session, fault)

    def _decide(self, request: Request) -> Decision:
        with self.db.session() as session:
            creator_id = _account_of(session, request)
            if creator_id is None:
                return Decision()
            faults = session.scalars(
                select(Fault).where(Fault.creator_id == creator_id).order_by(Fault.id)
            ).all()
            delay, lose = 0.0, None
            is_browser = not request.url.path.startswith("/api/v1")
            for fault in faults:
                params = json.loads(fault.params)
                fault.checks += 1
                if fault.mode == "latency" or (fault.mode == "slow_pages" and is_browser):
                    delay += float(params["ms"])
                    _consume(session, fault)
                elif fault.mode == "rate_limit":
                    _consume(session, fault)
                    return Decision(delay, 429, int(params["retry_after_s"]))
                elif fault.mode == "error_rate":
                    rng = stream(get_seed(session), "fault", fault.id, fault.checks)
                    if rng.random() < float(params["rate"]):
                        _consume(session, fault)
                        return Decision(delay, int(params["status"]))
                elif fault.mode == "session_expiry":
                    if fault.checks > int(params["after_requests"]):
                        revoke_sessions(session, creator_id)
                        session.delete(fault)
                elif fault.mode == "lost_response" and request.method in WRITE_METHODS:
                    rng = stream(get_seed(session), "fault", fault.id, fault.checks)
                    if rng.random() < float(params.get("rate", 1)):
                        lose = fault.id
            return Decision(delay_ms=delay, lose_response_of=lose)


def _consume(session: Session, fault: Fault) -> None:
    fault.fired += 1
    if fault.remaining is not None:
        fault.remaining -= 1
        if fault.remaining <= 0:
            session.delete(fault)


def _account_of(session: Session, request: Request) -> int | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        creator = creator_for_api_token(session, auth[7:].strip())
        return creator.id if creator else None
    token = request.cookies.get(SESSION_COOKIE)
    found = session_stage(session, token) if token else None
    return found[0].id if found else None


async def _send_error(send: Send, decision: Decision) -> None:
    if decision.status == 429:
        code, text = "rate_limited", "Too many requests; retry after the Retry-After delay."
    else:
        code, text = "server_error", "The platform had an internal error."
    body = json.dumps({"error": {"code": code, "message": text}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if decision.retry_after_s is not None:
        headers.append((b"retry-after", str(decision.retry_after_s).encode()))
    await send({"type": "http.response.start", "status": decision.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
