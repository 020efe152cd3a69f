"""Imports every module that declares queue tasks, so a worker knows all of them.

The modules are those of :data:`huntaze.domains.DOMAINS`.
"""

from __future__ import annotations

import importlib

from huntaze.domains import task_module_names


def import_all() -> None:
    """Import each task module (declaring its tasks)."""
    for name in task_module_names():
        importlib.import_module(name)
