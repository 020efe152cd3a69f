"""The ``simulator_browser`` driver: the fan-platform simulator's pages in Chromium.

DESIGN.md §3. Importing this package registers the driver (``needs_browser=True``, so its work
goes to the ``browser`` queue). Selectors: ``selectors_classic.py``, ``selectors_api2.py``.
"""

from huntaze.platforms.registry import register_driver
from huntaze.platforms.simulator_browser.connector import SimulatorBrowserConnector

register_driver("simulator_browser", SimulatorBrowserConnector, needs_browser=True)

__all__ = ["SimulatorBrowserConnector"]
