"""Insights pages: the director's overview, one page per dashboard, exports, scheduled
reports. Thin adapters: parse the period, call one selector or service, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core import charts as core_charts
from liaison.core import exports as core_exports
from liaison.core.access import roles
from liaison.core.adapters import form_errors_from
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.insights import charts, exports, forms, periods, policy, selectors, services
from liaison.insights.models import ScheduledReport

VIEW = policy.VIEW_ROLES


def _span(request):
    return periods.resolve(
        request.GET.get("period") or None, first=request.GET.get("first"), last=request.GET.get("last")
    )


def _bad_period(request, exc: ValidationError, key: str):
    errors = getattr(exc, "error_dict", {})
    messages = [(name, " ".join(e.message for e in errs)) for name, errs in errors.items()] or [("period", str(exc))]
    context = {
        "errors": messages,
        "choices": periods.CHOICES,
        "dashboards": selectors.DASHBOARDS,
        "current": key,
        "query": request.GET,
    }
    return render(request, "insights/bad_period.html", context, status=400)


def _chart_view(chart: selectors.Chart, dashboard: selectors.Dashboard) -> dict:
    image = core_charts.image_or_none(chart.spec, f"insights.{chart.key}")
    vega = None
    if chart.spec is not None:
        try:
            vega = json.dumps(charts.to_vega(chart.spec))
        except Exception:  # the SVG stays; the browser just cannot interact
            vega = None
    query = dashboard.span.as_query()
    base = reverse("insights:chart_export", args=[dashboard.key, chart.key, "csv"])
    return {
        "chart": chart,
        "image": image,
        "vega": vega,
        "csv": f"{base}?{query}",
        "xlsx": reverse("insights:chart_export", args=[dashboard.key, chart.key, "xlsx"]) + f"?{query}",
    }


def _page(request, key: str, template: str):
    try:
        span = _span(request)
    except ValidationError as exc:
        return _bad_period(request, exc, key)
    dashboard = selectors.dashboard_for_user(user=request.user, key=key, span=span)
    query = span.as_query()
    context = {
        "dashboard": dashboard,
        "span": span,
        "charts": [_chart_view(c, dashboard) for c in dashboard.charts],
        "choices": periods.CHOICES,
        "dashboards": selectors.DASHBOARDS,
        "current": key,
        "query": query,
        "xlsx": reverse("insights:export", args=[key, "xlsx"]) + f"?{query}",
        "pdf": reverse("insights:export", args=[key, "pdf"]) + f"?{query}",
        "demand_url": selectors.demand_url(),
        "can_schedule": policy.can_schedule_reports(request.user),
    }
    return render(request, template, context)


@roles(*VIEW)
@require_GET
def home(request):
    return _page(request, "director", "insights/home.html")


@roles(*VIEW)
@require_GET
def dashboard(request, key: str):
    if key not in selectors.DASHBOARDS or key == "director":
        raise Http404("No such dashboard.")
    return _page(request, key, "insights/dashboard.html")


@roles(*VIEW)
@require_GET
def export(request, key: str, fmt: str):
    if key not in selectors.DASHBOARDS or fmt not in ("xlsx", "pdf"):
        raise Http404("No such export.")
    try:
        span = _span(request)
    except ValidationError as exc:
        return _bad_period(request, exc, key)
    board = selectors.dashboard_for_user(user=request.user, key=key, span=span)
    name = exports.filename(board)
    if fmt == "xlsx":
        response = HttpResponse(exports.dashboard_xlsx(board), content_type=core_exports.XLSX_TYPE)
    else:
        response = HttpResponse(exports.dashboard_pdf(board), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@roles(*VIEW)
@require_GET
def chart_export(request, key: str, chart: str, fmt: str):
    if key not in selectors.DASHBOARDS or fmt not in ("csv", "xlsx", "png"):
        raise Http404("No such export.")
    try:
        span = _span(request)
    except ValidationError as exc:
        return _bad_period(request, exc, key)
    board = selectors.dashboard_for_user(user=request.user, key=key, span=span)
    try:
        found = board.chart(chart)
    except ValidationError:
        raise Http404("No such chart.") from None
    name = exports.filename(board, found)
    if fmt == "csv":
        response = HttpResponse(exports.chart_csv(found), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(exports.chart_xlsx(board, found), content_type=core_exports.XLSX_TYPE)
    else:
        png = exports.chart_png(found)
        if png is None:
            raise Http404("This chart has nothing to draw for the period.")
        response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@roles(*VIEW)
@require_http_methods(["GET", "POST"])
def reports(request):
    form = forms.ScheduledReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if not policy.can_schedule_reports(request.user):
            form.add_error(None, "Only supervisors schedule reports.")
            status = 403
        elif form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

            def create() -> dict:
                report = services.scheduled_report_create(actor=request.user, **fields)
                return {"id": str(report.pk)}

            try:
                _made, replayed = run_once_for_form(
                    request, endpoint="insights.report_create", key=form.cleaned_data["idempotency_key"], work=create
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            except IdempotencyError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                if replayed:
                    messages.info(request, "The form was sent twice; the report was scheduled once.")
                return redirect("insights:reports")
    context = {
        "form": form,
        "reports": selectors.scheduled_reports_for_user(user=request.user),
        "can_schedule": policy.can_schedule_reports(request.user),
        "dashboards": selectors.DASHBOARDS,
        "current": "reports",
    }
    return render(request, "insights/reports.html", context, status=status)


@roles(*policy.SCHEDULE_ROLES)
@require_POST
def report_delete(request, report_id: str):
    report = selectors.scheduled_report_get_for_user(user=request.user, report_id=report_id, for_edit=True)
    services.scheduled_report_delete(actor=request.user, report=report)
    return redirect("insights:reports")


__all__ = ["ScheduledReport"]
