"""The report to IT as a PDF (reportlab, with the charts as PNGs) and as an XLSX workbook
(openpyxl through core.exports), built from the same `selectors.Report` the page shows.

User text is data, never markup or formulas: every string that reaches a reportlab Paragraph
is XML-escaped, and XLSX cells are neutralised by core.exports. Free text itself is never in
the report: only its themes and their counts."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

from liaison.core.exports import xlsx_response
from liaison.pilots import charts
from liaison.pilots.selectors import SUPPRESS_BELOW, Report

FEWER = f"fewer than {SUPPRESS_BELOW}"


def _n(group: Any) -> Any:
    return FEWER if group.suppressed else group.n


def report_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pilot, results = report.pilot, report.results
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
        title=f"Pilot report: {pilot.title}",
    )
    story: list[Any] = []

    def p(text: Any, style: Any = body) -> Any:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def h(text: str) -> None:
        story.append(Paragraph(escape(text), styles["Heading2"]))

    def table(rows: list[list[Any]]) -> Any:
        t = Table([[p(c, small) for c in row] for row in rows], repeatRows=1)
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

    def chart(name: str, pngs: dict[str, bytes]) -> None:
        png = pngs.get(name)
        if png:
            image = Image(io.BytesIO(png))
            ratio = 17 * cm / image.imageWidth
            image.drawWidth, image.drawHeight = image.imageWidth * ratio, image.imageHeight * ratio
            story.append(image)

    pngs = charts.results_pngs(results)
    story.append(Paragraph(escape(f"Pilot report: {pilot.title}"), styles["Title"]))
    story.append(
        p(
            f"{pilot.get_kind_display()} · {pilot.starts_on:%-d %B %Y} to {pilot.ends_on:%-d %B %Y} · "
            f"hosted by {pilot.library_department} for {pilot.it_department} · "
            f"{'delivered ' + format(pilot.report_delivered_on, '%-d %B %Y') if pilot.report_delivered_on else 'draft, prepared ' + format(timezone.localdate(), '%-d %B %Y')}"
        )
    )
    h("The library's recommendation")
    story.append(p(pilot.recommendation or "Not written yet."))
    h("What was tried, and what IT wanted to learn")
    story.append(p(pilot.summary))
    if pilot.learning_goals:
        story.append(p(pilot.learning_goals))
    if report.places:
        story.append(p("Where: " + "; ".join(report.places)))
    devices = report.devices
    if devices.assets:
        story.append(p("Devices from the inventory: " + "; ".join(str(a) for a in devices.assets)))
    if pilot.devices:
        story.append(p("Other devices: " + "; ".join(pilot.devices)))
    h(f"Who answered ({results.total} answers)")
    story.append(table([["Audience", "Answers"], *[[g.label, _n(g)] for g in results.audiences]]))
    story.append(p(f"Groups with {FEWER} answers are not broken down, so no one can be singled out.", small))
    story.append(Spacer(1, 0.3 * cm))
    chart("ratings", pngs)
    chart("weeks", pngs)
    h("Answers, question by question")
    for q in results.questions:
        story.append(Paragraph(escape(f"{q.text} ({q.kind_label.lower()}, {q.n} answers)"), styles["Heading4"]))
        if q.suppressed:
            story.append(p(f"{FEWER.capitalize()} answers: not shown.", small))
            continue
        if q.mean is not None:
            story.append(p(f"Mean {q.mean} of {q.scale_max}."))
        if q.distribution:
            story.append(table([["Answer", "Count"], *[[label, n] for label, n in q.distribution]]))
        audience_rows = [
            [g.label, _n(g), ("" if g.suppressed or g.value is None else g.value)] for g in q.by_audience if g.n
        ]
        if audience_rows and q.kind == "rating":
            story.append(table([["Audience", "Answers", "Mean"], *audience_rows]))
        if q.themes or q.unthemed:
            story.append(
                table([["Theme", "Answers"], *[[g.label, _n(g)] for g in q.themes], ["Not yet themed", q.unthemed]])
            )
    chart("themes", pngs)
    h("At the desk during the pilot")
    desk = report.desk
    if desk["tag"] is None:
        story.append(p("No desk topic is set for this pilot, so desk interactions are not linked."))
    else:
        story.append(
            p(
                f"{desk['total']} desk interactions tagged “{desk['tag']}” during the pilot; "
                f"{desk['tickets']} of them became tickets (incidents the desk escalated)."
            )
        )
    h("The devices during the pilot")
    if not devices.assets:
        story.append(p("No device from the inventory is linked to this pilot."))
    else:
        together = (
            f"; together available {devices.availability}% of the time ({devices.down_hours} hours down)"
            if devices.availability is not None
            else ""
        )
        story.append(
            p(f"{devices.incident_count} incidents logged against the pilot's {len(devices.assets)} devices{together}.")
        )
        if devices.figures:
            story.append(table(_device_rows(devices)))
        if devices.incidents:
            story.append(Spacer(1, 0.2 * cm))
            story.append(table(_incident_rows(devices)))
    h("What hosting cost the library")
    t = report.totals
    story.append(p(f"{t.staff_hours} staff hours, {t.space_hours} hours of space, {t.amount} spent."))
    if report.costs:
        story.append(
            table(
                [
                    ["Day", "Kind", "Hours", "Amount", "Note"],
                    *[
                        [c.occurred_on, c.get_kind_display(), c.hours or "", c.amount or "", c.note]
                        for c in report.costs
                    ],
                ]
            )
        )
    doc.build(story)
    return buffer.getvalue()


def _device_rows(devices: Any) -> list[list[Any]]:
    return [
        ["Device", "Name", "Incidents", "Hours down", "Availability %", "Mean repair (h)"],
        *[
            [
                f.key,
                f.label if f.label != f.key else "",
                f.failures,
                round(f.down_hours, 1),
                f.availability,
                f.mttr_hours if f.mttr_hours is not None else "",
            ]
            for f in devices.figures
        ],
    ]


def _incident_rows(devices: Any) -> list[list[Any]]:
    def when(moment: Any) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    return [
        ["Started", "Device", "Problem", "State", "Resolved"],
        *[
            [when(i.started_at), i.asset.tag, i.problem_label, i.get_state_display(), when(i.resolved_at)]
            for i in devices.incidents
        ],
    ]


def report_sheets(report: Report) -> list[tuple[str, list[list[Any]]]]:
    pilot, results = report.pilot, report.results
    summary = [
        ["Pilot", pilot.title],
        ["Kind", pilot.get_kind_display()],
        ["State", pilot.get_state_display()],
        ["Dates", f"{pilot.starts_on} to {pilot.ends_on}"],
        ["IT side", str(pilot.it_department)],
        ["Library side", str(pilot.library_department)],
        ["What IT wanted to learn", pilot.learning_goals],
        ["Recommendation", pilot.recommendation],
        ["Report delivered", pilot.report_delivered_on or ""],
        ["Answers", results.total],
        ["Desk interactions tagged", report.desk["total"]],
        ["Of which became tickets", report.desk["tickets"]],
        ["Devices from the inventory", len(report.devices.assets)],
        ["Incidents on those devices", report.devices.incident_count],
        ["Their availability %", report.devices.availability if report.devices.availability is not None else ""],
        ["Staff hours", report.totals.staff_hours],
        ["Space hours", report.totals.space_hours],
        ["Spent", report.totals.amount],
        ["Suppression", f"Groups with {FEWER} answers are not broken down."],
    ]
    audiences = [["Audience", "Answers"], *[[g.label, _n(g)] for g in results.audiences]]
    questions: list[list[Any]] = [["Question", "Kind", "Answers", "Answer", "Count", "Mean"]]
    by_audience: list[list[Any]] = [["Question", "Audience", "Answers", "Mean", "Counts"]]
    themes: list[list[Any]] = [["Question", "Theme", "Answers"]]
    for q in results.questions:
        if q.suppressed:
            questions.append([q.text, q.kind_label, FEWER, "", "", ""])
            continue
        questions.append([q.text, q.kind_label, q.n, "", "", q.mean if q.mean is not None else ""])
        questions += [["", "", "", label, n, ""] for label, n in q.distribution]
        for g in q.by_audience:
            if g.n:
                counts = "" if g.suppressed else "; ".join(f"{label}: {n}" for label, n in g.counts)
                mean = "" if g.suppressed or g.value is None else g.value
                by_audience.append([q.text, g.label, _n(g), mean, counts])
        themes += [[q.text, g.label, _n(g)] for g in q.themes]
    weeks = [["Week starting", "Answers"], *[[g.label, _n(g)] for g in results.weeks]]
    costs = [
        ["Day", "Kind", "Hours", "Amount", "Note"],
        *[[c.occurred_on, c.get_kind_display(), c.hours, c.amount, c.note] for c in report.costs],
    ]
    return [
        ("Summary", summary),
        ("Audiences", audiences),
        ("Questions", questions),
        ("By audience", by_audience),
        ("Over time", weeks),
        ("Themes", themes),
        ("Hosting costs", costs),
        ("Devices", _device_rows(report.devices)),
        ("Incidents", _incident_rows(report.devices)),
    ]


def report_xlsx_response(report: Report, *, filename: str) -> HttpResponse:
    return xlsx_response(report_sheets(report), filename=filename)
