"""The AI stack: typed tasks served by a router over pluggable LLM providers (DESIGN.md §4).

Entry point: ``AIRouter(settings, recorder=...).run(spec, data)`` (or ``run_named(task, payload)``)
returns an :class:`AIResult` with the schema-valid output and its :class:`AIRecord`.
"""

from huntaze.ai.router import AIResult, AIRouter
from huntaze.ai.schemas import AIRecord, AttemptRecord
from huntaze.ai.settings import ProviderSettings, TaskRoute
from huntaze.ai.tasks import TASKS, TaskRegistry
from huntaze.ai.usage import InMemoryUsageRecorder, UsageEntry, UsageRecorder

__all__ = [
    "TASKS",
    "AIRecord",
    "AIResult",
    "AIRouter",
    "AttemptRecord",
    "InMemoryUsageRecorder",
    "ProviderSettings",
    "TaskRegistry",
    "TaskRoute",
    "UsageEntry",
    "UsageRecorder",
]
