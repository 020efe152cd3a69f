"""A real HTTP server in a background thread, for tests that drive Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve_demo(data_dir: Path, *, link_simulator: bool = False) -> Iterator[str]:
    """Huntaze with the demo data on a fresh SQLite file, served on loopback; yields its URL.

    With ``link_simulator`` the demo creators get simulator accounts (pointing at a port where
    nothing listens: pages can show them, nothing is sent).
    """
    from limits.storage import MemoryStorage

    from huntaze.config import get_settings
    from huntaze.core import migrations
    from huntaze.core.db import Database, set_database
    from huntaze.core.ratelimit import RateLimiter
    from huntaze.demo import link_simulator_accounts, load_demo
    from huntaze.main import create_app
    from huntaze.simulator import ensure_demo_accounts

    database = Database(f"sqlite:///{data_dir / 'browser.sqlite3'}")
    migrations.upgrade(database.engine)
    with database.session_scope() as session:
        load_demo(session)
        if link_simulator:
            simulator_accounts = ensure_demo_accounts(data_dir / "sim.sqlite3", fans_per_creator=10)
            link_simulator_accounts(session, simulator_accounts, base_url="http://127.0.0.1:9")
    set_database(database)
    app = create_app(get_settings(), database=database, rate_limiter=RateLimiter(MemoryStorage()))
    try:
        with serve(app) as url:
            yield url
    finally:
        set_database(None)
        database.dispose()


def log_in_as_demo(page: Any, base_url: str, next_path: str) -> None:
    """Log a Playwright page in with the demo login and land on ``next_path``."""
    from huntaze.demo import DEMO_EMAIL, DEMO_PASSWORD

    page.goto(f"{base_url}/login?next={next_path}")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
