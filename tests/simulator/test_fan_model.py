"""Fan behaviour as data: the bundled fan model reproduces the original simulator exactly, bad
files are refused naming the field, and the effects a model plants are real in the outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from tests.simulator.conftest import ADMIN, make_settings
from tests.simulator.scenario import run_scenario
from typer.testing import CliRunner

from huntaze.simulator import create_simulator_app
from huntaze.simulator.cli import app as cli_app
from huntaze.simulator.clock import advance
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.fan_model import BUNDLED_PATH, FanModelError, bundled_text, parse_fan_model
from huntaze.simulator.messaging import send_mass_message
from huntaze.simulator.models import Creator, Fan, Message, Transaction, VaultItem
from huntaze.simulator.seeding import ensure_demo_accounts, seed_simulator
from huntaze.simulator.state import get_now

# Fingerprints of the scenario's world, recorded with the simulator as it was before its fan
# behaviour became a data file (tests/simulator/scenario.py says what the scenario does).
ORIGINAL_WORLDS = {
    (5, 120): "970bb3b477d143714c967c28eea8051480d3e5359962e6e4cd2063266cc7e558",
    (9, 80): "61cc868932a2c7177ba86e28397b02f11007865178bc40d7265bf9bff0baffb5",
}


@pytest.mark.parametrize(("seed", "fans"), sorted(ORIGINAL_WORLDS))
def test_the_bundled_model_reproduces_the_original_simulator(
    tmp_path: Path, seed: int, fans: int
) -> None:
    assert (
        run_scenario(tmp_path / "world.sqlite3", seed=seed, fans=fans)
        == ORIGINAL_WORLDS[(seed, fans)]
    )


def test_the_bundled_file_is_the_default(tmp_path: Path) -> None:
    explicit = run_scenario(tmp_path / "a.sqlite3", seed=5, fans=120, fan_model_text=bundled_text())
    assert explicit == ORIGINAL_WORLDS[(5, 120)]


def _model(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(bundled_text())
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"profiles__regular__reply_p": -0.2}, "profiles.regular.reply_p"),
        ({"profiles__regular__buy_p": 1.5}, "profiles.regular.buy_p"),
        ({"profiles__lurker__reply_probability": 0.3}, "profiles.lurker.reply_probability"),
        ({"profiles__regular__topics": ["greeting", "poetry"]}, "poetry"),
        ({"profiles__regular__tip_cents": {"low": 900, "high": 100}}, "profiles.regular.tip_cents"),
        ({"profiles__regular__weight": 0}, "profiles.regular.weight"),
        ({"buy__price_slope": "steep"}, "buy.price_slope"),
        ({"reply__max_p": float("nan")}, "reply.max_p"),
        ({"timing__reply_minutes": [50, 2]}, "reply_minutes"),
        ({"profiles__regular__willingness_to_pay": {}}, "profiles.regular.willingness_to_pay"),
        ({"version": 2}, "version"),
    ],
)
def test_a_bad_model_is_refused_naming_the_field(changes: dict[str, Any], named: str) -> None:
    with pytest.raises(FanModelError) as caught:
        parse_fan_model(yaml.safe_dump(_model(**changes)))
    assert named in str(caught.value)


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("profiles: [", "not valid YAML"),
        ("- just\n- a list\n", "mapping"),
        ("version: 1\n", "profiles"),
        ("x: " + "[" * 3000 + "]" * 3000, "YAML"),
    ],
)
def test_a_malformed_file_is_refused_clearly(source: str, named: str) -> None:
    with pytest.raises(FanModelError, match=named):
        parse_fan_model(source)


def test_an_unknown_profile_is_refused_by_the_admin_side(tmp_path: Path) -> None:
    db = SimulatorDatabase(tmp_path / "sim.sqlite3")
    seed_simulator(db, seed=3, creators=1, fans_per_creator=10)
    db.dispose()
    with TestClient(create_simulator_app(make_settings(tmp_path / "sim.sqlite3"))) as client:
        fan = client.get("/_admin/accounts/creator1/fans", headers=ADMIN).json()["items"][0]
        answer = client.patch(
            f"/_admin/accounts/creator1/fans/{fan['id']}", json={"profile": "ghost"}, headers=ADMIN
        )
        assert answer.status_code == 422
        assert "ghost" not in answer.json().get("profiles", "") and "regular" in answer.text
        bad = yaml.safe_dump(_model(profiles__regular__renew_p=7))
        answer = client.post(
            "/_admin/reset", json={"seed": 1, "fans": 5, "fan_model": bad}, headers=ADMIN
        )
        assert answer.status_code == 422
        assert "profiles.regular.renew_p" in answer.text


def test_the_cli_refuses_a_bad_file_and_seeds_with_a_good_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_model(profiles__lurker__buy_p=-1)))
    seed = ["seed", "--fans", "10", "--creators", "1", "--db", str(tmp_path / "sim.sqlite3")]
    refused = CliRunner().invoke(cli_app, [*seed, "--fan-model", str(bad)])
    assert refused.exit_code == 2
    assert "profiles.lurker.buy_p" in " ".join(refused.output.split())
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(_model(profiles__regular__weight=100)))
    seeded = CliRunner().invoke(cli_app, [*seed, "--fan-model", str(good)])
    assert seeded.exit_code == 0, seeded.output
    db = SimulatorDatabase(tmp_path / "sim.sqlite3")
    with db.session() as session:
        profiles = session.scalars(select(Fan.profile)).all()
    db.dispose()
    assert profiles.count("regular") >= 8  # 10 fans, the regular profile weighs ~90%


def test_ground_truth_shows_what_was_drawn_for_each_fan(tmp_path: Path) -> None:
    model = _model(
        profiles__regular__active_hours={"start_hour": 19, "length_hours": 4, "utc_offsets": [-5]},
        profiles__regular__willingness_to_pay={
            "lognormal": {"median_cents": 1500, "sigma": 0.5, "max_cents": 6000}
        },
    )
    db = SimulatorDatabase(tmp_path / "sim.sqlite3")
    seed_simulator(
        db, seed=3, creators=1, fans_per_creator=40, fan_model_text=yaml.safe_dump(model)
    )
    db.dispose()
    with TestClient(create_simulator_app(make_settings(tmp_path / "sim.sqlite3"))) as client:
        fans = client.get("/_admin/accounts/creator1/fans?limit=100", headers=ADMIN).json()["items"]
    regulars = [f for f in fans if f["profile"] == "regular"]
    assert regulars
    for fan in regulars:
        assert (fan["utc_offset_minutes"], fan["active_start_hour"]) == (-300, 19)
        assert fan["active_length_hours"] == 4
        assert 100 <= fan["willingness_to_pay_cents"] <= 6000
    assert len({f["willingness_to_pay_cents"] for f in regulars}) > 3  # a distribution
    others = [f for f in fans if f["profile"] != "regular"]
    assert all(f["active_length_hours"] == 24 for f in others)


def _world(path: Path, model: dict[str, Any], *, fans: int = 150) -> SimulatorDatabase:
    db = SimulatorDatabase(path)
    seed_simulator(
        db, seed=21, creators=1, fans_per_creator=fans, fan_model_text=yaml.safe_dump(model)
    )
    return db


def _mass_ppv(session: Any, price: int) -> list[int]:
    """A mass PPV (with media) to every active fan of creator 1, now; its message ids."""
    creator = session.get(Creator, 1)
    media = session.scalars(select(VaultItem.id).where(VaultItem.creator_id == 1)).first()
    mass = send_mass_message(
        session, creator, text="new set, unlock it 🔥", price_cents=price, media_ids=[media]
    )
    return list(session.scalars(select(Message.id).where(Message.mass_message_id == mass.id)))


def _revenue(session: Any, message_ids: list[int] | None = None) -> int:
    query = select(func.coalesce(func.sum(Transaction.amount_cents), 0)).where(
        Transaction.kind == "ppv"
    )
    if message_ids is not None:
        query = query.where(Transaction.message_id.in_(message_ids))
    return int(session.scalar(query))


def _fans_of(db: SimulatorDatabase) -> list[tuple[Any, ...]]:
    with db.session() as session:
        return [
            (f.id, f.profile, f.ppv_max_cents, f.active_start_hour)
            for f in session.scalars(select(Fan).order_by(Fan.id))
        ]


def test_a_planted_hour_of_day_effect_pays_on_identical_populations(tmp_path: Path) -> None:
    evening = {"start_hour": 20, "length_hours": 3, "utc_offsets": [0]}
    changes = {
        f"profiles__{name}__active_hours": evening
        for name in yaml.safe_load(bundled_text())["profiles"]
    }
    model = _model(**changes, buy__in_active_hours=2.5, buy__outside_active_hours=0.2)
    revenue = {}
    populations = []
    for send_hour in (21, 10):
        db = _world(tmp_path / f"at-{send_hour}.sqlite3", model)
        populations.append(_fans_of(db))
        with db.session() as session:
            for _day in range(3):
                now = get_now(session)
                wait = (send_hour - now.hour) % 24 or 24
                advance(session, wait * 3600 - now.minute * 60)
                _mass_ppv(session, price=500)
            advance(session, 24 * 3600)
            revenue[send_hour] = _revenue(session)
        db.dispose()
    assert populations[0] == populations[1]
    print("revenue by send hour", revenue)
    assert revenue[21] > 2 * revenue[10] > 0, revenue


def test_a_second_mass_ppv_in_a_day_converts_worse(tmp_path: Path) -> None:
    model = _model(buy__repeat_mass_ppv_within_day=0.1)
    bought = {}
    for plan in ("one", "two"):
        db = _world(tmp_path / f"{plan}.sqlite3", model, fans=500)
        with db.session() as session:
            if plan == "two":
                _mass_ppv(session, price=500)
            advance(session, 6 * 3600)
            evening = _mass_ppv(session, price=500)
            advance(session, 2 * 3600)
            bought[plan] = _revenue(session, evening)
        db.dispose()
    print("evening PPV revenue", bought)
    assert bought["two"] < 0.5 * bought["one"], bought


def test_an_old_simulator_database_is_seeded_afresh(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = SimulatorDatabase(path)
    seed_simulator(db, seed=3, creators=1, fans_per_creator=5)
    with db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE sim_fan DROP COLUMN utc_offset_minutes"))
    assert not db.schema_is_current()
    db.dispose()
    accounts = ensure_demo_accounts(path, creators=1, fans_per_creator=5)
    assert [a.username for a in accounts] == ["creator1"]
    db = SimulatorDatabase(path)
    assert db.schema_is_current()
    db.dispose()


@pytest.mark.parametrize("name", ["default.yaml", "realistic.yaml"])
def test_every_bundled_model_is_valid(name: str) -> None:
    model = parse_fan_model((BUNDLED_PATH.parent / name).read_text())
    assert abs(sum(model.profile_weights) - 1.0) < 1e-9
