"""Bad input gets a clear 4xx problem+json that names the field, and leaves no partial rows."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_member, make_org

from huntaze.accounts.auth import ApiActor
from huntaze.accounts.models import AuditLog
from huntaze.accounts.permissions import Role
from huntaze.core.errors import ConflictError
from huntaze.core.http import DbSession
from huntaze.creators.models import Creator, PlatformAccount
from huntaze.creators.schemas import CreatorCreate
from huntaze.creators.service import creators


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


def test_duplicate_account_is_409_and_adds_nothing(
    client: TestClient, session: Session, owner_headers: dict[str, str]
) -> None:
    creator = client.post(
        "/api/v1/creators", json={"display_name": "Luna"}, headers=owner_headers
    ).json()
    path = f"/api/v1/creators/{creator['id']}/platform-accounts"
    body = {"platform": "simulator", "handle": "luna"}
    assert client.post(path, json=body, headers=owner_headers).status_code == 201
    audits, accounts = _count(session, AuditLog), _count(session, PlatformAccount)
    again = client.post(path, json=body, headers=owner_headers)
    assert again.status_code == 409
    assert (_count(session, AuditLog), _count(session, PlatformAccount)) == (audits, accounts)


def test_failed_request_leaves_no_partial_rows(
    app: FastAPI, client: TestClient, session: Session, owner_headers: dict[str, str]
) -> None:
    """A conflict raised after rows were written and flushed rolls the whole request back.

    The endpoint is the test's own, so that it really writes before it fails: the request
    boundary (``DbSession``), not the service, must undo the creator and its audit entry.
    """

    @app.post("/api/v1/test-only/create-then-conflict")
    def create_then_conflict(actor: ApiActor, db: DbSession) -> None:
        made = creators.create(db, actor, CreatorCreate(display_name="Half done"))
        db.flush()
        assert db.get(Creator, made.id) is not None
        raise ConflictError("Something clashed after the creator was written.")

    audits, creators_before = _count(session, AuditLog), _count(session, Creator)
    response = client.post("/api/v1/test-only/create-then-conflict", headers=owner_headers)
    assert response.status_code == 409, response.text
    session.expire_all()
    assert _count(session, Creator) == creators_before
    assert _count(session, AuditLog) == audits


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
