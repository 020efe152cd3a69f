"""Bulk writes that tolerate repeats: one statement per batch, duplicates decided by the
database's unique constraints (DESIGN.md §6 "Inbox sync": dedupe by a unique constraint, not a
lookup), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, model: Any) -> Any:
    # The table, not the mapped class: a plain Core executemany, without the ORM's per-row work.
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_new(
    session: Session,
    model: Any,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
    returning: str,
) -> set[Any]:
    """Insert the rows whose ``conflict`` columns are not taken yet; the ``returning`` values of
    those actually inserted (rows already there, or repeated in ``rows``, are skipped)."""
    if not rows:
        return set()
    statement: Insert = (
        _insert(session, model)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model.__table__.c[returning])
    )
    # An executemany: the statement compiles once and is cached; the driver batches the rows.
    return set(session.scalars(statement, list(rows)).all())


def upsert(
    session: Session,
    model: Any,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert the rows, or update the ``update`` columns of those already there."""
    if not rows:
        return
    statement = _insert(session, model)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={name: getattr(statement.excluded, name) for name in update},
    )
    session.execute(statement, list(rows))
