"""``huntaze simulator`` commands: seed, tick, fault (DESIGN.md §3)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from huntaze.simulator.accounts import creator_by_username
from huntaze.simulator.cli import app
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.faults import list_faults
from huntaze.simulator.seeding import ensure_demo_accounts
from huntaze.simulator.state import get_now


def test_seed_tick_and_fault(tmp_path: Path) -> None:
    db_path = tmp_path / "sim.sqlite3"
    runner = CliRunner()
    seeded = runner.invoke(
        app, ["seed", "--seed", "5", "--fans", "40", "--creators", "1", "--db", str(db_path)]
    )
    assert seeded.exit_code == 0, seeded.output
    assert "creator1 / simulator" in seeded.output
    ticked = runner.invoke(app, ["tick", "--hours", "3", "--db", str(db_path)])
    assert ticked.exit_code == 0 and "15:00" in ticked.output
    faulted = runner.invoke(
        app,
        [
            "fault",
            "creator1",
            "rate_limit",
            "--params",
            '{"retry_after_s": 5}',
            "--db",
            str(db_path),
        ],
    )
    assert faulted.exit_code == 0, faulted.output
    bad = runner.invoke(app, ["fault", "creator1", "meteor", "--db", str(db_path)])
    assert bad.exit_code == 2
    db = SimulatorDatabase(db_path)
    with db.session() as session:
        creator = creator_by_username(session, "creator1")
        assert creator is not None
        assert [f.mode for f in list_faults(session, creator)] == ["rate_limit"]
        assert get_now(session).hour == 15
    db.dispose()


def test_ensure_demo_accounts_seeds_once(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.sqlite3"
    first = ensure_demo_accounts(db_path, fans_per_creator=20)
    again = ensure_demo_accounts(db_path, fans_per_creator=99)
    assert first == again
    assert [(a.username, a.skin) for a in first] == [("creator1", "classic"), ("creator2", "api2")]
