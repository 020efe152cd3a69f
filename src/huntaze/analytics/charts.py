"""Charts drawn on the server as SVG (DESIGN.md §6 "Analytics"): no script, no inline style,
every label escaped, a title and description for screen readers, and the figures also in a
table beside each chart. The same series feed the PDF report's drawing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

from huntaze.analytics.rollups import REVENUE_TYPES

COLORS = {
    "subscription_new": "#7c3aed",
    "subscription_renewal": "#a78bfa",
    "tip": "#067647",
    "ppv": "#b54708",
    "message": "#0e7490",
    "post": "#be185d",
    "other": "#5d6679",
}
TYPE_LABELS = {
    "subscription_new": "New subscriptions",
    "subscription_renewal": "Renewals",
    "tip": "Tips",
    "ppv": "PPV",
    "message": "Paid messages",
    "post": "Paid posts",
    "other": "Other",
}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 240, 64, 28, 12


def _nice_max(value: int) -> int:
    if value <= 0:
        return 100
    step = int(10 ** (len(str(value)) - 1))
    return ((value + step - 1) // step) * step


def revenue_bars(
    by_day: Mapping[dt.date, Mapping[str, int]],
    *,
    title: str,
    link: str | None = None,
) -> Markup:
    """Stacked bars of revenue per day and type; a bar links to ``link`` + the day's date (the
    chart is then a group of links, not one image, so assistive technology can reach them)."""
    days: Sequence[dt.date] = sorted(by_day)
    totals = [sum(by_day[d].values()) for d in days]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(days), 1)
    bar_w = max(slot * 0.8, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="{"group" if link is not None else "img"}" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">Revenue per day from {days[0].isoformat() if days else ""} '
        f"to {days[-1].isoformat() if days else ''}, highest day "
        f"{max(totals, default=0) / 100:,.2f} USD.</desc>",
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7ec"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#4a5263">${value / 100:,.{0 if top >= 40_000 else 2}f}</text>'
        )
    for index, day in enumerate(days):
        x = LEFT + index * slot + (slot - bar_w) / 2
        y = TOP + plot_h
        bar = [f"<g><title>{escape(day.isoformat())}: ${totals[index] / 100:,.2f}</title>"]
        for kind in REVENUE_TYPES:
            cents = by_day[day].get(kind, 0)
            if cents <= 0:
                continue
            h = plot_h * cents / top
            y -= h
            bar.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{COLORS[kind]}"/>'
            )
        bar.append("</g>")
        element = "".join(bar)
        if link is not None:
            label = f"{day.isoformat()}: ${totals[index] / 100:,.2f}"
            element = (
                f'<a href="{escape(link + day.isoformat())}" aria-label="{escape(label)}">'
                f"{element}</a>"
            )
        parts.append(element)
        if len(days) <= 14 or index % max(len(days) // 8, 1) == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - 10}" font-size="11" '
                f'text-anchor="middle" fill="#4a5263">{day.strftime("%m-%d")}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend() -> list[tuple[str, str]]:
    """(label, color) of each revenue type, in stacking order."""
    return [(TYPE_LABELS[t], COLORS[t]) for t in REVENUE_TYPES]
