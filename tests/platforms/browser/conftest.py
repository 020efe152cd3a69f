"""A live simulator with a ``classic`` and an ``api2`` account, and one browser pool per module.

DESIGN.md §3. Screenshots (the pool's blob store) go to ``test-artifacts/platforms-browser/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, serve

from huntaze.platforms.browser.pool import BrowserPool, PoolConfig
from huntaze.platforms.browser.state import StateStore
from huntaze.platforms.registry import AccountConnection
from huntaze.simulator import SimulatorSettings, create_simulator_app
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.seeding import seed_simulator
from huntaze.storage.blobs import LocalBlobStore

ADMIN = {"X-Admin-Token": "test-admin"}
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "platforms-browser"


@dataclass
class Simulator:
    url: str
    http: httpx.Client

    def account(self, username: str) -> dict[str, Any]:
        accounts = self.http.get("/_admin/accounts", headers=ADMIN).json()["accounts"]
        found: dict[str, Any] = next(a for a in accounts if a["username"] == username)
        return found

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, f"/_admin{path}", headers=ADMIN, **kwargs)
        response.raise_for_status()
        return response.json()


def connection(
    sim: Simulator, username: str, *, driver: str, account_id: str | None = None, **secret: Any
) -> AccountConnection:
    account = sim.account(username)
    return AccountConnection(
        account_id=account_id or f"{driver}-{username}",
        platform="simulator",
        handle=username,
        driver=driver,
        base_url=sim.url,
        skin=account["skin"],
        secret={"username": username, "password": account["password"], **secret},
    )


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    path = tmp_path_factory.mktemp("sim") / "sim.sqlite3"
    db = SimulatorDatabase(path)
    seed_simulator(db, seed=11, creators=2, fans_per_creator=40)
    db.dispose()
    app = create_simulator_app(SimulatorSettings(db_path=path, admin_token="test-admin"))
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        sim = Simulator(url, http)
        sim.admin("PATCH", "/accounts/creator1", json={"skin": "classic", "otp_enabled": False})
        sim.admin("PATCH", "/accounts/creator2", json={"skin": "api2", "otp_enabled": False})
        yield sim


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserPool]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian Chromium is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    config = PoolConfig(
        executable=CHROMIUM,
        args=tuple(CHROMIUM_ARGS),
        max_contexts=3,
        action_timeout_s=90,
        step_timeout_s=10,
    )
    states = StateStore(tmp_path_factory.mktemp("browser-state"))
    browser_pool = BrowserPool(config, states=states, blobs=LocalBlobStore(ARTIFACTS / "blobs"))
    yield browser_pool.start()
    browser_pool.close()
