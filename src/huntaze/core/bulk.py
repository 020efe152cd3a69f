"""Bulk writes that tolerate repeats: one statement per batch, duplicates decided by the
database's unique constraints (DESIGN.md §6 "Inbox sync": dedupe by a unique constraint, not a
lookup), on SQLite and PostgreSQL alike.

On PostgreSQL a batch travels as one array per column, unpacked by ``unnest`` in the database:
a statement of a dozen parameters whatever the batch size. The generic path (a multi-row
``VALUES`` with a parameter per cell) made the driver parse a new statement of thousands of
placeholders for every batch, which cost more than the insert itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Column, Dialect, Insert, Table, bindparam, text
from sqlalchemy import update as update_statement
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
    if session.get_bind().dialect.name == "postgresql":
        return _pg_insert_new(session, model.__table__, rows, conflict, returning)
    statement: Insert = (
        _insert(session, model)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model.__table__.c[returning])
    )
    # An executemany: the statement compiles once and is cached; the driver batches the rows.
    return set(session.scalars(statement, list(rows)).all())


def insert_ignoring(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], *, conflict: Sequence[str]
) -> None:
    """Insert the rows whose ``conflict`` columns are not taken yet, without reading anything
    back: a plain executemany, the fastest path (find what was inserted by its own ids)."""
    if not rows:
        return
    statement = _insert(session, model).on_conflict_do_nothing(index_elements=list(conflict))
    session.execute(statement, list(rows))


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


def update_rows(
    session: Session,
    model: Any,
    rows: Sequence[dict[str, Any]],
    *,
    key: str = "id",
    where: dict[str, Any] | None = None,
) -> None:
    """Set, for each row, its other columns on the row of the table whose ``key`` matches, only
    where the ``where`` columns equal the given values (the tenant, say). Every row must name
    the same columns."""
    if not rows:
        return
    table: Table = model.__table__
    names = [name for name in rows[0] if name != key]
    if session.get_bind().dialect.name == "postgresql":
        stamped = _with_onupdate(table, rows, names)
        _pg_update_rows(
            session, table, stamped, key, [n for n in stamped[0] if n != key], where or {}
        )
        return
    statement = update_statement(table).where(table.c[key] == bindparam("_key"))
    for name, value in (where or {}).items():
        statement = statement.where(table.c[name] == value)
    statement = statement.values({name: bindparam(f"_new_{name}") for name in names})
    session.execute(
        statement,
        [{"_key": row[key], **{f"_new_{name}": row[name] for name in names}} for row in rows],
    )


def _arrays(
    dialect: Dialect, table: Table, rows: Sequence[dict[str, Any]], names: Sequence[str]
) -> tuple[list[str], list[str], dict[str, list[Any]]]:
    """The ``unnest`` arguments (one typed array parameter per column), the select expressions
    that turn each unpacked value back into the column's type, and the parameters."""
    arguments: list[str] = []
    selects: list[str] = []
    params: dict[str, list[Any]] = {}
    for index, name in enumerate(names):
        column: Column[Any] = table.c[name]
        values = [_value(row, column) for row in rows]
        process = column.type.bind_processor(dialect)
        if process is not None:
            values = [process(v) for v in values]
        param = f"p{index}"
        if isinstance(column.type, JSON):
            params[param] = [None if v is None else json.dumps(v) for v in values]
            arguments.append(f"CAST(:{param} AS TEXT[])")
            selects.append(f"CAST(u.c{index} AS {column.type.compile(dialect=dialect)})")
        else:
            params[param] = values
            arguments.append(f"CAST(:{param} AS {column.type.compile(dialect=dialect)}[])")
            selects.append(f"u.c{index}")
    return arguments, selects, params


def _with_onupdate(
    table: Table, rows: Sequence[dict[str, Any]], names: Sequence[str]
) -> list[dict[str, Any]]:
    """The rows with the columns that change on every update (``updated_at``) filled in, as the
    generic path's ``UPDATE`` does by itself."""
    extra: dict[str, Any] = {}
    for column in table.columns:
        onupdate = column.onupdate
        if column.name in names or onupdate is None or not hasattr(onupdate, "arg"):
            continue
        arg = onupdate.arg
        extra[column.name] = arg(None) if callable(arg) else arg
    return [{**row, **extra} for row in rows]


def _value(row: dict[str, Any], column: Column[Any]) -> Any:
    if column.name in row:
        return row[column.name]
    default = column.default
    if default is None or not hasattr(default, "arg"):
        return None
    arg = default.arg
    return arg(None) if callable(arg) else arg


def _all_names(table: Table, rows: Sequence[dict[str, Any]]) -> list[str]:
    """The columns a row names, plus those with a default computed in Python (the generic path
    fills them in per row; here they are filled in by :func:`_value`)."""
    named = set().union(*(row.keys() for row in rows))
    return [c.name for c in table.columns if c.name in named or c.default is not None]


def _pg_insert_new(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    returning: str,
) -> set[Any]:
    dialect = session.get_bind().dialect
    quote = dialect.identifier_preparer.quote
    names = _all_names(table, rows)
    arguments, selects, params = _arrays(dialect, table, rows, names)
    aliases = ", ".join(f"c{i}" for i in range(len(names)))
    statement = text(
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"SELECT {', '.join(selects)} FROM unnest({', '.join(arguments)}) AS u({aliases}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO NOTHING "
        f"RETURNING {quote(returning)}"
    )
    return set(session.execute(statement, params).scalars().all())


def _pg_update_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: str,
    names: Sequence[str],
    where: dict[str, Any],
) -> None:
    dialect = session.get_bind().dialect
    quote = dialect.identifier_preparer.quote
    columns = [key, *names]
    arguments, selects, params = _arrays(dialect, table, rows, columns)
    aliases = ", ".join(f"c{i}" for i in range(len(columns)))
    sets = ", ".join(f"{quote(name)} = {selects[i + 1]}" for i, name in enumerate(names))
    conditions = [f"{quote(table.name)}.{quote(key)} = {selects[0]}"]
    for index, (name, value) in enumerate(where.items()):
        conditions.append(f"{quote(table.name)}.{quote(name)} = :w{index}")
        params[f"w{index}"] = value
    statement = text(
        f"UPDATE {quote(table.name)} SET {sets} "
        f"FROM unnest({', '.join(arguments)}) AS u({aliases}) WHERE {' AND '.join(conditions)}"
    )
    session.execute(statement, params)
