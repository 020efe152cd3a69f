"""The simulator's SQLite database: engine, schema, write transactions (DESIGN.md §3).

Every transaction starts with ``BEGIN IMMEDIATE`` so that the background ticker, request
threads and a CLI ``tick`` in another process serialise their writes; ids are assigned by the
simulator inside the transaction (``state.next_id``), which this makes safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from huntaze.simulator.models import Base


class SimulatorDatabase:
    """One SQLite file holding every simulated account."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.engine: Engine = create_engine(
            f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self) -> None:
        """Create the tables that do not exist yet."""
        Base.metadata.create_all(self.engine)

    def schema_is_current(self) -> bool:
        """Whether every table exists with every column this version expects (a simulator
        database made by an older version is reseeded rather than half-used)."""
        found = inspect(self.engine)
        existing = set(found.get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name not in existing:
                return False
            columns = {column["name"] for column in found.get_columns(table.name)}
            if not set(table.columns.keys()) <= columns:
                return False
        return True

    def drop_schema(self) -> None:
        """Drop every simulator table (used by reset)."""
        Base.metadata.drop_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on error."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
