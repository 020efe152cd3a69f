"""HTTP to the simulator's JSON API ``/api/v1``, with its errors mapped to the connector's
error kinds (DESIGN.md §3, §6 "Send"; :mod:`huntaze.platforms.base`).

Authentication is the creator's own login (username, password, one-time code when the account
asks for it) kept as a session cookie, like a person's browser; an API token is used when no
password is stored. The session outlives one client: the process keeps it per account and
credentials (:class:`_Sessions`), so a worker that sends a hundred messages logs in once, as a
person would, not before every message (a login per message doubles the requests and is what
gets a real account flagged). An expired session is logged in again once and the request
repeated (the platform answered 401 before doing anything). Every request has a timeout. What
a failure means for a write:

- connection refused or connect timeout, 5xx, 429: nothing was stored (retry later);
- read timeout or a dropped connection after the request left: the outcome is unknown, so the
  caller must look for the message before sending it again (:class:`OutcomeUnknownError`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import httpx

from huntaze.platforms.base import (
    NeedsHumanError,
    OutcomeUnknownError,
    PlatformError,
    RateLimitedError,
    RejectedError,
    SessionExpiredError,
    TransientError,
)
from huntaze.platforms.registry import AccountConnection

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
SESSION_COOKIE = "sim_session"
_EXPIRED_CODES = frozenset({"session_expired", "not_authenticated"})


class _Sessions:
    """Session cookies of this process, per base URL and credentials (a changed password is
    another key, so it logs in afresh)."""

    def __init__(self) -> None:
        self._cookies: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(base_url: str, secret: dict[str, Any]) -> str:
        material = json.dumps([base_url, secret], sort_keys=True, default=str)
        return hashlib.sha256(material.encode()).hexdigest()

    def get(self, key: str) -> dict[str, str] | None:
        with self._lock:
            return self._cookies.get(key)

    def keep(self, key: str, cookies: dict[str, str]) -> None:
        with self._lock:
            self._cookies[key] = cookies

    def forget(self, key: str) -> None:
        with self._lock:
            self._cookies.pop(key, None)


_sessions = _Sessions()


class SimulatorClient:
    """One authenticated HTTP client for one simulator account."""

    def __init__(
        self, connection: AccountConnection, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT
    ) -> None:
        if not connection.base_url:
            raise NeedsHumanError("This simulator account has no base URL; set it and retry.")
        self.secret = connection.secret
        self.http = httpx.Client(
            base_url=connection.base_url.rstrip("/") + "/api/v1",
            timeout=timeout,
            proxy=connection.proxy or None,
            headers={"Accept": "application/json"},
        )
        self._logged_in = False
        self._session_key = _Sessions.key(connection.base_url, self.secret)
        token = self.secret.get("api_token")
        if self._uses_password():
            kept = _sessions.get(self._session_key)
            if kept:
                self.http.cookies.update(kept)
                self._logged_in = True
        elif isinstance(token, str) and token:
            self.http.headers["Authorization"] = f"Bearer {token}"
        else:
            raise NeedsHumanError("No credentials are stored for this simulator account.")

    def _uses_password(self) -> bool:
        return bool(self.secret.get("username") and self.secret.get("password"))

    def login(self) -> None:
        """Log in with the stored username, password and one-time code."""
        body: dict[str, Any] = {
            "username": str(self.secret["username"]),
            "password": str(self.secret["password"]),
        }
        if self.secret.get("otp_code"):
            body["code"] = str(self.secret["otp_code"])
        self.http.cookies.clear()
        _sessions.forget(self._session_key)
        response = self._send("POST", "/session", json=body, write=False)
        if response.status_code == 401:
            raise NeedsHumanError(f"The platform refused the login: {_message(response)}")
        self._check(response)
        self._logged_in = True
        _sessions.keep(self._session_key, dict(self.http.cookies))

    def request(self, method: str, path: str, *, write: bool = False, **kwargs: Any) -> Any:
        """The JSON answer of one request, logging in first (or again) when needed."""
        if self._uses_password() and not self._logged_in:
            self.login()
        response = self._send(method, path, write=write, **kwargs)
        if response.status_code == 401 and _code(response) in _EXPIRED_CODES:
            if not self._uses_password():
                raise NeedsHumanError(f"The platform refused the token: {_message(response)}")
            self.login()
            response = self._send(method, path, write=write, **kwargs)
            if response.status_code == 401:
                raise SessionExpiredError(f"The session ended again: {_message(response)}")
        self._check(response)
        return response.json()

    def _send(self, method: str, path: str, *, write: bool, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransientError(f"The platform cannot be reached: {exc!r}") from exc
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if write:
                raise OutcomeUnknownError(
                    f"The platform's answer was lost ({type(exc).__name__}); it may have done it."
                ) from exc
            raise TransientError(f"The platform's answer was lost: {exc!r}") from exc
        except httpx.HTTPError as exc:
            raise TransientError(f"HTTP error talking to the platform: {exc!r}") from exc

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = _message(response)
        if status == 429:
            raise RateLimitedError(detail, retry_after_s=_retry_after(response))
        if status >= 500:
            raise TransientError(f"The platform failed ({status}): {detail}")
        if status in (401, 403):
            raise NeedsHumanError(f"The platform refused access ({status}): {detail}")
        if status in (400, 404, 409, 422):
            raise RejectedError(f"The platform refused the request ({status}): {detail}")
        raise PlatformError(f"Unexpected answer from the platform ({status}): {detail}")

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()


def _error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _code(response: httpx.Response) -> str:
    return str(_error(response).get("code", ""))


def _message(response: httpx.Response) -> str:
    error = _error(response)
    return str(error.get("message") or error.get("code") or response.reason_phrase)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
