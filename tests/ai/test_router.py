"""Acceptance 3 and the router's rules: retries, repair, gates, fallback, caps, second opinion.

Providers here are scripted doubles (at the provider boundary); everything else is real.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from huntaze.ai.providers.base import Pricing, ProviderTimeoutError
from huntaze.ai.providers.openai_compat import OpenAICompatibleConfig
from huntaze.ai.router import AIRouter
from huntaze.ai.settings import ProviderSettings, TaskRoute
from huntaze.ai.usage import InMemoryUsageRecorder, UsageEntry

from .doubles import SAMPLE_INPUTS, ScriptedProvider

REPLY_INPUT = SAMPLE_INPUTS["chat.reply_draft"]
GOOD_REPLY = json.dumps({"reply": "Hi Tom! The beach bundle is 15 dollars, you will love it."})


def _settings(*names: str, **extra: object) -> ProviderSettings:
    configs = {n: OpenAICompatibleConfig(base_url="http://127.0.0.1:9/v1", model=n) for n in names}
    return ProviderSettings.model_validate(
        {
            "providers": {"local": {"kind": "local"}, **configs},
            "default_chain": list(names),
            **extra,
        }
    )


def _router(*providers: ScriptedProvider, **extra: object) -> AIRouter:
    return AIRouter(
        _settings(*(p.name for p in providers), **extra), providers={p.name: p for p in providers}
    )


def test_accepted_answer_is_recorded_with_tokens_cost_and_prompt_version() -> None:
    paid = ScriptedProvider([GOOD_REPLY], name="cloud", pricing=Pricing(1.0, 2.0))
    router = _router(paid)

    result = router.run_named("chat.reply_draft", REPLY_INPUT, organization_id="org-1")

    record = result.record
    assert result.output.reply.startswith("Hi Tom")
    assert (record.provider, record.model, record.outcome) == ("cloud", "scripted-1", "accepted")
    assert (record.tokens_in, record.tokens_out, record.cost_micro_usd) == (100, 20, 140)
    assert record.prompt_version == "chat/reply_draft.v2"
    assert [e.outcome for e in router.recorder.entries] == ["accepted"]  # type: ignore[attr-defined]


def test_wrong_language_is_retried_with_the_reason_as_feedback() -> None:
    french = json.dumps({"reply": "Merci pour ton message, je suis avec toi et je te réponds vite"})
    provider = ScriptedProvider([french, GOOD_REPLY], name="cloud")

    result = _router(provider).run_named("chat.reply_draft", REPLY_INPUT)

    first, second = result.record.attempts
    assert (first.outcome, first.gate) == ("rejected_by_gate", "language")
    assert second.outcome == "accepted" and result.record.outcome == "accepted"
    assert "rejected" in provider.requests[1].user and "'fr'" in provider.requests[1].user


def test_too_long_answers_fall_back_to_the_next_provider() -> None:
    long_reply = json.dumps({"reply": "Hi Tom! " + "So nice to hear from you. " * 20})
    verbose = ScriptedProvider([long_reply], name="verbose")
    concise = ScriptedProvider([GOOD_REPLY], name="concise")
    payload = {**REPLY_INPUT, "max_chars": 120}

    result = _router(verbose, concise).run_named("chat.reply_draft", payload)

    assert [(a.provider, a.outcome, a.gate) for a in result.record.attempts] == [
        ("verbose", "rejected_by_gate", "length"),
        ("verbose", "rejected_by_gate", "length"),
        ("concise", "accepted", None),
    ]
    assert result.record.provider == "concise"


def test_off_topic_answers_end_in_the_labelled_template() -> None:
    off_topic = json.dumps({"caption": "As an AI language model I cannot write captions."})
    provider = ScriptedProvider([off_topic], name="cloud")

    result = _router(provider).run_named("content.caption", SAMPLE_INPUTS["content.caption"])

    record = result.record
    assert (record.provider, record.model, record.fallback) == ("template", "template", True)
    assert record.outcome == "fell_back" and result.fallback
    assert {a.gate for a in record.attempts if a.provider == "cloud"} == {"relevance"}
    assert any("relevance" in note for note in record.notes)


def test_non_compliant_answer_is_rejected_by_the_injected_check() -> None:
    risky = json.dumps({"reply": "Hi Tom! Pay me on the side and I send it"})
    provider = ScriptedProvider([risky, GOOD_REPLY], name="cloud")
    seen: list[str] = []

    def compliance(text: str) -> Literal["allow", "review", "block"]:
        seen.append(text)
        return "block" if "side" in text else "allow"

    result = _router(provider).run_named(
        "chat.reply_draft", REPLY_INPUT, compliance_check=compliance
    )

    assert [(a.outcome, a.gate) for a in result.record.attempts] == [
        ("rejected_by_gate", "compliance"),
        ("accepted", None),
    ]
    # The draft's candidates are vetted first, then each model answer is checked.
    model_answers = [t for t in seen if t.startswith("Hi Tom!")]
    assert len(model_answers) == 2 and len(seen) > 2


def test_drafts_proposing_to_meet_are_rejected_without_a_compliance_engine() -> None:
    meet = json.dumps({"reply": "Sure Tom, let's meet up at my hotel next week"})
    provider = ScriptedProvider([meet, GOOD_REPLY], name="cloud")

    result = _router(provider).run_named("chat.reply_draft", REPLY_INPUT)

    assert result.record.attempts[0].gate == "safety"


def test_system_prompt_echo_is_rejected() -> None:
    def leak(request: object) -> str:
        system = request.system  # type: ignore[attr-defined]
        return json.dumps({"reply": system[:300]})

    provider = ScriptedProvider([leak], name="cloud")

    result = _router(provider).run_named("chat.reply_draft", REPLY_INPUT)

    assert {a.gate for a in result.record.attempts if a.provider == "cloud"} == {"system_echo"}
    assert result.record.fallback


def test_invalid_json_gets_one_repair_then_the_next_provider() -> None:
    broken = ScriptedProvider(['{"reply": "Hi', '{"text": "no reply key"}'], name="broken")
    fine = ScriptedProvider([GOOD_REPLY], name="fine")

    result = _router(broken, fine).run_named("chat.reply_draft", REPLY_INPUT)

    assert [(a.provider, a.outcome) for a in result.record.attempts] == [
        ("broken", "invalid_output"),
        ("broken", "invalid_output"),
        ("fine", "accepted"),
    ]
    assert "invalid" in broken.requests[1].user and '{"reply": "Hi' in broken.requests[1].user


def test_timeouts_are_retried_then_answered() -> None:
    provider = ScriptedProvider([ProviderTimeoutError("slow"), GOOD_REPLY], name="cloud")

    result = _router(provider).run_named("chat.reply_draft", REPLY_INPUT)

    assert [a.outcome for a in result.record.attempts] == ["error", "accepted"]
    assert result.record.attempts[0].detail == "slow"


def test_task_route_picks_its_own_provider_and_model_first() -> None:
    settings = _settings("a", "b", tasks={"chat.reply_draft": TaskRoute(provider="b", model="big")})

    chain = settings.chain_for("chat.reply_draft")

    assert [(n, c.model) for n, c in chain] == [("b", "big"), ("a", "a")]
    assert [n for n, _ in settings.chain_for("content.caption")] == ["a", "b"]


def test_monthly_cost_cap_switches_to_the_embedded_model() -> None:
    recorder = InMemoryUsageRecorder()
    now = dt.datetime(2025, 3, 10, tzinfo=dt.UTC)
    recorder.record(
        UsageEntry(
            organization_id="org-1",
            task="content.caption",
            provider="cloud",
            model="m",
            prompt_version="content/caption.v1",
            outcome="accepted",
            cost_micro_usd=50_000,
            at=now,
        )
    )
    paid = ScriptedProvider([GOOD_REPLY], name="cloud", pricing=Pricing(1.0, 1.0))
    embedded = ScriptedProvider([GOOD_REPLY], name="local")
    router = AIRouter(
        _settings("cloud", monthly_cap_cents=5),
        recorder=recorder,
        providers={"cloud": paid, "local": embedded},
        clock=lambda: now,
    )

    capped = router.run_named("chat.reply_draft", REPLY_INPUT, organization_id="org-1")
    other_org = router.run_named("chat.reply_draft", REPLY_INPUT, organization_id="org-2")

    assert capped.record.capped and capped.record.provider == "local"
    assert "cap" in capped.record.notes[0] and "embedded" in capped.record.notes[0]
    assert not paid.requests[1:] and other_org.record.provider == "cloud"


def test_per_task_cap_only_limits_that_task() -> None:
    recorder = InMemoryUsageRecorder()
    paid = ScriptedProvider([GOOD_REPLY], name="cloud", pricing=Pricing(100.0, 100.0))
    embedded = ScriptedProvider([GOOD_REPLY], name="local")
    router = AIRouter(
        _settings("cloud", task_monthly_cap_cents={"chat.reply_draft": 1}),
        recorder=recorder,
        providers={"cloud": paid, "local": embedded},
    )

    first = router.run_named("chat.reply_draft", REPLY_INPUT)
    second = router.run_named("chat.reply_draft", REPLY_INPUT)

    assert (first.record.provider, second.record.provider) == ("cloud", "local")
    assert second.record.capped and "task chat.reply_draft" in second.record.notes[0]


def test_second_opinion_never_lowers_the_rule_verdict() -> None:
    lenient = ScriptedProvider([json.dumps({"verdict": "allow", "reasons": []})], name="cloud")
    payload = {"text": "DM me on telegram", "rule_verdict": "block", "rule_reasons": ["contact"]}

    result = _router(lenient).run_named("compliance.second_opinion", payload)

    assert result.output.verdict == "block" and result.output.reasons == ["contact"]


def test_second_opinion_may_raise_the_rule_verdict() -> None:
    strict = ScriptedProvider(
        [json.dumps({"verdict": "review", "reasons": ["sounds like a meeting"]})], name="cloud"
    )
    payload = {"text": "see you soon", "rule_verdict": "allow"}

    result = _router(strict).run_named("compliance.second_opinion", payload)

    assert result.output.verdict == "review"
    assert result.output.reasons == ["second opinion: sounds like a meeting"]


def test_analysis_risk_flags_come_from_rules() -> None:
    model = json.dumps(
        {
            "sentiment": "neutral",
            "intent": "small_talk",
            "risk": "high",
            "risk_flags": ["violence"],
            "summary": "fan wants to pay outside",
        }
    )
    payload = {"messages": [{"sender": "fan", "text": "can I pay you with venmo instead?"}]}

    result = _router(ScriptedProvider([model], name="cloud")).run_named("chat.analyze", payload)

    out = result.output
    assert (out.intent, out.risk, out.risk_flags) == ("off_platform", "high", ["off_platform"])


def test_memory_facts_must_be_grounded_in_the_fans_words() -> None:
    model = json.dumps(
        {"facts": [{"key": "job", "value": "astronaut"}, {"key": "likes", "value": "hiking"}]}
    )
    payload = SAMPLE_INPUTS["chat.memory_extract"]

    result = _router(ScriptedProvider([model], name="cloud")).run_named(
        "chat.memory_extract", payload
    )

    values = {(f.key, f.value) for f in result.output.facts}
    assert ("likes", "hiking") in values and ("name", "Tom") in values
    assert not any(v == "astronaut" for _, v in values)


def test_marketing_segment_must_be_one_offered() -> None:
    made_up = json.dumps(
        {
            "segment": "everyone",
            "copy_text": "beach bundle!",
            "rationale": "big",
            "personalization": [],
        }
    )
    good = json.dumps(
        {
            "segment": "whales",
            "copy_text": "Hey {first_name}, my beach video bundle is here",
            "rationale": "they spend most",
            "personalization": [],
        }
    )
    provider = ScriptedProvider([made_up, good], name="cloud")

    result = _router(provider).run_named("marketing.copy", SAMPLE_INPUTS["marketing.copy"])

    assert result.output.segment == "whales" and result.output.personalization == ["first_name"]
    assert result.record.attempts[0].outcome == "invalid_output"
    assert "segment" in provider.requests[1].user
