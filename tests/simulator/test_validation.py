"""Bad input gets a clear 4xx JSON error, never a 500 (DESIGN.md §3)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.simulator.conftest import fan_with_profile


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 422, "empty_text"),
        ({"text": "   "}, 422, "empty_text"),
        ({"text": "x" * 5001}, 422, "text_too_long"),
        ({"text": "hi", "price_cents": -100}, 422, "invalid_price"),
        ({"text": "hi", "price_cents": 50}, 422, "price_too_low"),
        ({"text": "hi", "price_cents": "10"}, 422, "invalid_request"),
        ({"text": "hi", "media_ids": [999999]}, 404, "media_not_found"),
        ({"text": "hi", "surprise": 1}, 422, "invalid_request"),
    ],
)
def test_bad_message(
    client: TestClient, auth: dict[str, str], body: dict[str, object], status: int, code: str
) -> None:
    fan = fan_with_profile(client, "regular")
    response = client.post(f"/api/v1/chats/{fan['id']}/messages", json=body, headers=auth)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_unknown_fan(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/api/v1/chats/99999999/messages", json={"text": "hi"}, headers=auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "fan_not_found"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        (
            "post",
            "/api/v1/chats/1/messages",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
        ),
        ("get", "/api/v1/fans?limit=0", {}),
        ("get", "/api/v1/fans?status=vip", {}),
        ("get", "/api/v1/chats/abc/messages", {}),
        ("get", "/api/v1/earnings?days=0", {}),
        ("post", "/api/v1/mass-messages", {"json": {"text": "hi", "fan_ids": []}}),
        ("post", "/api/v1/mass-messages", {"json": {"text": "hi", "fan_ids": [123456789]}}),
        ("post", "/api/v1/posts", {"json": {"text": "x", "publish_at": "yesterday"}}),
        ("post", "/api/v1/posts", {"json": {"text": "x", "publish_at": "2001-01-01T00:00:00Z"}}),
        ("post", "/api/v1/links", {"json": {"name": "t", "kind": "trial", "trial_days": 0}}),
        ("post", "/api/v1/vault", {"files": {"file": ("a.txt", b"hello", "text/plain")}}),
        ("post", "/api2/v2/chats/1/messages", {"json": {"text": "hi", "price": -5}}),
    ],
)
def test_bad_requests_are_4xx_json(
    client: TestClient, auth: dict[str, str], method: str, path: str, kwargs: dict[str, object]
) -> None:
    headers = dict(auth) | dict(kwargs.pop("headers", {}))  # type: ignore[call-overload]
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"]


def test_no_or_bad_credentials(client: TestClient) -> None:
    assert client.get("/api/v1/me").json()["error"]["code"] == "not_authenticated"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_token"
    assert client.get("/_admin/accounts").status_code == 403
