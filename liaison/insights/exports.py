"""A dashboard out: one chart's table as CSV or XLSX, the whole dashboard as an XLSX workbook
(a sheet per chart) or a PDF (each chart as a PNG drawn from the same spec as the page, its
one-sentence answer, its table). Every text cell goes through core.exports' formula
neutralising; every string that reaches a reportlab Paragraph is XML-escaped."""

from __future__ import annotations

import io
import logging
from typing import Any
from xml.sax.saxutils import escape

from liaison.core import charts as core_charts
from liaison.core import exports as core_exports
from liaison.insights.selectors import Chart, Dashboard

logger = logging.getLogger(__name__)


def filename(dashboard: Dashboard, chart: Chart | None = None) -> str:
    parts = ["insights", dashboard.key, *([chart.key] if chart else []), dashboard.span.period.label]
    return core_exports.safe_filename("-".join(parts))


def _cell(value: Any) -> Any:
    return "" if value is None else value


def chart_rows(chart: Chart) -> list[list[Any]]:
    return [[_cell(c) for c in row] for row in chart.grid]


def chart_csv(chart: Chart) -> bytes:
    return core_exports.csv_bytes(chart_rows(chart))


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    period = dashboard.span.period
    about = [
        ["Dashboard", dashboard.title],
        ["Period", period.label],
        ["First day", period.first],
        ["Last day", period.last],
        ["Compared with", dashboard.span.previous.label],
        ["Summary", dashboard.summary],
    ]
    about += [[c.title, c.answer] for c in dashboard.charts]
    sheets = [("About", about)] + [(c.title[:31], chart_rows(c)) for c in dashboard.charts]
    return core_exports.xlsx_bytes(sheets)


def chart_xlsx(dashboard: Dashboard, chart: Chart) -> bytes:
    return core_exports.xlsx_bytes([(chart.title[:31], chart_rows(chart))])


def chart_png(chart: Chart) -> bytes | None:
    return core_charts.png_or_none(chart.spec, f"insights.{chart.key}")


def dashboard_pdf(dashboard: Dashboard) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = body.clone("small", fontSize=7, leading=9)
    buffer = io.BytesIO()
    period = dashboard.span.period
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=f"{dashboard.title}: {period.label}",
    )

    def p(text: Any, style: Any = body) -> Any:
        return Paragraph(escape(str(core_exports.neutralise(text))), style)

    story: list[Any] = [
        Paragraph(escape(f"{dashboard.title}: {period.label}"), styles["Title"]),
        p(f"{period.first:%-d %B %Y} to {period.last:%-d %B %Y}, compared with {dashboard.span.previous.label}."),
        p(dashboard.summary),
        Spacer(1, 0.3 * cm),
    ]
    for chart in dashboard.charts:
        story.append(Paragraph(escape(chart.title), styles["Heading2"]))
        story.append(p(chart.answer))
        png = chart_png(chart)
        if png:
            image = Image(io.BytesIO(png))
            ratio = image.imageHeight / image.imageWidth
            image.drawWidth = 17 * cm
            image.drawHeight = min(17 * cm * ratio, 20 * cm)
            image.drawWidth = image.drawHeight / ratio
            story.append(image)
        rows = chart_rows(chart)[:41]
        if len(rows) > 1:
            columns = len(rows[0])
            table = Table(
                [[p(c, small) for c in row] for row in rows], repeatRows=1, colWidths=[18 * cm / columns] * columns
            )
            table.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6edf6")),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d4d9e0")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
            if len(chart.rows) > 40:
                story.append(p(f"(The first 40 of {len(chart.rows)} rows; the XLSX holds them all.)", small))
        story.append(Spacer(1, 0.4 * cm))
    doc.build(story)
    return buffer.getvalue()
