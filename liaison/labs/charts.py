"""The labs app's charts (ADR 0045: one Vega-Lite spec, drawn on the server by core.charts)."""

from __future__ import annotations

from typing import Any

from liaison.core.charts import COLOURS, image_or_none


def system_trouble_spec(months: list[dict[str, Any]], *, name: str, width: int = 520) -> dict[str, Any] | None:
    """Incidents and tickets per month for one library system, side by side."""
    import altair as alt

    values = [
        {"month": row["month"], "what": what, "n": row[key]}
        for row in months
        for key, what in (("incidents", "Incidents"), ("tickets", "Tickets"))
    ]
    if not any(v["n"] for v in values):
        return None
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-40)),
            xOffset=alt.XOffset("what:N"),
            y=alt.Y("n:Q", title="Count", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("what:N", title=None, scale=alt.Scale(range=COLOURS[:1] + COLOURS[4:5])),
            tooltip=["month:O", "what:N", "n:Q"],
        )
        .properties(width=width, height=180, title=f"{name}: trouble by month")
        .configure_title(fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )
    return chart.to_dict()


def system_trouble_image(months: list[dict[str, Any]], *, name: str) -> dict[str, str] | None:
    return image_or_none(system_trouble_spec(months, name=name), "labs.system_trouble")
