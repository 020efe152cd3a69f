"""What every browser connector shares: run an action on the account's page, logging in again
once when the session has expired (DESIGN.md §3 "browser pool", §2.5).

A connector gives a ``login`` coroutine (which raises ``NeedsHumanError`` when a person must
act: wrong password, a one-time code it does not have, a security check) and calls
:meth:`BrowserAccount.call` with coroutines that raise ``SessionExpiredError`` when they land on
a login page *before* acting, so that retrying after the login never repeats an action.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from huntaze.platforms.base import SessionExpiredError
from huntaze.platforms.browser.pool import BrowserPool, Slot
from huntaze.platforms.registry import AccountConnection

T = TypeVar("T")
Login = Callable[[Slot], Awaitable[None]]


class BrowserAccount:
    """One platform account served through a browser pool."""

    def __init__(self, connection: AccountConnection, pool: BrowserPool, login: Login) -> None:
        self.connection = connection
        self.pool = pool
        self._login = login

    def call(self, label: str, operation: Callable[[Slot], Awaitable[T]]) -> T:
        """Run ``operation``; on an expired session, log in, save the state, run it once more."""

        async def action(slot: Slot) -> T:
            try:
                return await operation(slot)
            except SessionExpiredError:
                await self.login(slot)
                return await operation(slot)

        return self.pool.run(self.connection, action, label=label)

    async def login(self, slot: Slot) -> None:
        """Log in on ``slot``'s page and persist the new session."""
        await self._login(slot)
        await slot.save_state()

    def close(self) -> None:
        """Save the account's state and give its context back to the pool."""
        self.pool.release(self.connection.account_id)
