"""The AI pages: usage and cost per organization, task, model and creator; AI settings.

DESIGN.md §4 (LLM): people see what AI costs against the caps, choose a provider and model per
task, add providers (keys stored encrypted, shown only as set or not), and test a connection.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from huntaze.accounts.auth import PageUser
from huntaze.accounts.permissions import Permission
from huntaze.ai.org_settings import EMBEDDED, KIND_LABELS, AISettingsIn, ProviderIn, TaskRouteIn
from huntaze.ai.service import ai, parse_month
from huntaze.ai.sql_usage import month_bounds
from huntaze.core.errors import AppError, InvalidInputError, field_error
from huntaze.core.fields import MAX_BUDGET_CENTS, cents_from_text
from huntaze.core.http import DbSession
from huntaze.web.forms import FormFields, FormState, invalid_input, parse_form
from huntaze.web.templating import register_nav, render

router = APIRouter(include_in_schema=False)
register_nav("AI", "/ai", Permission.CREATORS_READ, order=70)

Form = dict[str, str]


def _recent_months(current: str, count: int = 12) -> list[str]:
    months = [current]
    for _ in range(count - 1):
        start, _end = month_bounds(months[-1])
        months.append(f"{start.year - (start.month == 1)}-{(start.month - 2) % 12 + 1:02d}")
    return months


def _cents(form: Form, field: str) -> int | None:
    try:
        return cents_from_text(form.get(field, ""), max_cents=MAX_BUDGET_CENTS)
    except ValueError as exc:
        raise InvalidInputError(
            "A cap must be an amount in dollars.", errors=[field_error(field, str(exc))]
        ) from None


@router.get("/ai")
def usage_page(
    request: Request, auth: PageUser, session: DbSession, month: str | None = None
) -> Response:
    """This month's (or the chosen month's) cost against the caps, per task, model, creator."""
    summary = ai.usage_summary(session, auth.actor, month=parse_month(month))
    return render(
        request,
        "ai/usage.html",
        {"summary": summary, "months": _recent_months(parse_month(None))},
    )


def _settings_page(
    request: Request,
    auth: PageUser,
    session: DbSession,
    *,
    error: AppError | None = None,
    saved: str = "",
    editing: str = "",
) -> Response:
    view = ai.settings_view(session, auth.actor)
    return render(
        request,
        "ai/settings.html",
        {
            "settings": view,
            "editing": next((p for p in view.providers if p.name == editing), None),
            "kinds": {k: v for k, v in KIND_LABELS.items() if k != "local"},
            "form": FormState.failed({}, error) if error else FormState(),
            "saved": saved,
        },
        status=error.status_code if error else 200,
    )


@router.get("/ai/settings")
def settings_page(
    request: Request, auth: PageUser, session: DbSession, saved: str = "", edit: str = ""
) -> Response:
    """Providers, the provider and model of each task, caps and connection tests."""
    return _settings_page(request, auth, session, saved=saved, editing=edit)


def _save(
    request: Request, auth: PageUser, session: DbSession, data: AISettingsIn, saved: str
) -> Response:
    try:
        ai.save_settings(session, auth.actor, data)
    except InvalidInputError as exc:
        return _settings_page(request, auth, session, error=exc)
    return RedirectResponse(f"/ai/settings?saved={saved}", status_code=303)


@router.post("/ai/settings/providers")
def save_provider(
    request: Request, auth: PageUser, session: DbSession, form: FormFields
) -> Response:
    """Add a provider, or replace the one of the same name (a blank key keeps its key)."""
    current = ai.settings_input(session, auth.actor)
    fields: dict[str, Any] = {
        k: form.get(k, "").strip()
        for k in ("name", "kind", "model", "base_url", "api_key", "api_version")
    }
    fields["api_version"] = fields["api_version"] or "2024-10-21"
    for price in ("input_per_mtok_usd", "output_per_mtok_usd"):
        fields[price] = form.get(price, "").strip() or None
    try:
        provider = parse_form(ProviderIn, fields, strict=False)
    except AppError as exc:
        return _settings_page(request, auth, session, error=exc)
    others = [p for p in current.providers if p.name != provider.name]
    data = current.model_copy(update={"providers": [*others, provider]})
    return _save(request, auth, session, data, "provider")


@router.post("/ai/settings/providers/{name}/delete")
def delete_provider(request: Request, auth: PageUser, session: DbSession, name: str) -> Response:
    """Remove a provider; tasks routed to it go back to the default provider."""
    current = ai.settings_input(session, auth.actor)
    data = current.model_copy(
        update={
            "providers": [p for p in current.providers if p.name != name],
            "tasks": {t: r for t, r in current.tasks.items() if r.provider != name},
            "default_provider": EMBEDDED
            if current.default_provider == name
            else current.default_provider,
        }
    )
    return _save(request, auth, session, data, "removed")


def _route(task: str, provider: str, model: str) -> TaskRouteIn:
    try:
        return TaskRouteIn(provider=provider, model=model)
    except ValidationError as exc:
        renames = {"provider": f"provider__{task}", "model": f"model__{task}"}
        raise invalid_input(exc, renames=renames) from None


@router.post("/ai/settings/routing")
def save_routing(
    request: Request, auth: PageUser, session: DbSession, form: FormFields
) -> Response:
    """Each task's provider and model, the default provider and the monthly caps in dollars."""
    current = ai.settings_input(session, auth.actor)
    try:
        tasks = {}
        caps = {}
        for route in ai.settings_view(session, auth.actor).tasks:
            provider = form.get(f"provider__{route.task}", "")
            if provider:
                model = form.get(f"model__{route.task}", "").strip()
                tasks[route.task] = _route(route.task, provider, model)
            cap = _cents(form, f"cap__{route.task}")
            if cap is not None:
                caps[route.task] = cap
        data = current.model_copy(
            update={
                "default_provider": form.get("default_provider", EMBEDDED) or EMBEDDED,
                "tasks": tasks,
                "monthly_cap_cents": _cents(form, "monthly_cap"),
                "task_monthly_cap_cents": caps,
            }
        )
    except InvalidInputError as exc:
        return _settings_page(request, auth, session, error=exc)
    return _save(request, auth, session, data, "routing")


@router.post("/ai/settings/providers/{name}/test")
def test_connection(request: Request, auth: PageUser, session: DbSession, name: str) -> Response:
    """The outcome of a one-line call through the provider, as an HTMX fragment."""
    result = ai.test_provider(session, auth.actor, name)
    return render(request, "ai/_test_result.html", {"result": result})
