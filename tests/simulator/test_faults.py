"""Each fault mode does what faults.py documents (DESIGN.md §3)."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.simulator.conftest import ADMIN, LiveServer, fan_with_profile

from huntaze.simulator.faults import ResponseLostError


def set_fault(client: TestClient | httpx.Client, mode: str, **body: object) -> None:
    response = client.post(
        "/_admin/accounts/creator1/faults", json={"mode": mode, **body}, headers=ADMIN
    )
    assert response.status_code == 201, response.text


def test_latency_delays_every_request(client: TestClient, auth: dict[str, str]) -> None:
    set_fault(client, "latency", params={"ms": 300}, count=1)
    started = time.monotonic()
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    assert time.monotonic() - started >= 0.3
    assert client.get("/_admin/accounts/creator1/faults", headers=ADMIN).json()["items"] == []


def test_slow_pages_leaves_api_v1_alone(client: TestClient, auth: dict[str, str]) -> None:
    set_fault(client, "slow_pages", params={"ms": 250})
    client.post("/login", data={"username": "creator1", "password": "simulator"})
    started = time.monotonic()
    assert client.get("/my/fans").status_code == 200
    assert time.monotonic() - started >= 0.25
    faults_url = "/_admin/accounts/creator1/faults"
    fired = client.get(faults_url, headers=ADMIN).json()["items"][0]["fired"]
    client.get("/api/v1/me", headers=auth)
    assert client.get(faults_url, headers=ADMIN).json()["items"][0]["fired"] == fired


def test_rate_limit_answers_429_with_retry_after(client: TestClient, auth: dict[str, str]) -> None:
    set_fault(client, "rate_limit", params={"retry_after_s": 7}, count=2)
    fan = fan_with_profile(client, "regular")
    for _ in range(2):
        response = client.post(
            f"/api/v1/chats/{fan['id']}/messages", json={"text": "hi"}, headers=auth
        )
        assert response.status_code == 429
        assert response.headers["retry-after"] == "7"
        assert response.json()["error"]["code"] == "rate_limited"
    assert (
        client.post(
            f"/api/v1/chats/{fan['id']}/messages", json={"text": "hi"}, headers=auth
        ).status_code
        == 201
    )
    assert (
        client.get(
            f"/_admin/accounts/creator1/deliveries?fan_id={fan['id']}&text=hi", headers=ADMIN
        ).json()["count"]
        == 1
    )


def test_error_rate_is_reproducible(client: TestClient, auth: dict[str, str]) -> None:
    set_fault(client, "error_rate", params={"rate": 1.0, "status": 502}, count=1)
    failed = client.get("/api/v1/me", headers=auth)
    assert failed.status_code == 502 and failed.json()["error"]["code"] == "server_error"
    set_fault(client, "error_rate", params={"rate": 0.5})
    first = [client.get("/api/v1/me", headers=auth).status_code for _ in range(20)]
    set_fault(client, "error_rate", params={"rate": 0.5})
    second = [client.get("/api/v1/me", headers=auth).status_code for _ in range(20)]
    assert {200, 503} == set(first) and second != [] and first.count(503) == second.count(503)


def test_session_expiry_logs_the_browser_out(client: TestClient, auth: dict[str, str]) -> None:
    client.post("/login", data={"username": "creator1", "password": "simulator"})
    set_fault(client, "session_expiry", params={"after_requests": 1})
    assert client.get("/my/chats").status_code == 200
    page = client.get("/my/chats", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?expired=1"
    assert client.get("/api2/v2/chats").json()["error"]["code"] == "session_expired"
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    client.post("/login", data={"username": "creator1", "password": "simulator"})
    assert client.get("/my/chats", follow_redirects=False).status_code == 200


def test_lost_response_in_process_raises(client: TestClient, auth: dict[str, str]) -> None:
    set_fault(client, "lost_response", count=1)
    fan = fan_with_profile(client, "regular")
    with pytest.raises(ResponseLostError):
        client.post(
            f"/api/v1/chats/{fan['id']}/messages",
            json={"text": "lost?", "nonce": "L1"},
            headers=auth,
        )
    truth = client.get("/_admin/accounts/creator1/deliveries?nonce=L1", headers=ADMIN).json()
    assert truth["count"] == 1


def test_lost_response_over_a_socket_drops_the_connection(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        accounts = http.get("/_admin/accounts", headers=ADMIN).json()["accounts"]
        auth = {"Authorization": f"Bearer {accounts[0]['api_token']}"}
        fan_id = http.get("/api/v1/fans?status=active&limit=1", headers=auth).json()["items"][0][
            "id"
        ]
        set_fault(http, "lost_response", count=1)
        with pytest.raises(httpx.RemoteProtocolError):
            http.post(
                f"/api/v1/chats/{fan_id}/messages",
                json={"text": "did it land?", "nonce": "L2"},
                headers=auth,
            )
        truth = http.get("/_admin/accounts/creator1/deliveries?nonce=L2", headers=ADMIN).json()
        assert truth["count"] == 1
        retry = http.get(f"/api/v1/chats/{fan_id}/messages?nonce=L2", headers=auth).json()
        assert len(retry["items"]) == 1


def test_unknown_mode_and_bad_params_are_422(client: TestClient) -> None:
    url = "/_admin/accounts/creator1/faults"
    assert client.post(url, json={"mode": "meteor"}, headers=ADMIN).status_code == 422
    assert (
        client.post(url, json={"mode": "latency", "params": {"ms": -1}}, headers=ADMIN).status_code
        == 422
    )
