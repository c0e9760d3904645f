"""The balance chart: one Vega-Lite spec (built with Vega-Altair), rendered on the server by
vl-convert as SVG for the page and as PNG for the PDF, so the page, the PDF and anyone
re-using the spec see the same chart. No JavaScript runs in the browser for it, and the page
embeds the SVG as an image, so nothing in it can run.

Every chart comes with its data table and a text alternative (selectors.Balance.text_alternative).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

if TYPE_CHECKING:
    from liaison.partnership.selectors import Balance

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 720, 240
COLOURS = ["#1d4e89", "#0f6b5c", "#8a4b00", "#6b3fa0"]
CACHE_SECONDS = 3600


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


def _key(spec: dict[str, Any], fmt: str) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    return f"partnership:chart:{fmt}:{digest}"


def render_svg(spec: dict[str, Any]) -> str:
    key = _key(spec, "svg")
    svg = cache.get(key)
    if svg is None:
        import vl_convert

        svg = vl_convert.vegalite_to_svg(spec)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def render_png(spec: dict[str, Any], *, scale: float = 2) -> bytes:
    key = _key(spec, f"png{scale}")
    png = cache.get(key)
    if png is None:
        import vl_convert

        png = vl_convert.vegalite_to_png(spec, scale=scale)
        cache.set(key, png, CACHE_SECONDS)
    return png


def svg_data_uri(svg: str) -> str:
    """For an <img src=…>: an image cannot run scripts, whatever its text says."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _image(spec: dict[str, Any]) -> dict[str, str]:
    svg = render_svg(spec)
    size = re.search(r'<svg[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"', svg)
    width, height = size.groups() if size else ("", "")
    return {"src": svg_data_uri(svg), "width": width, "height": height}


def balance_chart(balance: Balance) -> dict[str, Any]:
    """The page's chart, wide and (for phones) compact: <img> sources, or nothing (and a
    logged error) if rendering fails; the table and the text alternative carry the same
    figures either way."""
    try:
        wide = _image(balance_spec(balance))
        phone = _image(balance_spec(balance, width=300, height=200, compact=True))
    except Exception:
        logger.exception("The balance chart could not be rendered")
        return {"src": ""}
    return {**wide, "phone": phone}
