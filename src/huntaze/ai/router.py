"""The AI router: every AI call in Huntaze goes through :meth:`AIRouter.run` (DESIGN.md §4, §9).

For one typed task it renders the versioned prompt, walks the provider chain from
:class:`~huntaze.ai.settings.ProviderSettings` (a task's own provider first, the embedded model
alone once a monthly cost cap is reached), and for each provider: calls it with a time limit,
retries on errors, validates the JSON answer against the output schema (one repair attempt when
invalid), merges the task's rules, and runs the quality gates (a rejection is retried with the
reason as feedback). When nothing passes, the task's deterministic template answer is returned,
labelled ``provider="template"`` and ``fallback=True``, so a feature never hangs. A task may
also settle its answer before any model runs (``TaskSpec.settle``, labelled ``provider="rules"``):
a decision that needs no model, or one where a model must not be asked. Every provider
call is written to the usage recorder; the result carries an :class:`AIRecord` of all of it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from huntaze.ai.agents.base import TaskSpec
from huntaze.ai.gates import ComplianceCheck, GateContext, first_rejection
from huntaze.ai.prompts import RenderedPrompt, as_data, render
from huntaze.ai.providers import (
    Completion,
    CompletionRequest,
    LLMProvider,
    ProviderConfig,
    ProviderError,
    build_provider,
)
from huntaze.ai.schemas import AIRecord, AttemptRecord, Outcome
from huntaze.ai.settings import ProviderSettings
from huntaze.ai.tasks import TASKS, TaskRegistry
from huntaze.ai.usage import (
    MICRO_USD_PER_CENT,
    InMemoryUsageRecorder,
    UsageEntry,
    UsageRecorder,
    month_of,
)

log = logging.getLogger(__name__)

InT = TypeVar("InT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)

TEMPLATE_PROVIDER = "template"
RULES_PROVIDER = "rules"


@dataclass(frozen=True)
class AIResult(Generic[OutT]):
    """A task's schema-valid output and the record of how it was produced."""

    output: OutT
    record: AIRecord

    @property
    def fallback(self) -> bool:
        """True when the output is the labelled template answer, not a model's."""
        return self.record.fallback


def parse_json_object(text: str) -> Any:
    """The JSON object in ``text``, tolerating code fences or words around it."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return json.loads(text[start : end + 1], strict=False)


def _rejection(run: _Run[Any, Any], output: BaseModel) -> tuple[str, str] | None:
    """The first gate that rejects the output's main text or any other free-text field.

    Other fields (a rationale beside a copy) pass every gate but the length one, which is the
    caller's limit for the main text.
    """
    found = first_rejection(run.spec.gates, run.spec.gated_text(output), run.gate_context)
    if found:
        return found
    others = [g for g in run.spec.gates if g.name != "length"]
    for text in run.spec.more_text(output):
        found = first_rejection(others, text, run.gate_context)
        if found:
            return found
    return None


@dataclass(frozen=True)
class _Call:
    """One provider answer with its latency and cost."""

    completion: Completion
    latency_ms: float
    cost_micro_usd: int

    @property
    def model(self) -> str:
        return self.completion.model


@dataclass
class _Run(Generic[InT, OutT]):
    """The state of one routed call: what was asked and every attempt so far."""

    spec: TaskSpec[InT, OutT]
    data: InT
    organization_id: str
    creator_id: str | None
    prompt: RenderedPrompt
    schema: dict[str, Any]
    gate_context: GateContext
    started: float
    attempts: list[AttemptRecord]


class AIRouter:
    """Routes typed tasks to providers with retries, gates, caps and a template fallback."""

    def __init__(
        self,
        settings: ProviderSettings | None = None,
        *,
        recorder: UsageRecorder | None = None,
        registry: TaskRegistry = TASKS,
        providers: Mapping[str, LLMProvider] | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.settings = settings or ProviderSettings()
        self.recorder: UsageRecorder = recorder or InMemoryUsageRecorder()
        self.registry = registry
        self._given = dict(providers or {})
        self._built: dict[str, LLMProvider] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def run_named(
        self,
        task: str,
        payload: Mapping[str, Any] | BaseModel,
        *,
        organization_id: str = "default",
        creator_id: str | None = None,
        compliance_check: ComplianceCheck | None = None,
        settings: ProviderSettings | None = None,
    ) -> AIResult[Any]:
        """Run the task called ``task`` on a JSON-like payload (validated first)."""
        spec = self.registry.get(task)
        data = (
            payload if isinstance(payload, BaseModel) else spec.input_model.model_validate(payload)
        )
        return self.run(
            spec,
            data,
            organization_id=organization_id,
            creator_id=creator_id,
            compliance_check=compliance_check,
            settings=settings,
        )

    def run(
        self,
        spec: TaskSpec[InT, OutT],
        data: InT,
        *,
        organization_id: str = "default",
        creator_id: str | None = None,
        compliance_check: ComplianceCheck | None = None,
        settings: ProviderSettings | None = None,
    ) -> AIResult[OutT]:
        """Serve one task: providers in order, then the template answer; never raises for AI."""
        settings = settings or self.settings
        started = time.perf_counter()
        context = GateContext(
            instructions="",
            language=spec.language(data),
            max_chars=spec.max_chars(data),
            topic_terms=spec.terms(data),
            compliance_check=compliance_check,
            facts=spec.facts(data),
        )
        if spec.settle is not None:
            settled = self._settle(spec, data, context, organization_id, creator_id, started)
            if settled is not None:
                return settled
        prompt = render(spec.prompt, {**spec.prompt_vars(data), "agent": spec.agent})
        run = _Run(
            spec=spec,
            data=data,
            organization_id=organization_id,
            creator_id=creator_id,
            prompt=prompt,
            schema=spec.json_schema(data),
            gate_context=replace(
                context,
                instructions=prompt.instructions,
                reference=f"{prompt.system}\n{prompt.user}",
            ),
            started=started,
            attempts=[],
        )
        chain = settings.chain_for(spec.name)
        cap_note = self._cap_reached(settings, organization_id, spec.name)
        if cap_note:
            chain = [(settings.embedded, settings.providers[settings.embedded])]
        for name, config in chain:
            output = self._try_provider(run, name, config, settings)
            if output is not None:
                return self._result(run, output, capped=cap_note)
        return self._template(run, capped=cap_note)

    def _settle(
        self,
        spec: TaskSpec[InT, OutT],
        data: InT,
        context: GateContext,
        organization_id: str,
        creator_id: str | None,
        started: float,
    ) -> AIResult[OutT] | None:
        """The task's answer decided without a model (labelled ``provider="rules"``), if any."""

        def reject(text: str) -> str | None:
            found = first_rejection(spec.gates, text, context)
            return f"{found[0]}: {found[1]}" if found else None

        assert spec.settle is not None
        output = spec.settle(data, reject)
        if output is None:
            return None
        run = _Run(
            spec=spec,
            data=data,
            organization_id=organization_id,
            creator_id=creator_id,
            prompt=RenderedPrompt(version=spec.prompt, system="", user=""),
            schema={},
            gate_context=context,
            started=started,
            attempts=[],
        )
        self._attempt(run, RULES_PROVIDER, RULES_PROVIDER, "accepted", "decided without a model")
        return self._result(run, (RULES_PROVIDER, RULES_PROVIDER, output), capped="")

    def provider(self, name: str, config: ProviderConfig) -> LLMProvider:
        """The live provider for a named config, built once per distinct config."""
        if name in self._given:
            return self._given[name]
        key = f"{name}:{config.model_dump_json()}"
        with self._lock:
            if key not in self._built:
                self._built[key] = build_provider(config)
            return self._built[key]

    def _cap_reached(self, settings: ProviderSettings, organization_id: str, task: str) -> str:
        month = month_of(self._clock())
        caps = [
            (None, settings.monthly_cap_cents),
            (task, settings.task_monthly_cap_cents.get(task)),
        ]
        for scope, cap in caps:
            if cap is None:
                continue
            spent = self.recorder.spent_micro_usd(
                organization_id=organization_id, month=month, task=scope
            )
            if spent >= cap * MICRO_USD_PER_CENT:
                what = f"task {task}" if scope else "organization"
                return (
                    f"monthly cost cap of {cap} cents for the {what} reached in {month} "
                    f"({spent / MICRO_USD_PER_CENT:.2f} cents spent); using the embedded model"
                )
        return ""

    def _try_provider(
        self, run: _Run[InT, OutT], name: str, config: ProviderConfig, settings: ProviderSettings
    ) -> tuple[str, str, OutT] | None:
        try:
            provider = self.provider(name, config)
        except ProviderError as exc:
            self._attempt(run, name, config.model, "error", str(exc))
            return None
        feedback = ""
        for attempt in range(1 + settings.retries):
            request = CompletionRequest(
                system=run.prompt.system,
                user=run.prompt.user + feedback,
                json_schema=run.schema,
                max_tokens=run.spec.max_tokens,
                temperature=min(1.0, run.spec.temperature + 0.3 * attempt),
                timeout_s=settings.timeout_s,
                seed=7 + attempt,
            )
            call = self._call(run, provider, request)
            if call is None:
                continue
            output, problem = self._parse(run, call.completion.text)
            if output is None:
                self._attempt(run, provider.name, call.model, "invalid_output", problem, call=call)
                repair = replace(
                    request,
                    user=f"{request.user}\n\nYour answer was invalid ({problem}):\n"
                    f"{as_data(call.completion.text, 'invalid_answer', 1000)}\n"
                    "Answer again with corrected JSON only.",
                )
                call = self._call(run, provider, repair)
                if call is None:
                    return None
                output, problem = self._parse(run, call.completion.text)
                if output is None:
                    self._attempt(
                        run, provider.name, call.model, "invalid_output", problem, call=call
                    )
                    return None
            rejection = _rejection(run, output)
            if rejection:
                gate, reason = rejection
                self._attempt(
                    run, provider.name, call.model, "rejected_by_gate", reason, gate, call=call
                )
                feedback = f"\n\nYour previous answer was rejected: {reason}. Write a better one."
                continue
            self._attempt(run, provider.name, call.model, "accepted", call=call)
            return provider.name, call.model, output
        return None

    def _call(
        self, run: _Run[InT, OutT], provider: LLMProvider, request: CompletionRequest
    ) -> _Call | None:
        began = time.perf_counter()
        try:
            completion = provider.complete(request)
        except ProviderError as exc:
            log.warning("ai provider %s failed on %s: %s", provider.name, run.spec.name, exc)
            latency = (time.perf_counter() - began) * 1000
            self._attempt(run, provider.name, provider.model, "error", str(exc), latency_ms=latency)
            return None
        return _Call(
            completion=completion,
            latency_ms=(time.perf_counter() - began) * 1000,
            cost_micro_usd=provider.pricing.cost_micro_usd(
                completion.tokens_in, completion.tokens_out
            ),
        )

    def _parse(self, run: _Run[InT, OutT], text: str) -> tuple[OutT | None, str]:
        try:
            parsed = run.spec.output_model.model_validate(parse_json_object(text))
            return run.spec.complete(run.data, parsed), ""
        except ValueError as exc:
            return None, str(exc).replace("\n", " ")[:300]

    def _attempt(
        self,
        run: _Run[InT, OutT],
        provider: str,
        model: str,
        outcome: Outcome,
        detail: str = "",
        gate: str | None = None,
        *,
        call: _Call | None = None,
        latency_ms: float = 0.0,
    ) -> None:
        attempt = AttemptRecord(
            provider=provider,
            model=model,
            outcome=outcome,
            detail=detail[:500],
            gate=gate,
            tokens_in=call.completion.tokens_in if call else 0,
            tokens_out=call.completion.tokens_out if call else 0,
            latency_ms=call.latency_ms if call else latency_ms,
            cost_micro_usd=call.cost_micro_usd if call else 0,
        )
        run.attempts.append(attempt)
        self.recorder.record(
            UsageEntry(
                organization_id=run.organization_id,
                creator_id=run.creator_id,
                task=run.spec.name,
                prompt_version=run.prompt.version,
                at=self._clock(),
                **attempt.model_dump(exclude={"detail", "gate"}),
            )
        )

    def _record(
        self, run: _Run[InT, OutT], provider: str, model: str, outcome: Outcome, capped: str
    ) -> AIRecord:
        notes = [capped] if capped else []
        notes += [
            f"{a.provider}: {a.outcome}" + (f" by {a.gate}" if a.gate else "") + f" ({a.detail})"
            for a in run.attempts
            if a.outcome != "accepted"
        ]
        return AIRecord(
            task=run.spec.name,
            organization_id=run.organization_id,
            provider=provider,
            model=model,
            prompt_version=run.prompt.version,
            outcome=outcome,
            fallback=provider == TEMPLATE_PROVIDER,
            capped=bool(capped),
            tokens_in=sum(a.tokens_in for a in run.attempts),
            tokens_out=sum(a.tokens_out for a in run.attempts),
            latency_ms=(time.perf_counter() - run.started) * 1000,
            cost_micro_usd=sum(a.cost_micro_usd for a in run.attempts),
            attempts=list(run.attempts),
            notes=notes,
        )

    def _result(
        self, run: _Run[InT, OutT], answer: tuple[str, str, OutT], capped: str
    ) -> AIResult[OutT]:
        provider, model, output = answer
        return AIResult(output, self._record(run, provider, model, "accepted", capped))

    def _template(self, run: _Run[InT, OutT], capped: str) -> AIResult[OutT]:
        output = run.spec.fallback(run.data)
        rejection = _rejection(run, output)
        outcome: Outcome = "rejected_by_gate" if rejection else "fell_back"
        detail = f"{rejection[0]}: {rejection[1]}" if rejection else "no provider answer passed"
        self._attempt(run, TEMPLATE_PROVIDER, TEMPLATE_PROVIDER, outcome, detail)
        log.info("ai task %s fell back to its template answer (%s)", run.spec.name, outcome)
        return AIResult(
            output, self._record(run, TEMPLATE_PROVIDER, TEMPLATE_PROVIDER, outcome, capped)
        )
