"""The desk reports pages: counts for any period by one or two dimensions, downloads, saved
reports, and the annual ACRL figures. Thin: parse the form, read `reports`, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from liaison.core.access import roles
from liaison.core.adapters import form_errors_from
from liaison.core.exports import csv_response, xlsx_response
from liaison.core.roles import STAFF_ROLES
from liaison.core.text import ascii_digits
from liaison.desk import reports, services
from liaison.desk.forms import ReportForm, SaveReportForm
from liaison.desk.models import SavedReport


def _table_from(form: ReportForm):
    data = form.cleaned_data
    period = reports.period_for(
        data["period"], anchor=data.get("anchor"), first=data.get("first"), last=data.get("last")
    )
    where = {"service_point": data["service_point"].pk} if data.get("service_point") else None
    return reports.desk_table(period=period, rows=data["rows"], columns=data.get("columns") or None, where=where)


@roles(*STAFF_ROLES)
@require_GET
def report(request):
    form = ReportForm(request.GET or None)
    table = None
    status = 200
    if request.GET and form.is_valid():
        try:
            table = _table_from(form)
        except ValidationError as exc:
            form_errors_from(form, exc)
            status = 400
        else:
            wanted = request.GET.get("format", "")
            name = f"desk-{table.rows_by.key}" + (f"-by-{table.columns_by.key}" if table.columns_by else "")
            name += f"-{table.period.first:%Y%m%d}-{table.period.last:%Y%m%d}"
            if wanted == "csv":
                return csv_response(table.grid(), filename=name)
            if wanted == "xlsx":
                return xlsx_response([(table.period.label, table.grid())], filename=name)
    elif request.GET:
        status = 400
    saved = SavedReport.objects.filter(owner=request.user).select_related("service_point")
    context = {
        "form": form,
        "table": table,
        "saved": saved,
        "save_form": SaveReportForm(),
        "query": request.GET.urlencode(),
    }
    return render(request, "desk/reports.html", context, status=status)


@roles(*STAFF_ROLES)
@require_POST
def report_save(request):
    form = ReportForm(request.POST)
    save_form = SaveReportForm(request.POST)
    if form.is_valid() and save_form.is_valid():
        try:
            saved = services.saved_report_create(
                actor=request.user, name=save_form.cleaned_data["name"], report=form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Saved as “{saved.name}”. It is in your saved reports below.")
            return redirect(reverse("desk:report") + "?" + saved_report_query(saved))
    else:
        messages.error(request, "Give the report a name (up to 80 characters) and valid settings to save it.")
    return redirect(reverse("desk:report") + "?" + request.POST.get("query", ""))


def saved_report_query(saved: SavedReport) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update({"period": saved.period, "rows": saved.rows, "columns": saved.columns})
    if saved.first and saved.last:
        query.update({"first": saved.first.isoformat(), "last": saved.last.isoformat()})
    if saved.service_point_id:
        query["service_point"] = str(saved.service_point_id)
    return query.urlencode()


@roles(*STAFF_ROLES)
@require_GET
def report_open(request, pk: int):
    saved = get_object_or_404(SavedReport, pk=pk, owner=request.user)
    return redirect(reverse("desk:report") + "?" + saved_report_query(saved))


@roles(*STAFF_ROLES)
@require_POST
def report_delete(request, pk: int):
    saved = get_object_or_404(SavedReport, pk=pk, owner=request.user)
    services.saved_report_delete(actor=request.user, report=saved)
    messages.success(request, f"“{saved.name}” is no longer saved.")
    return redirect("desk:report")


@roles(*STAFF_ROLES)
@require_GET
def acrl(request):
    from datetime import date

    raw = request.GET.get("fy", "")
    today_fy = reports.fiscal_year_of(date.today())[1].year
    try:
        fy = int(raw) if ascii_digits(raw) and len(raw) < 6 else today_fy
    except ValueError:
        fy = today_fy
    fy = min(max(fy, 1900), 2200)
    month = reports.fiscal_year_start_month()
    anchor = date(fy if month == 1 else fy - 1, month, 1)
    period = reports.period_for("fiscal_year", anchor=anchor)
    figures = reports.acrl_figures(period=period)
    rows = [
        ["Figure", "Count", "Definition"],
        ["Information-service transactions", figures.transactions, figures.definitions["transactions"]],
        ["Consultations", figures.consultations, figures.definitions["consultations"]],
        ["Total information services to individuals", figures.information_services, ""],
        ["Directional questions (excluded)", figures.directional, figures.definitions["directional"]],
        ["Of the information services: technology questions", figures.technology_share, ""],
    ]
    wanted = request.GET.get("format", "")
    if wanted == "csv":
        return csv_response(rows, filename=f"acrl-fy{fy}")
    if wanted == "xlsx":
        return xlsx_response([(f"FY{fy}", rows)], filename=f"acrl-fy{fy}")
    return render(
        request, "desk/acrl.html", {"figures": figures, "fy": fy, "years": range(today_fy, today_fy - 11, -1)}
    )
