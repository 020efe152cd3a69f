"""OpenAI's hosted models through the ``openai`` SDK (DESIGN.md §4).

Same protocol as :mod:`huntaze.ai.providers.openai_compat`, with OpenAI's endpoint, JSON-schema
response format and list prices (per million tokens, overridable in settings).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, SecretStr

from huntaze.ai.providers.base import Pricing, ProviderUnavailableError
from huntaze.ai.providers.openai_compat import ChatCompletionsProvider


class OpenAIConfig(BaseModel):
    """An OpenAI API key and model; ``base_url`` only for a proxy in front of OpenAI."""

    kind: Literal["openai"] = "openai"
    api_key: SecretStr = SecretStr("")
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    organization: str | None = None
    input_per_mtok_usd: float = 0.15
    output_per_mtok_usd: float = 0.60


def build_openai(config: OpenAIConfig) -> ChatCompletionsProvider:
    """A provider for OpenAI; refuses to build without a key."""
    import openai  # the SDK takes a second to import: loaded where a provider is built

    key = config.api_key.get_secret_value()
    if not key:
        raise ProviderUnavailableError("openai: no API key configured")
    client = openai.OpenAI(
        api_key=key, base_url=config.base_url, organization=config.organization, max_retries=0
    )
    return ChatCompletionsProvider(
        name="openai",
        client=client,
        model=config.model,
        json_mode="json_schema",
        pricing=Pricing(config.input_per_mtok_usd, config.output_per_mtok_usd),
    )
