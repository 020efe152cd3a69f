"""Reset and seed the simulator; make sure demo accounts exist (DESIGN.md §3).

``seed_simulator`` drops every table and rebuilds a deterministic world from one seed.
``ensure_demo_accounts`` is what ``make up`` and the demo call: it seeds only an empty database
and returns the credentials of every account.

Seeded accounts are ``creator1``, ``creator2``, … with the password ``simulator``; odd-numbered
accounts use the ``classic`` skin and even-numbered ones ``api2``. One-time codes and API tokens
are derived from the seed (they are stand-ins, not secrets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from huntaze.simulator.accounts import hash_password
from huntaze.simulator.behaviour import stream
from huntaze.simulator.clock import advance
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.fan_model import bundled_text, parse_fan_model
from huntaze.simulator.models import Base, Creator, Fan, Link, Message, Transaction, VaultItem
from huntaze.simulator.population import RowBatch, add_historic_fan
from huntaze.simulator.settings import SimulatorSettings
from huntaze.simulator.state import EPOCH, set_fan_model_text, set_now, set_seed, store_seq

DEFAULT_PASSWORD = "simulator"
DEFAULT_SEED = 1
DEFAULT_FANS = 500
CREATOR_NAMES = ("Mia Rose", "Luna Vale", "Ivy Stone", "Nova Lane", "Ruby Fox", "Zoe Wilde")
PRICES = (999, 1299, 799, 1499, 499)
CHUNK = 2_000
SWATCHES = ("#f472b6", "#60a5fa", "#34d399", "#fbbf24", "#a78bfa", "#f87171")

ProgressCallback = Callable[[int], None]
DAY_S = 86_400


@dataclass(frozen=True)
class DemoAccount:
    """Credentials of one simulated creator account."""

    username: str
    password: str
    otp_enabled: bool
    otp_code: str
    api_token: str
    skin: str


def placeholder_svg(label: str, color: str) -> bytes:
    """A small picture for the seeded vault."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">'
        f'<rect width="320" height="240" fill="{color}"/>'
        '<text x="160" y="130" font-family="sans-serif" font-size="28" fill="white" '
        f'text-anchor="middle">{label}</text></svg>'
    ).encode()


def seed_simulator(
    db: SimulatorDatabase,
    *,
    seed: int = DEFAULT_SEED,
    creators: int = 2,
    fans_per_creator: int = DEFAULT_FANS,
    progress: ProgressCallback | None = None,
    fan_model_text: str | None = None,
) -> None:
    """Drop everything and build a fresh world from ``seed`` and a fan model (YAML text; the
    bundled one by default), which is stored with the world for every later decision."""
    model_text = fan_model_text if fan_model_text is not None else bundled_text()
    model = parse_fan_model(model_text)
    db.drop_schema()
    db.create_schema()
    now = EPOCH
    batch = RowBatch(next_fan_id=1, next_message_id=1, next_transaction_id=1, next_seq=1)
    with db.session() as session:
        set_seed(session, seed)
        set_now(session, now)
        set_fan_model_text(session, model_text)
        for index in range(1, creators + 1):
            rng = stream(seed, "creator", index)
            username = f"creator{index}"
            salt = f"{rng.getrandbits(64):016x}"
            price = PRICES[(index - 1) % len(PRICES)]
            session.add(
                Creator(
                    id=index,
                    username=username,
                    display_name=CREATOR_NAMES[(index - 1) % len(CREATOR_NAMES)],
                    password_salt=salt,
                    password_hash=hash_password(DEFAULT_PASSWORD, salt),
                    otp_enabled=False,
                    otp_code=f"{rng.randint(0, 999_999):06d}",
                    api_token=f"simtok_{rng.getrandbits(128):032x}",
                    skin="classic" if index % 2 else "api2",
                    currency="USD",
                    subscription_price_cents=price,
                    population_index=index,
                    next_fan_index=fans_per_creator,
                )
            )
            _seed_vault_and_links(session, creator_id=index, now=now)
            for start in range(0, fans_per_creator, CHUNK):
                for fan_index in range(start, min(start + CHUNK, fans_per_creator)):
                    add_historic_fan(
                        batch,
                        model=model,
                        seed=seed,
                        creator_id=index,
                        population_index=index,
                        fan_index=fan_index,
                        price_cents=price,
                        now=now,
                    )
                _flush(session, batch)
                if progress:
                    progress(min(start + CHUNK, fans_per_creator) - start)
        store_seq(session, batch.next_seq)


def _flush(session: Session, batch: RowBatch) -> None:
    tables: tuple[tuple[type[Base], list[dict[str, Any]]], ...] = (
        (Fan, batch.fans),
        (Message, batch.messages),
        (Transaction, batch.transactions),
    )
    for model, rows in tables:
        if rows:
            session.execute(insert(model), rows)
        rows.clear()


def _seed_vault_and_links(session: Session, *, creator_id: int, now: dt.datetime) -> None:
    labels = ("Beach day", "Golden hour", "Studio set", "Mirror pic", "Gym look", "Cosy night")
    for position, label in enumerate(labels):
        data = placeholder_svg(label, SWATCHES[position % len(SWATCHES)])
        session.add(
            VaultItem(
                id=(creator_id - 1) * 100 + position + 1,
                creator_id=creator_id,
                filename=f"{label.lower().replace(' ', '-')}.svg",
                content_type="image/svg+xml",
                size_bytes=len(data),
                data=data,
                created_at=now - dt.timedelta(days=len(labels) - position),
            )
        )
    session.add(
        Link(
            id=creator_id * 2 - 1,
            creator_id=creator_id,
            kind="tracking",
            name="Instagram bio",
            code=f"ig{creator_id}",
            arrivals_per_day=2.0,
            trial_days=0,
            clicks=0,
            created_at=now,
        )
    )
    session.add(
        Link(
            id=creator_id * 2,
            creator_id=creator_id,
            kind="trial",
            name="Reddit free trial",
            code=f"rd{creator_id}",
            arrivals_per_day=1.0,
            trial_days=7,
            clicks=0,
            created_at=now,
        )
    )
    session.flush()


def list_accounts(db: SimulatorDatabase) -> list[DemoAccount]:
    """Credentials of every account (seeded accounts all use ``DEFAULT_PASSWORD``)."""
    with db.session() as session:
        creators = session.scalars(select(Creator).order_by(Creator.id)).all()
        return [
            DemoAccount(
                username=c.username,
                password=DEFAULT_PASSWORD,
                otp_enabled=c.otp_enabled,
                otp_code=c.otp_code,
                api_token=c.api_token,
                skin=c.skin,
            )
            for c in creators
        ]


def ensure_demo_accounts(
    db_path: Path | None = None,
    *,
    seed: int = DEFAULT_SEED,
    creators: int = 2,
    fans_per_creator: int = DEFAULT_FANS,
    history_days: int = 0,
    progress: ProgressCallback | None = None,
) -> list[DemoAccount]:
    """Seed the simulator database if it has no account yet; return every account's credentials.

    ``history_days`` of simulated life follow a fresh seed (fans subscribe, write, buy, churn),
    one day at a time, ``progress`` told after each day; an existing world is left as it is.

    ``db_path`` defaults to ``SimulatorSettings.from_env().db_path`` (the data dir's
    ``simulator.sqlite3``). An existing database is never reset, unless an older version made
    it (its tables lack columns this version needs): then it is seeded afresh.
    """
    settings = SimulatorSettings.from_env()
    db = SimulatorDatabase(db_path or settings.db_path)
    try:
        empty = not db.schema_is_current()
        if not empty:
            with db.session() as session:
                empty = session.scalars(select(Creator.id).limit(1)).first() is None
        if empty:
            model_text = (
                settings.fan_model_path.read_text(encoding="utf-8")
                if settings.fan_model_path
                else None
            )
            seed_simulator(
                db,
                seed=seed,
                creators=creators,
                fans_per_creator=fans_per_creator,
                fan_model_text=model_text,
            )
            for _day in range(history_days):
                with db.session() as session:
                    advance(session, DAY_S)
                if progress is not None:
                    progress(1)
        return list_accounts(db)
    finally:
        db.dispose()
