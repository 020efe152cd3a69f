"""An organization's AI settings: what the API and pages accept and show, and how it is stored.

DESIGN.md §4 (LLM): each organization picks providers (OpenAI, Azure OpenAI, any
OpenAI-compatible server) per task with a model override, and sets hard monthly cost caps. The
embedded model (``local``) is always there and is what capped or failing calls fall back to.
Stored JSON carries each API key only as ``api_key_encrypted`` (Fernet, via
``huntaze.core.security``); views show whether a key is set, never the key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from huntaze.ai.settings import ProviderSettings
from huntaze.ai.tasks import TASKS
from huntaze.core.errors import InvalidInputError, field_error
from huntaze.core.fields import BudgetCents, ModelName, ProviderName
from huntaze.core.security import decrypt_secret, encrypt_secret

EMBEDDED = "local"
ProviderKind = Literal["openai_compatible", "openai", "azure"]
KIND_LABELS: dict[str, str] = {
    "local": "embedded (SmolLM2, in-process)",
    "openai_compatible": "OpenAI-compatible server",
    "openai": "OpenAI",
    "azure": "Azure OpenAI",
}
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "openai_compatible": (0.0, 0.0),
    "openai": (0.15, 0.60),
    "azure": (0.15, 0.60),
}
TaskName = Annotated[str, StringConstraints(min_length=1, max_length=80)]
PricePerMillionTokens = Annotated[float, Field(ge=0, le=10_000, allow_inf_nan=False)]
BlankOrModelName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class _StrictInput(BaseModel):
    """Request shapes: no unknown fields, no coercion (``false`` is not a number here)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ProviderIn(_StrictInput):
    """A provider to add or replace; a blank ``api_key`` keeps the key already stored."""

    name: ProviderName
    kind: ProviderKind
    model: ModelName = Field(description="Model or Azure deployment.")
    base_url: str = Field(default="", max_length=500, description="Server URL; Azure endpoint.")
    api_key: str = Field(default="", max_length=1000, description="Blank keeps the stored key.")
    api_version: str = Field(default="2024-10-21", max_length=40)
    input_per_mtok_usd: PricePerMillionTokens | None = None
    output_per_mtok_usd: PricePerMillionTokens | None = None


class TaskRouteIn(_StrictInput):
    """Which provider serves one task, and the model to ask it for (blank: its own)."""

    provider: ProviderName
    model: BlankOrModelName = ""


class AISettingsIn(_StrictInput):
    """Every AI setting of an organization, replaced as a whole."""

    providers: list[ProviderIn] = Field(default_factory=list, max_length=20)
    default_provider: ProviderName = EMBEDDED
    tasks: dict[TaskName, TaskRouteIn] = Field(default_factory=dict, max_length=50)
    monthly_cap_cents: BudgetCents | None = None
    task_monthly_cap_cents: dict[TaskName, BudgetCents] = Field(default_factory=dict, max_length=50)


class ProviderView(BaseModel):
    """A provider as shown: the key only as ``set`` or ``not set``."""

    name: str
    kind: str
    kind_label: str
    model: str
    base_url: str
    api_version: str
    api_key: Literal["set", "not set"]
    input_per_mtok_usd: float
    output_per_mtok_usd: float


class TaskRouteView(BaseModel):
    """One task, its route if it has one, and the provider and model that serve it now."""

    task: str
    provider: str | None
    model: str
    provider_in_use: str
    model_in_use: str
    monthly_cap_cents: int | None


class AISettingsOut(BaseModel):
    """The organization's AI settings as the API returns them (no keys)."""

    providers: list[ProviderView]
    default_provider: str
    tasks: list[TaskRouteView]
    monthly_cap_cents: int | None
    task_monthly_cap_cents: dict[str, int]
    updated_by: str | None


def _invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, errors=[field_error(field, message)])


def _check_names(data: AISettingsIn) -> set[str]:
    names = {EMBEDDED}
    for i, provider in enumerate(data.providers):
        if provider.name in names:
            raise _invalid(f"providers.{i}.name", f"The name {provider.name!r} is already used.")
        if provider.kind in ("openai_compatible", "azure") and not provider.base_url:
            raise _invalid(f"providers.{i}.base_url", f"A {provider.kind} provider needs a URL.")
        names.add(provider.name)
    known_tasks = set(TASKS.names())
    routed = [(f"tasks.{t}.provider", r.provider) for t, r in data.tasks.items()]
    for field, name in [("default_provider", data.default_provider), *routed]:
        if name not in names:
            raise _invalid(field, f"No provider is called {name!r}.")
    for field, task in [
        *((f"tasks.{t}", t) for t in data.tasks),
        *((f"task_monthly_cap_cents.{t}", t) for t in data.task_monthly_cap_cents),
    ]:
        if task not in known_tasks:
            raise _invalid(field, f"No task is called {task!r}.")
    return names


def to_stored(data: AISettingsIn, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON to store: validated, each key encrypted, blank keys kept from ``previous``."""
    _check_names(data)
    old = (previous or {}).get("providers", {})
    providers: dict[str, dict[str, Any]] = {}
    for p in data.providers:
        prices = DEFAULT_PRICES[p.kind]
        stored: dict[str, Any] = {
            "kind": p.kind,
            "model": p.model,
            "base_url": p.base_url,
            "api_version": p.api_version,
            "input_per_mtok_usd": p.input_per_mtok_usd
            if p.input_per_mtok_usd is not None
            else prices[0],
            "output_per_mtok_usd": p.output_per_mtok_usd
            if p.output_per_mtok_usd is not None
            else prices[1],
            "api_key_encrypted": encrypt_secret(p.api_key)
            if p.api_key
            else old.get(p.name, {}).get("api_key_encrypted", ""),
        }
        providers[p.name] = stored
    result = {
        "providers": providers,
        "default_provider": data.default_provider,
        "tasks": {t: r.model_dump() for t, r in data.tasks.items()},
        "monthly_cap_cents": data.monthly_cap_cents,
        "task_monthly_cap_cents": dict(data.task_monthly_cap_cents),
    }
    provider_settings(result)  # the router must accept it, or nothing is saved
    return result


def _config(stored: dict[str, Any]) -> dict[str, Any]:
    encrypted = stored.get("api_key_encrypted", "")
    key = decrypt_secret(encrypted) if encrypted else ""
    prices = {k: stored[k] for k in ("input_per_mtok_usd", "output_per_mtok_usd")}
    kind = stored["kind"]
    if kind == "azure":
        return {
            "kind": kind,
            "endpoint": stored["base_url"],
            "api_key": key,
            "model": stored["model"],
            "api_version": stored["api_version"],
            **prices,
        }
    config: dict[str, Any] = {"kind": kind, "model": stored["model"], **prices}
    if kind == "openai":
        config |= {"api_key": key, "base_url": stored["base_url"] or None}
    else:
        config |= {"base_url": stored["base_url"], "api_key": key or "not-needed"}
    return config


def provider_settings(stored: dict[str, Any] | None) -> ProviderSettings:
    """The router's settings from stored JSON (keys decrypted); embedded only when empty."""
    if not stored:
        return ProviderSettings()
    default = stored.get("default_provider", EMBEDDED)
    try:
        return ProviderSettings.model_validate(
            {
                "providers": {
                    EMBEDDED: {"kind": "local"},
                    **{n: _config(p) for n, p in stored.get("providers", {}).items()},
                },
                "default_chain": list(dict.fromkeys([default, EMBEDDED])),
                "tasks": {
                    t: {"provider": r["provider"], "model": r.get("model") or None}
                    for t, r in stored.get("tasks", {}).items()
                },
                "monthly_cap_cents": stored.get("monthly_cap_cents"),
                "task_monthly_cap_cents": stored.get("task_monthly_cap_cents", {}),
            }
        )
    except ValidationError as exc:
        raise InvalidInputError(
            "These settings are not usable.",
            errors=[field_error(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()],
        ) from None


def view(stored: dict[str, Any] | None, updated_by: str | None) -> AISettingsOut:
    """What the API and the settings page show of stored settings (never a key)."""
    stored = stored or {}
    settings = provider_settings(stored)
    providers = [
        ProviderView(
            name=EMBEDDED,
            kind="local",
            kind_label=KIND_LABELS["local"],
            model=settings.providers[EMBEDDED].model,
            base_url="",
            api_version="",
            api_key="not set",
            input_per_mtok_usd=0.0,
            output_per_mtok_usd=0.0,
        )
    ]
    for name, p in stored.get("providers", {}).items():
        providers.append(
            ProviderView(
                name=name,
                kind=p["kind"],
                kind_label=KIND_LABELS[p["kind"]],
                model=p["model"],
                base_url=p["base_url"],
                api_version=p["api_version"],
                api_key="set" if p.get("api_key_encrypted") else "not set",
                input_per_mtok_usd=p["input_per_mtok_usd"],
                output_per_mtok_usd=p["output_per_mtok_usd"],
            )
        )
    routes = stored.get("tasks", {})
    task_caps: dict[str, int] = stored.get("task_monthly_cap_cents", {})
    tasks = []
    for task in TASKS.names():
        name, config = settings.chain_for(task)[0]
        route = routes.get(task)
        tasks.append(
            TaskRouteView(
                task=task,
                provider=route["provider"] if route else None,
                model=(route.get("model") or "") if route else "",
                provider_in_use=name,
                model_in_use=config.model,
                monthly_cap_cents=task_caps.get(task),
            )
        )
    return AISettingsOut(
        providers=providers,
        default_provider=stored.get("default_provider", EMBEDDED),
        tasks=tasks,
        monthly_cap_cents=stored.get("monthly_cap_cents"),
        task_monthly_cap_cents=task_caps,
        updated_by=updated_by,
    )


def as_input(stored: dict[str, Any] | None) -> AISettingsIn:
    """Stored settings as an input to edit and save again (keys blank, so they are kept)."""
    stored = stored or {}
    return AISettingsIn(
        providers=[
            ProviderIn(
                name=name,
                kind=p["kind"],
                model=p["model"],
                base_url=p["base_url"],
                api_version=p["api_version"],
                input_per_mtok_usd=p["input_per_mtok_usd"],
                output_per_mtok_usd=p["output_per_mtok_usd"],
            )
            for name, p in stored.get("providers", {}).items()
        ],
        default_provider=stored.get("default_provider", EMBEDDED),
        tasks={t: TaskRouteIn(**r) for t, r in stored.get("tasks", {}).items()},
        monthly_cap_cents=stored.get("monthly_cap_cents"),
        task_monthly_cap_cents=stored.get("task_monthly_cap_cents", {}),
    )
