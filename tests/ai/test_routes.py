"""The AI JSON API: run a task, validation naming fields, settings without keys, usage."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import api_headers, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.ai.providers.base import Pricing
from huntaze.ai.router import AIRouter

from .doubles import SAMPLE_INPUTS, ScriptedProvider

SECRET = "sk-test-abcdefghijklmnop"


def test_run_a_task_and_see_it_in_usage(
    client: TestClient, session: Session, use_providers: Callable[..., AIRouter]
) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    headers = api_headers(client, session, owner)
    settings = {
        "providers": [
            {
                "name": "vllm",
                "kind": "openai_compatible",
                "model": "qwen",
                "base_url": "http://127.0.0.1:9/v1",
                "api_key": SECRET,
            }
        ],
        "tasks": {"content.hashtags": {"provider": "vllm", "model": "qwen-small"}},
        "monthly_cap_cents": 500,
    }
    saved = client.put("/api/v1/ai/settings", json=settings, headers=headers)
    assert saved.status_code == 200, saved.text
    assert SECRET not in saved.text
    routes = {t["task"]: t for t in saved.json()["tasks"]}
    assert (
        routes["content.hashtags"]["provider_in_use"],
        routes["content.hashtags"]["model_in_use"],
    ) == ("vllm", "qwen-small")
    assert routes["chat.reply_draft"]["provider_in_use"] == "local"
    hashtags = json.dumps({"hashtags": ["#beach", "#sunset", "#summer", "#photo", "#red"]})
    use_providers(vllm=ScriptedProvider([hashtags], name="vllm", pricing=Pricing(10.0, 10.0)))

    ran = client.post(
        "/api/v1/ai/tasks/content.hashtags", json=SAMPLE_INPUTS["content.hashtags"], headers=headers
    )
    usage = client.get("/api/v1/ai/usage", headers=headers).json()

    assert ran.status_code == 200, ran.text
    assert ran.json()["record"]["provider"] == "vllm" and ran.json()["output"]["hashtags"]
    assert usage["total"]["calls"] == 1 and usage["total"]["cost_micro_usd"] == 1200
    assert usage["by_task"][0]["key"] == "content.hashtags"
    shown = client.get("/api/v1/ai/settings", headers=headers)
    assert SECRET not in shown.text
    assert {p["name"]: p["api_key"] for p in shown.json()["providers"]}["vllm"] == "set"


def test_bad_input_unknown_task_and_bad_month(client: TestClient, session: Session) -> None:
    owner = make_member(session, make_org(session), Role.OWNER)
    headers = api_headers(client, session, owner)

    bad = client.post("/api/v1/ai/tasks/content.hashtags", json={"count": 0}, headers=headers)
    missing = client.post("/api/v1/ai/tasks/content.nothing", json={}, headers=headers)
    month = client.get("/api/v1/ai/usage?month=2026-13", headers=headers)
    route = client.put(
        "/api/v1/ai/settings",
        json={"tasks": {"chat.reply_draft": {"provider": "ghost"}}},
        headers=headers,
    )
    listed = client.get("/api/v1/ai/tasks", headers=headers).json()

    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"topic", "count"}
    assert missing.status_code == 404
    assert month.status_code == 422 and month.json()["errors"][0]["field"] == "month"
    assert route.status_code == 422
    assert route.json()["errors"][0]["field"] == "tasks.chat.reply_draft.provider"
    hashtags = next(t for t in listed if t["name"] == "content.hashtags")
    assert "topic" in hashtags["input_schema"]["properties"]
