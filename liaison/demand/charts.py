"""The demand page's chart: history and forecast with its prediction band, one Vega-Lite spec
(Vega-Altair) drawn on the server by `core.charts` (ADR 0045). The table beside it and the
text alternative carry the same figures."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from liaison.core.charts import COLOURS, image
from liaison.demand.forecast import Forecast

logger = logging.getLogger(__name__)


def history_spec(
    *, title: str, unit: str, history: list[tuple[dt.date, float]], forecast: Forecast, width: int = 760,
    height: int = 260, compact: bool = False,
) -> dict[str, Any]:  # fmt: skip
    import altair as alt

    rows = [{"month": m.isoformat(), "figure": round(v, 2), "what": "Recorded"} for m, v in history]
    band = [
        {"month": f.month.isoformat(), "low": round(f.low, 2), "high": round(f.high, 2), "figure": round(f.mean, 2),
         "what": "Forecast"}
        for f in forecast.months
    ]  # fmt: skip
    if band and history:  # join the forecast to the last recorded month
        last_month, last_value = history[-1]
        band.insert(0, {"month": last_month.isoformat(), "low": last_value, "high": last_value, "figure": last_value,
                        "what": "Forecast"})  # fmt: skip
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y" if not compact else "%Y", labelAngle=0))
    y = alt.Y("figure:Q", title=unit)
    colour = alt.Color(
        "what:N", title=None, scale=alt.Scale(domain=["Recorded", "Forecast"], range=[COLOURS[0], COLOURS[2]]),
        legend=alt.Legend(orient="top"),
    )  # fmt: skip
    layers = []
    if band:
        layers.append(
            alt.Chart(alt.Data(values=band))
            .mark_area(opacity=0.25, color=COLOURS[2])
            .encode(x=x, y=alt.Y("low:Q", title=unit), y2="high:Q")
        )
    layers.append(alt.Chart(alt.Data(values=rows + band)).mark_line(strokeWidth=2).encode(x=x, y=y, color=colour))
    chart = (
        alt.layer(*layers)
        .properties(width=width, height=height, title=title)
        .configure_axis(labelFontSize=12 if compact else 11, titleFontSize=12)
        .configure_title(fontSize=14, anchor="start")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)  # built by us; validation costs 0.1 s a chart
    return spec


def history_chart(**kwargs: Any) -> dict[str, Any]:
    """The page's chart, wide and compact (phones): <img> sources, or {"src": ""} if drawing fails."""
    try:
        wide = image(history_spec(**kwargs))
        phone = image(history_spec(**kwargs, width=300, height=200, compact=True))
    except Exception:
        logger.exception("The demand chart could not be rendered")
        return {"src": ""}
    return {**wide, "phone": phone}
