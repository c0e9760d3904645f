"""Partnership pages. Thin: parse, call one service or selector, render or redirect. Every
change is a POST to a service; refusals come back on the page with the field named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import public, roles
from liaison.core.adapters import form_errors_from, message_and_redirect
from liaison.core.htmx import htmx_template
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.core.pagination import CappedPaginator
from liaison.core.roles import DESK_ROLES, STAFF_ROLES, Role
from liaison.core.text import ascii_digits
from liaison.partnership import charts, exports, forms, ical, policy, selectors, services
from liaison.partnership.models import Need, ResourceRequest, SurveyRound

PAGE_SIZE = 50
PERIODS = {"6": 6, "12": 12, "24": 24}


def _once(request, form, endpoint: str, work: Callable[[], dict]) -> tuple[dict | None, int]:
    """Run a create once per the form's hidden key. Returns (answer, status); errors land on
    the form (answer None)."""
    key = form.cleaned_data.get("idempotency_key") or ""
    try:
        if key:
            body, replayed = run_once_for_form(request, endpoint=endpoint, key=key, work=work)
            if replayed:
                messages.info(request, "The form was sent twice; it was saved once.")
            return body, 302
        return work(), 302
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None, 400
    except IdempotencyError as exc:
        form.add_error(None, exc.message)
        return None, exc.status_code


def _page(request, items, *, per_page: int = PAGE_SIZE):
    return CappedPaginator(items, per_page).page_or_last(request.GET.get("page") or 1)


# --- The partnership page and its exports -------------------------------------------------------------------


def _period(request) -> tuple[dt.date, dt.date, str]:
    months = request.GET.get("months") or "12"
    if months not in PERIODS:
        months = "12"
    end = selectors.next_month(timezone.localdate())
    return selectors.months_back(end - dt.timedelta(days=1), PERIODS[months]), end, months


@roles(*STAFF_ROLES)
@require_GET
def overview(request):
    start, end, months = _period(request)
    data = selectors.partnership_overview(user=request.user, start=start, end=end)
    return render(
        request,
        "partnership/overview.html",
        {
            "o": data,
            "b": data.balance,
            "chart": charts.balance_chart(data.balance),
            "months": months,
            "periods": PERIODS.keys(),
            "can_derive": policy.can_run_derivation(request.user),
        },
    )


@roles(*STAFF_ROLES)
@require_GET
def export_pdf(request):
    start, end, _months = _period(request)
    data = selectors.partnership_overview(user=request.user, start=start, end=end)
    response = HttpResponse(exports.overview_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="partnership-{timezone.localdate():%Y-%m-%d}.pdf"'
    return response


@roles(*STAFF_ROLES)
@require_GET
def export_xlsx(request):
    start, end, _months = _period(request)
    data = selectors.partnership_overview(user=request.user, start=start, end=end)
    entries = selectors.ledger_entry_list(user=request.user, filters=selectors.LedgerFilters(start=start, end=end))
    response = HttpResponse(
        exports.overview_xlsx(data, entries=entries.iterator(chunk_size=1000)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="partnership-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


# --- The ledger -----------------------------------------------------------------------------------------------


@roles(*STAFF_ROLES)
@require_GET
def ledger_list(request):
    filters = selectors.LedgerFilters.from_params(request.GET)
    entries = selectors.ledger_entry_list(user=request.user, filters=filters)
    page = _page(request, entries)
    context = {
        "page": page,
        "entries": page.object_list,
        "filters": filters,
        "query": urlencode(filters.as_query()),
        "kinds": sorted(selectors.kind_labels().items(), key=lambda kv: kv[1]),
        "departments": selectors.department_choices(),
        "feeds": selectors.feed_list(),
        "can_derive": policy.can_run_derivation(request.user),
        "can_add": policy.can_create_ledger_entry(request.user),
    }
    template = htmx_template(request, "partnership/ledger.html", {"ledger-results": "results"})
    return render(request, template, context, status=400 if filters.errors else 200)


@roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def ledger_entry_new(request):
    if not policy.can_create_ledger_entry(request.user):
        raise PermissionDenied("Your account cannot add to the ledger.")
    initial = {"giver": request.user.department.code if request.user.department else ""}
    form = forms.LedgerEntryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

            def work() -> dict:
                entry = services.ledger_entry_create(actor=request.user, **data)
                return {"id": entry.pk}

            answer, status = _once(request, form, "partnership.ledger_entry_create", work)
            if answer is not None:
                messages.success(request, "Added to the ledger.")
                return redirect("partnership:entry", pk=answer["id"])
    return render(request, "partnership/entry_new.html", {"form": form}, status=status)


@roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def ledger_entry_detail(request, pk: int):
    entry = selectors.ledger_entry_get_for_user(user=request.user, pk=pk)
    if request.method == "POST" and not policy.can_correct_ledger_entry(request.user, entry):
        raise PermissionDenied("You cannot correct this entry.")
    form = forms.CorrectionForm(request.POST or None, initial={"count": entry.count, "hours": entry.hours})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                correction = services.ledger_entry_correct(actor=request.user, entry=entry, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "The correction replaces the entry in every total.")
                return redirect("partnership:entry", pk=correction.pk)
    return render(
        request,
        "partnership/entry.html",
        {
            "entry": entry,
            "kind_label": selectors.kind_label(entry.kind),
            "chain": selectors.ledger_entry_chain(entry),
            "form": form,
            "can_correct": policy.can_correct_ledger_entry(request.user, entry)
            and not hasattr(entry, "correction")
            and (not entry.is_derived or entry.is_orphaned),
        },
        status=status,
    )


@roles(Role.SUPERVISOR)
@require_POST
def ledger_derive(request):
    try:
        report = services.ledger_derive_now(actor=request.user)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "partnership:ledger")
    (messages.warning if report.failed else messages.success)(request, report.summary())
    return redirect("partnership:overview" if request.POST.get("next") == "overview" else "partnership:ledger")


# --- Goals and needs --------------------------------------------------------------------------------------------


def _goals_context(request, **override: Any) -> dict:
    user = request.user
    own = user.department.code if user.department else ""
    year = timezone.localdate().year
    return {
        "goals": selectors.goal_list(user=user),
        "needs": selectors.need_list(user=user),
        "goal_form": override.get("goal_form") or forms.GoalForm(initial={"department": own, "year": year}),
        "need_form": override.get("need_form") or forms.NeedForm(initial={"department": own}),
        "can_post": policy.is_supervisor(user),
    }


@roles(*STAFF_ROLES)
@require_GET
def goals(request):
    return render(request, "partnership/goals.html", _goals_context(request))


@roles(Role.SUPERVISOR)
@require_POST
def goal_new(request):
    form = forms.GoalForm(request.POST)
    status = 400
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

        def work() -> dict:
            return {"id": services.goal_create(actor=request.user, **data).pk}

        answer, status = _once(request, form, "partnership.goal_create", work)
        if answer is not None:
            messages.success(request, "Goal posted.")
            return redirect("partnership:goals")
    return render(request, "partnership/goals.html", _goals_context(request, goal_form=form), status=status)


@roles(Role.SUPERVISOR)
@require_POST
def need_new(request):
    form = forms.NeedForm(request.POST)
    status = 400
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

        def work() -> dict:
            return {"id": services.need_create(actor=request.user, **data).pk}

        answer, status = _once(request, form, "partnership.need_create", work)
        if answer is not None:
            messages.success(request, "Need posted. The other department can offer help against it.")
            return redirect("partnership:need", pk=answer["id"])
    return render(request, "partnership/goals.html", _goals_context(request, need_form=form), status=status)


def _need_context(request, need: Need, **override: Any) -> dict:
    user = request.user
    offers = selectors.need_offers(need=need)
    return {
        "need": need,
        "offers": offers,
        "offer_form": override.get("offer_form") or forms.OfferForm(),
        "can_offer": policy.can_offer_help(user, need) and need.status == Need.Status.OPEN,
        "can_change": policy.can_change_need(user, need),
        "can_answer": policy.can_change_need(user, need),
        "delivery_rights": {o.pk: policy.can_record_delivery(user, o.match) for o in offers if hasattr(o, "match")},
        "statuses": Need.Status.choices,
    }


@roles(*STAFF_ROLES)
@require_GET
def need_detail(request, pk: int):
    need = selectors.need_get_for_user(user=request.user, pk=pk)
    return render(request, "partnership/need.html", _need_context(request, need))


@roles(*STAFF_ROLES)
@require_POST
def need_status(request, pk: int):
    need = selectors.need_get_for_user(user=request.user, pk=pk)
    if not policy.can_change_need(request.user, need):
        raise PermissionDenied("Only the department that posted the need changes it.")
    form = forms.NeedStatusForm(request.POST)
    if form.is_valid():
        try:
            services.need_update(actor=request.user, need=need, data={"status": form.cleaned_data["status"]})
        except ValidationError as exc:
            return message_and_redirect(request, exc, "partnership:need", pk=pk)
        messages.success(request, "The need's status is changed.")
    return redirect("partnership:need", pk=pk)


@roles(*STAFF_ROLES)
@require_POST
def offer_new(request, pk: int):
    need = selectors.need_get_for_user(user=request.user, pk=pk)
    if not policy.can_offer_help(request.user, need):
        raise PermissionDenied("Staff of the other department offer help against a need.")
    form = forms.OfferForm(request.POST)
    status = 400
    if form.is_valid():

        def work() -> dict:
            return {
                "id": services.offer_create(
                    actor=request.user, need=need, description=form.cleaned_data["description"]
                ).pk
            }

        answer, status = _once(request, form, "partnership.offer_create", work)
        if answer is not None:
            messages.success(request, "Your offer is on the need; its department will answer.")
            return redirect("partnership:need", pk=pk)
    return render(request, "partnership/need.html", _need_context(request, need, offer_form=form), status=status)


@roles(*STAFF_ROLES)
@require_POST
def offer_answer(request, pk: int):
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    if not policy.can_answer_offer(request.user, offer):
        raise PermissionDenied("Only the department that posted the need answers its offers.")
    form = forms.OfferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or decline.")
        return redirect("partnership:need", pk=offer.need_id)
    try:
        if form.cleaned_data["action"] == "accept":
            services.offer_accept(actor=request.user, offer=offer, note=form.cleaned_data["note"])
            messages.success(request, "Offer accepted: record the delivery when the help is given.")
        else:
            services.offer_decline(actor=request.user, offer=offer, note=form.cleaned_data["note"])
            messages.success(request, "Offer declined.")
    except ValidationError as exc:
        return message_and_redirect(request, exc, "partnership:need", pk=offer.need_id)
    return redirect("partnership:need", pk=offer.need_id)


@roles(*STAFF_ROLES)
@require_POST
def match_update(request, pk: int):
    match = selectors.match_get_for_user(user=request.user, pk=pk)
    if not policy.can_record_delivery(request.user, match):
        raise PermissionDenied("Only the two sides record a delivery.")
    form = forms.DeliveryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the delivery date and hours.")
        return redirect("partnership:need", pk=match.need_id)
    data = form.cleaned_data
    try:
        if data["action"] == "cancel":
            services.match_cancel(actor=request.user, match=match, note=data["note"])
            messages.success(request, "The match is cancelled.")
        else:
            services.match_deliver(
                actor=request.user,
                match=match,
                delivered_on=data["delivered_on"],
                hours=data["hours"],
                note=data["note"],
            )
            messages.success(request, "Delivered: it counts in the ledger from the next update.")
    except ValidationError as exc:
        return message_and_redirect(request, exc, "partnership:need", pk=match.need_id)
    return redirect("partnership:need", pk=match.need_id)


# --- The survey ------------------------------------------------------------------------------------------------


def _default_round_initial() -> dict:
    term = selectors.current_term()
    return {"title": f"{term.name} round", "period_start": term.start, "period_end": term.end, "allows_anonymous": True}


@roles(*STAFF_ROLES)
@require_GET
def survey_list(request):
    rounds = list(selectors.survey_round_list(user=request.user))
    return render(
        request,
        "partnership/survey_list.html",
        {
            "rounds": rounds,
            "form": forms.SurveyRoundForm(initial=_default_round_initial()),
            "can_manage": policy.can_manage_survey(request.user),
            "answered": selectors.rounds_answered_by(user=request.user),
        },
    )


@roles(Role.SUPERVISOR)
@require_POST
def survey_new(request):
    form = forms.SurveyRoundForm(request.POST)
    status = 400
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}
        data["extra_questions"] = [line for line in data["extra_questions"].splitlines() if line.strip()]

        def work() -> dict:
            return {"id": services.survey_round_create(actor=request.user, **data).pk}

        answer, status = _once(request, form, "partnership.survey_round_create", work)
        if answer is not None:
            messages.success(request, "Round set up as a draft: open it when people should answer.")
            return redirect("partnership:survey_round", pk=answer["id"])
    rounds = list(selectors.survey_round_list(user=request.user))
    return render(
        request,
        "partnership/survey_list.html",
        {"rounds": rounds, "form": form, "can_manage": True, "answered": set()},
        status=status,
    )


@roles(*STAFF_ROLES)
@require_GET
def survey_round(request, pk: int):
    survey_round = selectors.survey_round_get_for_user(user=request.user, pk=pk)
    results = selectors.survey_round_results(survey_round=survey_round)
    others = [r for r in selectors.survey_round_list(user=request.user) if r.pk != survey_round.pk]
    return render(
        request,
        "partnership/survey_round.html",
        {
            "round": survey_round,
            "results": results,
            "evidence": selectors.round_evidence(survey_round=survey_round),
            "can_manage": policy.can_manage_survey(request.user),
            "answered": selectors.has_answered(user=request.user, survey_round=survey_round),
            "others": others,
        },
    )


@roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def survey_answer(request, pk: int):
    survey_round = selectors.survey_round_get_for_user(user=request.user, pk=pk)
    questions = selectors.survey_questions(survey_round=survey_round)
    form = forms.SurveyAnswerForm(
        request.POST or None, questions=questions, allows_anonymous=survey_round.allows_anonymous
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():

            def work() -> dict:
                services.survey_respond(
                    actor=request.user,
                    survey_round=survey_round,
                    answers=form.answers(),
                    anonymous=form.cleaned_data.get("anonymous", False),
                )
                return {"ok": True}  # nothing that could tie the response to the person

            answer, status = _once(request, form, "partnership.survey_respond", work)
            if answer is not None:
                messages.success(request, "Thank you: your answers are in.")
                return redirect("partnership:survey_round", pk=pk)
    return render(
        request,
        "partnership/survey_answer.html",
        {
            "round": survey_round,
            "form": form,
            "evidence": selectors.round_evidence(survey_round=survey_round),
            "evidence_question": next((q.pk for q in questions if q.evidence), None),
            "answered": selectors.has_answered(user=request.user, survey_round=survey_round),
            "is_open": survey_round.status == SurveyRound.Status.OPEN,
        },
        status=status,
    )


@roles(Role.SUPERVISOR)
@require_POST
def survey_transition(request, pk: int):
    survey_round = selectors.survey_round_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("to")
    try:
        if action == "open":
            services.survey_round_open(actor=request.user, survey_round=survey_round)
            messages.success(request, "The round is open: staff can answer now.")
        elif action == "closed":
            services.survey_round_close(actor=request.user, survey_round=survey_round)
            messages.success(request, "The round is closed; its answers are kept.")
        else:
            messages.error(request, "Choose open or close.")
    except ValidationError as exc:
        return message_and_redirect(request, exc, "partnership:survey_round", pk=pk)
    return redirect("partnership:survey_round", pk=pk)


@roles(*STAFF_ROLES)
@require_GET
def survey_compare(request):
    rounds = list(selectors.survey_round_list(user=request.user))
    raw_a, raw_b = request.GET.get("a", ""), request.GET.get("b", "")
    a, b = (int(raw_a), int(raw_b)) if ascii_digits(raw_a) and ascii_digits(raw_b) else (0, 0)
    comparison = None
    error = ""
    if a and b:
        if a == b:
            error = "Choose two different rounds."
        else:
            comparison = selectors.survey_round_comparison(user=request.user, earlier_pk=a, later_pk=b)
    elif len(rounds) >= 2 and not request.GET:
        comparison = selectors.survey_round_comparison(
            user=request.user, earlier_pk=rounds[1].pk, later_pk=rounds[0].pk
        )
    return render(
        request,
        "partnership/survey_compare.html",
        {"rounds": rounds, "comparison": comparison, "error": error, "a": a, "b": b},
        status=400 if error else 200,
    )


# --- Rollouts ---------------------------------------------------------------------------------------------------


@roles(*DESK_ROLES)
@require_GET
def rollout_list(request):
    include_past = request.GET.get("past") == "1"
    rollouts = selectors.rollout_list(user=request.user, include_past=include_past)
    today = timezone.localdate()
    return render(
        request,
        "partnership/rollouts.html",
        {
            "rollouts": rollouts,
            "include_past": include_past,
            "can_plan": policy.can_plan_rollout(request.user),
            "flag_until": today + dt.timedelta(days=selectors.FLAG_DAYS),
            "today": today,
        },
    )


@roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def rollout_new(request):
    if not policy.can_plan_rollout(request.user):
        raise PermissionDenied("IT staff plan rollouts.")
    form = forms.RolloutForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

            def work() -> dict:
                return {"id": services.rollout_create(actor=request.user, **data).pk}

            answer, status = _once(request, form, "partnership.rollout_create", work)
            if answer is not None:
                messages.success(
                    request, "Rollout planned. It is flagged until the library's consultation is recorded."
                )
                return redirect("partnership:rollout", pk=answer["id"])
    return render(request, "partnership/rollout_form.html", {"form": form, "rollout": None}, status=status)


@roles(*DESK_ROLES)
@require_GET
def rollout_detail(request, pk: int):
    rollout = selectors.rollout_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "partnership/rollout.html",
        {
            "rollout": rollout,
            "form": forms.ConsultationForm(
                initial={
                    "consulted_on": rollout.consulted_on or timezone.localdate(),
                    "consulted_with": rollout.consulted_with,
                    "library_response": rollout.library_response,
                }
            ),
            "can_consult": policy.can_record_consultation(request.user, rollout),
            "can_edit": policy.can_edit_rollout(request.user, rollout),
        },
    )


@roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def rollout_edit(request, pk: int):
    rollout = selectors.rollout_get_for_user(user=request.user, pk=pk)
    if not policy.can_edit_rollout(request.user, rollout):
        raise PermissionDenied("Only the IT department that planned it changes a rollout.")
    fields = [
        "title",
        "kind",
        "starts_on",
        "ends_on",
        "affected_services",
        "effect_on_library",
        "description",
        "status",
    ]
    form = forms.RolloutEditForm(request.POST or None, initial={f: getattr(rollout, f) for f in fields})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.rollout_update(
                    actor=request.user, rollout=rollout, data={f: form.cleaned_data[f] for f in fields}
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "Rollout changed.")
                return redirect("partnership:rollout", pk=pk)
    return render(request, "partnership/rollout_form.html", {"form": form, "rollout": rollout}, status=status)


@roles(*STAFF_ROLES)
@require_POST
def rollout_consultation(request, pk: int):
    rollout = selectors.rollout_get_for_user(user=request.user, pk=pk)
    if not policy.can_record_consultation(request.user, rollout):
        raise PermissionDenied("Library staff record the library's consultation.")
    form = forms.ConsultationForm(request.POST)
    if form.is_valid():
        try:
            services.rollout_record_consultation(actor=request.user, rollout=rollout, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "The library's consultation is recorded.")
            return redirect("partnership:rollout", pk=pk)
    return render(
        request,
        "partnership/rollout.html",
        {
            "rollout": rollout,
            "form": form,
            "can_consult": True,
            "can_edit": policy.can_edit_rollout(request.user, rollout),
        },
        status=400,
    )


@roles(*DESK_ROLES)
@require_GET
def calendar_page(request):
    return render(
        request,
        "partnership/calendar.html",
        {
            "has_link": selectors.has_calendar_link(user=request.user),
            "new_link": request.session.pop("partnership_calendar_link", ""),
        },
    )


@roles(*DESK_ROLES)
@require_POST
def calendar_link(request):
    token = services.calendar_link_make(actor=request.user)
    # Shown once, on the next page: kept in the session only until then.
    request.session["partnership_calendar_link"] = request.build_absolute_uri(
        reverse("partnership:calendar_feed", args=[token])
    )
    return redirect("partnership:calendar")


@public
@require_GET
def calendar_feed(request, token: str):
    """The rollout calendar for a calendar app: the secret link is the only key."""
    selectors.calendar_user_by_token(token=token)
    body = ical.rollouts_ical(selectors.calendar_rollouts(), site_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="it-rollouts.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- Requests for library resources ------------------------------------------------------------------------------


@roles(*STAFF_ROLES)
@require_GET
def request_list(request):
    status = request.GET.get("status", "")
    if status not in ResourceRequest.Status.values:
        status = ""
    requests = selectors.resource_request_list_for_user(user=request.user, status=status)
    page = _page(request, requests)
    return render(
        request,
        "partnership/requests.html",
        {
            "page": page,
            "requests": page.object_list,
            "status": status,
            "statuses": ResourceRequest.Status.choices,
            "can_request": policy.can_request_resources(request.user),
            "can_handle": policy.can_handle_resource_requests(request.user),
        },
    )


@roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def request_new(request):
    if not policy.can_request_resources(request.user):
        raise PermissionDenied("Staff of departments other than the library ask for library resources.")
    form = forms.ResourceRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

            def work() -> dict:
                return {"id": services.resource_request_create(actor=request.user, **data).pk}

            answer, status = _once(request, form, "partnership.resource_request_create", work)
            if answer is not None:
                messages.success(request, "Your request is with the library.")
                return redirect("partnership:request", pk=answer["id"])
    return render(request, "partnership/request_new.html", {"form": form}, status=status)


@roles(*STAFF_ROLES)
@require_GET
def request_detail(request, pk: int):
    item = selectors.resource_request_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "partnership/request.html",
        {
            "item": item,
            "form": forms.ResourceRequestActionForm(),
            "can_handle": policy.can_handle_resource_requests(request.user) and item.is_open,
        },
    )


@roles(*STAFF_ROLES)
@require_POST
def request_action(request, pk: int):
    item = selectors.resource_request_get_for_user(user=request.user, pk=pk)
    if not policy.can_handle_resource_requests(request.user):
        raise PermissionDenied("The library handles requests for its resources.")
    form = forms.ResourceRequestActionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "triage":
                services.resource_request_triage(actor=request.user, request=item, note=data["note"])
                messages.success(request, "You are handling this request.")
            elif data["action"] == "fulfil":
                services.resource_request_fulfil(
                    actor=request.user, request=item, note=data["note"], hours=data["hours"]
                )
                messages.success(request, "Fulfilled: the requester is told, and it counts in the ledger.")
            else:
                services.resource_request_decline(actor=request.user, request=item, note=data["note"])
                messages.success(request, "Declined, with your note.")
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return redirect("partnership:request", pk=pk)
    return render(
        request,
        "partnership/request.html",
        {"item": item, "form": form, "can_handle": policy.can_handle_resource_requests(request.user) and item.is_open},
        status=400,
    )


# --- Skills exchange ----------------------------------------------------------------------------------------------


@roles(*DESK_ROLES)
@require_GET
def skill_list(request):
    query = request.GET.get("q", "")
    skills = selectors.skill_list(user=request.user, query=query)
    template = htmx_template(request, "partnership/skills.html", {"skill-results": "results"})
    return render(
        request,
        template,
        {"skills": skills[:200], "q": query, "sessions": selectors.recent_skill_sessions(), "form": forms.SkillForm()},
    )


@roles(*DESK_ROLES)
@require_POST
def skill_new(request):
    form = forms.SkillForm(request.POST)
    status = 400
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

        def work() -> dict:
            return {"id": services.skill_create(actor=request.user, **data).pk}

        answer, status = _once(request, form, "partnership.skill_create", work)
        if answer is not None:
            messages.success(request, "Listed: people can find what you teach.")
            return redirect("partnership:skill", pk=answer["id"])
    return render(
        request,
        "partnership/skills.html",
        {
            "skills": selectors.skill_list(user=request.user)[:200],
            "q": "",
            "sessions": selectors.recent_skill_sessions(),
            "form": form,
        },
        status=status,
    )


def _skill_context(request, skill, **override: Any) -> dict:
    own = request.user.department.code if request.user.department else ""
    other = next(
        (
            d.code
            for d in selectors.department_choices()
            if d.code != (skill.person.department.code if skill.person.department else "")
        ),
        own,
    )
    return {
        "skill": skill,
        "sessions": selectors.skill_sessions(skill=skill),
        "form": override.get("form") or forms.SkillSessionForm(initial={"attendee_department": other}),
        "can_record": policy.can_record_session(request.user, skill),
        "can_edit": policy.can_edit_skill(request.user, skill),
    }


@roles(*DESK_ROLES)
@require_GET
def skill_detail(request, pk: int):
    skill = selectors.skill_get_for_user(user=request.user, pk=pk)
    return render(request, "partnership/skill.html", _skill_context(request, skill))


@roles(*DESK_ROLES)
@require_POST
def skill_session_new(request, pk: int):
    skill = selectors.skill_get_for_user(user=request.user, pk=pk)
    if not policy.can_record_session(request.user, skill):
        raise PermissionDenied("The teacher, or a supervisor, records a session.")
    form = forms.SkillSessionForm(request.POST)
    status = 400
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

        def work() -> dict:
            return {"id": services.skill_session_record(actor=request.user, skill=skill, **data).pk}

        answer, status = _once(request, form, "partnership.skill_session_record", work)
        if answer is not None:
            messages.success(request, "Session recorded.")
            return redirect("partnership:skill", pk=pk)
    return render(request, "partnership/skill.html", _skill_context(request, skill, form=form), status=status)


@roles(*DESK_ROLES)
@require_POST
def skill_toggle(request, pk: int):
    skill = selectors.skill_get_for_user(user=request.user, pk=pk)
    try:
        services.skill_update(actor=request.user, skill=skill, data={"is_active": not skill.is_active})
    except ValidationError as exc:
        return message_and_redirect(request, exc, "partnership:skill", pk=pk)
    messages.success(request, "Offered again." if not skill.is_active else "No longer offered; past sessions stay.")
    return redirect("partnership:skill", pk=pk)
