"""The send watchdog: a thread in every worker process that keeps rows moving (DESIGN.md §6).

The scheduler's periodic tasks run once a minute, and only in the one process that runs the
scheduler. A worker that dies leaves rows behind: in ``sending`` (its claim's lease lapses within
``HUNTAZE_OUTBOX_LEASE_S``) or in ``queued`` with a short retry time it meant to wait out itself.
Every :data:`SWEEP_EVERY_S` this thread puts lapsed rows back and wakes queued rows whose retry
time passed more than :data:`OVERDUE_S` ago: a live worker retrying inline claims its row the
moment the retry is due, so a row nobody took two seconds later was left by a dead one. Every
worker may run it: both sweeps are compare-and-set, and a duplicate wake-up is harmless (the
claim lets one task send).
"""

from __future__ import annotations

import logging
import threading

from huntaze.config import get_settings
from huntaze.outbox.tasks import dispatch_due, recover_stuck

log = logging.getLogger(__name__)
SWEEP_EVERY_S = 2.0
OVERDUE_S = 2.0


class SendWatchdog:
    """Sweeps for lapsed claims and overdue retries until stopped."""

    def __init__(self, *, interval_s: float | None = None) -> None:
        lease_s = get_settings().outbox_lease_s
        every = min(SWEEP_EVERY_S, lease_s / 2)
        self.interval_s = interval_s if interval_s is not None else every
        self.overdue_s = min(OVERDUE_S, lease_s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="send-watchdog", daemon=True)

    def sweep(self) -> tuple[int, int]:
        """One pass: (rows recovered from ``sending``, overdue rows woken)."""
        recovered = recover_stuck()
        woken = dispatch_due(overdue_s=self.overdue_s)
        if recovered or woken:
            log.info(
                "watchdog: %d send(s) recovered, %d overdue retry(ies) woken", recovered, woken
            )
        return recovered, woken

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.sweep()
            except Exception:  # a database hiccup must not end the thread
                log.warning("send watchdog sweep failed; trying again", exc_info=True)

    def start(self) -> SendWatchdog:
        """Start sweeping in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current sweep."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval_s + 5)
