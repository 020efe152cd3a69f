"""The AI domain's face: other domains, routes and pages call ``ai`` (DESIGN.md §4, §8.4).

``ai.run`` serves a typed task for an organization through one process-wide
:class:`~huntaze.ai.router.AIRouter`, with that organization's providers and caps (keys decrypted
only here), its compliance rules as the router's compliance gate, and every provider call
recorded in ``ai_usage``. Settings are validated, stored with encrypted keys and audited.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from huntaze.accounts.actor import Actor
from huntaze.accounts.audit import audit
from huntaze.accounts.permissions import Permission
from huntaze.ai import org_settings, repository
from huntaze.ai.org_settings import AISettingsIn, AISettingsOut
from huntaze.ai.providers import CompletionRequest, ProviderError, build_provider
from huntaze.ai.records import AIOrganizationSettings
from huntaze.ai.router import AIResult, AIRouter
from huntaze.ai.schemas import ReplyDraftInput
from huntaze.ai.settings import ProviderSettings
from huntaze.ai.similarity.service import similarity
from huntaze.ai.sql_usage import SqlUsageRecorder, usage_on_behalf_of
from huntaze.ai.tasks import TASKS, UnknownTaskError
from huntaze.ai.usage import UsageEntry, month_of
from huntaze.ai.usage_summary import UsageSummary, summarize
from huntaze.compliance.models import Direction
from huntaze.compliance.service import compliance
from huntaze.core.db import utcnow
from huntaze.core.errors import InvalidInputError, NotFoundError, field_error
from huntaze.core.fields import MONTH_PATTERN
from huntaze.core.tenancy import OrgId
from huntaze.creators.service import creators

TEST_TASK = "provider.test"
TEST_TIMEOUT_S = 20.0


class TaskInfo(BaseModel):
    """A task anyone may run: its name, agent, prompt version and input schema."""

    name: str
    agent: str
    prompt_version: str
    input_schema: dict[str, Any]


class ProviderTestResult(BaseModel):
    """How a one-line call through one provider went; ``message`` is for people, no trace."""

    provider: str
    kind: str
    model: str
    ok: bool
    latency_ms: float
    message: str


def parse_month(month: str | None) -> str:
    """A valid ``YYYY-MM`` (this month when empty); a bad value is a 422 naming ``month``."""
    if not month:
        return month_of(utcnow())
    if re.fullmatch(MONTH_PATTERN, month) is None:
        raise InvalidInputError(
            "The month must look like 2026-11.",
            errors=[field_error("month", "expected YYYY-MM between 1970-01 and 2199-12")],
        )
    return month


class AIService:
    """Runs AI tasks for an organization and keeps its AI settings and usage."""

    def __init__(self) -> None:
        self.recorder = SqlUsageRecorder()
        self._router: AIRouter | None = None
        self._lock = threading.Lock()

    @property
    def router(self) -> AIRouter:
        """The process-wide router (built once; providers are cached per distinct config)."""
        with self._lock:
            if self._router is None:
                self._router = AIRouter(recorder=self.recorder)
            return self._router

    def use_router(self, router: AIRouter | None) -> None:
        """Replace the process-wide router (None: build the default again on next use)."""
        with self._lock:
            self._router = router

    def tasks(self) -> list[TaskInfo]:
        """Every task, with the input schema a caller must follow."""
        return [
            TaskInfo(
                name=spec.name,
                agent=spec.agent,
                prompt_version=spec.prompt,
                input_schema=spec.input_model.model_json_schema(),
            )
            for spec in (TASKS.get(name) for name in TASKS.names())
        ]

    def settings_for(self, session: Session, org: OrgId) -> ProviderSettings:
        """The organization's router settings with keys decrypted; embedded only by default."""
        row = repository.settings_row(session, org)
        return org_settings.provider_settings(row.settings if row else None)

    def settings_view(self, session: Session, actor: Actor) -> AISettingsOut:
        """The organization's settings as shown: keys only as set or not set."""
        row = repository.settings_row(session, actor.org)
        return org_settings.view(row.settings if row else None, row.updated_by if row else None)

    def settings_input(self, session: Session, actor: Actor) -> AISettingsIn:
        """The stored settings as an editable input (keys blank, so saving keeps them)."""
        row = repository.settings_row(session, actor.org)
        return org_settings.as_input(row.settings if row else None)

    def save_settings(self, session: Session, actor: Actor, data: AISettingsIn) -> AISettingsOut:
        """Validate and store the settings, keys encrypted; a blank key keeps the stored one."""
        actor.require(Permission.AI_SETTINGS_MANAGE)
        row = repository.settings_row(session, actor.org)
        before = org_settings.view(row.settings, row.updated_by) if row else None
        stored = org_settings.to_stored(data, row.settings if row else None)
        if row is None:
            row = AIOrganizationSettings(
                organization_id=actor.org, settings=stored, updated_by=actor.label
            )
            session.add(row)
        else:
            row.settings = stored
            row.updated_by = actor.label
        session.flush()
        after = org_settings.view(stored, actor.label)
        audit.record(
            session,
            actor,
            action="ai.settings_save",
            target_type="ai_organization_settings",
            target_id=row.id,
            before=before.model_dump(mode="json") if before else None,
            after=after.model_dump(mode="json"),
        )
        return after

    def run(
        self,
        session: Session,
        actor: Actor,
        task_name: str,
        payload: dict[str, Any] | BaseModel,
        *,
        creator_id: str | None = None,
    ) -> AIResult[Any]:
        """Serve one task for the actor's organization (and creator); never hangs on AI."""
        actor.require(Permission.AI_USE)
        try:
            spec = TASKS.get(task_name)
        except UnknownTaskError:
            raise NotFoundError(f"There is no AI task called {task_name!r}.") from None
        if creator_id is not None:
            creators.get(session, actor, creator_id)
        try:
            data = (
                payload
                if isinstance(payload, spec.input_model)
                else spec.input_model.model_validate(
                    payload.model_dump() if isinstance(payload, BaseModel) else payload
                )
            )
        except ValidationError as exc:
            raise InvalidInputError(
                f"The input does not fit the task {task_name}.",
                errors=[
                    field_error(".".join(map(str, e["loc"])) or "body", e["msg"])
                    for e in exc.errors()
                ],
            ) from None
        if creator_id is not None and isinstance(data, ReplyDraftInput):
            data = similarity.with_best_past_replies(session, actor, creator_id, data)

        def compliance_check(text: str) -> Literal["allow", "review", "block"]:
            verdict = compliance.check(
                session,
                org=actor.org,
                creator_id=creator_id,
                text=text,
                direction=Direction.OUTBOUND,
            )
            value: Literal["allow", "review", "block"] = verdict.verdict.value
            return value

        settings = self.settings_for(session, actor.org)
        with usage_on_behalf_of(session):
            return self.router.run(
                spec,
                data,
                organization_id=actor.org,
                creator_id=creator_id,
                compliance_check=compliance_check,
                settings=settings,
            )

    def usage_summary(self, session: Session, actor: Actor, *, month: str) -> UsageSummary:
        """The month's calls, tokens and cost per task, per provider and model, per creator."""
        month = parse_month(month)
        settings = self.settings_for(session, actor.org)
        names = {c.id: c.display_name for c in creators.list_creators(session, actor)}
        rows = repository.usage_groups(session, actor.org, month)
        return summarize(
            month,
            rows,
            creator_names=names,
            monthly_cap_cents=settings.monthly_cap_cents,
            task_caps=settings.task_monthly_cap_cents,
        )

    def test_provider(self, session: Session, actor: Actor, name: str) -> ProviderTestResult:
        """One tiny real call through that provider alone; the outcome, never a trace."""
        actor.require(Permission.AI_SETTINGS_MANAGE)
        settings = self.settings_for(session, actor.org)
        config = settings.providers.get(name)
        if config is None:
            raise NotFoundError(f"There is no AI provider called {name!r}.")
        request = CompletionRequest(
            system="You check that a connection works.",
            user='Answer with the JSON {"ok": true} and nothing else.',
            max_tokens=12,
            temperature=0.0,
            timeout_s=TEST_TIMEOUT_S,
        )
        began = time.perf_counter()
        outcome: Literal["accepted", "error"] = "accepted"
        tokens = (0, 0)
        cost = 0
        model = config.model
        try:
            provider = build_provider(config)
            completion = provider.complete(request)
            model = completion.model
            tokens = (completion.tokens_in, completion.tokens_out)
            cost = provider.pricing.cost_micro_usd(*tokens)
            answer = " ".join(completion.text.split())[:60]
            message = f"Connected: {model} answered “{answer}”."
        except ProviderError as exc:
            outcome, message = "error", str(exc)[:300]
        except Exception as exc:  # a provider SDK may raise anything; the person gets one line
            outcome, message = "error", f"{type(exc).__name__}: {str(exc)[:280]}"
        latency = (time.perf_counter() - began) * 1000
        with usage_on_behalf_of(session):
            self.recorder.record(
                UsageEntry(
                    organization_id=actor.org,
                    task=TEST_TASK,
                    provider=config.kind,
                    model=model,
                    prompt_version=TEST_TASK,
                    outcome=outcome,
                    tokens_in=tokens[0],
                    tokens_out=tokens[1],
                    latency_ms=latency,
                    cost_micro_usd=cost,
                    at=utcnow(),
                )
            )
        return ProviderTestResult(
            provider=name,
            kind=config.kind,
            model=model,
            ok=outcome == "accepted",
            latency_ms=round(latency, 1),
            message=message,
        )


ai = AIService()
