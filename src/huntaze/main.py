"""The Huntaze web application: ``create_app()`` wires middleware, the API, pages and static files.

DESIGN.md §3: a web request changes rows and enqueues; it never drives a browser or waits on a
platform. See docs/architecture.md for how a request and a task flow.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import JSONResponse, Response

from huntaze import __version__, domains, tasks_registry
from huntaze.compliance.service import warm_up as compliance_warm_up
from huntaze.config import Settings, get_settings
from huntaze.core import tasks
from huntaze.core.backoff import FailureThrottle
from huntaze.core.db import Database, get_database
from huntaze.core.http import RetryOnLockConflict
from huntaze.core.observability import RequestContextMiddleware, configure_logging
from huntaze.core.ratelimit import RateLimiter, RateLimitHeadersMiddleware
from huntaze.outbox.watchdog import SendWatchdog
from huntaze.web import api_docs, errors, home, metrics, openapi
from huntaze.web.security_headers import SecurityHeadersMiddleware
from huntaze.web.text_guard import refuse_nul_characters

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"


def _start_keeping_signal_handlers(consumer: Any) -> None:
    """Start Huey's threads without letting it take over SIGINT/SIGTERM from uvicorn.

    Huey's consumer installs its own handlers on start; inside ``huntaze up`` the web server must
    keep them, so that Ctrl-C stops the server, whose shutdown then stops the consumer.
    """
    if threading.current_thread() is not threading.main_thread():
        consumer.start()
        return
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _api_router() -> APIRouter:
    api = APIRouter(prefix="/api/v1", responses=errors.PROBLEM_RESPONSES)
    for router in domains.api_routers():
        api.include_router(router)
    return api


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    rate_limiter: RateLimiter | None = None,
    run_queue_consumer: bool = False,
) -> FastAPI:
    """Build the application; ``run_queue_consumer`` starts Huey threads in-process (``up``)."""
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        consumers: list[Any] = []
        watchdog: SendWatchdog | None = None
        if run_queue_consumer:
            tasks_registry.import_all()
            tasks.bind_all_tasks()
            consumers = [
                tasks.consumer(
                    queue,
                    workers=settings.queue_workers if queue == "default" else 1,
                    periodic=queue == "default",
                )
                for queue in tasks.QUEUES
            ]
            for consumer in consumers:
                _start_keeping_signal_handlers(consumer)
            watchdog = SendWatchdog().start()  # recovers a dead send within seconds
            compliance_warm_up()
        try:
            yield
        finally:
            if watchdog is not None:
                watchdog.stop()
            for consumer in consumers:
                consumer.stop(graceful=True)

    app = FastAPI(
        title="Huntaze",
        version=__version__,
        description="AI business platform for creators and agencies. JSON API under /api/v1; "
        "authenticate with 'Authorization: Bearer <API key>'. Errors are RFC 9457 problem+json.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        dependencies=[Depends(refuse_nul_characters)],
    )
    app.state.settings = settings
    app.state.database = database or get_database()
    app.state.rate_limiter = rate_limiter or RateLimiter.from_settings(settings)
    app.state.failure_throttle = FailureThrottle.from_settings(settings)

    # Innermost: it must see a lock conflict before any other layer turns it into a response.
    app.add_middleware(RetryOnLockConflict)
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(RateLimitHeadersMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.uses_https)
    errors.install_error_handlers(app)
    openapi.install(app)

    app.include_router(_api_router())
    app.include_router(api_docs.router)
    app.include_router(metrics.router)
    app.include_router(home.router)
    for router in domains.page_routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        checks: dict[str, str] = {}
        try:
            with app.state.database.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            tasks.huey().storage.queue_size()
            checks["queue"] = "ok"
        except Exception as exc:
            checks["queue"] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    return app
