"""Page forms in one way: parse into a pydantic schema, show errors beside their fields.

A page reads its form with :data:`FormFields`, validates it with :func:`parse_form` (the schema's
field types — ``huntaze.core.fields`` for money, dates and months — validate once), and on any
:class:`~huntaze.core.errors.AppError` it can show, re-renders through :func:`render_form` with a
:class:`FormState`: the typed values and each field's message. ``_macros.html`` draws them. The
error status rolls the request's transaction back (``huntaze.web.templating.render``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.responses import HTMLResponse

from huntaze.core.errors import (
    AppError,
    AuthenticationRequiredError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    field_error,
)
from huntaze.web.templating import render

SchemaT = TypeVar("SchemaT", bound=BaseModel)
GENERAL = "form"
"""The field name of an error about the whole form rather than one of its fields."""
NOT_FOR_FORMS = (AuthenticationRequiredError, PermissionDeniedError, NotFoundError)
"""Errors no form can fix (who is asking, what they may do, what exists): they go on to the
error page (``huntaze.web.errors``) however a page catches them."""


async def _form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(_form_fields)]
"""A posted form's text fields by name (files are not read here)."""


def _message(error: Mapping[str, Any]) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def invalid_input(
    exc: ValidationError, *, renames: Mapping[str, str] | None = None
) -> InvalidInputError:
    """A schema's validation errors as one 422 naming each form field (``renames``: schema
    field → form field, where the form asks for ``price`` and the schema stores ``price_cents``).
    """
    renames = renames or {}
    errors = []
    for error in exc.errors():
        location = error["loc"]
        name = str(location[0]) if location else GENERAL
        errors.append(field_error(renames.get(name, name), _message(error)))
    names = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return InvalidInputError(f"Please check: {names}.", errors=errors)


def parse_form(
    schema: type[SchemaT],
    values: Mapping[str, Any],
    *,
    renames: Mapping[str, str] | None = None,
    strict: bool | None = None,
) -> SchemaT:
    """``values`` validated by ``schema``; :class:`InvalidInputError` naming the form fields.

    ``strict=False`` lets a strict API schema read a form's text (``"7.5"`` as a number).
    """
    try:
        return schema.model_validate(dict(values), strict=strict)
    except ValidationError as exc:
        raise invalid_input(exc, renames=renames) from None


@dataclass(frozen=True, slots=True)
class FormState:
    """What a form shows: the values typed (or stored) and the message of each field."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    general_errors: tuple[str, ...] = ()

    def get(self, name: str, default: str = "") -> str:
        """The value of field ``name`` as the form shows it."""
        return self.values.get(name, default)

    def __getattr__(self, name: str) -> str:
        # Templates read values as ``form.email``.
        if name.startswith("__"):
            raise AttributeError(name)
        return self.values.get(name, "")

    @classmethod
    def failed(
        cls, values: Mapping[str, str], error: AppError, *, fields: tuple[str, ...] = ()
    ) -> FormState:
        """The form after ``error``: messages of known fields beside them, the rest on top.

        A field is known when it is among ``values`` or ``fields``; an error without field
        errors shows its detail on top. Errors of :data:`NOT_FOR_FORMS` are raised again.
        """
        if isinstance(error, NOT_FOR_FORMS):
            raise error
        known = set(values) | set(fields)
        beside: dict[str, str] = {}
        general: list[str] = []
        for item in error.errors:
            name, message = str(item.get("field", "")), str(item.get("message", ""))
            if name in known and name not in beside:
                beside[name] = message
            else:
                general.append(f"{name}: {message}" if name and name != GENERAL else message)
        if not error.errors:
            general.append(error.detail)
        return cls(values=dict(values), errors=beside, general_errors=tuple(general))


def render_form(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    values: Mapping[str, str],
    error: AppError | None = None,
    fields: tuple[str, ...] = (),
) -> HTMLResponse:
    """The page of a form: as typed with its errors after ``error`` (its status), else fresh."""
    if error is None:
        return render(request, template, {**context, "form": FormState(values=dict(values))})
    form = FormState.failed(values, error, fields=fields)
    return render(request, template, {**context, "form": form}, status=error.status_code)
