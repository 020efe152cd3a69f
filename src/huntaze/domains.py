"""The one list of Huntaze's domains: it drives the API and page routers, the queue tasks a
worker knows and the tables Alembic sees (DESIGN.md §5, docs/architecture.md).

A domain package holds the fixed files of DESIGN.md §5; from this list, ``routes.py`` (JSON API,
a ``router``) and ``pages.py`` (HTML, a ``router``) are included when they exist, the module
named ``models`` declares its tables, and the module named ``tasks`` its queue tasks. A new
domain is one line in :data:`DOMAINS`.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType

from fastapi import APIRouter


@dataclass(frozen=True, slots=True)
class Domain:
    """One domain package and where its tables and queue tasks are declared."""

    package: str
    models: str | None = "models"
    """The module of its ORM tables (``records`` where ``models`` holds plain value types)."""
    tasks: str | None = None
    """The module of its queue tasks, if it has any."""

    def module(self, name: str) -> ModuleType | None:
        """``huntaze.<package>.<name>`` imported, or None when the domain has no such file."""
        full_name = f"huntaze.{self.package}.{name}"
        if importlib.util.find_spec(full_name) is None:
            return None
        return importlib.import_module(full_name)


DOMAINS: tuple[Domain, ...] = (
    Domain("accounts", tasks="tasks"),
    Domain("creators"),
    Domain("outbox", tasks="tasks"),
    Domain("compliance", models="records"),
    Domain("ai", models="records"),
    Domain("ai.similarity", models="records"),
    Domain("analytics", tasks="tasks"),
    Domain("fans"),
    Domain("inbox", tasks="tasks"),
    Domain("content"),
    Domain("campaigns", tasks="tasks"),
    Domain("team", tasks="tasks"),
)


def _routers(file_name: str) -> list[APIRouter]:
    found = (domain.module(file_name) for domain in DOMAINS)
    return [module.router for module in found if module is not None]


def api_routers() -> list[APIRouter]:
    """Each domain's JSON API router (``routes.py``), in the order of :data:`DOMAINS`."""
    return _routers("routes")


def page_routers() -> list[APIRouter]:
    """Each domain's HTML page router (``pages.py``), in the order of :data:`DOMAINS`."""
    return _routers("pages")


def model_modules() -> list[ModuleType]:
    """Every module that declares tables, imported (so ``Base.metadata`` has them all)."""
    return [importlib.import_module(f"huntaze.{d.package}.{d.models}") for d in DOMAINS if d.models]


def task_module_names() -> list[str]:
    """The modules that declare queue tasks."""
    return [f"huntaze.{d.package}.{d.tasks}" for d in DOMAINS if d.tasks]
