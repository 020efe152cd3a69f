"""The OpenAPI document tells the truth: errors are problem+json, ``Allow`` names every method,
and request schemas refuse what the server refuses (and the server what they refuse)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


def test_every_error_response_is_documented_as_problem_json(app: FastAPI) -> None:
    for method, path, operation in _operations(app):
        errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
        assert {"400", "401", "422"} <= set(errors), (method, path)
        for status, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], (method, path, status)
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}
    schemas = app.openapi()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "Problem" in schemas


def test_allow_names_every_method_of_a_path(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    headers = api_headers(client, session, owner)
    response = client.put(f"/api/v1/creators/{creator.id}", json={}, headers=headers)
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "DELETE, GET, PATCH"
    listed = client.request("PATCH", "/api/v1/creators", headers=headers)
    assert listed.status_code == 405 and listed.headers["allow"] == "GET, POST"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/api/v1/creators/{creator_id}/ai-examples",
            {"items": [{"kind": "reply", "text": "hi", "revenue_cents": False}]},
        ),
        (
            "/api/v1/creators/{creator_id}/ai-examples",
            {"items": [{"kind": "reply", "text": "hi", "revenue_cents": "5"}]},
        ),
        ("/api/v1/creators/{creator_id}/ai-examples/search", {"text": "hi", "k": True}),
        ("/api/v1/creators/{creator_id}/ai-examples/search", {"text": "hi", "min_score": "0.5"}),
    ],
)
def test_no_silent_coercion_of_numbers(
    client: TestClient, session: Session, path: str, body: dict[str, Any]
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    creator = make_creator(session, owner)
    headers = api_headers(client, session, owner)
    response = client.post(path.format(creator_id=creator.id), json=body, headers=headers)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "body",
    [
        {"monthly_cap_cents": False},
        {"monthly_cap_cents": 1e20},
        {"task_monthly_cap_cents": {"content.caption": "100"}},
        {"providers": [{"name": "a", "kind": "openai", "model": "m", "input_per_mtok_usd": "1"}]},
    ],
)
def test_ai_settings_take_no_coerced_or_oversized_numbers(
    client: TestClient, session: Session, body: dict[str, Any]
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    headers = api_headers(client, session, owner)
    response = client.put("/api/v1/ai/settings", json=body, headers=headers)
    assert response.status_code == 422, response.text


def test_floats_still_take_integers(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    headers = api_headers(client, session, owner)
    provider = {
        "name": "cloud",
        "kind": "openai",
        "model": "gpt",
        "input_per_mtok_usd": 1,
        "output_per_mtok_usd": 2,
    }
    response = client.put("/api/v1/ai/settings", json={"providers": [provider]}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["providers"][1]["input_per_mtok_usd"] == 1.0


def test_documented_bounds_match_the_server(app: FastAPI) -> None:
    params = {
        (path, p["name"]): p["schema"]
        for _method, path, op in _operations(app)
        for p in op.get("parameters", [])
    }
    offset = params[("/api/v1/outbound-messages", "offset")]
    assert offset["maximum"] == 2**31 - 1
    month = params[("/api/v1/ai/usage", "month")]["anyOf"][0]
    assert month["pattern"].startswith("^(19[7-9]")
    before = params[("/api/v1/audit-log", "before")]["anyOf"][0]
    assert before["format"] == "date-time" and before["pattern"].startswith("^(19[7-9]")
