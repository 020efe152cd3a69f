"""``huntaze ai …``: run a task by hand and inspect providers and tasks (DESIGN.md §4).

Settings come from a JSON file shaped like :class:`~huntaze.ai.settings.ProviderSettings`
(``--settings``); without one, the embedded model serves everything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from huntaze.ai.router import AIRouter
from huntaze.ai.settings import ProviderSettings
from huntaze.ai.tasks import TASKS, UnknownTaskError

app = typer.Typer(help="AI tasks, providers and the router.", no_args_is_help=True)
console = Console()

SettingsOption = Annotated[
    Path | None, typer.Option("--settings", help="JSON file with ProviderSettings.")
]


def _settings(path: Path | None) -> ProviderSettings:
    if path is None:
        return ProviderSettings()
    return ProviderSettings.model_validate_json(path.read_text())


@app.command()
def run(
    task: Annotated[str, typer.Argument(help="Task name, e.g. chat.reply_draft.")],
    input_json: Annotated[str, typer.Option("--input", help="The task input as JSON.")],
    settings: SettingsOption = None,
    organization: Annotated[str, typer.Option("--org", help="Organization id.")] = "default",
) -> None:
    """Run one task and print its output and record as JSON."""
    router = AIRouter(_settings(settings))
    try:
        result = router.run_named(task, json.loads(input_json), organization_id=organization)
    except UnknownTaskError:
        raise typer.BadParameter(f"unknown task; one of: {', '.join(TASKS.names())}") from None
    payload = {"output": result.output.model_dump(), "record": result.record.model_dump()}
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


@app.command()
def providers(settings: SettingsOption = None) -> None:
    """List configured providers and the chain each task uses."""
    config = _settings(settings)
    table = Table("name", "kind", "model")
    for name, provider in config.providers.items():
        table.add_row(name, provider.kind, provider.model)
    console.print(table)
    chains = Table("task", "chain")
    for task in TASKS.names():
        chains.add_row(task, " → ".join([n for n, _ in config.chain_for(task)] + ["template"]))
    console.print(chains)


@app.command()
def tasks() -> None:
    """List task types with their agent and prompt version."""
    table = Table("task", "agent", "prompt", "gates")
    for name in TASKS.names():
        spec = TASKS.get(name)
        table.add_row(name, spec.agent, spec.prompt, ", ".join(g.name for g in spec.gates))
    console.print(table)
