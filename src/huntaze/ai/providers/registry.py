"""Provider configurations and the registry that builds a provider from one (DESIGN.md §2.6, §4).

``ProviderConfig`` is a tagged union on ``kind``; settings (per organization, per task) hold
named configs, and :func:`build_provider` turns one into a live provider.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from huntaze.ai.providers.azure import AzureOpenAIConfig, build_azure
from huntaze.ai.providers.base import LLMProvider
from huntaze.ai.providers.local_llama import LocalLlamaConfig, LocalLlamaProvider
from huntaze.ai.providers.openai import OpenAIConfig, build_openai
from huntaze.ai.providers.openai_compat import OpenAICompatibleConfig, build_openai_compatible

ProviderConfig = Annotated[
    LocalLlamaConfig | OpenAICompatibleConfig | OpenAIConfig | AzureOpenAIConfig,
    Field(discriminator="kind"),
]

BUILDERS: dict[str, Callable[[Any], LLMProvider]] = {
    "local": LocalLlamaProvider,
    "openai_compatible": build_openai_compatible,
    "openai": build_openai,
    "azure": build_azure,
}


def build_provider(config: ProviderConfig) -> LLMProvider:
    """A live provider for ``config`` (raises ``ProviderUnavailableError`` if it lacks a key)."""
    return BUILDERS[config.kind](config)
