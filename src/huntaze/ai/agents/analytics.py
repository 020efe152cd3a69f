"""The analytics agent: a short written summary of a period's KPIs (DESIGN.md §6 analytics).

Rules compute every change and the biggest mover, so the model words findings instead of doing
arithmetic; gates ask the summary to name at least one KPI and to state no number that the
data did not give.
"""

from __future__ import annotations

from typing import Any

from huntaze.ai.agents.base import TaskSpec
from huntaze.ai.agents.content import topic_words
from huntaze.ai.gates import (
    GroundedNumbersGate,
    LanguageGate,
    LengthGate,
    RelevanceGate,
    SystemEchoGate,
)
from huntaze.ai.schemas import InsightInput, InsightOutput, Kpi

AGENT = "analytics"


def change_pct(kpi: Kpi) -> float | None:
    """Change against the previous period in percent, or ``None`` without a usable baseline."""
    if kpi.previous is None or kpi.previous == 0:
        return None
    return round((kpi.value - kpi.previous) / abs(kpi.previous) * 100, 1)


def describe(kpi: Kpi) -> str:
    """``"revenue: 1200 USD (+20.0% vs previous)"``."""
    unit = f" {kpi.unit}" if kpi.unit else ""
    change = change_pct(kpi)
    trend = f" ({change:+.1f}% vs previous)" if change is not None else ""
    return f"{kpi.name}: {kpi.value:g}{unit}{trend}"


def insight_rules(data: InsightInput) -> dict[str, Any]:
    """Each KPI described with its change, and the one that moved most."""
    movers = [(abs(c), k) for k in data.kpis if (c := change_pct(k)) is not None]
    top = max(movers, key=lambda pair: pair[0])[1] if movers else data.kpis[0]
    return {"lines": [describe(k) for k in data.kpis], "top": describe(top)}


def _fallback(data: InsightInput) -> InsightOutput:
    signals = insight_rules(data)
    return InsightOutput(
        headline=f"{data.period}: {signals['top']}"[:140],
        summary=("; ".join(signals["lines"]) + ".")[:700],
        recommendations=[f"Look into {signals['top'].split(':')[0]}, the biggest change."],
    )


INSIGHT_SUMMARY: TaskSpec[InsightInput, InsightOutput] = TaskSpec(
    name="analytics.insight_summary",
    agent=AGENT,
    input_model=InsightInput,
    output_model=InsightOutput,
    prompt="analytics/insight_summary.v1",
    fallback=_fallback,
    gated_text=lambda out: f"{out.headline}. {out.summary} " + " ".join(out.recommendations),
    rules=insight_rules,
    topic_terms=lambda data: frozenset(topic_words(*(k.name for k in data.kpis))),
    gates=(
        SystemEchoGate(),
        LengthGate(max_chars=1200),
        LanguageGate(),
        RelevanceGate(require_overlap=True),
        GroundedNumbersGate(),
    ),
    max_tokens=220,
)
