"""Imports every module that declares queue tasks, so a worker knows all of them."""

from __future__ import annotations

import importlib

TASK_MODULES = ("huntaze.accounts.tasks", "huntaze.outbox.tasks")


def import_all() -> None:
    """Import each task module (declaring its tasks)."""
    for name in TASK_MODULES:
        importlib.import_module(name)
