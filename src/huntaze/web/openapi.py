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


# The edge refuses NUL in any text (``huntaze.web.text_guard``); the document says so.
RESPONSE_ONLY_SCHEMAS = frozenset({"Problem", "FieldProblem"})
NO_NUL_PATTERN = "^[^\u0000]*$"


JSON_WITHOUT_NUL = "JsonWithoutNul"
_JSON_WITHOUT_NUL_REF = f"#/components/schemas/{JSON_WITHOUT_NUL}"


def _json_without_nul_schema() -> dict[str, Any]:
    """Any JSON value whose texts and keys hold no NUL (for free-form objects)."""
    return {
        "anyOf": [
            {"type": "null"},
            {"type": "boolean"},
            {"type": "number"},
            {"type": "string", "pattern": NO_NUL_PATTERN},
            {"type": "array", "items": {"$ref": _JSON_WITHOUT_NUL_REF}},
            {
                "type": "object",
                "propertyNames": {"pattern": NO_NUL_PATTERN},
                "additionalProperties": {"$ref": _JSON_WITHOUT_NUL_REF},
            },
        ]
    }


def _refuse_nul_in_strings(node: Any) -> None:
    """Give every free-text string schema (no pattern, format or fixed values) the pattern
    that excludes NUL, and every free-form object keys and values without it, so the document
    accepts exactly what the server accepts."""
    if isinstance(node, dict):
        free_text = node.get("type") == "string" and not (
            {"pattern", "format", "enum", "const"} & node.keys()
        )
        if free_text:
            node["pattern"] = NO_NUL_PATTERN
        if node.get("type") == "object" and node.get("additionalProperties") is True:
            node["propertyNames"] = {"pattern": NO_NUL_PATTERN}
            node["additionalProperties"] = {"$ref": _JSON_WITHOUT_NUL_REF}
        for value in node.values():
            _refuse_nul_in_strings(value)
    elif isinstance(node, list):
        for value in node:
            _refuse_nul_in_strings(value)


def install(app: FastAPI) -> None:
    """Serve the rewritten document at ``app.openapi_url``."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = rewrite_error_responses(generate())
            _refuse_nul_in_strings(document.get("paths", {}))
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in schemas.items():
                if name not in RESPONSE_ONLY_SCHEMAS:
                    _refuse_nul_in_strings(schema)
            schemas[JSON_WITHOUT_NUL] = _json_without_nul_schema()
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
