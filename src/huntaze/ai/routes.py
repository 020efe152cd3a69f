"""JSON API of the AI stack: run tasks, read usage, manage settings (DESIGN.md §4, §8.1)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel

from huntaze.accounts.auth import ApiActor
from huntaze.ai.org_settings import AISettingsIn, AISettingsOut
from huntaze.ai.schemas import AIRecord
from huntaze.ai.service import ProviderTestResult, TaskInfo, ai
from huntaze.ai.usage_summary import UsageSummary
from huntaze.core.fields import Month
from huntaze.core.http import DbSession

router = APIRouter(tags=["ai"])


class TaskRunOut(BaseModel):
    """A task's schema-valid output and the record of how it was produced."""

    output: dict[str, Any]
    record: AIRecord


@router.get("/ai/tasks", response_model=list[TaskInfo])
def list_tasks(actor: ApiActor) -> list[TaskInfo]:
    """Every AI task with the input schema its body must follow."""
    return ai.tasks()


@router.post("/ai/tasks/{task_name}", response_model=TaskRunOut)
def run_task(
    task_name: str,
    actor: ApiActor,
    session: DbSession,
    payload: dict[str, Any] = Body(description="The task's input (see GET /ai/tasks)."),
    creator_id: str | None = Query(default=None, max_length=64),
) -> TaskRunOut:
    """Run one task; a body not fitting the task's input schema is a 422 naming the fields."""
    result = ai.run(session, actor, task_name, payload, creator_id=creator_id)
    return TaskRunOut(output=result.output.model_dump(mode="json"), record=result.record)


@router.get("/ai/usage", response_model=UsageSummary)
def usage(
    actor: ApiActor,
    session: DbSession,
    month: Annotated[Month | None, Query()] = None,
) -> UsageSummary:
    """Calls, tokens and cost of a month (default: this one) per task, model and creator."""
    return ai.usage_summary(session, actor, month=month or "")


@router.get("/ai/settings", response_model=AISettingsOut)
def read_settings(actor: ApiActor, session: DbSession) -> AISettingsOut:
    """Providers, per-task routes and caps; keys only as set or not set."""
    return ai.settings_view(session, actor)


@router.put("/ai/settings", response_model=AISettingsOut)
def replace_settings(body: AISettingsIn, actor: ApiActor, session: DbSession) -> AISettingsOut:
    """Replace the settings; a blank API key keeps the one stored for that provider."""
    return ai.save_settings(session, actor, body)


@router.post("/ai/providers/{name}/test", response_model=ProviderTestResult)
def test_provider(name: str, actor: ApiActor, session: DbSession) -> ProviderTestResult:
    """One tiny real call through that provider: ok, latency and a one-line message."""
    return ai.test_provider(session, actor, name)
