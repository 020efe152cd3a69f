"""No text holds a NUL character: every query and JSON or form body is refused at the edge with
a 422 naming the field (PostgreSQL cannot store NUL; no person types one). Files are not text."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, log_in, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.web.errors import install_error_handlers
from huntaze.web.text_guard import refuse_nul_characters


@pytest.fixture
def guarded() -> TestClient:
    app = FastAPI(dependencies=[Depends(refuse_nul_characters)])
    install_error_handlers(app)

    @app.get("/q")
    def query(x: str = "") -> dict[str, str]:
        return {"x": x}

    @app.post("/j")
    def json_body(body: dict[str, Any]) -> dict[str, Any]:
        return body

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    return TestClient(app, headers={"accept": "application/json"})


def test_nul_in_a_query_is_refused_naming_it(guarded: TestClient) -> None:
    answer = guarded.get("/q", params={"x": "a\x00b"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "x", "message": answer.json()["errors"][0]["message"]}
    ]
    assert guarded.get("/q", params={"x": "fine"}).json() == {"x": "fine"}


def test_nul_deep_in_a_json_body_is_refused_naming_the_path(guarded: TestClient) -> None:
    answer = guarded.post("/j", json={"persona": {"topics": ["ok", "bad\x00"]}})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["persona.topics.1"]
    # A backslash-u sequence typed as text is not a NUL.
    assert guarded.post("/j", json={"note": "\\u0000 is how JSON writes it"}).status_code == 200


def test_bytes_that_are_not_text_pass(guarded: TestClient) -> None:
    answer = guarded.post(
        "/raw", content=b"\x89PNG\x00\x00\x00", headers={"content-type": "image/png"}
    )
    assert answer.status_code == 200 and answer.json() == {"size": 7}


def test_the_api_and_pages_refuse_nul_everywhere(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    headers = api_headers(client, session, owner)
    assert client.get("/api/v1/fans", params={"q": "mi\x00a"}, headers=headers).status_code == 422
    created = client.post("/api/v1/creators", json={"display_name": "Lu\x00na"}, headers=headers)
    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "display_name"
    assert client.get("/api/v1/creators", headers=headers).json() == []


def test_a_page_form_with_nul_is_refused_after_its_csrf_check(
    client: TestClient, session: Session
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    session.commit()
    csrf = log_in(client, session, owner)
    answer = client.post(
        "/creators/new", data={"csrf_token": csrf, "display_name": "Lu\x00na", "timezone": "UTC"}
    )
    assert answer.status_code == 422
    assert "NUL" in answer.text
    fine = client.post("/orgs/switch", data={"csrf_token": csrf, "organization_id": "nope"})
    assert fine.status_code < 500
