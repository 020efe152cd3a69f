"""How errors reach people: problem+json on the API, friendly pages in the browser.

Nobody ever sees a stack trace: unexpected errors are logged with the request id and shown as a
short apology that quotes the same id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from huntaze.core.errors import (
    AppError,
    AuthenticationRequiredError,
    RateLimitedError,
    problem_body,
)
from huntaze.core.observability import get_logger, request_id_var
from huntaze.web.security_headers import security_headers
from huntaze.web.templating import render

PROBLEM_JSON = "application/problem+json"
log = get_logger("huntaze.errors")


def wants_json(request: Request) -> bool:
    """API paths and clients that ask for JSON get problem documents."""
    path = request.url.path
    if path.startswith("/api/") or path in {"/healthz", "/readyz", "/metrics"}:
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _request_id(request: Request) -> str | None:
    # The 500 handler runs outside the request-id middleware, so read it from the request too.
    return request_id_var.get() or getattr(request.state, "request_id", None)


def _problem(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    type_slug: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    request_id = _request_id(request)
    headers = {**(headers or {}), **({"X-Request-ID": request_id} if request_id else {})}
    if wants_json(request):
        body = problem_body(
            status=status,
            title=title,
            detail=detail,
            type_slug=type_slug,
            instance=request.url.path,
            request_id=request_id,
            errors=errors,
        )
        return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
    response = render(
        request,
        "error.html",
        {
            "status": status,
            "title": title,
            "detail": detail,
            "errors": errors or [],
            "request_id": request_id,
        },
        status=status,
    )
    for key, value in headers.items():
        response.headers[key] = value
    return response


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    if isinstance(exc, AuthenticationRequiredError) and not wants_json(request):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    headers = {}
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after_s)
    if isinstance(exc, AuthenticationRequiredError):
        headers["WWW-Authenticate"] = 'Bearer realm="huntaze"'
    return _problem(
        request,
        status=exc.status_code,
        title=exc.title,
        detail=exc.detail,
        type_slug=exc.type_slug,
        errors=exc.errors,
        headers=headers,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    malformed = False
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            malformed = True
        errors.append(
            {"field": _field_name(tuple(err.get("loc", ()))), "message": err.get("msg", "")}
        )
    if malformed:
        return _problem(
            request,
            status=400,
            title="Malformed JSON",
            detail="The request body is not valid JSON.",
            type_slug="malformed-json",
            errors=errors,
        )
    names = ", ".join(sorted({e["field"] for e in errors}))
    return _problem(
        request,
        status=422,
        title="Invalid input",
        detail=f"Please check: {names}.",
        type_slug="invalid-input",
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 413: "Request too large"}
    title = titles.get(exc.status_code, "Error")
    detail = str(exc.detail) if exc.detail else title
    if exc.status_code == 404:
        detail = "There is nothing at this address."
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return _problem(
        request,
        status=exc.status_code,
        title=title,
        detail=detail,
        type_slug=title.lower().replace(" ", "-"),
        headers=headers,
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (the router names only the first route's)."""
    path = request.scope["path"]
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(path):
            methods |= route.methods
    return sorted(methods)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled_error", path=request.url.path, exc_info=exc)
    # Sent from outside the middleware stack, so the security headers are added here.
    https = request.app.state.settings.uses_https
    return _problem(
        request,
        status=500,
        title="Something went wrong",
        detail="An unexpected error happened and has been logged. Nothing was saved; "
        "please try again, and quote the request id if it keeps happening.",
        type_slug="internal-error",
        headers=security_headers(https=https),
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the application."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document, as every API error is returned."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldProblem] | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Malformed request (e.g. invalid JSON)"},
    401: {"model": Problem, "description": "No valid API key or session"},
    403: {
        "model": Problem,
        "description": "The role does not allow this, or a CSRF token is missing",
    },
    404: {"model": Problem, "description": "Not found in this organization"},
    409: {"model": Problem, "description": "Conflicts with the current state"},
    422: {"model": Problem, "description": "Invalid input; `errors` names each field"},
    429: {"model": Problem, "description": "Rate limited; see the Retry-After header"},
}
