"""Lab pages: the public QR page and status board, and the staff pages. Thin adapters:
parse, call one selector or service, render. Who may do what is `policy.py`'s answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from liaison.core.access import public, roles
from liaison.core.adapters import form_errors_from, message_and_redirect
from liaison.core.htmx import htmx_template
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.labs import board_cache, figures, forms, policy, qr, selectors, services
from liaison.labs.models import Incident

PAGE_SIZE = 50
VIEW = policy.STAFF_VIEW_ROLES
WORK = policy.EQUIPMENT_ROLES


def _public_url(request, asset) -> str:
    return request.build_absolute_uri(reverse("labs:device", args=[asset.public_code]))


# --- Public: the QR page and the status board -------------------------------------------------


@public
def device(request, code: str):
    """What a patron sees after scanning: does it work, is it already reported, and the form."""
    asset = selectors.asset_get_public(code=code)
    status_code = 200
    form = forms.PublicReportForm(request.POST or None, request.FILES or None, asset=asset)
    if request.method == "POST":
        status_code = 400
        if form.is_valid():
            if form.cleaned_data["website"]:
                form.add_error(None, "This report looks automated, so it was not filed. Ask at the lab desk.")
            else:
                data = form.cleaned_data

                def report() -> dict:
                    outcome = services.fault_report_public(
                        asset=asset, problem=data["problem"], note=data["note"], contact=data["contact"],
                        photo=data["photo"],
                    )  # fmt: skip
                    return {"joined": outcome.joined}

                try:
                    answer, _replayed = run_once_for_form(
                        request, endpoint="labs.report", key=data["idempotency_key"], work=report
                    )
                except ValidationError as exc:
                    form_errors_from(form, exc)
                    if "labs.reports_rate_limited" in {e.code for errs in exc.error_dict.values() for e in errs}:
                        status_code = 429
                except IdempotencyError as exc:
                    form.add_error(None, exc.message)
                    status_code = exc.status_code
                else:
                    thanks = "joined" if answer["joined"] else "new"
                    return redirect(f"{reverse('labs:device', args=[asset.public_code])}?thanks={thanks}")
    context = {
        "asset": asset,
        "status": selectors.asset_public_status(asset),
        "form": form,
        "thanks": request.GET.get("thanks", "") if request.method == "GET" else "",
    }
    return render(request, "labs/device.html", context, status=status_code)


@public
@require_GET
def board(request):
    """The status board: every lab, or one (?lab=<id>); ?kiosk=1 for the entrance screen.
    Visitors without an account get one shared page (no CSRF token, no name in it), cached
    for a few seconds and dropped at every change (board_cache, ADR 0023)."""
    lab = request.GET.get("lab", "")[:12]
    kiosk = request.GET.get("kiosk") == "1"
    template = htmx_template(request, "labs/board.html", {"board": "board"})
    shared = not request.user.is_authenticated
    parts = (template, lab, str(kiosk))
    body, generation = board_cache.page_get(*parts) if shared else (None, 0)
    if body is None:
        data = selectors.status_board()
        labs = [entry for entry in data["labs"] if str(entry["id"]) == lab] if lab else data["labs"]
        context = {"board": data, "labs": labs, "lab": lab, "kiosk": kiosk, "all_labs": data["labs"],
                   "base_template": "labs/public_base.html" if shared or kiosk else "base.html"}  # fmt: skip
        body = render(request, template, context).content
        if shared:
            board_cache.page_set(parts, generation, body)
    response = HttpResponse(body)
    # Browsers and proxies must ask again each time, or a repaired printer would stay "down".
    response["Cache-Control"] = "no-cache"
    return response


@public
@require_GET
def board_json(request):
    response = JsonResponse(selectors.status_board())
    response["Cache-Control"] = "public, max-age=2"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Staff: inventory --------------------------------------------------------------------------


@roles(*VIEW)
@require_GET
def home(request):
    context = {
        "board": selectors.status_board(),
        "incidents": list(selectors.incident_list(user=request.user)[:50]),
        "can_work": policy.can_work_incident(request.user),
    }
    return render(request, "labs/home.html", context)


@roles(*VIEW)
@require_GET
def asset_list(request):
    filter_form = forms.AssetFilterForm(request.GET)
    assets = selectors.assets_for_user(user=request.user, **filter_form.filters())
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filter_form": filter_form, "can_edit": policy.can_edit_asset(request.user)}
    return render(request, htmx_template(request, "labs/asset_list.html", {"asset-results": "results"}), context)


@roles(*VIEW)
@require_GET
def asset_detail(request, asset_id: str):
    asset = selectors.asset_get_for_user(user=request.user, asset_id=asset_id)
    context = {
        "asset": asset,
        "public_url": _public_url(request, asset),
        "qr_svg": qr.qr_svg(_public_url(request, asset), scale=3),
        "status": selectors.asset_public_status(asset),
        "signal": selectors.printer_signal_for(asset),
        "incidents": selectors.asset_incidents(asset=asset),
        "maintenance": selectors.asset_maintenance(asset=asset),
        "figures": figures.asset_figures(user=request.user, asset=asset),
        "report_form": forms.StaffReportForm(asset=asset),
        "maintenance_form": forms.MaintenanceForm(),
        "can_edit": policy.can_edit_asset(request.user, asset),
        "can_plan": policy.can_plan_maintenance(request.user, asset),
    }
    return render(request, "labs/asset_detail.html", context)


def _asset_form_page(request, asset=None):
    initial = forms.AssetForm.initial_for(asset) if asset else {"status": "in_service"}
    form = forms.AssetForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                if asset is None:
                    asset = services.asset_create(actor=request.user, **form.cleaned_data)
                    messages.success(request, f"{asset.tag} is in the inventory.")
                else:
                    data = {name: form.cleaned_data[name] for name in form.changed_data}
                    asset = services.asset_update(actor=request.user, asset=asset, data=data)
                    messages.success(request, f"{asset.tag} is saved.")
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                return redirect("labs:asset", asset_id=asset.pk)
        return render(request, "labs/asset_form.html", {"form": form, "asset": asset}, status=400)
    return render(request, "labs/asset_form.html", {"form": form, "asset": asset})


@roles(*WORK)
def asset_create(request):
    return _asset_form_page(request)


@roles(*WORK)
def asset_edit(request, asset_id: str):
    return _asset_form_page(request, selectors.asset_get_for_user(user=request.user, asset_id=asset_id, for_edit=True))


@roles(*VIEW)
@require_POST
def asset_report(request, asset_id: str):
    asset = selectors.asset_get_for_user(user=request.user, asset_id=asset_id)
    form = forms.StaffReportForm(request.POST, asset=asset)
    if not form.is_valid():
        messages.error(
            request, "Choose a problem from the list. " + " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("labs:asset", asset_id=asset.pk)
    data = form.cleaned_data

    def report() -> dict:
        outcome = services.fault_report_staff(
            actor=request.user, asset=asset, problem=data["problem"], note=data["note"]
        )
        return {"incident": outcome.incident.pk, "joined": outcome.joined}

    try:
        answer, _ = run_once_for_form(request, endpoint="labs.staff_report", key=data["idempotency_key"], work=report)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "labs:asset", asset_id=asset.pk)
    except IdempotencyError as exc:
        messages.error(request, exc.message)
        return redirect("labs:asset", asset_id=asset.pk)
    messages.success(
        request, "Added to the open incident." if answer["joined"] else "Reported: IT has a ticket for it."
    )
    return redirect("labs:incident", incident_id=answer["incident"])


@roles(*WORK)
@require_POST
def asset_maintenance(request, asset_id: str):
    asset = selectors.asset_get_for_user(user=request.user, asset_id=asset_id)
    form = forms.MaintenanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the start, the end and the reason of the maintenance.")
        return redirect("labs:asset", asset_id=asset.pk)
    try:
        services.maintenance_plan(actor=request.user, asset=asset, **form.cleaned_data)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "labs:asset", asset_id=asset.pk)
    messages.success(request, "Maintenance planned: it will not count against availability.")
    return redirect("labs:asset", asset_id=asset.pk)


@roles(*VIEW)
@require_GET
def asset_qr(request, asset_id: str):
    asset = selectors.asset_get_for_user(user=request.user, asset_id=asset_id)
    svg = qr.qr_svg(_public_url(request, asset), scale=8)
    response = HttpResponse(f'<?xml version="1.0" encoding="utf-8"?>\n{svg}', content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{asset.pk}.svg"'
    return response


def _label_assets(request):
    filter_form = forms.AssetFilterForm(request.GET)
    return filter_form, list(selectors.assets_for_user(user=request.user, **filter_form.filters())[:300])


@roles(*VIEW)
@require_GET
def labels(request):
    """A print-ready page of labels (Avery 5160 layout), or the same as a PDF (?format=pdf)."""
    filter_form, assets = _label_assets(request)
    if request.GET.get("format") == "pdf":
        pdf = qr.label_sheet_pdf(assets, lambda a: _public_url(request, a))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="asset-labels.pdf"'
        return response
    items = [{"asset": a, "svg": qr.qr_svg(_public_url(request, a), scale=2)} for a in assets]
    return render(request, "labs/labels.html", {"items": items, "filter_form": filter_form,
                                                "query": request.GET.urlencode()})  # fmt: skip


# --- Staff: incidents ---------------------------------------------------------------------------


@roles(*VIEW)
@require_GET
def incident_list(request):
    open_only = request.GET.get("show") != "all"
    incidents = selectors.incident_list(user=request.user, open_only=open_only)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "labs/incident_list.html", {"page": page, "open_only": open_only})


@roles(*VIEW)
@require_GET
def incident_detail(request, incident_id: str):
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    allowed = services.TRANSITIONS[incident.state]
    context = {
        "incident": incident,
        "reports": selectors.incident_reports(incident=incident),
        "next_states": [(s, Incident.State(s).label) for s in allowed],
        "can_work": policy.can_work_incident(request.user, incident),
        "system_form": forms.IncidentSystemForm(initial={"system": incident.system_id}),
        "can_link": policy.can_link_system(request.user),
    }
    return render(request, "labs/incident_detail.html", context)


@roles(*WORK)
@require_POST
def incident_state(request, incident_id: str):
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id, for_work=True)
    form = forms.IncidentStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the incident's next state.")
        return redirect("labs:incident", incident_id=incident.pk)
    try:
        incident = services.incident_change_state(actor=request.user, incident=incident, **form.cleaned_data)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "labs:incident", incident_id=incident.pk)
    messages.success(request, f"Incident {incident.pk} is {incident.get_state_display().lower()}.")
    return redirect("labs:incident", incident_id=incident.pk)


# --- Staff: figures -------------------------------------------------------------------------------


@roles(*VIEW)
@require_GET
def reliability(request):
    try:
        days = int(request.GET.get("days", "90"))
    except ValueError:
        days = 90
    if days not in figures.PERIODS:
        days = 90
    devices, models = figures.reliability(user=request.user, days=days)
    context = {"devices": devices, "models": models, "days": days, "periods": figures.PERIODS,
               "chronic_failures": figures.CHRONIC_FAILURES, "chronic_availability": figures.CHRONIC_AVAILABILITY}  # fmt: skip
    return render(request, "labs/reliability.html", context)


@roles(*VIEW)
@require_GET
def usage(request):
    rows = []
    for room in selectors.labs():
        rows.append({"room": room, "hours": selectors.occupancy_by_hour(room_id=room.pk)})
        people = selectors.headcount_averages(room_id=room.pk)
        for hour in rows[-1]["hours"]:
            hour["people"] = people[hour["hour"]]["average"]
        rows[-1]["has_headcounts"] = any(h["average"] is not None for h in people)
    return render(request, "labs/usage.html", {"rows": rows, "pages": selectors.pages_per_day()})


# --- Staff: the library's systems that IT supports (ADR 0058) ------------------------------------


@roles(*VIEW)
@require_GET
def system_list(request):
    systems = list(selectors.system_list(user=request.user))
    return render(request, "labs/system_list.html",
                  {"systems": systems, "can_add": policy.can_add_system(request.user)})  # fmt: skip


@roles(*VIEW)
@require_GET
def system_detail(request, system_id: str):
    from liaison.labs import charts

    system = selectors.system_get_for_user(user=request.user, system_id=system_id)
    months = selectors.system_trouble_by_month(system=system)
    context = {
        "system": system,
        "months": months,
        "any_trouble": any(m["incidents"] or m["tickets"] for m in months),
        "chart": charts.system_trouble_image(months, name=system.name),
        "incidents": selectors.system_incidents(system=system),
        "tickets": selectors.system_tickets(system=system),
        "can_edit": policy.can_edit_system(request.user, system),
        "can_link": policy.can_link_system(request.user),
        "status_form": forms.SystemStatusForm(initial={"status": system.status, "status_note": system.status_note}),
        "ticket_form": forms.SystemTicketForm(),
        "contacts": [line for line in system.support_contacts.splitlines() if line.strip()],
        "issues": [line for line in system.known_issues.splitlines() if line.strip()],
    }
    return render(request, "labs/system_detail.html", context)


def _system_form_page(request, system=None):
    initial = forms.SystemForm.initial_for(system) if system else {"status": "operational"}
    form = forms.SystemForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                if system is None:
                    system = services.library_system_create(actor=request.user, data=form.cleaned_data)
                    messages.success(request, f"{system.name} is in the catalogue.")
                else:
                    data = {name: form.cleaned_data[name] for name in form.changed_data}
                    system = services.library_system_update(actor=request.user, system=system, data=data)
                    messages.success(request, f"{system.name} is saved.")
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                return redirect("labs:system", system_id=system.pk)
        return render(request, "labs/system_form.html", {"form": form, "system": system}, status=400)
    return render(request, "labs/system_form.html", {"form": form, "system": system})


@roles(*WORK)
def system_create(request):
    return _system_form_page(request)


@roles(*VIEW)
def system_edit(request, system_id: str):
    return _system_form_page(request, selectors.system_get_for_user(user=request.user, system_id=system_id,
                                                                    for_edit=True))  # fmt: skip


@roles(*VIEW)
@require_POST
def system_status(request, system_id: str):
    system = selectors.system_get_for_user(user=request.user, system_id=system_id, for_edit=True)
    form = forms.SystemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the system's status.")
        return redirect("labs:system", system_id=system.pk)
    try:
        system = services.library_system_update(actor=request.user, system=system, data=form.cleaned_data)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "labs:system", system_id=system.pk)
    messages.success(request, f"{system.name}: {system.get_status_display().lower()}. The desks see it now.")
    return redirect("labs:system", system_id=system.pk)


@roles(*VIEW)
@require_POST
def system_link_ticket(request, system_id: str):
    system = selectors.system_get_for_user(user=request.user, system_id=system_id)
    form = forms.SystemTicketForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the ticket's number.")
        return redirect("labs:system", system_id=system.pk)
    try:
        link = services.ticket_name_system(actor=request.user, system=system, ticket_key=form.cleaned_data["ticket"])
    except ValidationError as exc:
        return message_and_redirect(request, exc, "labs:system", system_id=system.pk)
    except Http404:
        messages.error(request, "No ticket with that number, or not one you can see.")
        return redirect("labs:system", system_id=system.pk)
    messages.success(request, f"Ticket #{link.ticket_id} names {system.name}.")
    return redirect("labs:system", system_id=system.pk)


@roles(*VIEW)
@require_POST
def incident_system(request, incident_id: str):
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    form = forms.IncidentSystemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a system from the list.")
        return redirect("labs:incident", incident_id=incident.pk)
    services.incident_name_system(actor=request.user, incident=incident, system=form.cleaned_data["system"])
    messages.success(request, "Saved.")
    return redirect("labs:incident", incident_id=incident.pk)
