"""A month of AI usage, summed per task, per provider and model, and per creator (DESIGN.md §4).

Built from one grouped query (``repository.usage_groups``), so a page of it costs the same
number of queries however many calls were made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from huntaze.ai.usage import MICRO_USD_PER_CENT


class UsageLine(BaseModel):
    """Sums over a group of calls: count, tokens, cost and how many did not go well."""

    key: str
    label: str
    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_micro_usd: int = 0
    latency_ms_total: float = 0.0
    fallbacks: int = 0
    rejections: int = 0
    errors: int = 0
    cap_cents: int | None = None

    @property
    def cost_usd(self) -> float:
        """The cost in US dollars."""
        return self.cost_micro_usd / 1_000_000

    @property
    def avg_latency_ms(self) -> float:
        """Mean latency of the group's calls."""
        return self.latency_ms_total / self.calls if self.calls else 0.0

    @property
    def cap_used_percent(self) -> int | None:
        """How much of the cap is spent, in percent (None without a cap)."""
        if self.cap_cents is None:
            return None
        if self.cap_cents == 0:
            return 100
        return min(999, round(100 * self.cost_micro_usd / (self.cap_cents * MICRO_USD_PER_CENT)))

    def add(self, row: Mapping[str, Any]) -> None:
        """Add one grouped row's sums."""
        self.calls += int(row["calls"])
        self.tokens_in += int(row["tokens_in"])
        self.tokens_out += int(row["tokens_out"])
        self.cost_micro_usd += int(row["cost_micro_usd"])
        self.latency_ms_total += float(row["latency_ms"])
        self.fallbacks += int(row["fallbacks"])
        self.rejections += int(row["rejections"])
        self.errors += int(row["errors"])


class UsageSummary(BaseModel):
    """One month of an organization's AI usage and cost against its caps."""

    month: str
    total: UsageLine
    by_task: list[UsageLine]
    by_model: list[UsageLine]
    by_creator: list[UsageLine]


def summarize(
    month: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    creator_names: Mapping[str, str],
    monthly_cap_cents: int | None,
    task_caps: Mapping[str, int],
) -> UsageSummary:
    """Sum grouped rows three ways; every capped task is listed even before its first call."""
    total = UsageLine(key="total", label="Organization", cap_cents=monthly_cap_cents)
    tasks = {t: UsageLine(key=t, label=t, cap_cents=cap) for t, cap in task_caps.items()}
    models: dict[str, UsageLine] = {}
    people: dict[str, UsageLine] = {}
    for row in rows:
        total.add(row)
        task = str(row["task"])
        tasks.setdefault(task, UsageLine(key=task, label=task, cap_cents=task_caps.get(task)))
        tasks[task].add(row)
        model_key = f"{row['provider']} / {row['model']}"
        models.setdefault(model_key, UsageLine(key=model_key, label=model_key)).add(row)
        creator = row["creator_id"] or ""
        label = creator_names.get(creator, "deleted creator") if creator else "no creator"
        people.setdefault(creator, UsageLine(key=creator, label=label)).add(row)

    def ordered(lines: dict[str, UsageLine]) -> list[UsageLine]:
        return sorted(
            lines.values(), key=lambda line: (-line.cost_micro_usd, -line.calls, line.label)
        )

    return UsageSummary(
        month=month,
        total=total,
        by_task=ordered(tasks),
        by_model=ordered(models),
        by_creator=ordered(people),
    )
