"""Test fixtures shared by the whole suite.

The schema is built once per backend by running the migrations; each test runs inside a
transaction that is rolled back at the end. Tests that use the database run on SQLite and, when
``HUNTAZE_TEST_DATABASE_URL`` is set, on PostgreSQL too (the ``database`` fixture is
parametrized by backend).
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

os.environ.setdefault("HUNTAZE_ENV", "test")
os.environ.setdefault("HUNTAZE_ARGON2_TIME_COST", "1")
os.environ.setdefault("HUNTAZE_ARGON2_MEMORY_COST_KIB", "8")
os.environ.setdefault("HUNTAZE_QUEUE_IMMEDIATE", "true")
os.environ.setdefault("HUNTAZE_LOG_LEVEL", "WARNING")
os.environ.setdefault("HUNTAZE_SECRET_KEY", "test-secret-key-not-for-production")
os.environ["HUNTAZE_DATABASE_URL"] = ""
os.environ["HUNTAZE_REDIS_URL"] = ""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from limits.storage import MemoryStorage
from playwright.sync_api import expect as playwright_expect
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker
from tests.s3_server import s3_client, s3_endpoint, s3_store  # noqa: F401 (fixtures)

from huntaze.config import get_settings
from huntaze.core import db as core_db
from huntaze.core import migrations
from huntaze.core.ratelimit import RateLimiter
from huntaze.core.tasks import reset_queues

# CI runs the property tests on a fixed seed so that a run is reproducible; local runs keep
# exploring new examples (and a failure found there becomes a regression test).
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")

# Browser assertions wait for the page; a loaded 2-core machine needs more than the default 5 s.
playwright_expect.set_options(timeout=15_000)

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
POSTGRES_URL = os.environ.get("HUNTAZE_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("HUNTAZE_TEST_REDIS_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pathlib.Path]:
    path = tmp_path_factory.mktemp("huntaze-data")
    os.environ["HUNTAZE_DATA_DIR"] = str(path)
    get_settings.cache_clear()
    reset_queues()
    yield path


def reset_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    engine = core_db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, _data_dir: pathlib.Path) -> Iterator[core_db.Database]:
    """A migrated database on one backend, shared by the tests of a session."""
    if request.param == "postgresql":
        reset_postgres(POSTGRES_URL)
        database = core_db.Database(POSTGRES_URL)
    else:
        database = core_db.Database(f"sqlite:///{_data_dir / 'test.sqlite3'}")
    migrations.upgrade(database.engine)
    yield database
    database.dispose()


class BoundDatabase(core_db.Database):
    """A Database whose sessions all join one outer transaction (rolled back after the test)."""

    def __init__(self, parent: core_db.Database, connection: Connection) -> None:
        self.url = parent.url
        self.engine = parent.engine
        self.session_factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )


@pytest.fixture
def bound_database(database: core_db.Database) -> Iterator[BoundDatabase]:
    """The test's database: everything done through it is rolled back at the end."""
    connection = database.engine.connect()
    outer = connection.begin()
    bound = BoundDatabase(database, connection)
    core_db.set_database(bound)
    try:
        yield bound
    finally:
        core_db.set_database(None)
        outer.rollback()
        connection.close()


@pytest.fixture
def session(bound_database: BoundDatabase) -> Iterator[Session]:
    """A session inside the test's transaction."""
    s = bound_database.session_factory()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def app(bound_database: BoundDatabase) -> FastAPI:
    """The application bound to the test's transaction, with its own rate-limit counters."""
    from huntaze.main import create_app

    return create_app(
        get_settings(), database=bound_database, rate_limiter=RateLimiter(MemoryStorage())
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client for the app; server errors come back as responses, as users see them."""
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
