"""The monthly report of one creator as PDF (DESIGN.md §6 "Analytics"): the month's KPIs beside
the previous month, revenue per day as a chart, revenue by type, insights and recommendations.

Drawn with reportlab (pure Python); the figures are those of the dashboard for the same month
(:mod:`huntaze.analytics.kpis`), so the report's totals equal the page's.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from huntaze.analytics.charts import COLORS, TYPE_LABELS
from huntaze.analytics.insights import Insight, Summary, kpi_lines, money
from huntaze.analytics.kpis import Kpis
from huntaze.analytics.rollups import REVENUE_TYPES


def _chart(current: Kpis) -> Drawing:
    days = sorted(current.daily_gross_by_type)
    drawing = Drawing(170 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = round(12 * mm), round(10 * mm)
    chart.width, chart.height = round(150 * mm), round(55 * mm)
    chart.categoryAxis.style = "stacked"
    chart.data = [
        [current.daily_gross_by_type[d].get(kind, 0) / 100 for d in days] for kind in REVENUE_TYPES
    ]
    chart.categoryAxis.categoryNames = [d.strftime("%d") for d in days]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    for index, kind in enumerate(REVENUE_TYPES):
        chart.bars[index].fillColor = colors.HexColor(COLORS[kind])
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    return drawing


def _table(rows: list[list[str]], *, header: bool = True) -> Table:
    table = Table(rows, repeatRows=1 if header else 0, hAlign="LEFT")
    style: list[Any] = [
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#e4e7ec")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ]
    if header:
        style.append(("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"))
    table.setStyle(TableStyle(style))
    return table


def monthly_pdf(
    *,
    creator_name: str,
    month_label: str,
    current: Kpis,
    previous: Kpis,
    found: list[Insight],
    summary: Summary,
) -> bytes:
    """The month's report as PDF bytes."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{creator_name} · {month_label}",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    story = [
        Paragraph(f"{_text(creator_name)} · monthly report {month_label}", styles["Title"]),
        Paragraph(f"{current.period.label} (previous: {previous.period.label})", styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph("Revenue per day", styles["Heading2"]),
        _chart(current),
        Paragraph(
            " · ".join(
                f'<font color="{COLORS[k]}">■</font> {TYPE_LABELS[k]}' for k in REVENUE_TYPES
            ),
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
        Paragraph("Key figures", styles["Heading2"]),
        _table(
            [["", "This month", "Previous month", "Change"]]
            + [list(line) for line in kpi_lines(current, previous)]
        ),
        Spacer(1, 4 * mm),
        Paragraph("Revenue by type", styles["Heading2"]),
        _table(
            [["Type", "This month", "Previous month"]]
            + [
                [TYPE_LABELS[k], money(current.gross_by_type[k]), money(previous.gross_by_type[k])]
                for k in REVENUE_TYPES
            ]
            + [["Total", money(current.gross_cents), money(previous.gross_cents)]]
        ),
        Spacer(1, 4 * mm),
        Paragraph("Summary", styles["Heading2"]),
        Paragraph(_text(summary.text), styles["Normal"]),
    ]
    if found:
        story.append(Paragraph("Findings", styles["Heading2"]))
        story += [Paragraph(_text(i.text), styles["Normal"]) for i in found]
    story.append(Paragraph("Recommendations", styles["Heading2"]))
    story += [Paragraph(f"• {_text(r)}", styles["Normal"]) for r in summary.recommendations]
    document.build(story)
    return buffer.getvalue()


def _text(value: str) -> str:
    """Plain text for reportlab's little markup language."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
