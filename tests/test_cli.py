"""The huntaze command: version, migrate and demo on a fresh data dir, architecture contracts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huntaze.cli import app

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_version() -> None:
    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0 and result.output.startswith("huntaze ")


def test_demo_loads_once_into_a_fresh_data_dir(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "huntaze", *args, "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    first = run("demo", "--if-empty")
    assert first.returncode == 0, first.stderr
    assert "demo@huntaze.local" in first.stdout
    assert (tmp_path / "huntaze.sqlite3").exists()
    second = run("demo", "--if-empty")
    assert second.returncode == 0 and "not loaded" in second.stdout
    third = run("demo")
    assert third.returncode == 1 and "empty database" in third.stderr


def test_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is not installed"
    result = subprocess.run(
        [lint_imports], cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_create_organization_for_a_real_installation(tmp_path: Path) -> None:
    from sqlalchemy import select

    from huntaze.accounts.models import Membership, User
    from huntaze.core.db import Database

    runner = CliRunner()
    args = [
        "create-organization",
        "--name",
        "Velvet Agency",
        "--owner-email",
        "Boss@Velvet.example",
        "--owner-name",
        "Bo",
        "--data-dir",
        str(tmp_path),
    ]
    short = runner.invoke(app, args, input="short\nshort\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    made = runner.invoke(app, args, input="a long enough secret\na long enough secret\n")
    assert made.exit_code == 0, made.output
    assert "log in as boss@velvet.example" in made.output
    database = Database(f"sqlite:///{tmp_path / 'huntaze.sqlite3'}")
    with database.session_scope() as session:
        user = session.scalars(select(User)).one()
        membership = session.scalars(select(Membership)).one()
        assert membership.user_id == user.id and membership.role == "owner"
    database.dispose()


def test_up_points_links_at_the_port_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    from huntaze.cli import _default_base_url
    from huntaze.config import get_settings

    monkeypatch.delenv("HUNTAZE_BASE_URL", raising=False)
    _default_base_url("127.0.0.1", 9000)
    assert get_settings().base_url == "http://127.0.0.1:9000"
    monkeypatch.setenv("HUNTAZE_BASE_URL", "https://agency.example")
    _default_base_url("127.0.0.1", 9001)
    get_settings.cache_clear()
    assert get_settings().base_url == "https://agency.example"
    monkeypatch.delenv("HUNTAZE_BASE_URL")
    get_settings.cache_clear()
