"""The ``huntaze`` command: ``up``, ``web``, ``worker``, ``browser-worker``, ``migrate``, ``demo``,
``version``.

``up`` is what ``make up`` runs: migrate, load the demo on an empty database, and serve with the
queue consumers inside the same process. ``worker`` runs queue consumers as a separate process
(Huey on Redis at scale: start as many as you like, on any machine that reaches the database
and Redis).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from huntaze import __version__
from huntaze.ai import cli as ai_cli
from huntaze.compliance import cli as compliance_cli
from huntaze.simulator import cli as simulator_cli

if TYPE_CHECKING:
    from huntaze.simulator import DemoAccount

app = typer.Typer(
    help="Huntaze: AI business platform for creators and agencies.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(simulator_cli.app, name="simulator")
app.add_typer(compliance_cli.app, name="compliance", help="Check messages against the rules.")
app.add_typer(ai_cli.app, name="ai", help="Run AI tasks and inspect providers.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Where local state lives (overrides HUNTAZE_DATA_DIR)."),
]


def _apply_data_dir(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ["HUNTAZE_DATA_DIR"] = str(data_dir)
        from huntaze.config import get_settings
        from huntaze.core.db import set_database
        from huntaze.core.tasks import reset_queues

        get_settings.cache_clear()
        set_database(None)
        reset_queues()


def _default_base_url(host: str, port: int) -> None:
    """Links Huntaze writes (invitations) point at where ``up`` serves, unless
    ``HUNTAZE_BASE_URL`` says otherwise (behind a proxy, say)."""
    if not os.environ.get("HUNTAZE_BASE_URL"):
        os.environ["HUNTAZE_BASE_URL"] = f"http://{host}:{port}"
        from huntaze.config import get_settings

        get_settings.cache_clear()


def _migrate() -> None:
    from huntaze.core import migrations
    from huntaze.core.db import get_database

    migrations.upgrade(get_database().engine)


def _load_demo_if_empty(simulator_url: str | None = None) -> bool:
    """Load the demo into an empty database; link its creators to the simulator if given."""
    from huntaze.core.db import get_database
    from huntaze.demo import database_is_empty, link_simulator_accounts, load_demo

    with get_database().session_scope() as session:
        if not database_is_empty(session):
            return False
        load_demo(session)
        if simulator_url:
            link_simulator_accounts(session, _demo_simulator_accounts(), base_url=simulator_url)
        return True


def _demo_simulator_accounts() -> list[DemoAccount]:
    """The simulator's demo accounts, seeded with ``HUNTAZE_DEMO_HISTORY_DAYS`` (90) days of
    simulated life the first time, so that the demo inbox opens on real conversations."""
    from rich.progress import Progress

    from huntaze.simulator import ensure_demo_accounts

    days = int(os.environ.get("HUNTAZE_DEMO_HISTORY_DAYS", str(DEMO_HISTORY_DAYS)) or 0)
    with Progress(transient=True) as progress:
        task = progress.add_task("Simulating the demo fans' history (days)", total=days)
        return list(
            ensure_demo_accounts(
                history_days=days, progress=lambda done: progress.advance(task, done)
            )
        )


def _wait_until_answering(
    url: str, process: subprocess.Popen[bytes], timeout_s: float = 30
) -> None:
    """Wait until ``url`` answers, so nothing talks to the simulator before it listens."""
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    typer.echo(
        f"  The simulator did not answer at {url}; its accounts will show as unreachable.", err=True
    )


DEMO_HISTORY_DAYS = 90
DEMO_TICKER_SPEED = 60


@contextmanager
def _simulator_process(host: str, port: int) -> Iterator[None]:
    """The simulator as a child process (it stands in for an outside platform); it dies with
    this process, even if this one is killed with SIGKILL (:mod:`huntaze.core.lifeline`). Its
    clock runs ``HUNTAZE_SIMULATOR_TICKER_SPEED`` simulated seconds per second (a simulated hour
    a minute unless set), so that fans keep writing and buying while the demo runs."""
    from huntaze.core import lifeline

    env = lifeline.env_for_child()
    env.setdefault("HUNTAZE_SIMULATOR_TICKER_SPEED", str(DEMO_TICKER_SPEED))
    process = subprocess.Popen(
        [sys.executable, "-m", "huntaze", "simulator", "--host", host, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait_until_answering(f"http://{host}:{port}/login", process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _require_free_port(host: str, port: int, what: str) -> None:
    """Stop with a clear message when something already listens on ``host:port``."""
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            typer.echo(
                f"Port {port} on {host} is already in use ({exc.strerror}), so {what} cannot "
                "start there. Stop what listens on it (another `huntaze up`?) or choose another "
                "port.",
                err=True,
            )
            raise typer.Exit(1) from None


def _log_like_a_worker() -> None:
    """Worker log lines on stderr (the sender says what it does, e.g. "already delivered")."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def _check_unverified_accounts() -> None:
    """Queue a connection check for every account never checked, so the pages show its state."""
    from huntaze.outbox.tasks import check_unverified_accounts

    check_unverified_accounts()


def _sync_linked_accounts() -> None:
    """Queue a sync of every linked account now, so that the inbox fills at start rather than
    at the first five-minute round."""
    from huntaze.inbox.tasks import sync_all_linked

    sync_all_linked()


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"huntaze {__version__}")


@app.command()
def migrate(data_dir: DataDir = None) -> None:
    """Upgrade the database to the latest schema."""
    _apply_data_dir(data_dir)
    _migrate()
    typer.echo("Database is up to date.")


@app.command()
def demo(
    data_dir: DataDir = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Only on an empty database.")
    ] = False,
) -> None:
    """Load the demo agency, owner and creators."""
    from huntaze.demo import DEMO_EMAIL, DEMO_PASSWORD

    _apply_data_dir(data_dir)
    _migrate()
    if _load_demo_if_empty():
        typer.echo(f"Demo loaded. Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
    elif if_empty:
        typer.echo("Database already has data; demo not loaded.")
    else:
        typer.echo(
            "Database already has data; the demo loads only into an empty database.", err=True
        )
        raise typer.Exit(1)


@app.command("create-organization")
def create_organization(
    name: Annotated[str, typer.Option(help="The organization's name, e.g. your agency.")],
    owner_email: Annotated[str, typer.Option(help="E-mail of its first owner.")],
    owner_name: Annotated[str, typer.Option(help="Name of its first owner.")] = "Owner",
    password: Annotated[
        str,
        typer.Option(
            prompt="Owner password (at least 10 characters)",
            hide_input=True,
            confirmation_prompt=True,
            envvar="HUNTAZE_OWNER_PASSWORD",
            help="Asked for when not given (or set HUNTAZE_OWNER_PASSWORD for scripts).",
        ),
    ] = "",
    data_dir: DataDir = None,
) -> None:
    """Create an organization and its first owner, for a real installation without demo data."""
    from huntaze.accounts.service import accounts
    from huntaze.core.db import get_database
    from huntaze.core.errors import AppError

    _apply_data_dir(data_dir)
    _migrate()
    try:
        with get_database().session_scope() as session:
            organization, owner = accounts.create_organization(
                session,
                name=name,
                owner_email=owner_email,
                owner_name=owner_name,
                password=password,
            )
            summary = f"Created {organization.name}; log in as {owner.email}."
    except AppError as exc:
        typer.echo(f"Not created: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(summary)


def _serve(host: str, port: int, *, with_queue: bool) -> None:
    import uvicorn

    from huntaze.main import create_app

    application = create_app(run_queue_consumer=with_queue)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def up(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    simulator_port: Annotated[
        int, typer.Option(help="Port of the bundled fan-platform simulator; 0 to not start it.")
    ] = 8100,
    data_dir: DataDir = None,
) -> None:
    """Run everything on the embedded defaults: migrate, demo data, simulator, web and queue."""
    from huntaze.demo import DEMO_EMAIL, DEMO_PASSWORD

    _require_free_port(host, port, "Huntaze")
    if simulator_port:
        _require_free_port(host, simulator_port, "the fan-platform simulator")
    _apply_data_dir(data_dir)
    _default_base_url(host, port)
    _migrate()
    simulator_url = f"http://{host}:{simulator_port}" if simulator_port else None
    _load_demo_if_empty(simulator_url)
    _log_like_a_worker()
    typer.echo("")
    typer.echo(f"  Huntaze is running at http://{host}:{port}/")
    typer.echo(f"  Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
    if simulator_url:
        typer.echo(f"  Fan-platform simulator: {simulator_url}/ (creator1 / simulator)")
    typer.echo("  Press Ctrl-C to stop.")
    typer.echo("")
    if simulator_url:
        with _simulator_process(host, simulator_port):
            _check_unverified_accounts()
            _sync_linked_accounts()
            _serve(host, port, with_queue=True)
    else:
        _serve(host, port, with_queue=True)


@app.command()
def web(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data_dir: DataDir = None,
) -> None:
    """Serve the web app and API only (run `huntaze worker` processes beside it)."""
    from huntaze.compliance.service import warm_up as compliance_warm_up

    _apply_data_dir(data_dir)
    # Writing a message checks it: the first request must not spend seconds compiling the rules.
    compliance_warm_up()
    _serve(host, port, with_queue=False)


@app.command()
def worker(
    threads: Annotated[int, typer.Option(help="Worker threads in this process.")] = 2,
    periodic: Annotated[
        bool, typer.Option(help="Run the scheduler; exactly one worker of a fleet should.")
    ] = True,
    data_dir: DataDir = None,
) -> None:
    """Consume the task queue until stopped (SIGINT/SIGTERM finish the running tasks first)."""
    from huntaze import tasks_registry
    from huntaze.compliance.service import warm_up as compliance_warm_up
    from huntaze.core import tasks
    from huntaze.outbox.watchdog import SendWatchdog

    _apply_data_dir(data_dir)
    _log_like_a_worker()
    tasks_registry.import_all()
    tasks.bind_all_tasks("default")
    consumer = tasks.consumer("default", workers=threads, periodic=periodic)
    watchdog = SendWatchdog().start()
    compliance_warm_up()
    try:
        consumer.run()
    finally:
        watchdog.stop()


@app.command("browser-worker")
def browser_worker(
    threads: Annotated[int, typer.Option(help="Worker threads in this process.")] = 2,
    max_contexts: Annotated[
        int | None, typer.Option(help="Browser contexts (accounts) kept open at once.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Consume the browser queue with one Chromium and a pool of account contexts."""
    from huntaze import tasks_registry
    from huntaze.config import get_settings
    from huntaze.core import tasks
    from huntaze.platforms.browser import pool as browser_pool

    _apply_data_dir(data_dir)
    if max_contexts is not None:
        os.environ["HUNTAZE_BROWSER_MAX_CONTEXTS"] = str(max_contexts)
        get_settings.cache_clear()
    _log_like_a_worker()
    tasks_registry.import_all()
    pool = browser_pool.BrowserPool().start()
    browser_pool.use_pool(pool)
    tasks.bind_all_tasks("browser")
    consumer = tasks.consumer("browser", workers=threads, periodic=False)
    try:
        consumer.run()
    finally:
        pool.close()


def main() -> None:
    """Entry point for ``python -m huntaze``."""
    from huntaze.core import lifeline

    lifeline.follow_parent_from_env()  # a child of `huntaze up` dies with it
    app()
