"""Reading the JSON the web app itself fetches (DESIGN.md §3 "The OnlyFans connector").

A :func:`tap` listens to the page's responses (``page.on("response")``) while the connector
navigates and clicks; :meth:`Tap.json` waits for the next response of one endpoint — its path
and the query filters that tell it apart (the app fetches ``/chats`` and
``/chats?filter=unread`` side by side) — and maps its status to the connector errors. A body
that is not JSON (an error page, a challenge page) is a transient error, never a crash. The
connector never sends these requests itself, so the site's own request signing is never
re-implemented.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as BrowserPage
from playwright.async_api import Request, Response

from huntaze.platforms.base import (
    OutcomeUnknownError,
    RateLimitedError,
    RejectedError,
    SessionExpiredError,
    TransientError,
)
from huntaze.platforms.browser.login import LoginSelectors, on_login_page

POLL_S = 0.05


class Tap:
    """Responses (and failed requests) seen on a page since the tap started.

    Only answers to requests the *current* document made count: a fetch the previous page
    started may still answer after the connector navigated away (its body is gone by then), and
    must not stand in for the new page's own.
    """

    def __init__(self, page: BrowserPage, login: LoginSelectors, timeout_s: float) -> None:
        self.page = page
        self.login = login
        self.timeout_s = timeout_s
        self.responses: list[Response] = []
        self.failed: list[Request] = []
        self.document = 0
        self._asked: dict[Request, int] = {}

    def asked(self, request: Request) -> None:
        """Note which document made a request; a main-frame navigation starts a new one."""
        try:
            navigation = request.is_navigation_request() and request.frame == self.page.main_frame
        except PlaywrightError:  # a service worker's request has no frame
            navigation = False
        if navigation:
            self.document += 1
        else:
            self._asked[request] = self.document

    def current(self, request: Request) -> bool:
        """Whether the page's current document made the request."""
        return self._asked.get(request, -1) == self.document

    def seen(self, response: Response) -> None:
        """Keep a response the page received."""
        self.responses.append(response)

    def lost(self, request: Request) -> None:
        """Keep a request that got no response."""
        self.failed.append(request)

    async def json(
        self,
        path: str,
        *,
        method: str = "GET",
        query: Mapping[str, str | None] | None = None,
        write: bool = False,
    ) -> Any:
        """The JSON body of the next ``method`` response whose URL path is ``path``.

        ``query``: each named parameter must have that value (``None``: must be absent).
        ``write``: the request changes something, so a lost or failed answer means the outcome
        is unknown (the caller must look before trying again), never a plain retry.
        """
        wanted = dict(query or {})
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            for response in list(self.responses):
                if not self.current(response.request):
                    self.responses.remove(response)
                elif _matches(response.request, path, method, wanted):
                    self.responses.remove(response)
                    return await _body(response, write=write)
            failed = (r for r in self.failed if self.current(r))
            if write and any(_matches(r, path, method, wanted) for r in failed):
                raise OutcomeUnknownError("the platform's answer to the write was lost")
            if on_login_page(self.page, self.login):
                raise SessionExpiredError("the platform session has expired")
            await asyncio.sleep(POLL_S)
        if write:
            raise OutcomeUnknownError(f"no answer from {path} in {self.timeout_s:.0f} s")
        raise TransientError(f"the page did not load {path} in {self.timeout_s:.0f} s")


def _matches(request: Request, path: str, method: str, query: dict[str, str | None]) -> bool:
    url = urlparse(request.url)
    if request.method != method or url.path != path:
        return False
    params = parse_qs(url.query, keep_blank_values=True)
    for name, value in query.items():
        if value is None:
            if params.get(name, [""]) != [""]:
                return False
        elif params.get(name) != [value]:
            return False
    return True


async def _body(response: Response, *, write: bool) -> Any:
    status = response.status
    if status == 401:
        raise SessionExpiredError("the platform session has expired")
    if status == 429:
        retry_after = response.headers.get("retry-after")
        raise RateLimitedError(
            "the platform asks us to slow down",
            retry_after_s=float(retry_after) if retry_after else None,
        )
    if status >= 500:
        error_type = OutcomeUnknownError if write else TransientError
        raise error_type(f"the platform answered {status}")
    try:
        body = await response.json()
    except (PlaywrightError, ValueError):
        if write and status < 400:
            raise OutcomeUnknownError(
                f"the platform answered the write {status} without JSON"
            ) from None
        raise TransientError(f"the platform answered {status} without JSON") from None
    if status >= 400:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        raise RejectedError(str(error.get("message") or f"the platform answered {status}"))
    return body


@asynccontextmanager
async def tap(page: BrowserPage, login: LoginSelectors, timeout_s: float) -> AsyncIterator[Tap]:
    """Listen to ``page``'s traffic for the block."""
    listener = Tap(page, login, timeout_s)
    page.on("request", listener.asked)
    page.on("response", listener.seen)
    page.on("requestfailed", listener.lost)
    try:
        yield listener
    finally:
        page.remove_listener("request", listener.asked)
        page.remove_listener("response", listener.seen)
        page.remove_listener("requestfailed", listener.lost)
