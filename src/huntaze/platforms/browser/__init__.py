"""The browser pool behind the browser connectors (DESIGN.md §3 "browser pool", §4 install notes).

One Chromium per ``huntaze browser-worker`` process (:mod:`.pool`), a bounded set of contexts in
it, one per platform account being served, with the account's storage state kept encrypted on
disk (:mod:`.state`) and reused; failures leave a screenshot in blob storage whose key travels on
the raised :class:`~huntaze.platforms.base.PlatformError`. :mod:`.account` adds the re-login
step that every browser connector shares; :mod:`.tasks` holds the browser-queue task.
"""

from huntaze.platforms.browser.account import BrowserAccount
from huntaze.platforms.browser.pool import BrowserPool, PoolConfig, Slot, process_pool, use_pool
from huntaze.platforms.browser.state import StateStore

__all__ = [
    "BrowserAccount",
    "BrowserPool",
    "PoolConfig",
    "Slot",
    "StateStore",
    "process_pool",
    "use_pool",
]
