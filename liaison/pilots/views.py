"""Pilot pages for staff (/pilots/) and the public feedback form (/p/<code>/). Thin adapters:
parse, call one selector or service, render. Who may do what is `policy.py`'s answer."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from liaison.core.access import public, roles
from liaison.core.adapters import form_errors_from, message_and_redirect
from liaison.core.errors import reject
from liaison.core.exports import safe_filename
from liaison.core.forms import new_one_time_key
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.core.pagination import CappedPaginator
from liaison.pilots import charts, exports, forms, policy, selectors, services
from liaison.pilots.models import Audience, Pilot

PAGE_SIZE = 30
TOKEN_SALT = "liaison.pilots.participation"  # noqa: S105 - a signing salt, not a secret
TOKEN_DAYS = 120


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


def _pilot_values(data: dict) -> tuple[dict, list, list]:
    """The pilot's fields, its rooms and its service points; `assets` stays in the values."""
    values = {k: v for k, v in data.items() if k not in ("idempotency_key", "rooms", "service_points")}
    values["assets"] = list(values.get("assets") or [])
    return values, list(data.get("rooms") or []), list(data.get("service_points") or [])


def _question_fields(questions, posted, errors: dict) -> list[dict]:
    """Each question with what was typed and what was wrong, for the form templates."""
    fields = []
    for q in questions:
        if q.kind == "rating":
            options = [(str(i), str(i)) for i in range(1, q.scale_max + 1)]
        elif q.kind == "choice":
            options = [(c, c) for c in q.choices]
        elif q.kind == "yes_no":
            options = list(services.YES_NO)
        elif q.kind == "task":
            options = list(services.TASK_OUTCOMES)
        else:
            options = []
        fields.append(
            {
                "q": q,
                "options": options,
                "value": posted.get(q.key, "") if posted else "",
                "comment": posted.get(f"{q.key}-comment", "") if posted else "",
                "errors": errors.get(q.key, []),
            }
        )
    return fields


# --- Pilots ---------------------------------------------------------------------------------


@roles(*policy.READER_ROLES)
@require_GET
def pilot_list(request):
    state = request.GET.get("state", "")
    pilots = selectors.pilot_list(user=request.user, state=state)
    page = CappedPaginator(pilots, PAGE_SIZE).page_or_last(request.GET.get("page") or 1)
    context = {
        "page": page,
        "state": state,
        "states": Pilot.State.choices,
        "can_propose": policy.can_propose_pilot(request.user),
    }
    return render(request, "pilots/list.html", context)


@roles(*policy.STAFF)
def pilot_new(request):
    if not policy.can_propose_pilot(request.user):
        return render(request, "403.html", status=403)
    initial = {"it_department": None, "library_department": None}
    form = forms.PilotCreateForm(request.POST or None, initial=initial, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values, rooms, points = _pilot_values(form.cleaned_data)

            def work() -> dict:
                pilot = services.pilot_propose(actor=request.user, rooms=rooms, service_points=points, **values)
                return {"pk": pilot.pk}

            answer, status = _once(request, form, "pilots.propose", work)
            if answer is not None:
                messages.success(request, "Pilot proposed. The other side agrees to it on its page.")
                return redirect("pilots:detail", pk=answer["pk"])
    return render(request, "pilots/pilot_form.html", {"form": form, "pilot": None}, status=status)


@roles(*policy.READER_ROLES)
@require_GET
def pilot_detail(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    user = request.user
    context = {
        "pilot": pilot,
        "history": selectors.pilot_history(pilot),
        "costs": selectors.pilot_costs(pilot),
        "totals": selectors.cost_totals(pilot),
        "pilot_forms": selectors.pilot_forms(pilot),
        "steps": services.allowed_steps(user, pilot),
        "can_edit": policy.can_edit_pilot(user, pilot) and pilot.state != Pilot.State.CLOSED,
        "can_record_cost": policy.can_record_cost(user, pilot) and pilot.state != Pilot.State.CLOSED,
        "can_manage_forms": policy.can_manage_forms(user, pilot)
        and pilot.state not in (Pilot.State.REPORTING, Pilot.State.CLOSED),
        "can_view_results": policy.can_view_results(user, pilot),
        "can_write_recommendation": policy.can_deliver_report(user, pilot)
        and pilot.state in (Pilot.State.RUNNING, Pilot.State.REPORTING),
        "can_theme": policy.can_read_free_text(user, pilot),
        "cost_form": forms.CostForm(initial={"occurred_on": pilot.starts_on}),
        "recommendation_form": forms.RecommendationForm(initial={"recommendation": pilot.recommendation}),
        "collects": pilot.collects_answers,
    }
    return render(request, "pilots/detail.html", context)


@roles(*policy.STAFF)
def pilot_edit(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk, for_edit=True)
    form = forms.PilotForm(
        request.POST or None, initial=forms.PilotForm.initial_for(pilot), user=request.user, pilot=pilot
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values, rooms, points = _pilot_values(form.cleaned_data)
            try:
                assets = values.pop("assets")
                services.pilot_update(
                    actor=request.user, pilot=pilot, data=values, rooms=rooms, service_points=points, assets=assets
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "Pilot saved.")
                return redirect("pilots:detail", pk=pilot.pk)
    return render(request, "pilots/pilot_form.html", {"form": form, "pilot": pilot}, status=status)


@roles(*policy.STAFF)
@require_POST
def pilot_transition(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    recommendation = request.POST.get("recommendation")
    try:
        pilot = services.pilot_transition(
            actor=request.user,
            pilot=pilot,
            to_state=request.POST.get("to_state", "")[:20],
            recommendation=recommendation,
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, "pilots:detail", pk=pk)
    messages.success(request, f"The pilot is now {pilot.get_state_display().lower()}.")
    return redirect("pilots:detail", pk=pk)


@roles(*policy.STAFF)
@require_POST
def pilot_recommendation(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    form = forms.RecommendationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Recommendation: keep it under 8,000 characters.")
        return redirect("pilots:detail", pk=pk)
    try:
        services.pilot_write_recommendation(
            actor=request.user, pilot=pilot, recommendation=form.cleaned_data["recommendation"]
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, "pilots:detail", pk=pk)
    messages.success(request, "Recommendation saved. It is delivered with the report.")
    return redirect("pilots:detail", pk=pk)


@roles(*policy.STAFF)
@require_POST
def cost_new(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    if not policy.can_record_cost(request.user, pilot):
        return render(request, "403.html", status=403)
    form = forms.CostForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[f].label or f}: {e[0]}" for f, e in form.errors.items()))
        return redirect("pilots:detail", pk=pk)
    data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

    def work() -> dict:
        return {"pk": services.hosting_cost_record(actor=request.user, pilot=pilot, **data).pk}

    answer, _status = _once(request, form, "pilots.cost_record", work)
    if answer is None:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, "Hosting cost recorded.")
    return redirect("pilots:detail", pk=pk)


# --- Forms --------------------------------------------------------------------------------------


def _feedback_form_values(cleaned: dict) -> tuple[dict, list]:
    questions = services.parse_question_lines(cleaned["questions"])
    values = {k: cleaned[k] for k in ("title", "intro", "quota_student", "quota_faculty", "quota_staff")}
    return values, questions


@roles(*policy.STAFF)
def form_new(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    if not policy.can_manage_forms(request.user, pilot):
        return render(request, "403.html", status=403)
    form = forms.FeedbackFormCreateForm(
        request.POST or None,
        initial={
            "title": f"Tell us about: {pilot.title}"[:200],
            "questions": "rating [ease]*: How easy was it to use?\n"
            "task [task-1]: Try the main task. Did it work?\n"
            "yes_no [keep]: Would you like the library to keep it?\n"
            "text [comments]: Anything else we should tell IT?",
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                values, questions = _feedback_form_values(form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:

                def work() -> dict:
                    made = services.feedback_form_create(actor=request.user, pilot=pilot, questions=questions, **values)
                    return {"pk": made.pk}

                answer, status = _once(request, form, "pilots.form_create", work)
                if answer is not None:
                    messages.success(request, "Form made. Print its poster, or share its short link.")
                    return redirect("pilots:form_poster", pk=pilot.pk, form_id=answer["pk"])
    return render(
        request, "pilots/form_edit.html", {"form": form, "pilot": pilot, "feedback_form": None}, status=status
    )


@roles(*policy.STAFF)
def form_edit(request, pk: int, form_id: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    feedback_form = selectors.form_get_for_user(user=request.user, pilot=pilot, pk=form_id, for_edit=True)
    initial = {
        "title": feedback_form.title,
        "intro": feedback_form.intro,
        "questions": services.question_lines(feedback_form.current_version),
        "quota_student": feedback_form.quota_student,
        "quota_faculty": feedback_form.quota_faculty,
        "quota_staff": feedback_form.quota_staff,
        "is_open": feedback_form.is_open,
    }
    form = forms.FeedbackFormForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                values, questions = _feedback_form_values(form.cleaned_data)
                services.feedback_form_update(
                    actor=request.user,
                    form=feedback_form,
                    data={**values, "is_open": form.cleaned_data["is_open"]},
                    questions=questions,
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "Form saved. Answers already given stay with the version they were given on.")
                return redirect("pilots:detail", pk=pilot.pk)
    context = {"form": form, "pilot": pilot, "feedback_form": feedback_form}
    return render(request, "pilots/form_edit.html", context, status=status)


def _public_url(request, code: str, *, qr: bool = False) -> str:
    url = request.build_absolute_uri(reverse("pilots:answer", args=[code]))
    return url + "?via=qr" if qr else url


@roles(*policy.READER_ROLES)
@require_GET
def form_poster(request, pk: int, form_id: int):
    """A printable poster: the QR code, the short link, and what the pilot is."""
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    feedback_form = selectors.form_get_for_user(user=request.user, pilot=pilot, pk=form_id)
    context = {
        "pilot": pilot,
        "feedback_form": feedback_form,
        "link": _public_url(request, feedback_form.code),
        "qr": charts.qr_data_uri(_public_url(request, feedback_form.code, qr=True)),
    }
    return render(request, "pilots/poster.html", context)


@roles(*policy.READER_ROLES)
def desk_answer(request, pk: int, form_id: int):
    """Staff type in the answers of someone at the desk (a hidden one-time key: once)."""
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    feedback_form = selectors.form_get_for_user(user=request.user, pilot=pilot, pk=form_id)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")

        def work() -> dict:
            response = services.response_record_at_desk(
                actor=request.user, form=feedback_form, audience=request.POST.get("audience", ""), answers=request.POST
            )
            return {"id": str(response.pk)}

        try:
            if not key:
                raise reject("__all__", "This form is out of date: reload the page and send it again.")
            _body, replayed = run_once_for_form(request, endpoint="pilots.desk_answer", key=key, work=work)
            if replayed:
                messages.info(request, "The form was sent twice; the answers were recorded once.")
        except ValidationError as exc:
            errors, status = exc.message_dict, 400
        except IdempotencyError as exc:
            errors, status = {"__all__": [exc.message]}, exc.status_code
        else:
            messages.success(request, "Answers recorded. Thank them for their help.")
            return redirect("pilots:desk_answer", pk=pk, form_id=form_id)
    ok, why = services.collecting(feedback_form)
    context = {
        "pilot": pilot,
        "feedback_form": feedback_form,
        "fields": _question_fields(selectors.form_questions(feedback_form), request.POST, errors),
        "audiences": Audience.choices,
        "audience": request.POST.get("audience", ""),
        "errors": errors,
        "top_errors": errors.get("__all__", []),
        "collecting": ok,
        "why": why,
        "idempotency_key": new_one_time_key(),
        "desk": True,
    }
    return render(request, "pilots/desk_answer.html", context, status=status)


# --- Results, themes and the report -------------------------------------------------------------


@roles(*policy.STAFF)
@require_GET
def results(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    found = selectors.results_get_for_user(user=request.user, pilot=pilot)
    context = {"pilot": pilot, "results": found, "charts": charts.results_charts(found)}
    return render(request, "pilots/results.html", context)


@roles(*policy.STAFF)
def themes(request, pk: int):
    """Free text, for the pilot's two sides; the library files each answer under a theme."""
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    answers = selectors.free_text_for_user(
        user=request.user, pilot=pilot, unthemed_only=request.GET.get("unthemed") == "1"
    )
    if request.method == "POST":
        form = forms.ThemeForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Theme: choose an answer and a name of at most 80 characters.")
        else:
            try:
                services.answer_set_theme(
                    actor=request.user,
                    pilot=pilot,
                    answer_id=str(form.cleaned_data["answer"]),
                    theme_name=form.cleaned_data["theme"],
                )
            except ValidationError as exc:
                return message_and_redirect(request, exc, "pilots:themes", pk=pk)
            messages.success(request, "Theme saved.")
        return redirect(
            reverse("pilots:themes", args=[pk]) + ("?unthemed=1" if request.GET.get("unthemed") == "1" else "")
        )
    page = CappedPaginator(answers, 50).page_or_last(request.GET.get("page") or 1)
    context = {
        "pilot": pilot,
        "page": page,
        "themes": selectors.theme_list(pilot),
        "unthemed": request.GET.get("unthemed") == "1",
        "can_theme": policy.can_theme_answers(request.user, pilot),
    }
    return render(request, "pilots/themes.html", context)


@roles(*policy.STAFF)
@require_GET
def report(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    found = selectors.report_get_for_user(user=request.user, pilot=pilot)
    context = {
        "pilot": pilot,
        "report": found,
        "results": found.results,
        "charts": charts.results_charts(found.results),
        "can_edit": policy.can_edit_pilot(request.user, pilot) and pilot.state != Pilot.State.CLOSED,
    }
    return render(request, "pilots/report.html", context)


@roles(*policy.STAFF)
@require_GET
def report_pdf(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    found = selectors.report_get_for_user(user=request.user, pilot=pilot)
    response = HttpResponse(exports.report_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(f"pilot-{pilot.pk}-report")}.pdf"'
    return response


@roles(*policy.STAFF)
@require_GET
def report_xlsx(request, pk: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pk)
    found = selectors.report_get_for_user(user=request.user, pilot=pilot)
    return exports.report_xlsx_response(found, filename=f"pilot-{pilot.pk}-report")


# --- The public form ----------------------------------------------------------------------------


def _cookie_name(code: str) -> str:
    return f"pilot_{code}"


def _token_from_cookie(request, code: str) -> str | None:
    return request.get_signed_cookie(_cookie_name(code), default=None, salt=TOKEN_SALT)


def _set_token(response, request, code: str, token: str) -> None:
    response.set_signed_cookie(
        _cookie_name(code),
        token,
        salt=TOKEN_SALT,
        max_age=TOKEN_DAYS * 86400,
        path=reverse("pilots:answer", args=[code]),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


@public
def answer(request, code: str):
    """The respondent's form: phone first, no script needed. A participation token (a random
    value in a cookie for this form, and in the form itself) makes a repeat count once."""
    feedback_form = selectors.form_get_public(code=code)
    code = feedback_form.code
    token = _token_from_cookie(request, code)
    ok, why = services.collecting(feedback_form)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        posted_token = request.POST.get("token", "")
        token = token or posted_token
        if not ok:
            errors, status = {"__all__": [why]}, 400
        elif not services.submission_allowed(form=feedback_form, address=request.META.get("REMOTE_ADDR", "")):
            errors, status = (
                {"__all__": ["Too many answers from this connection just now. Please wait a few minutes."]},
                429,
            )
        else:
            try:
                result = services.response_submit(
                    actor=request.user,
                    form=feedback_form,
                    audience=request.POST.get("audience", ""),
                    answers=request.POST,
                    token=token or "",
                    via_qr=request.POST.get("via") == "qr",
                )
            except ValidationError as exc:
                errors, status = exc.message_dict, 400
            else:
                target = reverse("pilots:thanks", args=[code]) + ("?again=1" if result.duplicate else "")
                response = redirect(target)
                _set_token(response, request, code, token or "")
                return response
    answered = bool(token) and selectors.token_has_answered(form=feedback_form, token=token or "")
    token = token or secrets.token_urlsafe(24)
    context = {
        "feedback_form": feedback_form,
        "pilot": feedback_form.pilot,
        "fields": _question_fields(selectors.form_questions(feedback_form), request.POST, errors),
        "audiences": Audience.choices,
        "audience": request.POST.get("audience", ""),
        "errors": errors,
        "top_errors": errors.get("__all__", []),
        "collecting": ok,
        "why": why,
        "answered": answered and request.method != "POST",
        "token": token,
        "via": "qr" if (request.GET.get("via") or request.POST.get("via")) == "qr" else "",
    }
    response = render(request, "pilots/answer.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    _set_token(response, request, code, token)
    return response


@public
@require_GET
def thanks(request, code: str):
    feedback_form = selectors.form_get_public(code=code)
    context = {"feedback_form": feedback_form, "again": request.GET.get("again") == "1"}
    return render(request, "pilots/thanks.html", context)
