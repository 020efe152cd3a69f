"""The registry of typed AI tasks: name → :class:`TaskSpec` (DESIGN.md §4).

Every AI call in Huntaze names one of these tasks; the router looks it up to learn the input and
output schemas, the owning agent, the prompt version and the quality gates.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from huntaze.ai.agents.analytics import INSIGHT_SUMMARY
from huntaze.ai.agents.base import TaskSpec
from huntaze.ai.agents.chat import ANALYZE, MEMORY_EXTRACT, REPLY_DRAFT
from huntaze.ai.agents.compliance import SECOND_OPINION
from huntaze.ai.agents.content import CAPTION, HASHTAGS, IDEAS
from huntaze.ai.agents.marketing import MARKETING_COPY

AnyTask = TaskSpec[Any, Any]


class UnknownTaskError(KeyError):
    """No task of that name is registered."""


class TaskRegistry:
    """Task specs by name; a test or plug-in may register more."""

    def __init__(self, specs: list[AnyTask] | None = None) -> None:
        self._specs: dict[str, AnyTask] = {}
        for spec in specs or []:
            self.register(spec)

    def register(self, spec: TaskSpec[Any, Any]) -> None:
        """Add ``spec``; a name may be registered once."""
        if spec.name in self._specs:
            raise ValueError(f"task {spec.name!r} is already registered")
        self._specs[spec.name] = spec

    def get(self, name: str) -> AnyTask:
        """The spec called ``name``."""
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownTaskError(name) from None

    def names(self) -> list[str]:
        """Every registered task name, sorted."""
        return sorted(self._specs)

    def parse_input(self, name: str, payload: dict[str, Any]) -> BaseModel:
        """Validate a JSON-like payload against the task's input schema."""
        model: type[BaseModel] = self.get(name).input_model
        return model.model_validate(payload)


TASKS = TaskRegistry(
    [
        CAPTION,
        HASHTAGS,
        IDEAS,
        ANALYZE,
        REPLY_DRAFT,
        MEMORY_EXTRACT,
        MARKETING_COPY,
        INSIGHT_SUMMARY,
        SECOND_OPINION,
    ]
)
