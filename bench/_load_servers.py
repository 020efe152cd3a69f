"""The servers of the load benchmark (``bench/load.py``): data, processes, teardown.

Two set-ups, each started from the ``huntaze`` command exactly as an installation runs it:

- ``sqlite``: ``huntaze up`` on its embedded defaults (SQLite file, queue consumers in-process),
  without the simulator (the platform accounts point at a port that refuses connections).
- ``postgresql``: two ``huntaze web`` processes and two ``huntaze worker`` processes (one runs the
  scheduler) on PostgreSQL and Redis, in a database made for the run and dropped after it.

Before the servers start, the benchmark writes what a small agency has (``bench/_load_data.py``):
the demo organization and creators, a platform account per creator with a synced history (fans,
chats, statement entries, the dashboard's rollups), segments and campaigns, an API key and a
login session for the owner, and a few hundred outbound messages, so lists and pages show real
rows. Replies sent during the run are queued to an account that refuses connections: the workers
try them and retry them later, as they would during a platform outage.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PG_ADMIN_URL = os.environ.get(
    "HUNTAZE_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# The database made for the run (dropped and made again at the start, dropped at the end).
PG_BENCH_DB = os.environ.get("HUNTAZE_BENCH_PG_DB", "huntaze_bench_load")
if not PG_BENCH_DB.isidentifier():
    raise ValueError("HUNTAZE_BENCH_PG_DB must be a plain database name")
REDIS_URL = os.environ.get("HUNTAZE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# Raised so that the run measures serving, not the per-key limit (600 per minute by default).
BENCH_RATE_LIMIT_PER_MINUTE = 1_000_000


@dataclass
class Target:
    """What the load clients need: where to send requests and as whom."""

    name: str
    base_urls: list[str]
    api_key: str
    session_cookie: str
    csrf_token: str
    creator_ids: list[str]
    account_ids: list[str]
    message_ids: list[str]
    fan_ids: list[str]
    writes_have_target: bool = True
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_reachable() -> bool:
    """Whether the PostgreSQL and Redis of the second set-up answer on loopback."""
    try:
        import psycopg
        import redis

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
        return True
    except Exception:
        return False


def _environment(data_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUNTAZE_")}
    env.update(
        HUNTAZE_ENV="dev",
        HUNTAZE_DATA_DIR=str(data_dir),
        HUNTAZE_DATABASE_URL=database_url,
        HUNTAZE_REDIS_URL=redis_url,
        HUNTAZE_LOG_LEVEL="WARNING",
        HUNTAZE_RATE_LIMIT_PER_MINUTE=str(BENCH_RATE_LIMIT_PER_MINUTE),
        HUNTAZE_SECRET_KEY="bench-secret-key-for-loopback-only-0123456789",
    )
    return env


def _prepare_data(env: dict[str, str]) -> dict[str, list[str] | str]:
    """Migrate and fill the database in a child process (settings come from ``env``)."""
    result = subprocess.run(
        [sys.executable, "-m", "bench._load_data"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"preparing the data failed:\n{result.stderr[-3000:]}")

    data: dict[str, list[str] | str] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer /healthz in {timeout_s:.0f} s")


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "huntaze", *args], env=env, stdout=handle, stderr=subprocess.STDOUT
    )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _target(name: str, urls: list[str], data: dict[str, list[str] | str]) -> Target:
    def ids(key: str) -> list[str]:
        value = data[key]
        assert isinstance(value, list)
        return value

    return Target(
        name=name,
        base_urls=urls,
        api_key=str(data["api_key"]),
        session_cookie=str(data["session_cookie"]),
        csrf_token=str(data["csrf_token"]),
        creator_ids=ids("creator_ids"),
        account_ids=ids("account_ids"),
        message_ids=ids("message_ids"),
        fan_ids=ids("fan_ids"),
    )


@contextmanager
def sqlite_up(work_dir: Path) -> Iterator[Target]:
    """``huntaze up`` on a fresh data directory (SQLite, in-process queue)."""
    data_dir = work_dir / "sqlite"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _environment(data_dir, "", "")
    data = _prepare_data(env)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = ["up", "--host", "127.0.0.1", "--port", str(port), "--simulator-port", "0"]
    process = _spawn(args, env, work_dir / "sqlite-up.log")
    try:
        _wait_healthy(url, process)
        target = _target("SQLite (`huntaze up`)", [url], data)
        target.writes_have_target = False  # one writer at a time: SQLite's design
        yield target
    finally:
        _stop([process])


def _recreate_postgres_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


def _drop_postgres_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


@contextmanager
def postgres_web_and_workers(work_dir: Path) -> Iterator[Target]:
    """Two ``huntaze web`` and two ``huntaze worker`` processes on PostgreSQL and Redis."""
    import redis

    data_dir = work_dir / "postgres"
    data_dir.mkdir(parents=True, exist_ok=True)
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = _environment(data_dir, _recreate_postgres_database(), REDIS_URL)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        data = _prepare_data(env)
        urls = []
        for n in range(2):
            port = free_port()
            urls.append(f"http://127.0.0.1:{port}")
            args = ["web", "--host", "127.0.0.1", "--port", str(port)]
            processes.append(_spawn(args, env, work_dir / f"pg-web{n}.log"))
        for n in range(2):
            args = ["worker"] if n == 0 else ["worker", "--no-periodic"]
            processes.append(_spawn(args, env, work_dir / f"pg-worker{n}.log"))
        for url, process in zip(urls, processes, strict=False):
            _wait_healthy(url, process)
        yield _target("PostgreSQL + Redis (2 × `huntaze web`, 2 × `huntaze worker`)", urls, data)
    finally:
        _stop(processes)
        redis.Redis.from_url(REDIS_URL).flushdb()
        _drop_postgres_database()
