"""The partnership page as a PDF (reportlab) and as an XLSX workbook (openpyxl), built from the
same `selectors.Overview` the page shows.

User text is data, never markup or formulas: every string that reaches a reportlab Paragraph
is XML-escaped (a Paragraph would otherwise read tags), and every XLSX cell that starts like
a formula (=, +, -, @) is written as text with a leading apostrophe, so a need titled
"=HYPERLINK(…)" opens as the words it is.
"""

from __future__ import annotations

import io
import logging
from typing import Any
from xml.sax.saxutils import escape

from liaison.core.exports import neutralise
from liaison.partnership import charts
from liaison.partnership.selectors import Overview

logger = logging.getLogger(__name__)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


# --- PDF -----------------------------------------------------------------------------------------------------


def overview_pdf(overview: Overview) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.6 * cm,
        rightMargin=1.6 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title="Library and IT partnership",
    )
    story: list[Any] = []

    def p(text: Any, style: Any = body) -> Any:
        return Paragraph(escape(str(text)), style)

    def table(rows: list[list[Any]], widths: list[float] | None = None) -> Any:
        cells = [[c if hasattr(c, "wrap") else p(c, small) for c in row] for row in rows]
        t = Table(cells, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6edf6")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d4d9e0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    b = overview.balance
    story.append(Paragraph("Library and IT partnership", styles["Title"]))
    story.append(
        p(
            f"{overview.start:%B %Y} to {overview.end:%B %Y} (months before {overview.end:%-d %B %Y}) · "
            f"prepared {overview.generated_at:%-d %B %Y}"
        )
    )
    story.append(Spacer(1, 0.3 * cm))
    story.append(Paragraph("The balance", styles["Heading2"]))
    try:
        png = charts.render_png(charts.balance_spec(b))
        image = Image(io.BytesIO(png))
        ratio = image.imageHeight / image.imageWidth
        image.drawWidth = 17 * cm
        image.drawHeight = 17 * cm * ratio
        story.append(image)
    except Exception:
        logger.exception("The balance chart could not be drawn for the PDF")
        story.append(p("(The chart could not be drawn; the table below holds the same figures.)"))
    story.append(p(b.text_alternative()))
    story.append(Spacer(1, 0.2 * cm))
    story.append(
        table(
            [["Department", "Asked", "Gave", "Share given"]]
            + [[d.name, f"{d.asks:,}", f"{d.gives:,}", _pct(d.give_share)] for d in b.departments]
        )
    )
    story.append(Spacer(1, 0.2 * cm))
    months = b.month_starts
    story.append(
        table(
            [["Month", *[f"{d.name} asked / gave (share)" for d in b.departments]]]
            + [
                [
                    f"{m:%b %Y}",
                    *[
                        f"{cell.asks} / {cell.gives} ({_pct(cell.give_share)})"
                        for d in b.departments
                        for cell in b.months
                        if cell.code == d.code and cell.month == m
                    ],
                ]
                for m in months
            ]
        )
    )
    story.append(Spacer(1, 0.2 * cm))
    story.append(
        p(
            f"Derived from the work: {_pct(b.derived_share)} · typed by hand: {_pct(b.manual_share)} "
            f"(the aim is at least 80% derived) · {b.orphaned_entries} entries whose source is gone still count."
        )
    )
    story.append(Paragraph("By kind", styles["Heading3"]))
    story.append(
        table(
            [["Kind", "Who", "Count", "Hours", "Derived", "Typed"]]
            + [
                [
                    k.label,
                    k.summary,
                    f"{k.count:,}",
                    f"{k.hours:,.1f}" if k.hours else "–",
                    f"{k.derived:,}",
                    f"{k.manual:,}",
                ]
                for k in b.by_kind
            ]
        )
    )

    story.append(Paragraph("Goals and needs", styles["Heading2"]))
    if overview.goals:
        story.append(
            table(
                [["Department", "Year", "Goal", "Status"]]
                + [[g.department.name, str(g.year), g.title, g.get_status_display()] for g in overview.goals]
            )
        )
    else:
        story.append(p("No goals posted yet."))
    story.append(Spacer(1, 0.2 * cm))
    if overview.needs:
        story.append(
            table(
                [["Department", "Need", "Needed by", "Offers"]]
                + [
                    [
                        n.department.name,
                        n.title,
                        f"{n.needed_by:%-d %b %Y}" if n.needed_by else "–",
                        str(len(n.offers.all())),
                    ]
                    for n in overview.needs
                ]
            )
        )
    else:
        story.append(p("No open needs."))

    story.append(Paragraph("What students struggle with", styles["Heading2"]))
    ev = overview.evidence
    story.append(p(f"Top technology categories at the desks, {ev.term.name} against {ev.previous.name}. {ev.source}"))
    if ev.rows:
        story.append(
            table(
                [["Category", ev.term.name, ev.previous.name, "Change"]]
                + [[r.name, r.this_term_shown, r.last_term_shown, r.change_shown] for r in ev.rows]
            )
        )
    else:
        story.append(p("No technology questions recorded in these terms."))

    story.append(Paragraph("The last survey round", styles["Heading2"]))
    if overview.last_round:
        results = overview.last_round
        story.append(
            p(
                f"{results.survey_round.title}: {results.response_count} responses ({results.anonymous_count} anonymous)."
            )
        )
        for q in results.questions:
            story.append(Paragraph(escape(q.question.text), styles["Heading4"]))
            for answer in q.answers[:12]:
                story.append(p(f"“{answer.body}” — {answer.who}", small))
            if len(q.answers) > 12:
                story.append(p(f"… and {len(q.answers) - 12} more on the survey page.", small))
    else:
        story.append(p("No survey round has answers yet."))

    story.append(Paragraph("Upcoming rollouts", styles["Heading2"]))
    if overview.rollouts:
        story.append(
            table(
                [["Starts", "Change", "Effect on the library", "Consulted"]]
                + [
                    [
                        f"{r.starts_on:%-d %b %Y}",
                        f"{r.title} ({r.get_kind_display()})",
                        r.effect_on_library,
                        f"Yes, {r.consulted_on:%-d %b}" if r.consulted_on else "NOT CONSULTED",
                    ]
                    for r in overview.rollouts
                ]
            )
        )
    else:
        story.append(p("Nothing planned in the next two months."))

    story.append(Paragraph("Open requests for library resources", styles["Heading2"]))
    if overview.requests:
        story.append(
            table(
                [["Asked", "From", "What", "Status"]]
                + [
                    [
                        f"{r.created_at:%-d %b %Y}",
                        r.department.name,
                        f"{r.get_kind_display()}: {r.title}",
                        r.get_status_display(),
                    ]
                    for r in overview.requests
                ]
            )
        )
    else:
        story.append(p("No open requests."))
    doc.build(story)
    return buffer.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    return neutralise(value)  # a cell a spreadsheet would run as a formula is written as text


def overview_xlsx(overview: Overview, *, entries: Any = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()

    def sheet(title: str, header: list[str], rows: Any, first: bool = False) -> None:
        ws = workbook.active if first else workbook.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
        for column in ws.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)

    b = overview.balance
    sheet(
        "Balance by month",
        ["Month", "Department", "Asked", "Gave", "Share given (%)"],
        ([m.month, m.name, m.asks, m.gives, m.give_share] for m in b.months),
        first=True,
    )
    sheet(
        "Balance",
        ["Department", "Asked", "Gave", "Share given (%)", "Hours asked", "Hours given"],
        ([d.name, d.asks, d.gives, d.give_share, float(d.hours_asked), float(d.hours_given)] for d in b.departments),
    )
    sheet(
        "By kind",
        ["Kind", "Direction", "Giver", "Receiver", "Count", "Hours", "Derived", "Typed", "Entries"],
        (
            [k.label, k.direction, k.giver, k.receiver, k.count, float(k.hours), k.derived, k.manual, k.entries]
            for k in b.by_kind
        ),
    )
    sheet(
        "Ledger entries",
        [
            "Date",
            "Kind",
            "Direction",
            "Giver",
            "Receiver",
            "Count",
            "Hours",
            "Origin",
            "Feed",
            "Source key",
            "What",
            "Orphaned",
        ],
        (
            [
                e.occurred_on,
                e.kind,
                e.direction,
                e.giver.name,
                e.receiver.name,
                e.count,
                float(e.hours) if e.hours is not None else None,
                e.origin,
                e.feed_key,
                e.source_key,
                e.label,
                "yes" if e.orphaned_at else "",
            ]
            for e in entries
        ),
    )
    sheet(
        "Goals",
        ["Department", "Year", "Goal", "Status", "Description"],
        ([g.department.name, g.year, g.title, g.get_status_display(), g.description] for g in overview.goals),
    )
    sheet(
        "Needs",
        ["Department", "Need", "Needed by", "Description", "Offers"],
        ([n.department.name, n.title, n.needed_by, n.description, len(n.offers.all())] for n in overview.needs),
    )
    ev = overview.evidence
    sheet(
        "Student technology",
        ["Category", ev.term.name, ev.previous.name, "Change"],
        ([r.name, r.this_term_shown, r.last_term_shown, r.change_shown] for r in ev.rows),
    )
    survey_rows: list[list[Any]] = []
    if overview.last_round:
        for q in overview.last_round.questions:
            for answer in q.answers:
                survey_rows.append([overview.last_round.survey_round.title, q.question.text, answer.body, answer.who])
    sheet("Survey", ["Round", "Question", "Answer", "Who"], survey_rows)
    sheet(
        "Rollouts",
        ["Starts", "Ends", "Change", "Kind", "Effect on the library", "Consulted on", "Library said"],
        (
            [
                r.starts_on,
                r.ends_on,
                r.title,
                r.get_kind_display(),
                r.effect_on_library,
                r.consulted_on,
                r.library_response,
            ]
            for r in overview.rollouts
        ),
    )
    sheet(
        "Open requests",
        ["Asked", "From", "Kind", "What", "Status", "Needed by"],
        (
            [r.created_at.date(), r.department.name, r.get_kind_display(), r.title, r.get_status_display(), r.needed_by]
            for r in overview.requests
        ),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
