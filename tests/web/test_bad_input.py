"""Bad input gets a clear 4xx problem+json that names the field, and leaves no partial rows."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_member, make_org

from huntaze.accounts.models import AuditLog
from huntaze.accounts.permissions import Role
from huntaze.creators.models import Creator


@pytest.fixture
def owner_headers(client: TestClient, session: Session) -> dict[str, str]:
    owner = make_member(session, make_org(session), Role.OWNER)
    return api_headers(client, session, owner)


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_malformed_json_is_400(client: TestClient, owner_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/creators",
        content=b'{"display_name": "x",',
        headers=owner_headers | {"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Malformed JSON"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": 5}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "ok", "price_min_cents": "5"}, "price_min_cents"),
        ({"display_name": "ok", "price_min_cents": True}, "price_min_cents"),
        ({"display_name": "ok", "price_min_cents": -1}, "price_min_cents"),
        ({"display_name": "ok", "timezone": "Mars/Olympus"}, "timezone"),
        ({"display_name": "ok", "topics": ["t" * 41]}, "topics.0"),
        ({"display_name": "ok", "languages": ["english"]}, "languages.0"),
        ({"display_name": "ok", "emoji_use": "lots"}, "emoji_use"),
        ({"display_name": "ok", "boundaries": "b" * 2001}, "boundaries"),
        ({"display_name": "ok", "unknown": 1}, "unknown"),
    ],
)
def test_invalid_fields_are_named(
    client: TestClient,
    session: Session,
    owner_headers: dict[str, str],
    body: dict[str, object],
    field: str,
) -> None:
    before = _count(session, Creator)
    response = client.post("/api/v1/creators", json=body, headers=owner_headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["status"] == 422
    assert field in [e["field"] for e in problem["errors"]]
    assert field.split(".")[0] in problem["detail"]
    assert _count(session, Creator) == before


def test_price_range_must_be_ordered(client: TestClient, owner_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/creators",
        json={"display_name": "x", "price_min_cents": 900, "price_max_cents": 100},
        headers=owner_headers,
    )
    assert response.status_code == 422
    assert "price_max_cents" in response.json()["errors"][0]["message"]


def test_unknown_ids_are_404(client: TestClient, owner_headers: dict[str, str]) -> None:
    for path in ("/api/v1/creators/nope", "/api/v1/creators/nope/platform-accounts"):
        response = client.get(path, headers=owner_headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "No such creator in this organization."


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_failed_request_leaves_no_partial_rows(
    client: TestClient, session: Session, owner_headers: dict[str, str]
) -> None:
    """A conflict raised after the creator row was flushed rolls the whole request back."""
    creator = client.post(
        "/api/v1/creators", json={"display_name": "Luna"}, headers=owner_headers
    ).json()
    path = f"/api/v1/creators/{creator['id']}/platform-accounts"
    assert (
        client.post(
            path, json={"platform": "simulator", "handle": "luna"}, headers=owner_headers
        ).status_code
        == 201
    )
    audits, creators_before = _count(session, AuditLog), _count(session, Creator)
    again = client.post(
        path, json={"platform": "simulator", "handle": "luna"}, headers=owner_headers
    )
    assert again.status_code == 409
    assert _count(session, AuditLog) == audits
    assert _count(session, Creator) == creators_before


def test_server_error_shows_no_stack_trace(
    client: TestClient,
    session: Session,
    owner_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from huntaze.creators import service

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service.creators, "list_creators", explode)
    response = client.get("/api/v1/creators", headers=owner_headers)
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert response.json()["request_id"]
