"""Demo data: the agency, its creators, and their accounts linked to the bundled simulator."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from huntaze.creators.models import PlatformAccount
from huntaze.creators.service import creators
from huntaze.demo import DEMO_CREATORS, link_simulator_accounts, load_demo
from huntaze.simulator import ensure_demo_accounts


def test_demo_creators_are_linked_to_simulator_accounts(session: Session, tmp_path: Path) -> None:
    load_demo(session)
    simulator_accounts = ensure_demo_accounts(tmp_path / "sim.sqlite3", fans_per_creator=20)
    linked = link_simulator_accounts(session, simulator_accounts, base_url="http://127.0.0.1:8100")
    assert linked == min(len(DEMO_CREATORS), len(simulator_accounts)) == 2
    accounts = session.scalars(select(PlatformAccount).order_by(PlatformAccount.handle)).all()
    assert [a.handle for a in accounts] == ["creator1", "creator2"]
    assert {a.connection["skin"] for a in accounts} == {"classic", "api2"}
    assert all(a.connection["base_url"] == "http://127.0.0.1:8100" for a in accounts)
    secret = json.loads(creators.session_secret(accounts[0]) or "{}")
    assert secret["username"] == "creator1" and secret["api_token"]
    assert "api_token" not in (accounts[0].session_secret_encrypted or "")
