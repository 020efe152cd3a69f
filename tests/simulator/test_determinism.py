"""Same seed and same actions give the same fans, messages and purchases (DESIGN.md §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from tests.simulator.conftest import ADMIN, fan_with_profile, make_settings, seeded_db, token_of

from huntaze.simulator import create_simulator_app


def run_world(path: Path, seed: int) -> dict[str, Any]:
    app = create_simulator_app(make_settings(seeded_db(path, seed=seed)))
    with TestClient(app) as client:
        auth = token_of(client, "creator1")
        fan = fan_with_profile(client, "regular")
        client.post(
            f"/api/v1/chats/{fan['id']}/messages", json={"text": "hey, how are you?"}, headers=auth
        )
        client.post(
            "/api/v1/mass-messages", json={"text": "new set out", "price_cents": 900}, headers=auth
        )
        client.post("/_admin/tick", json={"hours": 30}, headers=ADMIN)
        client.post(
            f"/api/v1/chats/{fan['id']}/messages",
            json={"text": "miss you", "price_cents": 500},
            headers=auth,
        )
        client.post("/_admin/tick", json={"hours": 20}, headers=ADMIN)
        fans = client.get("/_admin/accounts/creator1/fans?limit=10000", headers=ADMIN).json()[
            "items"
        ]
        messages = client.get("/api/v1/messages?limit=200", headers=auth).json()
        items = messages["items"]
        while messages["has_more"]:
            messages = client.get(
                f"/api/v1/messages?limit=200&since={messages['next_cursor']}", headers=auth
            ).json()
            items += messages["items"]
        purchases = client.get("/_admin/accounts/creator1/purchases", headers=ADMIN).json()
        return {"fans": fans, "messages": items, "purchases": purchases}


def test_same_seed_same_world(tmp_path: Path) -> None:
    first = run_world(tmp_path / "a.sqlite3", seed=11)
    second = run_world(tmp_path / "b.sqlite3", seed=11)
    assert first == second
    assert first["purchases"]["count"] > 0
    assert any(not m["from_creator"] for m in first["messages"][-50:])


def test_other_seed_other_world(tmp_path: Path) -> None:
    first = run_world(tmp_path / "a.sqlite3", seed=11)
    other = run_world(tmp_path / "c.sqlite3", seed=12)
    assert [f["username"] for f in first["fans"]] != [f["username"] for f in other["fans"]]


def test_ticking_in_steps_equals_one_tick(tmp_path: Path) -> None:
    worlds = []
    for name, steps in (("one", [12.0]), ("many", [0.5, 3.25, 8.25])):
        app = create_simulator_app(make_settings(seeded_db(tmp_path / f"{name}.sqlite3", seed=3)))
        with TestClient(app) as client:
            for hours in steps:
                client.post("/_admin/tick", json={"hours": hours}, headers=ADMIN)
            worlds.append(
                client.get("/_admin/accounts/creator1/fans?limit=10000", headers=ADMIN).json()
            )
    assert worlds[0] == worlds[1]
