"""``/metrics`` for Prometheus, behind a bearer token (docs/architecture.md, "Operations").

With ``HUNTAZE_METRICS_TOKEN`` set, a scrape must send ``Authorization: Bearer <token>``.
Without it the endpoint answers only in development and tests (``HUNTAZE_ENV`` dev or test);
in production it does not exist (404), so metrics never leak by default.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from starlette.responses import Response

from huntaze.config import Settings
from huntaze.core.errors import AuthenticationRequiredError, NotFoundError
from huntaze.core.observability import metrics_response

router = APIRouter(include_in_schema=False)


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """The Prometheus exposition of this process, for a scraper that holds the token."""
    settings: Settings = request.app.state.settings
    if settings.metrics_token:
        if not hmac.compare_digest(_bearer(request).encode(), settings.metrics_token.encode()):
            raise AuthenticationRequiredError("Metrics need 'Authorization: Bearer <token>'.")
    elif settings.env == "prod":
        raise NotFoundError("There is nothing at this address.")
    return metrics_response()
