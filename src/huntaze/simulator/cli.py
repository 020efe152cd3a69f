"""``huntaze simulator``: serve, seed, tick, fault (DESIGN.md §3).

With no subcommand it serves the pages and the API with uvicorn. ``--db`` (or ``--data-dir``)
picks the SQLite file, defaulting to ``<data dir>/simulator.sqlite3``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress

from huntaze.simulator.accounts import creator_by_username
from huntaze.simulator.clock import advance
from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.errors import SimulatorError
from huntaze.simulator.fan_model import FanModelError, load_fan_model
from huntaze.simulator.faults import MODES, clear_faults, set_fault
from huntaze.simulator.seeding import DEFAULT_FANS, DEFAULT_SEED, list_accounts, seed_simulator
from huntaze.simulator.settings import SimulatorSettings

app = typer.Typer(help="The fan-platform simulator.", invoke_without_command=True)
console = Console()

DbOption = Annotated[Path | None, typer.Option("--db", help="SQLite file of the simulator.")]
DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Directory for simulator.sqlite3.")
]


def _settings(db: Path | None, data_dir: Path | None) -> SimulatorSettings:
    return SimulatorSettings.from_env(db_path=db, data_dir=data_dir)


@app.callback()
def serve_by_default(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8100,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Serve the simulator when no subcommand is given."""
    if ctx.invoked_subcommand is None:
        serve(host=host, port=port, db=db, data_dir=data_dir)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8100,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Serve pages, /api/v1, /api2/v2 and /_admin with uvicorn."""
    settings = _settings(db, data_dir)
    console.print(f"Simulator on http://{host}:{port} (database {settings.db_path})")
    from huntaze.simulator.app import create_simulator_app

    uvicorn.run(create_simulator_app(settings), host=host, port=port, log_level="info")


@app.command()
def seed(
    seed: Annotated[int, typer.Option(help="Seed of every random stream.")] = DEFAULT_SEED,
    fans: Annotated[int, typer.Option(help="Fans per creator.")] = DEFAULT_FANS,
    creators: Annotated[int, typer.Option(help="Number of creator accounts.")] = 2,
    fan_model: Annotated[
        Path | None,
        typer.Option(
            "--fan-model",
            help="A fan-model YAML file (docs/simulator.md); default: "
            "HUNTAZE_SIMULATOR_FAN_MODEL, else the bundled model.",
        ),
    ] = None,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Reset the simulator and seed a fresh, deterministic world."""
    settings = _settings(db, data_dir)
    model_path = fan_model or settings.fan_model_path
    model_text = None
    if model_path is not None:
        try:
            load_fan_model(model_path)
        except FanModelError as exc:
            console.print(f"[red]The fan model was refused:[/red] {exc}")
            raise typer.Exit(2) from None
        model_text = model_path.read_text(encoding="utf-8")
    database = SimulatorDatabase(settings.db_path)
    with Progress(console=console) as progress:
        task = progress.add_task("Seeding fans", total=fans * creators)
        seed_simulator(
            database,
            seed=seed,
            creators=creators,
            fans_per_creator=fans,
            progress=lambda done: progress.advance(task, done),
            fan_model_text=model_text,
        )
    for account in list_accounts(database):
        console.print(
            f"{account.username} / {account.password}  skin={account.skin}  "
            f"otp={account.otp_code}  token={account.api_token}"
        )


@app.command()
def tick(
    hours: Annotated[float, typer.Option(help="Simulated hours to advance.")] = 1.0,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Advance the simulated clock, letting fans act."""
    database = SimulatorDatabase(_settings(db, data_dir).db_path)
    database.create_schema()
    with database.session() as session:
        now = advance(session, hours * 3600)
    console.print(f"Simulated time is now {now.isoformat()}")


@app.command()
def fault(
    account: Annotated[str, typer.Argument(help="Username of the account.")],
    mode: Annotated[str, typer.Argument(help=f"One of {', '.join(MODES)}, or 'clear'.")],
    params: Annotated[str, typer.Option(help="Parameters as JSON, e.g. '{\"ms\": 500}'.")] = "{}",
    count: Annotated[int | None, typer.Option(help="Fire this many times, then clear.")] = None,
    db: DbOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Switch a fault on for an account (or ``clear`` them all)."""
    database = SimulatorDatabase(_settings(db, data_dir).db_path)
    try:
        parsed = json.loads(params)
        if not isinstance(parsed, dict):
            raise ValueError("params must be a JSON object")
        with database.session() as session:
            creator = creator_by_username(session, account)
            if creator is None:
                raise typer.BadParameter(f"no account named {account}")
            if mode == "clear":
                clear_faults(session, creator)
                console.print(f"Cleared every fault of {account}.")
                return
            set_fault(session, creator, mode=mode, params=parsed, count=count)
    except (ValueError, SimulatorError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from exc
    console.print(f"{mode} on for {account} with {parsed}.")
