"""Fixtures for the fan-platform simulator's tests (DESIGN.md §3)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from huntaze.simulator import create_simulator_app
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.seeding import seed_simulator
from huntaze.simulator.settings import SimulatorSettings

ADMIN = {"X-Admin-Token": "test-admin"}
TEST_FANS = 60


def make_settings(path: Path) -> SimulatorSettings:
    return SimulatorSettings(db_path=path, admin_token="test-admin")


def seeded_db(path: Path, *, seed: int = 7, fans: int = TEST_FANS) -> Path:
    db = SimulatorDatabase(path)
    seed_simulator(db, seed=seed, creators=2, fans_per_creator=fans)
    db.dispose()
    return path


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_simulator_app(make_settings(seeded_db(tmp_path / "sim.sqlite3")))
    with TestClient(app) as test_client:
        yield test_client


def token_of(client: TestClient, username: str) -> dict[str, str]:
    accounts = client.get("/_admin/accounts", headers=ADMIN).json()["accounts"]
    token = next(a["api_token"] for a in accounts if a["username"] == username)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    return token_of(client, "creator1")


def fan_with_profile(
    client: TestClient, profile: str, username: str = "creator1"
) -> dict[str, Any]:
    url = f"/_admin/accounts/{username}/fans?profile={profile}"
    items: list[dict[str, Any]] = client.get(url, headers=ADMIN).json()["items"]
    return next(f for f in items if f["status"] == "active")


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = seeded_db(tmp_path_factory.mktemp("live") / "sim.sqlite3")
    port = _free_port()
    config = uvicorn.Config(
        create_simulator_app(make_settings(path)), host="127.0.0.1", port=port, log_level="critical"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the simulator did not start")
        time.sleep(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", server=server)
    server.should_exit = True
    thread.join(timeout=10)
