"""LLM providers behind one Protocol; no Huntaze domain imports here (DESIGN.md §2.6, §4)."""

from huntaze.ai.providers.base import (
    Completion,
    CompletionRequest,
    LLMProvider,
    Pricing,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from huntaze.ai.providers.registry import ProviderConfig, build_provider

__all__ = [
    "Completion",
    "CompletionRequest",
    "LLMProvider",
    "Pricing",
    "ProviderConfig",
    "ProviderError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "build_provider",
]
