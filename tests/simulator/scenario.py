"""A fixed simulator scenario and a fingerprint of the world it leaves, for behaviour tests.

The scenario seeds two creators, lets 48 simulated hours pass, and at three moments the first
creator messages her first 40 fans (free texts, PPVs under and over their budgets, one-to-one and
mass). The fingerprint hashes every fan, message and purchase, so any change of behaviour — one
more reply, one purchase less — changes it. It talks to the simulator's own modules, not its
HTTP API, so that API changes do not move it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from huntaze.simulator.clock import advance
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.models import Fan, Message, Transaction
from huntaze.simulator.seeding import seed_simulator
from huntaze.simulator.simulation import schedule_reactions
from huntaze.simulator.state import get_now, get_seed, next_id

SENDS = {
    6: [("hey {name}, how was your day?", 0, False), ("new set just dropped", 900, True)],
    20: [("missed you! a surprise just for you", 1500, False)],
    31: [("last call for this weekend's video", 4000, True), ("good night 😘", 0, False)],
}


def _send(session: Any, text: str, price: int, is_mass: bool) -> None:
    fans = {
        fan.id: fan
        for fan in session.scalars(
            select(Fan)
            .where(Fan.creator_id == 1, Fan.status == "active")
            .order_by(Fan.id)
            .limit(40)
        )
    }
    now = get_now(session)
    first = next_id(session, Message)
    rows = [
        {
            "id": first + offset,
            "creator_id": 1,
            "fan_id": fan.id,
            "from_creator": True,
            "text": text.format(name=fan.display_name.split()[0]),
            "price_cents": price,
            "media_ids": "1" if price else "",
            "created_at": now,
        }
        for offset, fan in enumerate(fans.values())
    ]
    session.execute(insert(Message), rows)
    schedule_reactions(session, seed=get_seed(session), messages=rows, fans=fans, is_mass=is_mass)


def run_scenario(path: Path, *, seed: int = 5, fans: int = 120, **seed_options: Any) -> str:
    """Run the scenario on a fresh database at ``path``; the world's fingerprint."""
    db = SimulatorDatabase(path)
    seed_simulator(db, seed=seed, creators=2, fans_per_creator=fans, **seed_options)
    with db.session() as session:
        for hour in range(48):
            for text, price, is_mass in SENDS.get(hour, []):
                _send(session, text, price, is_mass)
            advance(session, 3600)
        world = {
            "fans": [
                [
                    f.id,
                    f.profile,
                    f.status,
                    f.expires_at.isoformat(),
                    f.ppv_max_cents,
                    f.total_spent_cents,
                    f.unread_count,
                ]
                for f in session.scalars(select(Fan).order_by(Fan.id))
            ],
            "messages": [
                [
                    m.id,
                    m.fan_id,
                    m.from_creator,
                    m.text,
                    m.price_cents,
                    m.created_at.isoformat(),
                    m.purchased_at.isoformat() if m.purchased_at else None,
                ]
                for m in session.scalars(select(Message).order_by(Message.id))
            ],
            "transactions": [
                [t.id, t.fan_id, t.kind, t.amount_cents, t.created_at.isoformat()]
                for t in session.scalars(select(Transaction).order_by(Transaction.id))
            ],
        }
    db.dispose()
    encoded = json.dumps(world, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def summary_counts(path: Path) -> dict[str, int]:
    """How many fans, messages and purchases the last run left (for readable failures)."""
    db = SimulatorDatabase(path)
    with db.session() as session:
        counts = {
            "fans": len(session.scalars(select(Fan.id)).all()),
            "messages": len(session.scalars(select(Message.id)).all()),
            "ppv": len(
                session.scalars(select(Transaction.id).where(Transaction.kind == "ppv")).all()
            ),
        }
    db.dispose()
    return counts
