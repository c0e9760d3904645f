"""The dashboards' chart specifications: Vega-Lite built with Vega-Altair (ADR 0045), one spec
per chart for the page (SVG), PDFs and e-mail (PNG) and the browser (compiled to Vega here, so
the browser needs only Vega and its CSP-safe expression interpreter; ADR 0046).

Each function takes plain rows (dicts) and returns a dict; None when there is nothing to draw.
Tests assert on the spec's data without drawing it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import altair as alt
from django.core.cache import cache

from liaison.core.charts import COLOURS

WIDTH = 560
FONT = "system-ui, -apple-system, Segoe UI, sans-serif"


def _finish(chart: Any, *, title: str = "") -> dict[str, Any]:
    spec = chart.properties(width=WIDTH).configure(font=FONT).configure_view(stroke=None).to_dict()
    spec.pop("$schema", None)
    spec["background"] = "white"
    spec["padding"] = 8
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    if title:
        spec["description"] = title
    return spec


def heatmap(rows: list[dict[str, Any]], *, facet: bool) -> dict[str, Any] | None:
    """rows: {point, weekday, weekday_no, hour, n}. One panel per service point."""
    if not rows:
        return None
    base = (
        alt.Chart(alt.Data(values=rows))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("hour:O", title="Hour of the day (campus time)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("weekday:N", title=None, sort=alt.EncodingSortField("weekday_no", order="ascending")),
            color=alt.Color("n:Q", title="Questions", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("point:N", title="Service point"),
                alt.Tooltip("weekday:N", title="Day"),
                alt.Tooltip("hour:O", title="Hour"),
                alt.Tooltip("n:Q", title="Questions"),
            ],
        )
    )
    if facet:
        chart = base.properties(width=WIDTH, height=150).facet(row=alt.Row("point:N", title=None))
        spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
        spec.pop("$schema", None)
        spec["background"] = "white"
        spec["padding"] = 8
        return spec
    return _finish(base.properties(height=170))


def bars(
    rows: list[dict[str, Any]],
    *,
    x_title: str,
    colour_field: str | None = None,
    colour_title: str = "",
    sort: list[str] | None = None,
    height: int | None = None,
) -> dict[str, Any] | None:
    """Horizontal bars: rows {label, n[, series]}; stacked by `series` when given."""
    if not rows or not any(r.get("n") for r in rows):
        return None
    labels = sort or list(dict.fromkeys(r["label"] for r in rows))
    encoding: dict[str, Any] = {
        "y": alt.Y("label:N", title=None, sort=labels, axis=alt.Axis(labelLimit=220)),
        "x": alt.X("sum(n):Q", title=x_title),
        "tooltip": [alt.Tooltip("label:N", title=" "), alt.Tooltip("n:Q", title=x_title)],
    }
    if colour_field:
        series = list(dict.fromkeys(r[colour_field] for r in rows))
        encoding["color"] = alt.Color(
            f"{colour_field}:N",
            title=colour_title,
            sort=series,
            scale=alt.Scale(domain=series, range=(COLOURS * 4)[: len(series)]),
            legend=alt.Legend(orient="bottom", columns=2, labelLimit=360),
        )
        encoding["order"] = alt.Order("series_no:Q")
        encoding["tooltip"].insert(1, alt.Tooltip(f"{colour_field}:N", title=colour_title))
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(color=COLOURS[0]).encode(**encoding)
    return _finish(chart.properties(height=height or max(60, 24 * len(labels))))


def lines(
    rows: list[dict[str, Any]], *, x_title: str, y_title: str, series_title: str = "", percent: bool = False
) -> dict[str, Any] | None:
    """rows: {x (ISO date), y, series}."""
    if not rows:
        return None
    series = list(dict.fromkeys(r["series"] for r in rows))
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "yearmonth(x):T",
                title=x_title,
                axis=alt.Axis(
                    format="%b %Y", labelAngle=0, tickCount={"interval": "month", "step": 1}, labelOverlap="greedy"
                ),
            ),
            y=alt.Y("y:Q", title=y_title, scale=alt.Scale(domain=[0, 100]) if percent else alt.Undefined),
            color=alt.Color(
                "series:N",
                title=series_title,
                sort=series,
                scale=alt.Scale(domain=series, range=(COLOURS * 4)[: len(series)]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("series:N", title=series_title or " "),
                alt.Tooltip("x:T", title=x_title, format="%b %Y"),
                alt.Tooltip("y:Q", title=y_title),
            ],
        )
    )
    return _finish(chart.properties(height=220))


def grouped_columns(
    rows: list[dict[str, Any]], *, x_title: str, y_title: str, series_title: str
) -> dict[str, Any] | None:
    """rows: {x (label), y, series}: two or three series side by side per x."""
    if not rows or not any(r.get("y") for r in rows):
        return None
    xs = list(dict.fromkeys(r["x"] for r in rows))
    series = list(dict.fromkeys(r["series"] for r in rows))
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            x=alt.X(
                "x:N", title=x_title, sort=xs, axis=alt.Axis(labelAngle=0 if len(xs) <= 4 else -35, labelLimit=140)
            ),
            xOffset=alt.XOffset("series:N", sort=series),
            y=alt.Y("y:Q", title=y_title),
            color=alt.Color(
                "series:N",
                title=series_title,
                sort=series,
                scale=alt.Scale(domain=series, range=(COLOURS * 4)[: len(series)]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("x:N", title=x_title),
                alt.Tooltip("series:N", title=series_title),
                alt.Tooltip("y:Q", title=y_title),
            ],
        )
    )
    return _finish(chart.properties(height=220))


def to_vega(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega spec the browser draws (compiled here, cached by digest)."""
    key = "insights:vega:" + hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    vega = cache.get(key)
    if vega is None:
        import vl_convert

        vega = vl_convert.vegalite_to_vega(spec)
        if isinstance(vega, str):
            vega = json.loads(vega)
        cache.set(key, vega, 3600)
    return vega
