"""The balance chart: one Vega-Lite spec (built with Vega-Altair), rendered on the server by
vl-convert as SVG for the page and as PNG for the PDF, so the page, the PDF and anyone
re-using the spec see the same chart. No JavaScript runs in the browser for it, and the page
embeds the SVG as an image, so nothing in it can run.

Every chart comes with its data table and a text alternative (selectors.Balance.text_alternative).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from liaison.core.charts import COLOURS, image, render_png, render_svg

if TYPE_CHECKING:
    from liaison.partnership.selectors import Balance

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 720, 240


def balance_spec(
    balance: Balance, *, width: int = WIDTH, height: int = HEIGHT, compact: bool = False
) -> dict[str, Any]:
    """A line per department: of what it asked and gave each month, the share it gave.
    `compact` is the phone's version: narrower, with month initials on the axis."""
    import altair as alt

    label_format = "%b" if compact else "%b %Y"
    values = [
        {
            "month": month.month.strftime("%Y-%m"),
            "label": month.month.strftime(label_format),
            "department": month.name,
            "share": month.give_share,
            "asks": month.asks,
            "gives": month.gives,
        }
        for month in balance.months
        if month.give_share is not None
    ]
    order = [month.strftime(label_format) for month in balance.month_starts]
    base = alt.Chart(alt.Data(values=values))
    x = alt.X("label:O", sort=order, title=None, axis=alt.Axis(labelAngle=-40 if not compact else -50))
    y = alt.Y("share:Q", title="Share given (%)", scale=alt.Scale(domain=[0, 100]))
    colour = alt.Color(
        "department:N",
        title=None,
        scale=alt.Scale(range=COLOURS),
        legend=alt.Legend(
            orient="top", direction="vertical" if compact else "horizontal", labelFontSize=12, labelLimit=0
        ),
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2.5).encode(
        x=x,
        y=y,
        color=colour,
        tooltip=[
            alt.Tooltip("department:N", title="Department"),
            alt.Tooltip("label:O", title="Month"),
            alt.Tooltip("share:Q", title="Share given (%)"),
            alt.Tooltip("asks:Q", title="Asked"),
            alt.Tooltip("gives:Q", title="Gave"),
        ],
    )
    even = (
        alt.Chart(alt.Data(values=[{"y": 50}]))
        .mark_rule(strokeDash=[4, 4], color="#8a94a3")
        .encode(y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 100])))
    )
    chart = (
        alt.layer(even, lines)
        .properties(
            width=width,
            height=height,
            title="Share given, by month (50% = even)"
            if compact
            else "Share of what each department gave, by month (50% = even)",
        )
        .configure_axis(labelFontSize=12 if compact else 11, titleFontSize=12)
        .configure_title(fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def balance_chart(balance: Balance) -> dict[str, Any]:
    """The page's chart, wide and (for phones) compact: <img> sources, or nothing (and a
    logged error) if rendering fails; the table and the text alternative carry the same
    figures either way."""
    try:
        wide = image(balance_spec(balance))
        phone = image(balance_spec(balance, width=300, height=200, compact=True))
    except Exception:
        logger.exception("The balance chart could not be rendered")
        return {"src": ""}
    return {**wide, "phone": phone}


__all__ = ["COLOURS", "balance_chart", "balance_spec", "render_png", "render_svg"]
