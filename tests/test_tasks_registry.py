"""A worker configures the ORM in its main thread before any task runs (see tasks_registry)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
from huntaze.core.db import Base
from huntaze import tasks_registry
tasks_registry.import_all()
assert not Base.registry._new_mappers, "mappers left for the first query to configure"
names = {m.class_.__name__ for m in Base.registry.mappers}
assert {"Campaign", "CampaignVariant", "OutboundMessage", "Fan"} <= names, names
print("configured", len(names))
"""


def test_import_all_configures_every_mapper_before_any_query() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("configured")
