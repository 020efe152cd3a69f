"""A running fan-platform simulator on loopback for connector and send-pipeline tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tests.live_server import serve
from tests.simulator.conftest import make_settings, seeded_db

from huntaze.platforms.registry import AccountConnection
from huntaze.simulator import create_simulator_app

ADMIN = {"X-Admin-Token": "test-admin"}


@dataclass
class LiveSimulator:
    url: str

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(method, f"{self.url}/_admin{path}", headers=ADMIN, **kwargs)
        response.raise_for_status()
        return response.json()

    def account(self, username: str = "creator1") -> dict[str, Any]:
        accounts = self.admin("GET", "/accounts")["accounts"]
        found: dict[str, Any] = next(a for a in accounts if a["username"] == username)
        return found

    def secret(self, username: str = "creator1", **override: Any) -> dict[str, Any]:
        account = self.account(username)
        return {
            "username": account["username"],
            "password": account["password"],
            "api_token": account["api_token"],
            "otp_code": account["otp_code"],
        } | override

    def secret_json(self, username: str = "creator1", **override: Any) -> str:
        return json.dumps(self.secret(username, **override))

    def connection(self, username: str = "creator1", **override: Any) -> AccountConnection:
        return AccountConnection(
            account_id="acct",
            platform="simulator",
            handle=username,
            driver="simulator_api",
            base_url=self.url,
            secret=self.secret(username, **override),
        )

    def fault(self, mode: str, username: str = "creator1", **body: Any) -> None:
        self.admin("POST", f"/accounts/{username}/faults", json={"mode": mode, **body})

    def clear_faults(self, username: str = "creator1") -> None:
        self.admin("DELETE", f"/accounts/{username}/faults")

    def deliveries(self, username: str = "creator1", **params: Any) -> int:
        return int(self.admin("GET", f"/accounts/{username}/deliveries", params=params)["count"])

    def active_fan_id(self, username: str = "creator1", index: int = 0) -> str:
        items = self.admin("GET", f"/accounts/{username}/fans")["items"]
        active = [f for f in items if f["status"] == "active"]
        return str(active[index]["id"])


@contextmanager
def live_simulator(directory: Path) -> Iterator[LiveSimulator]:
    """Seed a simulator database in ``directory`` and serve it over HTTP."""
    path = seeded_db(directory / "sim.sqlite3")
    app = create_simulator_app(make_settings(path), seed_if_empty=False)
    with serve(app) as url:
        yield LiveSimulator(url=url)
