"""Usage tracking and hard monthly cost caps for AI calls (DESIGN.md §1, §4).

Every provider call the router makes becomes a :class:`UsageEntry` handed to a
:class:`UsageRecorder`. The recorder also answers "how much has this organization (or this task)
spent this month", which the router compares with the caps in ``ProviderSettings`` before it
calls a paid provider. The in-memory recorder is the default; a SQL-backed one implements the same
two methods. Costs are integers in millionths of a US dollar; caps are integer cents.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from typing import Protocol

from pydantic import BaseModel, Field

from huntaze.ai.schemas import Outcome

MICRO_USD_PER_CENT = 10_000


def month_of(moment: dt.datetime) -> str:
    """The ``YYYY-MM`` month (UTC) a moment belongs to, the unit of cost caps."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m")


class UsageEntry(BaseModel):
    """One provider call: who asked, for what, who answered, what it cost and how it ended."""

    organization_id: str
    creator_id: str | None = None
    task: str
    provider: str
    model: str
    prompt_version: str
    outcome: Outcome
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0)
    cost_micro_usd: int = Field(default=0, ge=0)
    at: dt.datetime


class UsageRecorder(Protocol):
    """Stores usage entries and sums their cost per organization and month."""

    def record(self, entry: UsageEntry) -> None:
        """Store one entry."""
        ...

    def spent_micro_usd(self, *, organization_id: str, month: str, task: str | None = None) -> int:
        """Cost of the organization's calls in ``month`` (``YYYY-MM``), optionally per task."""
        ...


class InMemoryUsageRecorder:
    """A process-local recorder, safe for concurrent use; the embedded default."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[UsageEntry] = []
        self._totals: dict[tuple[str, str, str | None], int] = defaultdict(int)

    def record(self, entry: UsageEntry) -> None:
        """Store one entry and add its cost to the running totals."""
        month = month_of(entry.at)
        with self._lock:
            self._entries.append(entry)
            self._totals[(entry.organization_id, month, None)] += entry.cost_micro_usd
            self._totals[(entry.organization_id, month, entry.task)] += entry.cost_micro_usd

    def spent_micro_usd(self, *, organization_id: str, month: str, task: str | None = None) -> int:
        """Total cost of the organization's calls in ``month``, optionally for one task."""
        with self._lock:
            return self._totals.get((organization_id, month, task), 0)

    @property
    def entries(self) -> list[UsageEntry]:
        """A copy of every entry recorded so far, oldest first."""
        with self._lock:
            return list(self._entries)
