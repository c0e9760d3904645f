"""The report's charts (Vega-Lite specs built with Vega-Altair, rendered on the server by
vl-convert: SVG for the page, PNG for the PDF) and the form's QR code (segno).

Charts show only groups of SUPPRESS_BELOW answers or more, like the tables beside them; the
page embeds each as an <img>, so nothing in it runs. Every chart has its table beside it."""

from __future__ import annotations

import logging
from typing import Any

from liaison.core.charts import COLOURS, render_png, render_svg, svg_data_uri
from liaison.pilots.selectors import Results

logger = logging.getLogger(__name__)


def qr_data_uri(url: str) -> str:
    """The short link as a QR code (SVG), for posters on the device or in the room."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=8, border=2, dark="#111")


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ratings_spec(results: Results, *, width: int = 520) -> dict[str, Any] | None:
    import altair as alt

    values = [
        {"question": _short(q.text), "audience": g.label, "mean": g.value, "n": g.n}
        for q in results.questions
        if q.kind == "rating" and not q.suppressed
        for g in q.by_audience
        if g.n and not g.suppressed and g.value is not None
    ]
    if not values:
        return None
    scale_max = max(q.scale_max for q in results.questions if q.kind == "rating")
    order = list(dict.fromkeys(v["question"] for v in values))  # the form's own order
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("audience:N", title=None, sort=["Student", "Faculty", "Staff"]),
            x=alt.X("mean:Q", title="Mean rating", scale=alt.Scale(domain=[0, scale_max])),
            color=alt.Color("audience:N", scale=alt.Scale(range=COLOURS), legend=None),
            row=alt.Row(
                "question:N",
                sort=order,
                title=None,
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=12),
            ),
            tooltip=["question:N", "audience:N", "mean:Q", "n:Q"],
        )
        .properties(width=width, height=60, title="Ratings by audience (groups of 5 or more)")
        .configure_title(fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def weeks_spec(results: Results, *, width: int = 520) -> dict[str, Any] | None:
    import altair as alt

    values = [{"week": g.label, "answers": g.n} for g in results.weeks if not g.suppressed]
    if not values:
        return None
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=COLOURS[0])
        .encode(
            x=alt.X("week:O", title="Week starting", axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("answers:Q", title="Answers"),
            tooltip=["week:O", "answers:Q"],
        )
        .properties(width=width, height=200, title="Answers over time, by week")
        .configure_title(fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def themes_spec(results: Results, *, width: int = 520) -> dict[str, Any] | None:
    import altair as alt

    values = [
        {"theme": _short(g.label, 40), "answers": g.n, "question": _short(q.text, 30)}
        for q in results.questions
        for g in q.themes
        if not g.suppressed
    ]
    if not values:
        return None
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=COLOURS[1])
        .encode(
            y=alt.Y("theme:N", sort="-x", title=None),
            x=alt.X("answers:Q", title="Answers"),
            tooltip=["question:N", "theme:N", "answers:Q"],
        )
        .properties(width=width, height=max(60, 24 * len(values)), title="Themes in the free text")
        .configure_title(fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


SPECS = {"ratings": ratings_spec, "weeks": weeks_spec, "themes": themes_spec}


def results_charts(results: Results) -> dict[str, str]:
    """<img> sources for the page, by chart name; a chart with nothing to show (or that failed
    to render, logged) is absent: its table says the same."""
    images: dict[str, str] = {}
    for name, build in SPECS.items():
        try:
            spec = build(results)
            if spec is not None:
                images[name] = svg_data_uri(render_svg(spec))
        except Exception:
            logger.exception("The pilot chart %s could not be rendered", name)
    return images


def results_pngs(results: Results) -> dict[str, bytes]:
    pngs: dict[str, bytes] = {}
    for name, build in SPECS.items():
        try:
            spec = build(results, width=440)
            if spec is not None:
                pngs[name] = render_png(spec)
        except Exception:
            logger.exception("The pilot chart %s could not be rendered as PNG", name)
    return pngs
