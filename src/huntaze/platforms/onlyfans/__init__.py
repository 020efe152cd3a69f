"""The ``onlyfans`` driver: OnlyFans' own web app in Chromium on the creator's session.

DESIGN.md §3 "The OnlyFans connector"; what is and is not verified: ``docs/onlyfans.md``.
Importing this package registers the driver (``needs_browser=True``).
"""

from huntaze.platforms.onlyfans.connector import OnlyFansConnector
from huntaze.platforms.registry import register_driver

register_driver("onlyfans", OnlyFansConnector, needs_browser=True)

__all__ = ["OnlyFansConnector"]
