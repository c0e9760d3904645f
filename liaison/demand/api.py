"""Demand in the API, read-only: the series of figures, one measure's monthly figures with
its forecast, and a calibration round's agreement. Figures come in through imports (the
browser flow or the command), where a person sees the preview."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema

from liaison.core.api_access import api_access
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.demand import selectors
from liaison.demand.models import Measure
from liaison.demand.policy import REPORT_ROLES

router = Router()
REPORT_ACCESS = api_access(*REPORT_ROLES)


class DemandSeriesOut(Schema):
    id: int
    measure: str
    place: str
    service_point: str | None
    lab: str | None


class DemandMonthOut(Schema):
    month: dt.date
    figure: float


class DemandForecastMonthOut(Schema):
    month: dt.date
    forecast: float
    low: float
    high: float


class DemandFiguresOut(Schema):
    measure: str
    place: str
    months: list[DemandMonthOut]
    forecast: list[DemandForecastMonthOut]
    forecast_level: float
    no_forecast_reason: str


class DemandAgreementOut(Schema):
    label: str
    pairs: int
    exact_pct: float | None
    within_one_pct: float | None
    weighted_kappa: float | None


class DemandRoundOut(Schema):
    month: dt.date
    sample_size: int
    raters: int
    overall: DemandAgreementOut
    by_desk: list[DemandAgreementOut]
    by_level: list[DemandAgreementOut]


@router.get("/series", response=page_of(DemandSeriesOut), auth=REPORT_ACCESS, summary="Series of imported figures")
def series_list(request, params: Query[PageParams], measure: str = ""):
    rows = selectors.series_list(measure=measure if measure in Measure.values else "")
    return api_page(
        rows,
        params=params,
        ids_first=False,
        serialize=lambda s: {
            "id": s.pk, "measure": s.measure, "place": s.place_name,
            "service_point": s.service_point.slug if s.service_point else None,
            "lab": s.room.name if s.room else None,
        },
    )  # fmt: skip


@router.get("/figures", response=DemandFiguresOut, auth=REPORT_ACCESS, summary="Monthly figures and forecast")
def figures(request, measure: str, place: str = ""):
    if measure not in Measure.values:
        raise Http404("No such measure.")
    history = selectors.monthly_figures(measure=measure, place_key=place.strip().casefold())
    forecast = selectors.cached_forecast(measure=measure, place_key=place.strip().casefold(), history=history)
    return {
        "measure": measure, "place": place or "all places",
        "months": [{"month": m, "figure": round(v, 2)} for m, v in history],
        "forecast": [{"month": f.month, "forecast": round(f.mean, 2), "low": round(f.low, 2), "high": round(f.high, 2)}
                     for f in forecast.months],
        "forecast_level": forecast.level, "no_forecast_reason": forecast.reason,
    }  # fmt: skip


def _agreement(g) -> dict:
    return {"label": g.label, "pairs": g.pairs, "exact_pct": g.exact_pct, "within_one_pct": g.within_one_pct,
            "weighted_kappa": g.kappa}  # fmt: skip


@router.get("/calibration", response=DemandRoundOut, auth=REPORT_ACCESS, summary="READ calibration agreement")
def calibration(request, month: str = ""):
    round = None
    if month:
        try:
            day = dt.datetime.strptime(month[:7], "%Y-%m").date()
        except ValueError:
            raise Http404("Give the month as YYYY-MM.") from None
        round = selectors.calibration_round_for_month(month=day)
    else:
        round = selectors.calibration_round_current()
    if round is None:
        raise Http404("No calibration round yet.")
    report = selectors.calibration_agreement(round=round)
    return {
        "month": round.month, "sample_size": round.sample_size, "raters": report.raters,
        "overall": _agreement(report.overall), "by_desk": [_agreement(g) for g in report.by_desk],
        "by_level": [_agreement(g) for g in report.by_level],
    }  # fmt: skip
