"""A heartbeat thread that keeps a lease alive while its holder lives (DESIGN.md §6 "Send").

A lease is a lock or a claim with a short time to live that its holder renews: if the holder
dies, even by SIGKILL, nobody renews it and it lapses within seconds, instead of blocking the
account or the row until a long fixed expiry. :class:`Heartbeat` calls ``renew`` every
``interval_s`` on a daemon thread until the block ends; ``renew`` returns whether the lease is
still this holder's, and a lost lease is remembered (``lost``) and no longer renewed.

    with Heartbeat(renew, interval_s=ttl_s / 3):
        ...  # the work the lease protects

``renew`` must renew only a lease that is still this holder's (compare the holder's token), so
that a renewal that runs late, after the block ended, changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger(__name__)


class Heartbeat:
    """Calls ``renew`` every ``interval_s`` on a daemon thread while the block runs."""

    def __init__(
        self, renew: Callable[[], bool], *, interval_s: float, name: str = "lease"
    ) -> None:
        self.renew = renew
        self.interval_s = interval_s
        self.name = name
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                still_ours = self.renew()
            except Exception:  # a failed renewal is retried; the lease lapses if it keeps failing
                log.warning("renewing the %s lease failed; retrying", self.name, exc_info=True)
                continue
            if not still_ours:
                self.lost = True
                log.warning("the %s lease was lost to another holder", self.name)
                return

    def __enter__(self) -> Heartbeat:
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.name}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # No join: a renewal still in flight (waiting on a busy database, say) must not delay
        # the holder. A late renewal is harmless: it only extends a lease that is still ours.
        self._stop.set()
