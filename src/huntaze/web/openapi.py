"""The OpenAPI document tells the truth about errors (DESIGN.md §3, docs/architecture.md).

Every error the API returns is an RFC 9457 problem document sent as
``application/problem+json`` (``huntaze.web.errors``), including request validation errors,
which FastAPI would otherwise document as ``application/json`` with its own ``HTTPValidationError``
shape. This module rewrites the generated document once, when it is first asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from huntaze.web.errors import PROBLEM_JSON

_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
PROBLEM_REF = "#/components/schemas/Problem"


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}


def rewrite_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Document every 4xx/5xx response of every operation as problem+json (in place)."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                if status[:1] in ("4", "5") or status == "default":
                    response["content"] = _problem_content()
    schemas = document.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return document


def install(app: FastAPI) -> None:
    """Serve the rewritten document at ``app.openapi_url``."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = rewrite_error_responses(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
