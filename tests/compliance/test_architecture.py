"""Other domains reach compliance only through its service (DESIGN.md §7, §8.9).

The bare checker, the engine and the rule loader know nothing of an organization: a domain that
called them would skip the organization's and creator's rules. This test reads every module of
``src/huntaze`` outside ``compliance/`` and allows imports of the compliance package's public
face only; it covers domains that do not exist yet, which the import-linter contract in
``pyproject.toml`` has to list by name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "huntaze"
# The service, the value types a caller handles (verdicts, fan context), the override policy,
# and what the application wires in (pages, routes, the CLI, the table, the API shapes).
PUBLIC = frozenset(
    f"huntaze.compliance.{name}"
    for name in ("service", "models", "policy", "pages", "routes", "cli", "records", "schemas")
)


def _compliance_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "huntaze.compliance":
                found.extend((node.lineno, f"huntaze.compliance.{a.name}") for a in node.names)
            else:
                found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.startswith("huntaze.compliance.")]


def forbidden_imports(root: Path) -> list[str]:
    """``file:line module`` for each import of a non-public compliance module outside it."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] == "compliance":
            continue
        for line, name in _compliance_imports(path):
            if name not in PUBLIC:
                problems.append(f"{relative}:{line} {name}")
    return problems


def test_no_domain_calls_the_bare_compliance_engine() -> None:
    assert forbidden_imports(SOURCE) == []


@pytest.mark.parametrize(
    ("line", "module"),
    [
        ("from huntaze.compliance.checker import rule_checker", "huntaze.compliance.checker"),
        ("from huntaze.compliance import engine", "huntaze.compliance.engine"),
        ("import huntaze.compliance.rulebook", "huntaze.compliance.rulebook"),
    ],
)
def test_the_check_finds_a_domain_that_does(tmp_path: Path, line: str, module: str) -> None:
    (tmp_path / "compliance").mkdir()
    (tmp_path / "compliance" / "checker.py").write_text("from huntaze.compliance import rules\n")
    (tmp_path / "fans").mkdir()
    (tmp_path / "fans" / "service.py").write_text(
        f"from huntaze.compliance.service import compliance\n{line}\n"
    )
    assert forbidden_imports(tmp_path) == [f"fans/service.py:2 {module}"]
