"""The drafting gates: each catches what was seen in real drafts, and lets good drafts through."""

from __future__ import annotations

import json

import pytest

from huntaze.ai.gates import (
    DraftSafetyGate,
    EchoGate,
    GateContext,
    PlaceholderGate,
    PriceGate,
    RefundPromiseGate,
    RelevanceGate,
    SelfGreetingGate,
)
from huntaze.ai.providers.openai_compat import OpenAICompatibleConfig
from huntaze.ai.router import AIRouter
from huntaze.ai.settings import ProviderSettings

from ..doubles import SAMPLE_INPUTS, ScriptedProvider

FACTS = GateContext(
    "",
    facts={
        "fan_text": "my dog just ate my whole sandwich off the table",
        "fan_name": "Tom",
        "persona_name": "Mia",
        "price_floor_cents": 1500,
        "allowed_prices_cents": [2500, 4000],
    },
)


@pytest.mark.parametrize(
    ("gate", "text"),
    [
        (PlaceholderGate(), "Hi [Fan's Name]! Can't wait."),
        (PlaceholderGate(), "Let's go to {destination} together"),
        (PlaceholderGate(), "Hey {{ name }}"),
        (EchoGate(), "Haha your dog just ate my whole sandwich? lol"),
        (SelfGreetingGate(), "Hi Mia! So nice to hear from you"),
        (PriceGate(), "The set is $15 for you"),
        (PriceGate(), "It's 30 dollars, babe"),
        (PriceGate(), "I'll give you a discount, 20% off"),
        (RefundPromiseGate(), "So sorry! I'll refund you right away"),
        (RefundPromiseGate(), "You'll get your money back today"),
        (DraftSafetyGate(), "Aw, come over for a cup of tea sometime"),
        (DraftSafetyGate(), "Let's meet up next week"),
        (DraftSafetyGate(), "Be my little schoolgirl tonight"),
        (DraftSafetyGate(), "Add me on snap, babe"),
    ],
)
def test_gates_catch_what_was_seen(gate: object, text: str) -> None:
    assert gate.check(text, FACTS) is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "The lingerie set is $40, Tom 😘 want it?",
        "I'm so sorry, Tom. Let me make it up to you with a bonus photo.",
        "I'm sorry, but I keep my prices the same for everyone.",
        "You're sweet, but I don't meet fans in person, I keep it all right here.",
        "No discounts, babe, but trust me, it's worth it.",
        "Haha, your dog has good taste, Tom 💕",
    ],
)
def test_good_drafts_pass_every_gate(text: str) -> None:
    gates = (
        PlaceholderGate(),
        EchoGate(),
        SelfGreetingGate(),
        PriceGate(),
        RefundPromiseGate(),
        DraftSafetyGate(),
        RelevanceGate(),
    )
    assert [g.name for g in gates if g.check(text, FACTS) is not None] == []


def test_a_rationale_is_gated_too() -> None:
    leaky = {
        "segment": "whales",
        "copy_text": "New beach bundle, just for you",
        "personalization": [],
        "rationale": "As an AI language model I picked whales.",
    }
    good = leaky | {"rationale": "Whales spend the most, so the beach bundle goes to them."}
    cloud = ScriptedProvider([json.dumps(leaky), json.dumps(good)], name="cloud")
    settings = ProviderSettings.model_validate(
        {
            "providers": {
                "local": {"kind": "local"},
                "cloud": OpenAICompatibleConfig(base_url="http://127.0.0.1:9/v1", model="c"),
            },
            "default_chain": ["cloud"],
        }
    )
    router = AIRouter(settings, providers={"cloud": cloud})

    result = router.run_named("marketing.copy", SAMPLE_INPUTS["marketing.copy"])

    first, second = result.record.attempts
    assert (first.outcome, first.gate) == ("rejected_by_gate", "relevance")
    assert second.outcome == "accepted" and result.output.rationale.startswith("Whales")
