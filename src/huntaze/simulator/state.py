"""Simulator-wide state kept in ``sim_meta``: seed, simulated clock, change sequence, ids.

See DESIGN.md §3. The simulated clock starts at ``EPOCH`` and only moves through ``clock.advance``;
no decision ever reads the wall clock.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huntaze.simulator.fan_model import FanModel, bundled_text, parse_fan_model
from huntaze.simulator.models import Base, MetaValue

EPOCH = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)


def _get(session: Session, key: str) -> str | None:
    row = session.get(MetaValue, key)
    return row.value if row else None


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(MetaValue, key)
    if row is None:
        session.add(MetaValue(key=key, value=value))
    else:
        row.value = value
    session.flush()


def get_seed(session: Session) -> int:
    """The seed the simulator was last seeded with."""
    return int(_get(session, "seed") or 0)


def set_seed(session: Session, seed: int) -> None:
    """Record the seed that every random stream derives from."""
    _set(session, "seed", str(seed))


def get_fan_model_text(session: Session) -> str:
    """The YAML of the fan model this world was seeded with (the bundled one by default)."""
    return _get(session, "fan_model") or bundled_text()


def get_fan_model(session: Session) -> FanModel:
    """The fan model this world was seeded with; parsed once per distinct text."""
    return parse_fan_model(get_fan_model_text(session))


def set_fan_model_text(session: Session, text: str) -> None:
    """Record the fan model (already validated) that every later decision uses."""
    _set(session, "fan_model", text)


def get_now(session: Session) -> dt.datetime:
    """The simulated current time (UTC)."""
    value = _get(session, "clock")
    return dt.datetime.fromisoformat(value) if value else EPOCH


def set_now(session: Session, now: dt.datetime) -> None:
    """Move the simulated clock (only ``clock.advance`` and seeding do this)."""
    _set(session, "clock", now.astimezone(dt.UTC).isoformat())


def next_seq(session: Session, count: int = 1) -> int:
    """Reserve ``count`` change-sequence numbers and return the first one."""
    current = int(_get(session, "seq") or 0)
    _set(session, "seq", str(current + count))
    return current + 1


def peek_seq(session: Session) -> int:
    """The change-sequence number the next change would get, without reserving it."""
    return int(_get(session, "seq") or 0) + 1


def store_seq(session: Session, next_free: int) -> None:
    """Record that every number below ``next_free`` has been used (after a bulk batch)."""
    _set(session, "seq", str(next_free - 1))


def next_id(session: Session, model: type[Base]) -> int:
    """The next free primary key of ``model`` (deterministic per run; see ``db.py``), above any
    retired by :func:`retire_ids`."""
    table = model.__table__
    current = session.execute(select(func.max(table.c.id))).scalar()
    retired = _get(session, f"retired:{model.__tablename__}")
    return max(int(current or 0), int(retired or 0)) + 1


def retire_ids(session: Session, model: type[Base], highest: int) -> None:
    """Never hand out ids up to ``highest`` again: rows that had them were deleted, and clients
    that read by id (``since``, message cursors) must not meet an old id on a new row."""
    key = f"retired:{model.__tablename__}"
    if highest > int(_get(session, key) or 0):
        _set(session, key, str(highest))
