"""Rules of the code's shape that import-linter cannot see, checked on the source's syntax tree.

- Tenant scoping lives in one place (DESIGN.md §8.2, ``core/tenancy.py``): outside ``core/``
  nobody writes ``Model.organization_id == …``, ``filter_by(organization_id=…)`` or ``OrgId(…)``.
- Pages never end a transaction themselves (DESIGN.md §8.3): no ``rollback()`` or ``commit()`` in
  ``pages.py`` or the web layer; an error status rolls the request back at the boundary.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from huntaze.domains import DOMAINS

SRC = Path(__file__).resolve().parent.parent / "src" / "huntaze"
PLUMBING = SRC / "core"
# The fan-platform simulator is a separate app with its own database and no tenants.
SIMULATOR = SRC / "simulator"


def _python_files(root: Path) -> Iterator[Path]:
    yield from sorted(
        p
        for p in root.rglob("*.py")
        if "migrations" not in p.relative_to(SRC).parts and SIMULATOR not in p.parents
    )


def _is_model_column(node: ast.expr, column: str) -> bool:
    """``Model.column`` or ``self.model.column``: a mapped class's column, not a row's value."""
    if not isinstance(node, ast.Attribute) or node.attr != column:
        return False
    owner = node.value
    if isinstance(owner, ast.Name):
        return owner.id[:1].isupper()
    return isinstance(owner, ast.Attribute) and owner.attr == "model"


def hand_built_tenant_filters(tree: ast.AST) -> list[tuple[int, str]]:
    """Line and kind of every tenant filter or ``OrgId`` built by hand in ``tree``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            scoped = any(_is_model_column(side, "organization_id") for side in sides)
            # Two columns compared is a join's ON clause (by foreign key), not a tenant filter.
            joined = all(_is_model_column(side, getattr(side, "attr", "")) for side in sides)
            if scoped and not joined:
                found.append((node.lineno, "Model.organization_id compared by hand"))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "OrgId":
                found.append((node.lineno, "OrgId(...) built by hand"))
            by_keyword = isinstance(func, ast.Attribute) and func.attr == "filter_by"
            if by_keyword and any(k.arg == "organization_id" for k in node.keywords):
                found.append((node.lineno, "filter_by(organization_id=...)"))
    return found


def transaction_ends(tree: ast.AST) -> list[int]:
    """Lines that call ``.rollback()`` or ``.commit()``."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"rollback", "commit"}
    ]


def test_tenant_filters_are_built_only_in_core() -> None:
    offences = [
        f"{path.relative_to(SRC)}:{line}: {kind}"
        for path in _python_files(SRC)
        if PLUMBING not in path.parents
        for line, kind in hand_built_tenant_filters(ast.parse(path.read_text()))
    ]
    assert offences == [], "use huntaze.core.tenancy (in_organization, trusted_org_id)"


@pytest.mark.parametrize(
    ("source", "kinds"),
    [
        ("stmt.where(Creator.organization_id == org)", ["Model.organization_id"]),
        ("select(X).where(org == PlatformAccount.organization_id)", ["Model.organization_id"]),
        ("self.model.organization_id == org", ["Model.organization_id"]),
        ("q.filter_by(organization_id=org)", ["filter_by"]),
        ("scoped(OrgId(raw_id))", ["OrgId"]),
        ("row.organization_id == other.organization_id", []),
        ("join(Organization, Organization.id == Membership.organization_id)", []),
        ("in_organization(select(Creator), org, Creator)", []),
    ],
)
def test_the_tenant_filter_check_sees_hand_built_filters(source: str, kinds: list[str]) -> None:
    found = [kind for _line, kind in hand_built_tenant_filters(ast.parse(source))]
    assert len(found) == len(kinds)
    assert all(k in f for k, f in zip(kinds, found, strict=True))


def test_pages_never_end_their_transaction() -> None:
    web_modules = [
        *(p for p in SRC.glob("*/pages.py") if SIMULATOR not in p.parents),
        *(SRC / "web").rglob("*.py"),
    ]
    offences = [
        f"{path.relative_to(SRC)}:{line}"
        for path in sorted(web_modules)
        for line in transaction_ends(ast.parse(path.read_text()))
    ]
    assert offences == [], "the request boundary commits or rolls back (core/http.py)"


def _declares_tables(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Name) and base.id == "Base" for base in node.bases)
        for node in ast.walk(tree)
    )


def test_every_domain_is_in_the_one_list() -> None:
    """Routers, tables and queue tasks all come from ``huntaze.domains.DOMAINS``."""
    listed = {domain.package for domain in DOMAINS}
    with_routes = {
        ".".join(path.parent.relative_to(SRC).parts)
        for path in _python_files(SRC)
        if path.name == "routes.py"
    }
    assert with_routes <= listed
    table_modules = {
        ".".join(path.relative_to(SRC).with_suffix("").parts)
        for path in _python_files(SRC)
        if PLUMBING not in path.parents and _declares_tables(ast.parse(path.read_text()))
    }
    assert table_modules == {f"{d.package}.{d.models}" for d in DOMAINS if d.models}
    queue_task_modules = {
        ".".join(path.relative_to(SRC).with_suffix("").parts)
        for path in _python_files(SRC)
        if "@task(" in path.read_text() and PLUMBING not in path.parents
    }
    assert queue_task_modules <= {f"{d.package}.{d.tasks}" for d in DOMAINS if d.tasks}


TEMPLATES = SRC / "web" / "templates"
HAND_WRITTEN = {
    "a CSRF input (use ui.csrf() or ui.post_button())": (
        r'name="csrf_token" value="\{\{ csrf_token \}\}"'
    ),
    "a permission string (use can.<permission>)": r"actor\.can\(",
    # Messages, accounts and invitations: what their state allows is computed by the page.
    "a state rule (pass what the state allows from the page)": (
        r"\b(m|message|a|account|i|invitation)\.(link_)?state\s*(==|!=)"
    ),
}


@pytest.mark.parametrize("what", sorted(HAND_WRITTEN))
def test_templates_use_the_shared_pieces(what: str) -> None:
    pattern = re.compile(HAND_WRITTEN[what])
    offences = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path.name != "_macros.html"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offences == [], f"templates hold {what}"
