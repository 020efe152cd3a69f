"""Which providers serve which task, with limits and cost caps (DESIGN.md §4).

:class:`ProviderSettings` is plain data so it can come from environment settings, a JSON file, or
(per organization, with encrypted keys) the database; the router takes one per call or a default.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from huntaze.ai.providers.local_llama import LocalLlamaConfig
from huntaze.ai.providers.registry import ProviderConfig


def _embedded_only() -> dict[str, ProviderConfig]:
    return {"local": LocalLlamaConfig()}


class TaskRoute(BaseModel):
    """A task's own provider (by name in ``ProviderSettings.providers``), model and fallbacks."""

    provider: str
    model: str | None = None
    fallbacks: list[str] | None = None


class ProviderSettings(BaseModel):
    """Named provider configs, the default chain, per-task routes, limits and monthly caps."""

    providers: dict[str, ProviderConfig] = Field(default_factory=_embedded_only)
    default_chain: list[str] = Field(default_factory=lambda: ["local"])
    tasks: dict[str, TaskRoute] = Field(default_factory=dict)
    embedded: str = "local"
    timeout_s: float = Field(default=30.0, gt=0)
    retries: int = Field(default=1, ge=0, le=5)
    monthly_cap_cents: int | None = Field(default=None, ge=0)
    task_monthly_cap_cents: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names_exist(self) -> ProviderSettings:
        named = [*self.default_chain, self.embedded]
        for route in self.tasks.values():
            named += [route.provider, *(route.fallbacks or [])]
        unknown = sorted({n for n in named if n not in self.providers})
        if unknown:
            raise ValueError(f"unknown provider names: {', '.join(unknown)}")
        return self

    def chain_for(self, task: str) -> list[tuple[str, ProviderConfig]]:
        """The providers to try for ``task``, in order, with the task's model override applied."""
        route = self.tasks.get(task)
        names = [route.provider] if route else []
        names += route.fallbacks if route and route.fallbacks is not None else self.default_chain
        chain: list[tuple[str, ProviderConfig]] = []
        for name in dict.fromkeys(names):
            config = self.providers[name]
            if route and name == route.provider and route.model:
                config = config.model_copy(update={"model": route.model})
            chain.append((name, config))
        return chain
