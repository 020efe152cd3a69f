"""The LLM provider boundary: one typed ``Protocol`` every backend implements (DESIGN.md §4, §2.6).

A provider turns one :class:`CompletionRequest` (system text, user text, optional JSON schema for
constrained output) into one :class:`Completion`. It knows nothing about Huntaze's tasks, gates or
organizations; the router in ``huntaze.ai.router`` does. Providers raise :class:`ProviderError`
(or its subclasses) for anything that should make the router retry or move to the next provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


class ProviderError(RuntimeError):
    """The provider could not produce a completion (network, server or model failure)."""


class ProviderTimeoutError(ProviderError):
    """The provider did not answer within the request's time limit."""


class ProviderUnavailableError(ProviderError):
    """The provider cannot be reached or is not configured (no server, no key, no model file)."""


@dataclass(frozen=True)
class CompletionRequest:
    """One chat completion: a system message, a user message and decoding limits."""

    system: str
    user: str
    json_schema: dict[str, Any] | None = None
    max_tokens: int = 256
    temperature: float = 0.2
    timeout_s: float = 30.0
    seed: int | None = 7


@dataclass(frozen=True)
class Completion:
    """The provider's raw answer with the token counts it reported."""

    text: str
    model: str
    tokens_in: int
    tokens_out: int
    finish_reason: str = "stop"
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class LLMProvider(Protocol):
    """A chat-completion backend: local llama.cpp, OpenAI, Azure OpenAI, any compatible server."""

    @property
    def name(self) -> str:
        """The provider kind, e.g. ``local`` or ``openai``, as recorded in usage."""
        ...

    @property
    def model(self) -> str:
        """The model (or deployment) this provider calls."""
        ...

    @property
    def pricing(self) -> Pricing:
        """What a token costs on this provider (zero for the embedded model)."""
        ...

    def complete(self, request: CompletionRequest) -> Completion:
        """Run one completion or raise :class:`ProviderError`."""
        ...


@dataclass(frozen=True)
class Pricing:
    """Price per million tokens in US dollars; a cost in micro-dollars is ``tokens * price``."""

    input_per_mtok_usd: float = 0.0
    output_per_mtok_usd: float = 0.0

    def cost_micro_usd(self, tokens_in: int, tokens_out: int) -> int:
        """The cost of one call in millionths of a dollar, rounded up so caps are never undercut."""
        exact = tokens_in * self.input_per_mtok_usd + tokens_out * self.output_per_mtok_usd
        whole = int(exact)
        return whole + (1 if exact > whole else 0)
