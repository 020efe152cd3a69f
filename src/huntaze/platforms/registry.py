"""Which connector serves a platform account: a registry of factories keyed by driver name.

A platform account's ``connection`` settings name its driver (``simulator_api``,
``simulator_browser``, ``onlyfans``); each connector package registers its factory here when it
is imported (see :func:`load_builtin_drivers`). Tests register their own doubles the same way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from huntaze.platforms.base import PlatformConnector


@dataclass(frozen=True, slots=True)
class AccountConnection:
    """Everything a connector needs to reach one account, decrypted, without any ORM object."""

    account_id: str
    platform: str
    handle: str
    driver: str
    base_url: str | None = None
    skin: str | None = None
    proxy: str | None = None
    secret: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Driver:
    """A registered connector kind; ``needs_browser`` routes its work to the browser queue."""

    name: str
    factory: Callable[[AccountConnection], PlatformConnector]
    needs_browser: bool


_drivers: dict[str, Driver] = {}
BUILTIN_DRIVER_MODULES: tuple[str, ...] = (
    "huntaze.platforms.simulator_api",
    "huntaze.platforms.simulator_browser",
    "huntaze.platforms.onlyfans",
)


def register_driver(
    name: str, factory: Callable[[AccountConnection], PlatformConnector], *, needs_browser: bool
) -> None:
    """Make ``name`` available as a driver (the last registration wins: tests may override)."""
    _drivers[name] = Driver(name=name, factory=factory, needs_browser=needs_browser)


def load_builtin_drivers() -> None:
    """Import the bundled connector packages so that they register themselves."""
    for module in BUILTIN_DRIVER_MODULES:
        importlib.import_module(module)


def driver(name: str) -> Driver:
    """The registered driver called ``name``."""
    load_builtin_drivers()
    try:
        return _drivers[name]
    except KeyError:
        known = ", ".join(sorted(_drivers)) or "none"
        raise LookupError(f"no platform driver {name!r} (known: {known})") from None


def connector_for(connection: AccountConnection) -> PlatformConnector:
    """A connector for one account."""
    return driver(connection.driver).factory(connection)
