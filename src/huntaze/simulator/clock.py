"""The simulated clock: advancing it, and an optional in-process background ticker.

See DESIGN.md §3. ``advance`` walks hour boundaries: reactions due before a boundary run first,
then the hour that ends there is simulated; so cutting the same span into different steps (the
ticker, ``huntaze simulator tick``, ``/_admin/tick``) gives the same result.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy.orm import Session

from huntaze.simulator.db import SimulatorDatabase
from huntaze.simulator.simulation import HOUR, hourly_step, run_due_reactions
from huntaze.simulator.state import get_now, get_seed, set_now


def advance(session: Session, seconds: float) -> dt.datetime:
    """Move the simulated clock forward, simulating everything on the way; returns the new time."""
    if seconds < 0:
        raise ValueError("the simulated clock only moves forward")
    now = get_now(session)
    target = now + dt.timedelta(seconds=seconds)
    seed = get_seed(session)
    boundary = now.replace(minute=0, second=0, microsecond=0) + HOUR
    while boundary <= target:
        run_due_reactions(session, until=boundary)
        hourly_step(session, seed=seed, at=boundary)
        boundary += HOUR
    run_due_reactions(session, until=target)
    set_now(session, target)
    return target


class BackgroundTicker:
    """A daemon thread that advances the clock by ``speed`` simulated seconds per real second."""

    def __init__(self, db: SimulatorDatabase, *, speed: float, interval_s: float = 1.0) -> None:
        self._db = db
        self._speed = speed
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="simulator-ticker", daemon=True)

    def start(self) -> None:
        """Start ticking."""
        self._thread.start()

    def stop(self) -> None:
        """Stop ticking and wait for the current step to finish."""
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            with self._db.session() as session:
                advance(session, self._interval_s * self._speed)
