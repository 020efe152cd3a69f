"""The AI service: usage rows per provider call, caps from stored settings, encrypted keys.

Providers are scripted doubles at the provider boundary (``use_providers``); settings, the
database, compliance and the router are real.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from tests.factories import Member, make_creator, make_member, make_org

from huntaze.accounts.permissions import Role
from huntaze.ai.org_settings import AISettingsIn, ProviderIn, TaskRouteIn
from huntaze.ai.providers.base import Pricing
from huntaze.ai.records import AIUsage
from huntaze.ai.router import AIRouter
from huntaze.ai.service import ai
from huntaze.core.db import utcnow
from huntaze.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError

from .doubles import SAMPLE_INPUTS, ScriptedProvider

REPLY = json.dumps({"reply": "Hi Tom! The beach bundle is 15 dollars, you will love it."})
LOCAL_REPLY = json.dumps({"reply": "Hi Tom! The beach bundle is ready for you, enjoy it."})
SECRET = "sk-live-very-secret-0123456789"
Install = Callable[..., AIRouter]


def _cloud(**extra: Any) -> ProviderIn:
    fields = {"name": "cloud", "kind": "openai_compatible", "model": "big-model"}
    return ProviderIn(**(fields | {"base_url": "http://127.0.0.1:9/v1"} | extra))


@pytest.fixture
def admin(session: Session) -> Member:
    return make_member(session, make_org(session), Role.ADMIN)


def _usage(session: Session, org: str) -> list[AIUsage]:
    stmt = select(AIUsage).where(AIUsage.organization_id == org).order_by(AIUsage.created_at)
    return list(session.scalars(stmt))


def test_each_provider_call_is_a_usage_row_with_its_numbers(
    session: Session, admin: Member, use_providers: Install
) -> None:
    creator = make_creator(session, admin)
    ai.save_settings(
        session,
        admin.actor,
        AISettingsIn(
            providers=[_cloud()], tasks={"chat.reply_draft": TaskRouteIn(provider="cloud")}
        ),
    )
    cloud = ScriptedProvider([REPLY], name="cloud", pricing=Pricing(1.0, 2.0))
    use_providers(cloud=cloud)

    result = ai.run(
        session,
        admin.actor,
        "chat.reply_draft",
        SAMPLE_INPUTS["chat.reply_draft"],
        creator_id=creator.id,
    )
    session.commit()

    assert result.record.provider == "cloud" and not result.fallback
    [row] = _usage(session, admin.organization.id)
    assert (row.task, row.provider, row.model, row.outcome) == (
        "chat.reply_draft",
        "cloud",
        "scripted-1",
        "accepted",
    )
    assert (row.tokens_in, row.tokens_out, row.cost_micro_usd) == (100, 20, 140)
    assert row.prompt_version == "chat/reply_draft.v2" and row.creator_id == creator.id
    assert row.latency_ms >= 0


def test_usage_is_kept_when_the_request_fails_afterwards(
    session: Session, admin: Member, use_providers: Install
) -> None:
    ai.save_settings(
        session, admin.actor, AISettingsIn(providers=[_cloud()], default_provider="cloud")
    )
    session.commit()
    use_providers(cloud=ScriptedProvider([REPLY], name="cloud", pricing=Pricing(1.0, 2.0)))

    ai.run(session, admin.actor, "chat.reply_draft", SAMPLE_INPUTS["chat.reply_draft"])
    session.rollback()

    assert [r.cost_micro_usd for r in _usage(session, admin.organization.id)] == [140]


@pytest.mark.parametrize("cap", ["organization", "task"])
def test_a_reached_cap_sends_calls_to_the_embedded_model(
    session: Session, admin: Member, use_providers: Install, cap: str
) -> None:
    caps: dict[str, Any] = (
        {"monthly_cap_cents": 1}
        if cap == "organization"
        else {"task_monthly_cap_cents": {"chat.reply_draft": 1}}
    )
    ai.save_settings(
        session,
        admin.actor,
        AISettingsIn(providers=[_cloud()], default_provider="cloud", **caps),
    )
    cloud = ScriptedProvider([REPLY], name="cloud", pricing=Pricing(100.0, 0.0))
    local = ScriptedProvider([LOCAL_REPLY], name="local", model="SmolLM2-double")
    use_providers(cloud=cloud, local=local)
    payload = SAMPLE_INPUTS["chat.reply_draft"]

    first = ai.run(session, admin.actor, "chat.reply_draft", payload)
    second = ai.run(session, admin.actor, "chat.reply_draft", payload)
    other = ai.run(session, admin.actor, "content.hashtags", SAMPLE_INPUTS["content.hashtags"])
    session.commit()

    assert (first.record.provider, first.record.capped) == ("cloud", False)
    assert (second.record.provider, second.record.capped) == ("local", True)
    assert "monthly cost cap of 1 cents" in second.record.notes[0]
    assert other.record.capped is (cap == "organization")
    rows = _usage(session, admin.organization.id)
    assert [(r.task, r.provider, r.cost_micro_usd) for r in rows[:2]] == [
        ("chat.reply_draft", "cloud", 10_000),
        ("chat.reply_draft", "local", 0),
    ]


def test_keys_are_stored_encrypted_and_shown_only_as_set(session: Session, admin: Member) -> None:
    ai.save_settings(session, admin.actor, AISettingsIn(providers=[_cloud(api_key=SECRET)]))
    session.flush()

    raw = session.execute(
        text("SELECT settings FROM ai_organization_settings WHERE organization_id = :o"),
        {"o": admin.organization.id},
    ).scalar_one()
    assert SECRET not in str(raw) and "api_key_encrypted" in str(raw)
    view = ai.settings_view(session, admin.actor)
    assert SECRET not in view.model_dump_json()
    assert {p.name: p.api_key for p in view.providers} == {"local": "not set", "cloud": "set"}
    config = ai.settings_for(session, admin.actor.org).providers["cloud"]
    assert config.api_key.get_secret_value() == SECRET  # type: ignore[union-attr]

    # Saving again with a blank key keeps the stored key; the audit log never holds it.
    ai.save_settings(session, admin.actor, ai.settings_input(session, admin.actor))
    config = ai.settings_for(session, admin.actor.org).providers["cloud"]
    assert config.api_key.get_secret_value() == SECRET  # type: ignore[union-attr]
    audit_text = session.execute(text("SELECT before, after FROM audit_log")).all()
    assert SECRET not in str(audit_text)


def test_settings_are_validated_and_only_admins_change_them(
    session: Session, admin: Member
) -> None:
    manager = make_member(session, admin.organization, Role.MANAGER)
    with pytest.raises(PermissionDeniedError):
        ai.save_settings(session, manager.actor, AISettingsIn())
    bad_route = AISettingsIn(tasks={"chat.reply_draft": TaskRouteIn(provider="nope")})
    with pytest.raises(InvalidInputError) as caught:
        ai.save_settings(session, admin.actor, bad_route)
    assert caught.value.errors[0]["field"] == "tasks.chat.reply_draft.provider"
    with pytest.raises(InvalidInputError):
        ai.save_settings(session, admin.actor, AISettingsIn(providers=[_cloud(name="local")]))


def test_run_checks_role_task_input_and_creator(session: Session, admin: Member) -> None:
    viewer = make_member(session, admin.organization, Role.VIEWER)
    stranger = make_creator(session, make_member(session, make_org(session), Role.OWNER))
    with pytest.raises(PermissionDeniedError):
        ai.run(session, viewer.actor, "content.hashtags", SAMPLE_INPUTS["content.hashtags"])
    with pytest.raises(NotFoundError):
        ai.run(session, admin.actor, "content.nothing", {})
    with pytest.raises(InvalidInputError) as caught:
        ai.run(session, admin.actor, "content.hashtags", {"count": 99})
    assert {e["field"] for e in caught.value.errors} == {"topic", "count"}
    with pytest.raises(NotFoundError):
        ai.run(
            session,
            admin.actor,
            "content.hashtags",
            SAMPLE_INPUTS["content.hashtags"],
            creator_id=stranger.id,
        )


def test_usage_summary_groups_by_task_model_and_creator(session: Session, admin: Member) -> None:
    creator = make_creator(session, admin, name="Luna")
    org = admin.organization.id
    now = utcnow()
    rows = [
        ("chat.reply_draft", "cloud", "big", creator.id, "accepted", 5000),
        ("chat.reply_draft", "cloud", "big", creator.id, "rejected_by_gate", 3000),
        ("chat.reply_draft", "template", "template", creator.id, "fell_back", 0),
        ("content.caption", "local", "smol", None, "accepted", 0),
    ]
    for task, provider, model, creator_id, outcome, cost in rows:
        session.add(
            AIUsage(
                organization_id=org,
                creator_id=creator_id,
                task=task,
                provider=provider,
                model=model,
                prompt_version="v1",
                outcome=outcome,
                tokens_in=10,
                tokens_out=5,
                latency_ms=20.0,
                cost_micro_usd=cost,
                created_at=now,
            )
        )
    ai.save_settings(session, admin.actor, AISettingsIn(monthly_cap_cents=2))
    session.flush()

    summary = ai.usage_summary(session, admin.actor, month=now.strftime("%Y-%m"))

    assert (summary.total.calls, summary.total.cost_micro_usd) == (4, 8000)
    assert summary.total.cap_used_percent == 40
    reply = summary.by_task[0]
    assert (reply.key, reply.calls, reply.fallbacks, reply.rejections) == (
        "chat.reply_draft",
        3,
        1,
        1,
    )
    assert summary.by_model[0].key == "cloud / big"
    assert {c.label: c.calls for c in summary.by_creator} == {"Luna": 3, "no creator": 1}
    assert ai.usage_summary(session, admin.actor, month="2001-01").total.calls == 0


def test_provider_test_reports_failure_in_one_line(session: Session, admin: Member) -> None:
    ai.save_settings(session, admin.actor, AISettingsIn(providers=[_cloud()]))

    result = ai.test_provider(session, admin.actor, "cloud")

    assert not result.ok and result.provider == "cloud"
    assert "Traceback" not in result.message and "\n" not in result.message
    with pytest.raises(NotFoundError):
        ai.test_provider(session, admin.actor, "missing")
    with pytest.raises(PermissionDeniedError):
        chatter = make_member(session, admin.organization, Role.CHATTER)
        ai.test_provider(session, chatter.actor, "cloud")


def test_provider_test_calls_the_real_embedded_model(session: Session, admin: Member) -> None:
    result = ai.test_provider(session, admin.actor, "local")
    session.commit()

    assert result.ok, result.message
    assert result.model.startswith("SmolLM2")
    [row] = _usage(session, admin.organization.id)
    assert (row.task, row.provider, row.outcome) == ("provider.test", "local", "accepted")
    assert row.tokens_out > 0
