"""Application errors and how they are shown (RFC 9457 problem details on the API).

Services raise these; the web layer renders them as ``application/problem+json`` under ``/api``
and as a friendly page in the browser. Missing and forbidden-by-tenancy are the same 404, so
nobody learns that another organization's object exists.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of errors a user can act on; ``detail`` is shown to them verbatim."""

    status_code = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFoundError(AppError):
    """The object does not exist, or belongs to another organization."""

    status_code = 404
    title = "Not found"
    type_slug = "not-found"


class AuthenticationRequiredError(AppError):
    """No valid session or API key was presented."""

    status_code = 401
    title = "Authentication required"
    type_slug = "authentication-required"


class PermissionDeniedError(AppError):
    """The actor is known but their role does not allow this action."""

    status_code = 403
    title = "Permission denied"
    type_slug = "permission-denied"


class ConflictError(AppError):
    """The request clashes with the current state (duplicate, wrong state)."""

    status_code = 409
    title = "Conflict"
    type_slug = "conflict"


class InvalidInputError(AppError):
    """Input that is well-formed but not acceptable; ``errors`` names the fields."""

    status_code = 422
    title = "Invalid input"
    type_slug = "invalid-input"


class RateLimitedError(AppError):
    """Too many requests; ``retry_after_s`` says when to come back."""

    status_code = 429
    title = "Too many requests"
    type_slug = "rate-limited"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


def field_error(field: str, message: str) -> dict[str, Any]:
    """One entry of a problem's ``errors`` list."""
    return {"field": field, "message": message}


def problem_body(
    *,
    status: int,
    title: str,
    detail: str,
    type_slug: str,
    instance: str | None = None,
    request_id: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {
        "type": f"https://huntaze.dev/problems/{type_slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    return body
