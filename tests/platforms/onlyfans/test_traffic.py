"""The traffic tap tells responses apart by path and by the query filters that matter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from huntaze.platforms.onlyfans.traffic import _matches


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
