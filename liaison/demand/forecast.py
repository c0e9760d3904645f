"""Seasonal forecasts of monthly figures with statsmodels (ADR 0051).

A seasonal ARIMA (SARIMAX, order (1,0,0), seasonal (0,1,1) with period 12: each month like the
same month a year before, adjusted by how the recent months ran) is fitted to the monthly
history. statsmodels' state-space model takes missing months as missing (a closure, a
pandemic year) instead of needing them filled. The forecast's 80% prediction interval is the
band on the chart. With fewer than `MIN_MONTHS` months of figures, or when the model cannot
be fitted, there is no forecast and the page says why.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field

from liaison.demand.periods import add_months

MIN_MONTHS = 24  # two full seasons: fewer cannot tell a season from noise
HORIZON = 12
LEVEL = 0.80


@dataclass(frozen=True)
class ForecastMonth:
    month: dt.date
    mean: float
    low: float
    high: float


@dataclass
class Forecast:
    months: list[ForecastMonth] = field(default_factory=list)
    reason: str = ""  # why there is no forecast
    history_months: int = 0
    level: float = LEVEL

    @property
    def ok(self) -> bool:
        return bool(self.months)


def seasonal_forecast(history: list[tuple[dt.date, float]], *, horizon: int = HORIZON) -> Forecast:
    """Forecast the `horizon` months after the last month of `history` ((month, figure) pairs,
    any order, gaps allowed)."""
    points = sorted((m.replace(day=1), float(v)) for m, v in history if v is not None)
    if len(points) < MIN_MONTHS:
        return Forecast(
            reason=f"Too little history for a seasonal forecast: {len(points)} month(s) of figures, and a forecast "
            f"needs at least {MIN_MONTHS} (two full years) to tell the season from chance.",
            history_months=len(points),
        )
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    first, last = points[0][0], points[-1][0]
    index = pd.period_range(first, last, freq="M")
    values = pd.Series(np.nan, index=index)
    for month, value in points:
        values[pd.Period(month, freq="M")] = value
    # The recent past: at most ten years, so a branch's 2008 does not set its 2027.
    values = values.iloc[-120:]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = SARIMAX(values, order=(1, 0, 0), seasonal_order=(0, 1, 1, 12), trend="n")
            fitted = model.fit(disp=False, maxiter=200)
            frame = fitted.get_forecast(steps=horizon).summary_frame(alpha=1 - LEVEL)
    except Exception as exc:  # numerical failure: say so rather than draw a wrong line
        return Forecast(reason=f"The seasonal model could not be fitted to these figures ({type(exc).__name__}).",
                        history_months=len(points))  # fmt: skip
    months = []
    for step, (_, row) in enumerate(frame.iterrows(), start=1):
        mean, low, high = (float(row["mean"]), float(row["mean_ci_lower"]), float(row["mean_ci_upper"]))
        if not all(np.isfinite([mean, low, high])):
            return Forecast(reason="The seasonal model gave no usable forecast for these figures.",
                            history_months=len(points))  # fmt: skip
        months.append(ForecastMonth(add_months(last, step), max(mean, 0.0), max(low, 0.0), max(high, 0.0)))
    return Forecast(months=months, history_months=len(points))


@dataclass(frozen=True)
class FullAnswer:
    """'When will the lab be full at peak?' for one lab."""

    place: str
    seats: int | None
    latest_peak: float | None
    expected_full: dt.date | None  # the forecast's central line reaches the seats
    may_be_full: dt.date | None  # the band's upper edge reaches them
    sentence: str


def when_full(place: str, seats: int | None, history: list[tuple[dt.date, float]], forecast: Forecast) -> FullAnswer:
    latest = max(history)[1] if history else None
    if not seats:
        return FullAnswer(
            place, seats, latest, None, None, f"{place}: the seat count is not recorded, so fullness cannot be judged."
        )
    if not forecast.ok:
        return FullAnswer(place, seats, latest, None, None, f"{place}: {forecast.reason}")
    expected = next((m.month for m in forecast.months if m.mean >= seats), None)
    possible = next((m.month for m in forecast.months if m.high >= seats), None)
    end = forecast.months[-1].month
    if expected:
        sentence = f"{place} is expected to be full at peak in {expected:%B %Y} ({seats} seats)."
    elif possible:
        sentence = (
            f"{place} is not expected to fill by {end:%B %Y}, but may be full at peak from {possible:%B %Y} "
            f"(the upper edge of the {int(forecast.level * 100)}% range reaches its {seats} seats)."
        )
    else:
        peak = max(m.high for m in forecast.months)
        sentence = (
            f"{place} will not be full at peak within the horizon (to {end:%B %Y}): at most {peak:.0f} of "
            f"{seats} seats in the {int(forecast.level * 100)}% range."
        )
    return FullAnswer(place, seats, latest, expected, possible, sentence)
