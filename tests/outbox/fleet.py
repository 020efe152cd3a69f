"""Real worker processes against a real simulator, on the embedded setup or PostgreSQL + Redis.

A :class:`Fleet` owns a fresh database and queue for one test, starts and SIGKILLs
``huntaze worker`` processes, queues outbound messages through the service (as the API does) and
reads their rows back. The simulator's own records are the ground truth of what was delivered.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis
from sqlalchemy import create_engine, select, text
from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.outbox.helpers import Agency, make_agency, make_message
from tests.platforms.live_simulator import LiveSimulator

from huntaze.config import Settings
from huntaze.core import migrations
from huntaze.core.db import Database
from huntaze.core.tasks import POLL_MAX_S, build_huey, reset_queues, use_huey
from huntaze.creators.schemas import PlatformAccountCreate
from huntaze.creators.service import creators
from huntaze.outbox.models import OutboundMessage
from huntaze.outbox.states import State

FLEET_BACKENDS = ["embedded"] + (["postgresql+redis"] if POSTGRES_URL and REDIS_URL else [])
# A Redis database of its own, so that no other test's queue shares these keys.
FLEET_REDIS_DB = 12


def wait_for(check: Callable[[], bool], what: str, timeout_s: float = 60) -> float:
    """Poll ``check`` until true; the seconds it took."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout_s, f"gave up waiting for {what}"
        time.sleep(0.05)
    return time.monotonic() - started


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@dataclass
class Fleet:
    backend: str
    data_dir: Path
    database: Database
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: int = 0

    def settings(self) -> Settings:
        return Settings(
            data_dir=self.data_dir,
            database_url=self.env["HUNTAZE_DATABASE_URL"],
            redis_url=self.env["HUNTAZE_REDIS_URL"],
            queue_immediate=False,
        )

    def start_worker(self, *, threads: int = 4, periodic: bool = False) -> subprocess.Popen[bytes]:
        """A `huntaze worker` process; its log goes to ``worker-<n>.log`` in the data dir."""
        self.started += 1
        log = (self.data_dir / f"worker-{self.started}.log").open("wb")
        args = [sys.executable, "-m", "huntaze", "worker", "--threads", str(threads)]
        process = subprocess.Popen(
            [*args, "--periodic" if periodic else "--no-periodic"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.workers.append(process)
        return process

    def log_of(self, process: subprocess.Popen[bytes]) -> str:
        """What the worker logged so far."""
        log = self.data_dir / f"worker-{self.workers.index(process) + 1}.log"
        return log.read_text(errors="replace")

    def wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        """Wait until the worker's consumer has started."""
        wait_for(
            lambda: process.poll() is None and "consumer started" in self.log_of(process),
            "a worker to start",
            timeout_s=120,
        )

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: the worker runs no cleanup at all."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def states(self, ids: list[str]) -> dict[str, str]:
        with self.database.session_scope(writes=False) as session:
            rows = session.execute(
                select(OutboundMessage.id, OutboundMessage.state).where(OutboundMessage.id.in_(ids))
            ).all()
            return {str(row[0]): str(row[1]) for row in rows}

    def rows(self, ids: list[str]) -> dict[str, OutboundMessage]:
        with self.database.session_scope(writes=False) as session:
            found = session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(ids)))
            rows = {row.id: row for row in found}
            session.expunge_all()
            return rows

    @contextmanager
    def enqueueing(self) -> Iterator[None]:
        """Commits in the block put their send tasks on this fleet's queue."""
        use_huey(build_huey(self.settings()))
        try:
            yield
        finally:
            reset_queues()


def agency_with_accounts(fleet: Fleet, sim: LiveSimulator, usernames: list[str]) -> list[Agency]:
    """One organization with a platform account for each simulator creator in ``usernames``."""
    with fleet.database.session_scope() as session:
        first = make_agency(session, base_url=sim.url, secret=sim.secret_json(usernames[0]))
        agencies = [first]
        for username in usernames[1:]:
            account = creators.add_account(
                session,
                first.owner.actor,
                first.account.creator_id,
                PlatformAccountCreate.model_validate(
                    {
                        "platform": "simulator",
                        "handle": username,
                        "base_url": sim.url,
                        "session_secret": sim.secret_json(username),
                    }
                ),
            )
            agencies.append(Agency(first.owner, first.manager, first.chatter, account))
        session.expunge_all()
        return agencies


def queue_messages(
    fleet: Fleet, agency: Agency, fan_ids: list[str], count: int, *, label: str
) -> list[tuple[str, str]]:
    """Queue ``count`` messages to the account, round robin over ``fan_ids``, in one commit;
    (id, nonce) of each."""
    made: list[tuple[str, str]] = []
    with fleet.enqueueing(), fleet.database.session_scope() as session:
        for i in range(count):
            message = make_message(
                session,
                agency,
                fan_id=fan_ids[i % len(fan_ids)],
                text=f"{label} {i}: thanks for being here",
                approve=True,
                queue=True,
            )
            made.append((message.id, message.nonce))
    return made


def sends_done(log: str) -> int:
    """How many send tasks a worker's log says it finished."""
    return log.count("tasks.send_outbound_message: ") - log.count(
        "Executing huntaze.outbox.tasks.send_outbound_message"
    )


def busy_sending(log: str) -> bool:
    """Whether a worker's log says a send task is running."""
    started = log.count("Executing huntaze.outbox.tasks.send_outbound_message")
    return started > sends_done(log)


def warm_up(
    fleet: Fleet, agency: Agency, sim: LiveSimulator, workers: list[subprocess.Popen[bytes]]
) -> None:
    """Have every worker send once, so that what a process does on its first send (loading
    compliance rules, say) is done before the clock of this test runs."""
    for round_ in range(20):
        if all(sends_done(fleet.log_of(w)) for w in workers):
            return
        if round_:
            # A consumer that just ran a task looks at the queue again at once, an idle one
            # every POLL_MAX_S: without a pause the busy worker takes every warm-up message.
            time.sleep(2 * POLL_MAX_S)
        ids = [
            i
            for i, _ in queue_messages(
                fleet, agency, [sim.active_fan_id(index=2)], 2, label=f"warm-up {round_}"
            )
        ]
        wait_for(
            lambda ids=ids: set(fleet.states(ids).values()) == {State.SENT},
            "the warm-up",
            timeout_s=240,
        )
    raise AssertionError("a worker never took a send")


@contextmanager
def fleet_for(backend: str, tmp_path: Path, **settings: str) -> Iterator[Fleet]:
    """A fresh database and queue on ``backend``, with ``settings`` (``HUNTAZE_*``) for the
    workers; kills every worker left at the end."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HUNTAZE_DATA_DIR": str(data_dir),
        "HUNTAZE_QUEUE_IMMEDIATE": "false",
        "HUNTAZE_LOG_LEVEL": "INFO",
        "HUNTAZE_DATABASE_URL": "",
        "HUNTAZE_REDIS_URL": "",
        **settings,
    }
    dropped: str | None = None
    if backend == "embedded":
        url = f"sqlite:///{data_dir / 'huntaze.sqlite3'}"
    else:
        dropped = f"huntaze_fleet_{os.getpid()}_{tmp_path.name[-12:]}".lower().replace("-", "_")
        admin = create_engine(
            _with_database(POSTGRES_URL, "postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dropped}"'))
            conn.execute(text(f'CREATE DATABASE "{dropped}"'))
        url = _with_database(POSTGRES_URL, dropped)
        redis_url = _with_database(REDIS_URL, str(FLEET_REDIS_DB))
        redis.Redis.from_url(redis_url).flushdb()
        env.update({"HUNTAZE_DATABASE_URL": url, "HUNTAZE_REDIS_URL": redis_url})
    database = Database(url)
    migrations.upgrade(database.engine)
    fleet = Fleet(backend=backend, data_dir=data_dir, database=database, env=env)
    try:
        yield fleet
    finally:
        for process in fleet.workers:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        database.dispose()
        if dropped is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)'))
            admin.dispose()
