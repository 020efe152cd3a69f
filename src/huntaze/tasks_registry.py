"""Imports every module that declares queue tasks, so a worker knows all of them.

The modules are those of :data:`huntaze.domains.DOMAINS`. Every model module is imported too and
the ORM's mappers are configured here, in the process's main thread, before any consumer, sweep
or heartbeat thread runs a query: left to the first query, configuration could run in one
thread while another was still importing a model module, fail on a class not yet defined
(``CampaignVariant``, seen in a worker) and leave every later query of that process failing.
"""

from __future__ import annotations

import importlib

from sqlalchemy.orm import configure_mappers

from huntaze.domains import model_modules, task_module_names


def import_all() -> None:
    """Import each task module (declaring its tasks) and every model, then configure the ORM."""
    for name in task_module_names():
        importlib.import_module(name)
    model_modules()  # imports them
    configure_mappers()
