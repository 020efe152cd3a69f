"""The ``huntaze ai`` commands, run through Typer's test runner on the embedded model."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from huntaze.ai.cli import app


def test_run_prints_output_and_record() -> None:
    result = CliRunner().invoke(
        app, ["run", "content.hashtags", "--input", json.dumps({"topic": "gym day", "count": 3})]
    )

    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["record"]["task"] == "content.hashtags"
    assert 1 <= len(payload["output"]["hashtags"]) <= 3


def test_run_rejects_an_unknown_task() -> None:
    result = CliRunner().invoke(app, ["run", "content.poem", "--input", "{}"])

    assert result.exit_code != 0


def test_providers_and_tasks_list_the_chain() -> None:
    providers = CliRunner().invoke(app, ["providers"])
    tasks = CliRunner().invoke(app, ["tasks"])

    assert providers.exit_code == 0 and "local → template" in providers.output
    assert tasks.exit_code == 0 and "chat/reply_draft.v2" in tasks.output
