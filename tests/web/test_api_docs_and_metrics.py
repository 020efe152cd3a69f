"""``/api/docs`` is served from the package with no inline script; ``/metrics`` needs its token."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from tests.conftest import BoundDatabase
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve

from huntaze.config import Settings, get_settings
from huntaze.core.ratelimit import RateLimiter
from huntaze.main import create_app

VENDOR = Path(__file__).resolve().parents[2] / "src" / "huntaze" / "web" / "static" / "vendor"


def _app(bound_database: BoundDatabase, **settings: object) -> FastAPI:
    base = get_settings().model_dump()
    return create_app(
        Settings(**(base | settings)),
        database=bound_database,
        rate_limiter=RateLimiter(MemoryStorage()),
    )


def test_docs_page_loads_only_packaged_scripts(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "cdn" not in page.text.lower()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), "inline script"
    assert 'data-openapi-url="/api/v1/openapi.json"' in page.text
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_vendored_swagger_ui_notes_its_version_and_license() -> None:
    note = (VENDOR / "swagger-ui.LICENSE.txt").read_text()
    assert "swagger-ui-dist 5." in note and "Apache License" in note
    bundle_head = (VENDOR / "swagger-ui-bundle.js").read_text()[:200]
    assert "swagger-ui-bundle.js.LICENSE.txt" in bundle_head
    assert (VENDOR / "swagger-ui-bundle.js.LICENSE.txt").exists()


def test_metrics_open_in_tests_without_a_token(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "http_requests" in response.text or "# HELP" in response.text


def test_metrics_with_a_token_need_it(bound_database: BoundDatabase) -> None:
    with TestClient(_app(bound_database, metrics_token="s3cret-token")) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert wrong.headers["content-type"] == "application/problem+json"
        right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert right.status_code == 200 and "# HELP" in right.text


def test_metrics_are_off_in_production_without_a_token(bound_database: BoundDatabase) -> None:
    app = _app(bound_database, env="prod", secret_key="a-long-production-secret-key-0123456789")
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium missing")
def test_docs_render_offline_in_a_browser(app: FastAPI) -> None:
    from playwright.sync_api import expect, sync_playwright

    with serve(app) as base_url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        foreign: list[str] = []
        errors: list[str] = []

        def only_this_server(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if url.startswith(base_url):
                route.continue_()  # type: ignore[attr-defined]
            else:
                foreign.append(url)
                route.abort()  # type: ignore[attr-defined]

        page.route("**/*", only_this_server)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base_url}/api/docs")
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
        expect(page.get_by_text("/api/v1/creators", exact=True).first).to_be_visible()
        browser.close()
    assert not foreign, foreign
    assert not errors, errors
