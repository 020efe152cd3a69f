"""The AI pages through the ASGI client: usage with caps, settings forms, HTMX connection test."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.factories import Member, log_in, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.ai.records import AIUsage
from huntaze.core.db import Database, get_database, utcnow

SECRET = "sk-page-secret-000111222"


def _usage_rows(session: Session, member: Member, count: int) -> None:
    creator = make_creator(session, member, name=f"Creator {count}")
    for n in range(count):
        session.add(
            AIUsage(
                organization_id=member.organization.id,
                creator_id=creator.id if n % 2 else None,
                task=["chat.reply_draft", "content.caption", "content.hashtags"][n % 3],
                provider="cloud",
                model=f"model-{n % 4}",
                prompt_version="v1",
                outcome="accepted",
                tokens_in=100,
                tokens_out=10,
                latency_ms=50.0,
                cost_micro_usd=2500,
                created_at=utcnow(),
            )
        )
    session.commit()


def _count_queries(database: Database, client: TestClient, url: str) -> tuple[int, str]:
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("q")

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    return len(statements), response.text


@pytest.fixture
def admin(client: TestClient, session: Session) -> Member:
    member = make_member(session, make_org(session), Role.ADMIN)
    log_in(client, session, member)
    return member


def test_usage_page_query_count_does_not_grow_with_rows(
    client: TestClient, session: Session, admin: Member
) -> None:
    _usage_rows(session, admin, 3)
    few, _ = _count_queries(get_database(), client, "/ai")
    _usage_rows(session, admin, 60)
    many, page = _count_queries(get_database(), client, "/ai")

    assert few == many
    assert 'data-testid="total-calls">63<' in page
    assert "model-3" in page and "Creator 60" in page and "no creator" in page


def test_settings_forms_save_provider_routes_and_caps(
    client: TestClient, session: Session, admin: Member
) -> None:
    csrf = log_in(client, session, admin)
    added = client.post(
        "/ai/settings/providers",
        data={
            "csrf_token": csrf,
            "name": "vllm",
            "kind": "openai_compatible",
            "base_url": "http://127.0.0.1:9/v1",
            "model": "qwen",
            "api_key": SECRET,
        },
        follow_redirects=False,
    )
    assert added.status_code == 303 and added.headers["location"] == "/ai/settings?saved=provider"
    routed = client.post(
        "/ai/settings/routing",
        data={
            "csrf_token": csrf,
            "default_provider": "local",
            "monthly_cap": "25",
            "provider__chat.reply_draft": "vllm",
            "model__chat.reply_draft": "qwen-large",
            "cap__chat.reply_draft": "7.50",
        },
        follow_redirects=False,
    )
    assert routed.status_code == 303
    page = client.get("/ai/settings").text

    assert SECRET not in page
    in_use = re.search(r'data-testid="in-use-chat.reply_draft">(.*?)</td>', page)
    assert in_use and "vllm" in in_use.group(1) and "qwen-large" in in_use.group(1)
    assert 'value="25.00"' in page and 'value="7.50"' in page
    usage = client.get("/ai").text
    assert "of $25.00 cap" in usage and "$7.50" in usage

    wrong = client.post("/ai/settings/routing", data={"csrf_token": csrf, "monthly_cap": "lots"})
    assert wrong.status_code == 422 and "monthly_cap" in wrong.text


def test_connection_test_is_an_htmx_fragment(
    client: TestClient, session: Session, admin: Member
) -> None:
    csrf = log_in(client, session, admin)
    client.post(
        "/ai/settings/providers",
        data={
            "csrf_token": csrf,
            "name": "dead",
            "kind": "openai_compatible",
            "base_url": "http://127.0.0.1:9/v1",
            "model": "m",
        },
    )
    fragment = client.post(
        "/ai/settings/providers/dead/test", headers={"HX-Request": "true", "X-CSRF-Token": csrf}
    )
    assert fragment.status_code == 200
    assert 'data-ok="false"' in fragment.text and "<html" not in fragment.text


def test_viewer_sees_settings_but_cannot_change_them(client: TestClient, session: Session) -> None:
    viewer = make_member(session, make_org(session), Role.VIEWER)
    csrf = log_in(client, session, viewer)

    page = client.get("/ai/settings")
    refused = client.post(
        "/ai/settings/providers",
        data={"csrf_token": csrf, "name": "x", "kind": "openai", "model": "gpt-4o-mini"},
    )

    assert page.status_code == 200 and "Only admins and owners" in page.text
    assert 'data-testid="provider-form"' not in page.text
    assert refused.status_code == 403
