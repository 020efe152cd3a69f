"""``huntaze compliance check``: check texts from the command line (DESIGN.md §7).

Checks one TEXT, or with ``--file`` one message per line (``-`` reads standard input), and
prints each verdict as one line of JSON (``--format json``, the default) or as a short
human-readable line (``--format text``). Extra rule sets can be given with ``--rules``. The exit
code is 0 whatever the verdicts; a malformed rule file or a missing input exits with 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from huntaze.compliance.checker import rule_checker
from huntaze.compliance.models import Direction, Verdict
from huntaze.compliance.rules import RuleSet, RuleValidationError

app = typer.Typer(help="Check message texts against the compliance rules.", no_args_is_help=True)


class OutputFormat(StrEnum):
    """How verdicts are printed."""

    JSON = "json"
    TEXT = "text"


@app.callback()
def main() -> None:
    """Compliance rules: check texts before they are sent or when they arrive."""


def _messages(text: str | None, file: Path | None) -> Iterator[str]:
    if text is not None:
        yield text
    if file is not None:
        lines = sys.stdin if str(file) == "-" else file.open(encoding="utf-8")
        with lines:
            for line in lines:
                message = line.rstrip("\r\n")
                if message:
                    yield message


def _render(verdict: Verdict, output: OutputFormat) -> str:
    if output is OutputFormat.JSON:
        return json.dumps(verdict.to_json_dict(), ensure_ascii=False)
    found = "; ".join(
        f"{hit.rule} {hit.severity.value} {hit.matched or hit.detail or ''!r}"
        for hit in verdict.hits
    )
    return f"{verdict.verdict.value}\t{verdict.text}" + (f"\t{found}" if found else "")


@app.command()
def check(
    text: Annotated[str | None, typer.Argument(help="The message to check.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="One message per line; '-' for stdin.")
    ] = None,
    direction: Annotated[
        Direction, typer.Option(help="outbound (creator to fan) or inbound (fan to creator).")
    ] = Direction.OUTBOUND,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="json (one verdict per line) or text.")
    ] = OutputFormat.JSON,
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", help="An extra rule set (YAML); repeatable.")
    ] = None,
) -> None:
    """Check TEXT, or every line of --file, and print one verdict per message."""
    if text is None and file is None:
        typer.echo("give a TEXT or --file", err=True)
        raise typer.Exit(code=2)
    extra: list[RuleSet] = []
    try:
        for path in rules or []:
            extra.append(rule_checker.load_rules(path))
    except RuleValidationError as exc:
        typer.echo(f"invalid rules: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    for message in _messages(text, file):
        verdict = rule_checker.check(message, direction=direction, extra_rules=extra)
        typer.echo(_render(verdict, output))
