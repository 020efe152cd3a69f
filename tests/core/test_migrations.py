"""Migrations go from empty to head and back to empty, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from tests.conftest import POSTGRES_URL

from huntaze.core import migrations
from huntaze.core.db import Database, make_engine
from huntaze.schema import metadata


def _scratch_postgres_url() -> str:
    base, _, _name = POSTGRES_URL.rpartition("/")
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS huntaze_migration_check"))
        conn.execute(text("CREATE DATABASE huntaze_migration_check"))
    admin.dispose()
    return f"{base}/huntaze_migration_check"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_to_head_and_downgrade_to_base(tmp_path: Path, backend: str) -> None:
    if backend == "postgresql" and not POSTGRES_URL:
        pytest.skip("HUNTAZE_TEST_DATABASE_URL not set")
    url = _scratch_postgres_url() if backend == "postgresql" else f"sqlite:///{tmp_path}/m.db"
    database = Database(url)
    try:
        migrations.upgrade(database.engine)
        tables = set(inspect(database.engine).get_table_names())
        assert set(metadata.tables) <= tables
        migrations.downgrade(database.engine)
        assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
        migrations.upgrade(database.engine)
        assert set(metadata.tables) <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def test_models_and_migrations_agree(database: Database) -> None:
    """No model change is left without a migration (autogenerate finds nothing to do)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
