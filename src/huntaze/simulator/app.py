"""The simulator's FastAPI app: pages, ``/api/v1``, ``/api2/v2``, ``/_admin`` (DESIGN.md §3).

``create_simulator_app`` builds one app over one SQLite file; the database is created on first
use and, when empty, seeded with the demo accounts (see ``seeding.ensure_demo_accounts``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from huntaze.simulator import admin, api, api2, api2_writes, pages
from huntaze.simulator.auth import LoginRequiredError, SimulatorContext
from huntaze.simulator.clock import BackgroundTicker
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.errors import SimulatorError
from huntaze.simulator.faults import FaultMiddleware
from huntaze.simulator.seeding import ensure_demo_accounts
from huntaze.simulator.settings import SimulatorSettings


def create_simulator_app(
    settings: SimulatorSettings | None = None,
    *,
    db_path: Path | None = None,
    seed_if_empty: bool = True,
) -> FastAPI:
    """The simulator app; ``db_path`` overrides the settings' database file."""
    settings = settings or SimulatorSettings.from_env(db_path=db_path)
    if db_path is not None:
        settings = SimulatorSettings(
            db_path=db_path,
            admin_token=settings.admin_token,
            ticker_speed=settings.ticker_speed,
            ticker_interval_s=settings.ticker_interval_s,
        )
    if seed_if_empty:
        ensure_demo_accounts(settings.db_path)
    db = SimulatorDatabase(settings.db_path)
    db.create_schema()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ticker = None
        if settings.ticker_speed > 0:
            ticker = BackgroundTicker(
                db, speed=settings.ticker_speed, interval_s=settings.ticker_interval_s
            )
            ticker.start()
        try:
            yield
        finally:
            if ticker is not None:
                ticker.stop()
            db.dispose()

    app = FastAPI(title="Huntaze fan-platform simulator", lifespan=lifespan)
    app.state.simulator = SimulatorContext(db=db, settings=settings)
    app.add_middleware(FaultMiddleware, db=db)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for router in (api.router, api2.router, api2_writes.router, admin.router, pages.router):
        app.include_router(router)
    app.add_exception_handler(SimulatorError, _simulator_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(LoginRequiredError, _login_required)
    return app


async def _simulator_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SimulatorError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"location": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
        for error in exc.errors()
    ]
    first = details[0] if details else {"location": "request", "message": "invalid"}
    message = f"{first['location']}: {first['message']}"
    return JSONResponse(
        {"error": {"code": "invalid_request", "message": message, "details": details}},
        status_code=422,
    )


async def _login_required(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequiredError)
    return RedirectResponse("/login?expired=1" if exc.expired else "/login", status_code=303)
