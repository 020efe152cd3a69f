"""One Chromium per process and a bounded pool of browser contexts, one per platform account.

DESIGN.md §3 "browser pool". Playwright's async API runs on one event-loop thread owned by the
pool, so any number of worker threads can call :meth:`BrowserPool.run` and their actions on
different accounts proceed concurrently in one browser. Per account, actions run one at a time
(within the process; across processes the caller holds the account lock of ``core/locks.py``).

A context is created from the account's saved storage state (or the state imported into the
account's secret), gets the account's fixed proxy, and is recycled (state saved, context
closed) after ``recycle_after_actions`` actions or when Chromium's resident memory passes
``recycle_above_mb``. When every slot is taken, the least recently used idle context is closed.
Every action has a deadline; a failure leaves a screenshot in blob storage, its key on the error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as BrowserPage

from huntaze.config import Settings, get_settings
from huntaze.platforms.base import PlatformError, TransientError
from huntaze.platforms.browser.memory import chromium_rss_bytes
from huntaze.platforms.browser.state import StateStore
from huntaze.platforms.registry import AccountConnection
from huntaze.storage.blobs import BlobStore, blob_store

T = TypeVar("T")
log = logging.getLogger(__name__)
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """How the pool launches Chromium and when it recycles contexts."""

    executable: str = "/usr/bin/chromium"
    args: tuple[str, ...] = CHROMIUM_ARGS
    max_contexts: int = 4
    recycle_after_actions: int = 200
    recycle_above_mb: int = 3000
    action_timeout_s: float = 60.0
    step_timeout_s: float = 15.0

    @classmethod
    def from_settings(cls, settings: Settings) -> PoolConfig:
        """The pool configuration of these settings."""
        return cls(
            executable=settings.browser_executable,
            max_contexts=settings.browser_max_contexts,
            recycle_after_actions=settings.browser_recycle_after_actions,
            recycle_above_mb=settings.browser_recycle_above_mb,
            action_timeout_s=settings.browser_action_timeout_s,
            step_timeout_s=settings.browser_step_timeout_s,
        )


@dataclass
class PoolStats:
    """What the pool has done, for logs, tests and the benchmark."""

    contexts_created: int = 0
    actions: int = 0
    recycled_after_actions: int = 0
    recycled_for_memory: int = 0
    evicted: int = 0


@dataclass(eq=False)
class Slot:
    """One account's browser context and page, used by one action at a time."""

    account_id: str
    context: BrowserContext
    page: BrowserPage
    states: StateStore
    blobs: BlobStore
    actions: int = 0
    waiters: int = 0
    last_used: float = field(default_factory=time.monotonic)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def save_state(self) -> None:
        """Persist the context's cookies and local storage (encrypted)."""
        state = await self.context.storage_state()
        self.states.save(self.account_id, cast(dict[str, Any], state))

    async def screenshot(self, label: str) -> str | None:
        """Save a screenshot of the page to blob storage; its key, or None if none was taken."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        safe_account = re.sub(r"[^A-Za-z0-9._-]", "_", self.account_id) or "account"
        safe_label = re.sub(r"[^A-Za-z0-9._-]", "_", label) or "action"
        key = f"screenshots/{safe_account}/{stamp}-{safe_label}.png"
        try:
            data = await self.page.screenshot(full_page=True, timeout=5000)
        except PlaywrightError:
            log.warning("no screenshot of %s after %s failed", self.account_id, label)
            return None
        return self.blobs.put(key, data, content_type="image/png")


class BrowserPool:
    """Chromium on a private event loop, with at most ``max_contexts`` account contexts."""

    def __init__(
        self,
        config: PoolConfig | None = None,
        *,
        states: StateStore | None = None,
        blobs: BlobStore | None = None,
    ) -> None:
        settings = get_settings()
        self.config = config or PoolConfig.from_settings(settings)
        self.states = states or StateStore(settings.resolved_data_dir / "browser-state")
        self.blobs = blobs or blob_store(settings)
        self.stats = PoolStats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._slots: dict[str, Slot] = {}
        self._changed: asyncio.Condition | None = None

    def start(self) -> BrowserPool:
        """Start the event loop thread and Chromium (idempotent)."""
        with self._start_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="browser-pool", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
                self._submit(self._launch(), timeout_s=60)
        return self

    def run(
        self,
        connection: AccountConnection,
        action: Callable[[Slot], Awaitable[T]],
        *,
        label: str,
    ) -> T:
        """Run ``action`` in the account's context, within the action deadline."""
        self.start()
        return self._submit(
            self._run(connection, action, label), timeout_s=self.config.action_timeout_s + 10
        )

    def release(self, account_id: str) -> None:
        """Save the account's state and close its context (e.g. when a connector closes)."""
        if self._loop is not None:
            self._submit(self._release(account_id), timeout_s=30)

    def open_contexts(self) -> int:
        """How many contexts are open now."""
        return len(self._slots)

    def close(self) -> None:
        """Save every account's state, close Chromium and stop the loop."""
        with self._start_lock:
            loop, thread = self._loop, self._thread
            if loop is None or thread is None:
                return
            try:
                self._submit(self._shutdown(), timeout_s=60)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(timeout=10)
                loop.close()
                self._loop = self._thread = None

    def _submit(self, coro: Awaitable[T], *, timeout_s: float) -> T:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(_as_coroutine(coro), self._loop)
        try:
            return future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TransientError(f"the browser did not answer within {timeout_s:.0f} s") from None

    async def _launch(self) -> None:
        self._changed = asyncio.Condition()
        self._playwright = await async_playwright().start()
        await self._relaunch()

    async def _relaunch(self) -> None:
        assert self._playwright is not None
        self._slots.clear()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.config.executable, args=list(self.config.args), headless=True
        )

    async def _run(
        self, connection: AccountConnection, action: Callable[[Slot], Awaitable[T]], label: str
    ) -> T:
        slot = await self._acquire(connection)
        try:
            async with asyncio.timeout(self.config.action_timeout_s):
                result = await action(slot)
        except PlatformError as exc:
            if exc.screenshot_key is None:
                exc.screenshot_key = await slot.screenshot(label)
            raise
        except (PlaywrightError, TimeoutError) as exc:
            key = await slot.screenshot(label)
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise TransientError(
                f"{label} failed in the browser: {first_line}", screenshot_key=key
            ) from exc
        finally:
            slot.actions += 1
            self.stats.actions += 1
            slot.last_used = time.monotonic()
            slot.lock.release()
            await self._maybe_recycle(slot)
        return result

    async def _acquire(self, connection: AccountConnection) -> Slot:
        assert self._changed is not None
        async with self._changed:
            if self._browser is None or not self._browser.is_connected():
                log.warning("Chromium is gone; launching it again")
                await self._relaunch()
            slot = self._slots.get(connection.account_id)
            while slot is None:
                if len(self._slots) < self.config.max_contexts:
                    slot = await self._open(connection)
                elif not await self._evict_idle():
                    try:
                        await asyncio.wait_for(self._changed.wait(), self.config.action_timeout_s)
                    except TimeoutError:
                        raise TransientError("every browser context stayed busy") from None
                slot = slot or self._slots.get(connection.account_id)
            slot.waiters += 1
        try:
            await slot.lock.acquire()
        finally:
            slot.waiters -= 1
        if self._slots.get(connection.account_id) is not slot:
            # Recycled while we waited for it: take the fresh context instead.
            slot.lock.release()
            return await self._acquire(connection)
        return slot

    async def _open(self, connection: AccountConnection) -> Slot:
        assert self._browser is not None
        state = self.states.load(connection.account_id) or connection.secret.get("storage_state")
        options: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
        if connection.base_url:
            options["base_url"] = connection.base_url
        if connection.proxy:
            options["proxy"] = {"server": connection.proxy}
        if isinstance(state, dict):
            options["storage_state"] = state
        context = await self._browser.new_context(**options)
        context.set_default_timeout(self.config.step_timeout_s * 1000)
        context.set_default_navigation_timeout(self.config.step_timeout_s * 1000)
        page = await context.new_page()
        slot = Slot(connection.account_id, context, page, self.states, self.blobs)
        self._slots[connection.account_id] = slot
        self.stats.contexts_created += 1
        return slot

    async def _evict_idle(self) -> bool:
        idle = [s for s in self._slots.values() if not s.lock.locked() and s.waiters == 0]
        if not idle:
            return False
        victim = min(idle, key=lambda s: s.last_used)
        self.stats.evicted += 1
        await self._close_slot(victim)
        return True

    async def _maybe_recycle(self, slot: Slot) -> None:
        if self._slots.get(slot.account_id) is not slot or slot.lock.locked():
            return
        if slot.actions >= self.config.recycle_after_actions:
            self.stats.recycled_after_actions += 1
        elif chromium_rss_bytes() > self.config.recycle_above_mb * 1024 * 1024:
            self.stats.recycled_for_memory += 1
        else:
            return
        assert self._changed is not None
        async with self._changed:
            await self._close_slot(slot)

    async def _close_slot(self, slot: Slot) -> None:
        """Save and close one context; the caller holds ``_changed``."""
        assert self._changed is not None
        self._slots.pop(slot.account_id, None)
        try:
            await slot.save_state()
            await slot.context.close()
        except PlaywrightError:
            log.warning("closing the context of %s failed", slot.account_id, exc_info=True)
        self._changed.notify_all()

    async def _release(self, account_id: str) -> None:
        assert self._changed is not None
        slot = self._slots.get(account_id)
        if slot is None:
            return
        async with slot.lock, self._changed:
            if self._slots.get(account_id) is slot:
                await self._close_slot(slot)

    async def _shutdown(self) -> None:
        assert self._changed is not None
        async with self._changed:
            for slot in list(self._slots.values()):
                await self._close_slot(slot)
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._browser = self._playwright = None


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


_process_pool: BrowserPool | None = None
_process_lock = threading.Lock()


def process_pool() -> BrowserPool:
    """This process's pool (built from settings on first use; see :func:`use_pool`)."""
    global _process_pool
    with _process_lock:
        if _process_pool is None:
            _process_pool = BrowserPool()
        return _process_pool


def use_pool(pool: BrowserPool | None) -> None:
    """Install the pool this process's browser connectors use (the worker, tests)."""
    global _process_pool
    with _process_lock:
        _process_pool = pool
