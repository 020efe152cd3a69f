"""PostgreSQL connections of the engine (DESIGN.md §4 "database")."""

from __future__ import annotations

import pytest
from tests.conftest import POSTGRES_URL

from huntaze.core.db import make_engine


@pytest.mark.skipif(not POSTGRES_URL, reason="HUNTAZE_TEST_DATABASE_URL not set")
def test_postgresql_connections_prepare_no_statements() -> None:
    """A generic plan cached for small tenants must not serve a large one (see make_engine)."""
    engine = make_engine(POSTGRES_URL)
    try:
        connection = engine.raw_connection()
        try:
            assert connection.driver_connection.prepare_threshold is None  # type: ignore[union-attr]
        finally:
            connection.close()
    finally:
        engine.dispose()
