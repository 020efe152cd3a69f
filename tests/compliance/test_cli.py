"""The ``huntaze compliance check`` command, through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from huntaze.compliance.cli import app

runner = CliRunner()


def test_check_one_text_as_json() -> None:
    result = runner.invoke(app, ["check", "my t e l e g r a m is jess"])
    assert result.exit_code == 0
    verdict = json.loads(result.output)
    assert verdict["verdict"] == "block"
    assert [hit["span"] for hit in verdict["hits"]] == [[3, 18]]


def test_check_text_format_and_direction() -> None:
    result = runner.invoke(
        app, ["check", "stop messaging me", "--direction", "inbound", "--format", "text"]
    )
    assert result.exit_code == 0
    assert result.output.startswith("review\tstop messaging me\topt_out.request")


def test_check_file_writes_one_verdict_per_line(tmp_path: Path) -> None:
    messages = tmp_path / "messages.txt"
    messages.write_text("hi babe\nmy venmo is jess\n\nI'm 16\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--file", str(messages), "--direction", "inbound"])
    assert result.exit_code == 0
    verdicts = [json.loads(line) for line in result.output.splitlines()]
    assert [v["verdict"] for v in verdicts] == ["allow", "block", "block"]


def test_check_reads_stdin_and_extra_rules(tmp_path: Path) -> None:
    rules = tmp_path / "extra.yaml"
    rules.write_text(
        "rules:\n  - {id: x.fansly, category: competitor, severity: review,"
        " reason: No competitors., keywords: [fansly]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["check", "--file", "-", "--rules", str(rules)], input="see me on fansly\n"
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["verdict"] == "review"


def test_bad_rules_and_missing_input_exit_2(tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text(
        "rules:\n  - {id: x.bad, category: c, severity: block, reason: r, patterns: ['(']}\n"
    )
    result = runner.invoke(app, ["check", "hi", "--rules", str(rules)])
    assert result.exit_code == 2
    assert "x.bad" in result.output
    assert runner.invoke(app, ["check"]).exit_code == 2
