"""Azure OpenAI deployments through the ``openai`` SDK's ``AzureOpenAI`` client (DESIGN.md §4).

Azure addresses a model by deployment name at a resource endpoint and API version; the request
itself is OpenAI's, so the chat-completions provider does the work.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, SecretStr

from huntaze.ai.providers.base import Pricing, ProviderUnavailableError
from huntaze.ai.providers.openai_compat import ChatCompletionsProvider


class AzureOpenAIConfig(BaseModel):
    """An Azure OpenAI resource: endpoint, key, API version and deployment (the ``model``)."""

    kind: Literal["azure"] = "azure"
    endpoint: str
    api_key: SecretStr = SecretStr("")
    api_version: str = "2024-10-21"
    model: str
    input_per_mtok_usd: float = 0.15
    output_per_mtok_usd: float = 0.60


def build_azure(config: AzureOpenAIConfig) -> ChatCompletionsProvider:
    """A provider for one Azure OpenAI deployment; refuses to build without a key."""
    import openai  # the SDK takes a second to import: loaded where a provider is built

    key = config.api_key.get_secret_value()
    if not key:
        raise ProviderUnavailableError("azure: no API key configured")
    client = openai.AzureOpenAI(
        azure_endpoint=config.endpoint,
        api_key=key,
        api_version=config.api_version,
        azure_deployment=config.model,
        max_retries=0,
    )
    return ChatCompletionsProvider(
        name="azure",
        client=client,
        model=config.model,
        json_mode="json_schema",
        pricing=Pricing(config.input_per_mtok_usd, config.output_per_mtok_usd),
    )
