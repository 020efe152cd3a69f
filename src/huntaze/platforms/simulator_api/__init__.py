"""The simulator's JSON API as a platform: driver ``simulator_api`` (DESIGN.md §3, §5).

Importing this package registers the driver (see :mod:`huntaze.platforms.registry`).
"""

from __future__ import annotations

from huntaze.platforms.registry import register_driver
from huntaze.platforms.simulator_api.connector import SimulatorApiConnector

register_driver("simulator_api", SimulatorApiConnector, needs_browser=False)

__all__ = ["SimulatorApiConnector"]
