"""Insights (DESIGN.md §6 "Analytics"): anomalies found by statistics, then words.

Anomalies: each day's revenue is compared with the median of the days before it (the same
weekday over the previous four weeks when there are enough of them, so a weekly rhythm is not
an anomaly; the previous fourteen days otherwise). The spread is the median absolute deviation,
so one odd day in the history does not hide the next. A day far below (or above) is named,
for a creator who earns most days (a sparse series has no "usual" day) and a usual level worth
a look; drops first, at most five findings.

Words: every text here cites only figures computed from the data. :func:`cites_only` is the
mechanical check: it refuses a text holding a number that is not among the figures it was given.
The AI may write the period's summary (``analytics.insight_summary``); a summary that fails the
check is replaced by the plain template, so an invented figure never reaches a page or a report.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from huntaze.analytics.kpis import Kpis

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MIN_HISTORY = 7
DROP_Z = -3.0
DROP_RATIO = 0.5
SPIKE_Z = 4.0
SPIKE_RATIO = 2.0
# Below this usual daily revenue, a day's swing is noise rather than news.
MIN_USUAL_CENTS = 2_000
MAX_FINDINGS = 5


def money(cents: int) -> str:
    """``$1,234.50``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, without thousands separators."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def cites_only(text: str, figures: Iterable[str]) -> bool:
    """Whether every number in ``text`` is one of the numbers in ``figures``."""
    allowed: set[str] = set()
    for figure in figures:
        allowed |= numbers_in(figure)
    return numbers_in(text) <= allowed


@dataclass(frozen=True, slots=True)
class Insight:
    """One finding: what, on which day, in words, and the figures the words may cite."""

    kind: str
    day: dt.date | None
    title: str
    text: str
    figures: tuple[str, ...]


def _baseline(series: Mapping[dt.date, int], day: dt.date) -> list[int]:
    same_weekday = [
        series[d] for week in range(1, 5) if (d := day - dt.timedelta(days=7 * week)) in series
    ]
    if len(same_weekday) >= 3:
        return same_weekday
    return [series[d] for i in range(1, 15) if (d := day - dt.timedelta(days=i)) in series]


def anomalies(series: Mapping[dt.date, int], days: Iterable[dt.date]) -> list[Insight]:
    """Days of ``days`` whose revenue in ``series`` (cents per day, with history before the
    first day) is far below or above its usual level."""
    found: list[Insight] = []
    for day in days:
        history = _baseline(series, day)
        if (
            len(history) < 3
            or sum(1 for d in range(1, 15) if day - dt.timedelta(days=d) in series) < MIN_HISTORY
        ):
            continue
        if sum(1 for v in history if v <= 0) > len(history) // 4:
            continue  # a creator who earns on few days: one day's figure says nothing
        value = series.get(day, 0)
        median = statistics.median(history)
        if median < MIN_USUAL_CENTS:
            continue
        mad = statistics.median(abs(v - median) for v in history)
        scale = max(1.4826 * mad, 0.1 * median, 1.0)
        z = (value - median) / scale
        usual = round(median)
        if median > 0 and z <= DROP_Z and value <= DROP_RATIO * median:
            pct = round((1 - value / median) * 100)
            text = (
                f"Revenue dropped on {day.isoformat()}: {money(value)} against a usual "
                f"{money(usual)} ({pct}% lower)."
            )
            found.append(
                Insight(
                    "revenue_drop",
                    day,
                    f"Revenue drop on {day.isoformat()}",
                    text,
                    (day.isoformat(), money(value), money(usual), f"{pct}%"),
                )
            )
        elif z >= SPIKE_Z and value >= SPIKE_RATIO * max(median, 1):
            text = (
                f"Revenue jumped on {day.isoformat()}: {money(value)} against a usual "
                f"{money(usual)}."
            )
            found.append(
                Insight(
                    "revenue_spike",
                    day,
                    f"Revenue spike on {day.isoformat()}",
                    text,
                    (day.isoformat(), money(value), money(usual)),
                )
            )
    return sorted(found, key=lambda i: (i.kind != "revenue_drop", i.day or dt.date.min))[
        :MAX_FINDINGS
    ]


def _change(now: float, before: float) -> str:
    if not before:
        return "new" if now else "–"
    return f"{(now - before) / abs(before) * 100:+.1f}%"


def kpi_lines(kpis: Kpis, previous: Kpis) -> list[tuple[str, str, str, str]]:
    """The headline KPIs as (name, value, previous value, change), as shown everywhere."""
    rows = [
        ("Gross revenue", kpis.gross_cents, previous.gross_cents, True),
        ("Net revenue", kpis.net_cents, previous.net_cents, True),
        ("Chargebacks", kpis.chargeback_cents, previous.chargeback_cents, True),
        ("Spenders", kpis.spenders, previous.spenders, False),
        ("ARPPU", kpis.arppu_cents, previous.arppu_cents, True),
        ("New subscriptions", kpis.subs_new, previous.subs_new, False),
        ("Renewals", kpis.subs_renewed, previous.subs_renewed, False),
        ("Expired", kpis.fans_expired, previous.fans_expired, False),
    ]
    lines = [
        (
            name,
            money(now) if cents else str(now),
            money(before) if cents else str(before),
            _change(now, before),
        )
        for name, now, before, cents in rows
    ]
    lines.append(
        (
            "Churn",
            f"{kpis.churn_pct}%",
            f"{previous.churn_pct}%",
            _change(kpis.churn_pct, previous.churn_pct),
        )
    )
    return lines


def template_summary(
    kpis: Kpis, previous: Kpis, found: list[Insight]
) -> tuple[str, tuple[str, ...]]:
    """The plain summary and the figures it cites."""
    lines = kpi_lines(kpis, previous)
    gross, net = lines[0], lines[1]
    parts = [
        f"Gross revenue {gross[1]} ({gross[3]} against {gross[2]}), net {net[1]}.",
        f"{lines[3][1]} spenders, ARPPU {lines[4][1]}, churn {lines[8][1]}.",
    ]
    parts += [insight.text for insight in found[:3]]
    figures = tuple(v for line in lines for v in line[1:]) + tuple(
        f for insight in found for f in insight.figures
    )
    return " ".join(parts), figures


@dataclass(frozen=True, slots=True)
class Summary:
    """A period's summary: its text, who wrote it (``ai`` or ``template``) and recommendations."""

    text: str
    written_by: str
    recommendations: tuple[str, ...]


def summarize(
    session: Session,
    org: str,
    kpis: Kpis,
    previous: Kpis,
    found: list[Insight],
    *,
    creator_id: str | None = None,
) -> Summary:
    """The period in words: the AI's summary when it cites only computed figures, the template
    otherwise."""
    from huntaze.ai.agents.analytics import INSIGHT_SUMMARY
    from huntaze.ai.schemas import InsightInput, Kpi
    from huntaze.ai.service import ai
    from huntaze.core.tenancy import trusted_org_id

    _text, figures = template_summary(kpis, previous, found)
    data = InsightInput(
        period=kpis.period.label[:40],
        kpis=[
            Kpi(
                name="gross revenue",
                value=kpis.gross_cents / 100,
                previous=previous.gross_cents / 100,
                unit="USD",
            ),
            Kpi(
                name="net revenue",
                value=kpis.net_cents / 100,
                previous=previous.net_cents / 100,
                unit="USD",
            ),
            Kpi(name="spenders", value=kpis.spenders, previous=previous.spenders),
            Kpi(
                name="ARPPU",
                value=kpis.arppu_cents / 100,
                previous=previous.arppu_cents / 100,
                unit="USD",
            ),
            Kpi(name="churn", value=kpis.churn_pct, previous=previous.churn_pct, unit="%"),
        ],
        anomalies=[i.text[:200] for i in found[:10]],
    )
    allowed = (
        figures
        + tuple(f"{k.value:g} {k.previous:g}" for k in data.kpis if k.previous is not None)
        + tuple(data.anomalies)
        + (data.period,)
    )
    result = ai.router.run(
        INSIGHT_SUMMARY,
        data,
        organization_id=org,
        creator_id=creator_id,
        settings=ai.settings_for(session, trusted_org_id(org)),
    )
    out = result.output
    written = f"{out.headline}. {out.summary}"
    recommendations = tuple(out.recommendations)
    if result.fallback or not cites_only(" ".join((written, *recommendations)), allowed):
        return template(kpis, previous, found)
    return Summary(written, "ai", recommendations)


def template(kpis: Kpis, previous: Kpis, found: list[Insight]) -> Summary:
    """The period in words by the plain template, with rule-based recommendations."""
    text, _figures = template_summary(kpis, previous, found)
    return Summary(text, "template", _recommendations(kpis, previous, found))


def _recommendations(kpis: Kpis, previous: Kpis, found: list[Insight]) -> tuple[str, ...]:
    advice: list[str] = []
    if any(i.kind == "revenue_drop" for i in found):
        advice.append("Look at what changed on the day revenue dropped (sends, prices, outages).")
    if kpis.churn_pct > previous.churn_pct:
        advice.append("Churn rose: reach out to fans whose subscription ends soon.")
    if kpis.ppv_offered and kpis.ppv_conversion_pct < 10:
        advice.append("Few PPVs sell: try lower price points for the next offers.")
    if not advice:
        advice.append("Keep the current rhythm of messages and offers.")
    return tuple(advice)
