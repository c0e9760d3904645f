"""The insights API: the same figures the pages show, one dashboard per call.

GET /api/v1/insights/{dashboard}?period=this_term|last_term|this_month|last_month|fiscal_year|
last_fiscal_year|custom[&first=YYYY-MM-DD&last=YYYY-MM-DD]. A bad period is a 400 naming the
field (`period`, `first` or `last`)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from liaison.core.api_access import api_access
from liaison.insights import periods, policy, selectors

router = Router()
VIEWERS = api_access(*policy.VIEW_ROLES)


class InsightsPeriodOut(Schema):
    label: str
    first: str
    last: str


class InsightsChartOut(Schema):
    key: str
    title: str
    answer: str
    text: str
    note: str
    columns: list[str]
    rows: list[list[Any]]


class InsightsDashboardOut(Schema):
    dashboard: str
    title: str
    period: InsightsPeriodOut
    compared_with: InsightsPeriodOut
    summary: str
    charts: list[InsightsChartOut]


def _period(p) -> dict[str, str]:
    return {"label": p.label, "first": p.first.isoformat(), "last": p.last.isoformat()}


@router.get("/{dashboard}", response=InsightsDashboardOut, auth=VIEWERS, summary="A dashboard's figures")
def dashboard(request, dashboard: str, period: str = "this_term", first: str = "", last: str = ""):
    if dashboard not in selectors.DASHBOARDS:
        raise HttpError(404, "No such dashboard.")
    span = periods.resolve(period, first=first or None, last=last or None)
    board = selectors.dashboard_for_user(user=request.user, key=dashboard, span=span)
    return {
        "dashboard": board.key,
        "title": board.title,
        "period": _period(span.period),
        "compared_with": _period(span.previous),
        "summary": board.summary,
        "charts": [
            {
                "key": c.key,
                "title": c.title,
                "answer": c.answer,
                "text": c.alt,
                "note": c.note,
                "columns": c.columns,
                "rows": [[_json(v) for v in row] for row in c.rows],
            }
            for c in board.charts
        ],
    }


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)
