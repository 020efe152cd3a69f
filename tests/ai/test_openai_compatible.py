"""Acceptance 2: the OpenAI-compatible provider against a real llama.cpp server on loopback.

The server is ``python -m llama_cpp.server`` with the embedded GGUF; stopping it mid-test must
make the router fall back to the next provider in the chain.
"""

from __future__ import annotations

from huntaze.ai.providers.base import CompletionRequest, ProviderUnavailableError
from huntaze.ai.providers.openai_compat import OpenAICompatibleConfig, build_openai_compatible
from huntaze.ai.router import AIRouter
from huntaze.ai.schemas import AnalyzeOutput
from huntaze.ai.settings import ProviderSettings

from .conftest import LlamaServer
from .doubles import SAMPLE_INPUTS


def _settings(base_url: str) -> ProviderSettings:
    return ProviderSettings.model_validate(
        {
            "providers": {
                "server": {
                    "kind": "openai_compatible",
                    "base_url": base_url,
                    "model": "smollm2-server",
                },
                "local": {"kind": "local"},
            },
            "default_chain": ["server", "local"],
            "timeout_s": 20,
        }
    )


def test_provider_returns_schema_constrained_json(llama_server: LlamaServer) -> None:
    provider = build_openai_compatible(
        OpenAICompatibleConfig(base_url=llama_server.base_url, model="smollm2-server")
    )
    request = CompletionRequest(
        system="You classify fan messages. Answer with JSON.",
        user="Fan: how much for the beach video?",
        json_schema=AnalyzeOutput.model_json_schema(),
        max_tokens=120,
        temperature=0.0,
    )

    completion = provider.complete(request)

    AnalyzeOutput.model_validate_json(completion.text)
    assert completion.tokens_in > 0 and completion.tokens_out > 0


def test_router_falls_back_to_the_next_provider_when_the_server_stops(
    llama_server: LlamaServer,
) -> None:
    router = AIRouter(_settings(llama_server.base_url))
    payload = SAMPLE_INPUTS["chat.reply_draft"]

    served = router.run_named("chat.reply_draft", payload)
    llama_server.stop()
    after = router.run_named("chat.reply_draft", payload)

    assert served.record.provider == "openai_compatible"
    assert served.record.outcome == "accepted" and served.record.tokens_out > 0
    server_attempts = [a for a in after.record.attempts if a.provider == "openai_compatible"]
    assert server_attempts and all(a.outcome == "error" for a in server_attempts)
    assert (after.record.provider, after.record.outcome) == ("local", "accepted")
    assert any("openai_compatible: error" in note for note in after.record.notes)


def test_unreachable_server_is_reported_as_unavailable() -> None:
    provider = build_openai_compatible(
        OpenAICompatibleConfig(base_url="http://127.0.0.1:9/v1", model="none")
    )

    try:
        provider.complete(CompletionRequest(system="s", user="u", timeout_s=2))
    except ProviderUnavailableError as exc:
        assert "openai_compatible" in str(exc)
    else:
        raise AssertionError("expected ProviderUnavailableError")
