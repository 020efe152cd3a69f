"""The similarity API: add and search over HTTP, other organizations get 404, bad input 422."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_member, make_org

from huntaze.accounts.permissions import Role

from .conftest import Studio
from .samples import BEACH_EXAMPLES, BEACH_QUERY


def _items() -> list[dict[str, Any]]:
    return [example.model_dump(mode="json", exclude_none=True) for example in BEACH_EXAMPLES]


def test_add_then_search(client: TestClient, session: Session, studio: Studio) -> None:
    headers = api_headers(client, session, studio.owner)
    base = f"/api/v1/creators/{studio.creator_id}/ai-examples"

    added = client.post(base, json={"items": _items()}, headers=headers)
    found = client.post(f"{base}/search", json={"text": BEACH_QUERY, "k": 2}, headers=headers)

    assert added.status_code == 201, added.text
    assert added.json() == {"added": 4, "embedded": True, "model": "all-MiniLM-L6-v2"}
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["method"] == "embedding" and len(body["hits"]) == 2
    assert body["hits"][0]["text"] == "want the full beach set?"
    assert set(body["hits"][0]) >= {"similarity", "outcome", "performance", "revenue_cents"}


def test_another_organization_gets_404(
    client: TestClient, session: Session, studio: Studio
) -> None:
    stranger = make_member(session, make_org(session), Role.OWNER)
    headers = api_headers(client, session, stranger)
    base = f"/api/v1/creators/{studio.creator_id}/ai-examples"
    assert client.post(base, json={"items": _items()}, headers=headers).status_code == 404
    searched = client.post(f"{base}/search", json={"text": BEACH_QUERY}, headers=headers)
    assert searched.status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/search", {"text": "   "}, "text"),
        ("/search", {"text": "x" * 2001}, "text"),
        ("/search", {"text": "hi", "k": 0}, "k"),
        ("/search", {"text": "hi", "k": 51}, "k"),
        ("/search", {"text": "hi", "kind": "poem"}, "kind"),
        ("", {"items": []}, "items"),
        ("", {"items": [{"kind": "reply", "text": ""}]}, "items.0.text"),
        ("", {"items": [{"kind": "reply", "text": "y" * 2001}]}, "items.0.text"),
        ("", {"items": [{"kind": "reply", "text": "ok", "performance": 2}]}, "items.0.performance"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient,
    session: Session,
    studio: Studio,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    headers = api_headers(client, session, studio.owner)
    url = f"/api/v1/creators/{studio.creator_id}/ai-examples{path}"
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
