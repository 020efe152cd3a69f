"""The traffic tap tells responses apart by path and by the query filters that matter, and turns
what is not the platform's JSON into a clear error."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import pytest

from huntaze.platforms.base import OutcomeUnknownError, RejectedError, TransientError
from huntaze.platforms.onlyfans.pages import LOGIN
from huntaze.platforms.onlyfans.traffic import Tap, _body, _matches


@dataclass
class SeenRequest:
    """What the tap reads of a browser request: its method and URL."""

    method: str
    url: str


def matches(url: str, path: str, query: dict[str, str | None], method: str = "GET") -> bool:
    """Whether a GET of ``url`` is the ``method`` response the connector waits for."""
    request: Any = SeenRequest("GET", url)
    return _matches(request, path, method, query)


def test_the_unread_filter_is_a_different_response() -> None:
    unread = "https://example.test/api2/v2/chats?limit=20&offset=0&filter=unread"
    everything = "https://example.test/api2/v2/chats?limit=20&offset=0&order=recent"
    assert not matches(unread, "/api2/v2/chats", {"filter": None})
    assert matches(everything, "/api2/v2/chats", {"filter": None})
    assert matches(unread, "/api2/v2/chats", {"filter": "unread"})
    assert matches(unread, "/api2/v2/chats", {})


def test_subscriber_types_and_methods() -> None:
    url = "https://example.test/api2/v2/subscriptions/subscribers?limit=30&offset=0&type=all"
    assert matches(url, "/api2/v2/subscriptions/subscribers", {"type": "all"})
    assert not matches(url, "/api2/v2/subscriptions/subscribers", {"type": "active"})
    assert not matches(url, "/api2/v2/subscriptions/subscribers", {}, method="POST")
    assert not matches(url, "/api2/v2/subscriptions", {})


@dataclass
class SeenResponse:
    """What the tap reads of a browser response: status, headers and a body to parse."""

    status: int
    body: str
    headers: dict[str, str]

    async def json(self) -> Any:
        return json.loads(self.body)


@pytest.mark.parametrize(
    ("status", "write", "error"),
    [
        (200, False, TransientError),
        (403, False, TransientError),
        (200, True, OutcomeUnknownError),
        (403, True, TransientError),
    ],
)
def test_a_page_instead_of_json_is_not_a_crash(
    status: int, write: bool, error: type[Exception]
) -> None:
    response: Any = SeenResponse(status, "<html><body>Just a moment…</body></html>", {})
    with pytest.raises(error, match="without JSON"):
        asyncio.run(_body(response, write=write))


def test_a_json_refusal_carries_the_platform_message() -> None:
    body = '{"error": {"code": 0, "message": "Wrong price"}}'
    response: Any = SeenResponse(400, body, {})
    with pytest.raises(RejectedError, match="Wrong price"):
        asyncio.run(_body(response, write=True))


@dataclass(eq=False)
class AskedRequest:
    """A request as the tap's request listener sees it."""

    method: str
    url: str
    navigation: bool = False
    frame: str = "main"

    def is_navigation_request(self) -> bool:
        return self.navigation


@dataclass
class OnePage:
    """A page with one frame."""

    main_frame: str = "main"


def test_only_the_current_document_s_answers_count() -> None:
    page: Any = OnePage()
    tap = Tap(page, LOGIN, timeout_s=1)
    old: Any = AskedRequest("GET", "https://example.test/api2/v2/messages/queue/stats")
    tap.asked(old)
    navigation: Any = AskedRequest("GET", "https://example.test/my/chats/send", navigation=True)
    tap.asked(navigation)
    new: Any = AskedRequest("GET", "https://example.test/api2/v2/messages/queue/stats")
    tap.asked(new)
    assert not tap.current(old) and tap.current(new)
    never_asked: Any = AskedRequest("GET", "https://example.test/api2/v2/users/me")
    assert not tap.current(never_asked)
