"""The interactive API documentation at ``/api/docs``, served from the package.

Swagger UI is vendored under ``static/vendor/`` (version and license in
``swagger-ui.LICENSE.txt``) and started by ``static/api-docs.js``: the page loads nothing from
another host, so it works offline, and carries no inline script, so it works under a strict
Content-Security-Policy. See docs/architecture.md ("Web layer").
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over this application's OpenAPI document."""
    return HTMLResponse(
        _PAGE.format(
            title=escape(request.app.title),
            openapi_url=escape(request.app.openapi_url or "/api/v1/openapi.json"),
        )
    )
