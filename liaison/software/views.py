"""Software access pages. Thin adapters: parse, call one selector or service, render. Who may
do what is `policy.py`'s answer; every write is a POST to a service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import public, roles
from liaison.core.adapters import form_errors_from, message_and_redirect
from liaison.core.exports import csv_response
from liaison.core.htmx import htmx_template
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.core.pagination import CappedPaginator
from liaison.software import drift, forms, matrix, policy, selectors, services

PAGE_SIZE = 50
MATRIX_COURSES_PER_PAGE = 40  # the counts cover the whole term; the table shows 40 courses a page


def _once(request, form, endpoint: str, work: Callable[[], dict]) -> dict | None:
    """A create done once per the form's hidden key; errors land on the form (None)."""
    try:
        body, replayed = run_once_for_form(
            request, endpoint=endpoint, key=form.cleaned_data["idempotency_key"], work=work
        )
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None
    except IdempotencyError as exc:
        form.add_error(None, exc.message)
        return None
    if replayed:
        messages.info(request, "The form was sent twice; it was saved once.")
    return body


def _page(request, items):
    return CappedPaginator(items, PAGE_SIZE).page_or_last(request.GET.get("page") or 1)


def _term(request):
    slug = request.GET.get("term") or ""
    term = selectors.term_get(slug=slug) if slug else selectors.term_current()
    return term


# --- The gap matrix ------------------------------------------------------------------------


@roles(*policy.READER_ROLES)
@require_GET
def matrix_page(request):
    term = _term(request)
    context: dict = {"term": term, "can_enter": policy.can_enter_needs(request.user)}
    if term is not None:
        form = forms.MatrixFilterForm(request.GET, term=term, initial={"term": term.slug})
        filters = form.filters()
        result = matrix.gap_matrix(term=term, **filters)
        context.update(
            form=form,
            matrix=result,
            page=Paginator(result.rows, MATRIX_COURSES_PER_PAGE).get_page(request.GET.get("page")),
            filters=filters,
            overdue=selectors.overdue_request_count(),
            can_request=policy.can_request(request.user),
            today=timezone.localdate(),
        )
    return render(request, htmx_template(request, "software/matrix.html", {"matrix-results": "results"}), context)


MATRIX_CSV_HEADER = [
    "Term", "Course", "Section", "Course title", "Department", "Students", "Instructors", "Software",
    "Minimum version", "Where", "Needed by", "Late", "Answer", "Detail", "Request", "Request state", "Owner", "Due",
]  # fmt: skip


def _matrix_rows(result: matrix.Matrix):
    yield MATRIX_CSV_HEADER
    for row in result.rows:
        course = row.course
        people = "; ".join(i.name for i in course.instructor_list)
        for cell in row.cells:
            need, req = cell.need, cell.request
            yield [
                result.term.name, course.code, course.section, course.name, course.department, course.enrolment,
                people, need.title.name, need.min_version, need.lab.name if need.lab else "any lab", need.needed_by,
                "yes" if need.is_late else "", cell.answer_label, cell.detail, req.pk if req else "",
                req.get_state_display() if req else "", str(req.owner) if req and req.owner else "",
                req.due_on if req else "",
            ]  # fmt: skip


@roles(*policy.READER_ROLES)
@require_GET
def matrix_csv(request):
    """The matrix as filtered, every course (not just one page), for planning in a spreadsheet."""
    term = _term(request)
    if term is None:
        raise Http404("No term yet.")
    filters = forms.MatrixFilterForm(request.GET, term=term).filters()
    result = matrix.gap_matrix(term=term, **filters)
    return csv_response(_matrix_rows(result), filename=f"software-gaps-{term.slug}.csv")


@roles(*policy.READER_ROLES)
@require_GET
def unneeded(request):
    term = _term(request)
    if term is None:
        raise Http404("No term yet.")
    page = _page(request, selectors.unneeded_items(term=term))
    return render(request, "software/unneeded.html", {"term": term, "page": page})


# --- Courses and needs -------------------------------------------------------------------------


@roles(*policy.READER_ROLES)
@require_GET
def course_list(request):
    term = _term(request)
    if term is None:
        raise Http404("No term yet.")
    query = request.GET.get("q", "")[:100]
    page = _page(request, selectors.course_list(term=term, query=query))
    return render(
        request, "software/courses.html", {"term": term, "page": page, "query": query, "terms": selectors.term_list()}
    )


@roles(*policy.READER_ROLES)
@require_GET
def course_detail(request, pk: int):
    course = selectors.course_get_for_user(user=request.user, pk=pk)
    needs = list(selectors.needs_for_course(course=course))
    result = matrix.gap_matrix(term=course.term)
    cells = [result.cell_for(n.pk) for n in needs]
    links = []
    if policy.can_enter_needs(request.user):
        links = [
            (
                i,
                request.build_absolute_uri(
                    reverse("software:faculty", args=[selectors.instructor_link_token(instructor=i, term=course.term)])
                ),
            )
            for i in course.instructors.all()
        ]
    return render(
        request,
        "software/course.html",
        {"course": course, "cells": cells, "links": links, "can_edit": policy.can_enter_needs(request.user)},
    )


@roles(*policy.NEED_ROLES)
@require_http_methods(["GET", "POST"])
def need_new(request):
    term = _term(request)
    if term is None:
        raise Http404("No term yet.")
    courses = selectors.course_list(term=term)
    initial = {"course": request.GET.get("course")}
    form = forms.NeedForm(request.POST or None, courses=courses, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

            def create() -> dict:
                need = services.need_create(actor=request.user, **fields)
                return {"course": need.course_id, "text": str(need), "late": need.is_late}

            body = _once(request, form, "software.need_create", create)
            if body is not None:
                messages.success(
                    request, f"Saved: {body['text']}." + (" (Late: after the term's deadline.)" if body["late"] else "")
                )
                return redirect("software:course", pk=body["course"])
    context = {"form": form, "term": term, "late": timezone.localdate() > term.needs_deadline}
    return render(request, "software/need_form.html", context, status=status)


@roles(*policy.NEED_ROLES)
@require_POST
def need_delete(request, pk: int):
    need = selectors.need_get_for_user(user=request.user, pk=pk, for_edit=True)
    course_id = need.course_id
    services.need_delete(actor=request.user, need=need)
    messages.success(request, "The need is removed.")
    return redirect("software:course", pk=course_id)


# --- Instructors (no account: a signed link) ----------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def faculty(request, token: str):
    instructor, term = selectors.instructor_from_token(token)
    courses = selectors.instructor_courses(instructor=instructor, term=term)
    form = forms.NeedForm(request.POST or None, courses=courses)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}
            try:
                need = services.need_create_by_instructor(instructor=instructor, **fields)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, f"Thank you: {need} is recorded. The library and IT will check the labs.")
                return redirect("software:faculty", token=token)
    context = {
        "form": form,
        "instructor": instructor,
        "term": term,
        "courses": courses,
        "late": timezone.localdate() > term.needs_deadline,
    }
    return render(request, "software/faculty.html", context, status=status)


# --- Requests to IT -------------------------------------------------------------------------------


@roles(*policy.REQUEST_ROLES)
@require_http_methods(["GET", "POST"])
def request_new(request, pk: int):
    need = selectors.need_get_for_user(user=request.user, pk=pk)
    cell = matrix.answer_for_need(need)
    form = forms.RequestOpenForm(request.POST or None, initial={"due_on": services.default_due(need.course.term)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():

            def create() -> dict:
                made = services.request_open(
                    actor=request.user,
                    need=need,
                    due_on=form.cleaned_data["due_on"],
                    owner=form.cleaned_data["owner"],
                    note=form.cleaned_data["note"],
                )
                return {"pk": made.pk}

            body = _once(request, form, "software.request_open", create)
            if body is not None:
                messages.success(request, "IT has the request, with a ticket in its queue.")
                return redirect("software:request", pk=body["pk"])
    return render(request, "software/request_new.html", {"need": need, "cell": cell, "form": form}, status=status)


@roles(*policy.REQUEST_ROLES)
@require_POST
def requests_ask_all(request):
    term = _term(request)
    if term is None:
        raise Http404("No term yet.")
    try:
        made = services.requests_open_for_gaps(actor=request.user, term=term)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "software:matrix")
    messages.success(
        request, f"IT has {len(made)} new request{'s' if len(made) != 1 else ''}, each with a ticket and a date."
    )
    return redirect(reverse("software:requests"))


@roles(*policy.READER_ROLES)
@require_GET
def request_list(request):
    form = forms.RequestFilterForm(request.GET or {"state": "active"})
    form.is_valid()
    state = form.cleaned_data.get("state", "active") if hasattr(form, "cleaned_data") else "active"
    requests = selectors.request_list(
        user=request.user, state="" if state == "overdue" else state, overdue=state == "overdue"
    )
    return render(
        request,
        "software/requests.html",
        {
            "page": _page(request, requests),
            "form": form,
            "today": timezone.localdate(),
            "overdue": selectors.overdue_request_count(),
        },
    )


@roles(*policy.READER_ROLES)
@require_GET
def request_detail(request, pk: int):
    item = selectors.request_get_for_user(user=request.user, pk=pk)
    context = {
        "item": item,
        "cell": matrix.answer_for_need(item.need),
        "can_work": policy.can_work_request(request.user, item) and item.is_active,
        "resolve_form": forms.ResolveForm(),
        "decline_form": forms.DeclineForm(),
        "today": timezone.localdate(),
    }
    return render(request, "software/request.html", context)


def _request_action(request, pk: int, act: Callable, done: str, form_class=None):
    item = selectors.request_get_for_user(user=request.user, pk=pk, for_work=True)
    values: dict = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            context = {
                "item": item,
                "cell": matrix.answer_for_need(item.need),
                "can_work": item.is_active,
                "resolve_form": form if form_class is forms.ResolveForm else forms.ResolveForm(),
                "decline_form": form if form_class is forms.DeclineForm else forms.DeclineForm(),
                "today": timezone.localdate(),
            }
            return render(request, "software/request.html", context, status=400)
        values = form.cleaned_data
    try:
        act(actor=request.user, request=item, **values)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "software:request", pk=pk)
    messages.success(request, done)
    return redirect("software:request", pk=pk)


@roles(*policy.IT_ROLES)
@require_POST
def request_take(request, pk: int):
    return _request_action(request, pk, services.request_take, "You own the request now.")


@roles(*policy.IT_ROLES)
@require_POST
def request_resolve(request, pk: int):
    return _request_action(
        request, pk, services.request_resolve, "Resolved: the course can run it now.", forms.ResolveForm
    )


@roles(*policy.IT_ROLES)
@require_POST
def request_decline(request, pk: int):
    return _request_action(request, pk, services.request_decline, "Declined, with the reason.", forms.DeclineForm)


# --- Catalogue, images, profiles ----------------------------------------------------------------


@roles(*policy.READER_ROLES)
@require_GET
def catalogue(request):
    query = request.GET.get("q", "")[:100]
    page = _page(request, selectors.title_list(query=query))
    return render(
        request,
        htmx_template(request, "software/catalogue.html", {"catalogue-results": "results"}),
        {"page": page, "query": query},
    )


@roles(*policy.READER_ROLES)
@require_GET
def image_list(request):
    context = {
        "images": selectors.image_list(),
        "profiles": selectors.profile_list(),
        "permissions": selectors.permission_list(),
    }
    return render(request, "software/images.html", context)


@roles(*policy.READER_ROLES)
@require_GET
def image_detail(request, pk: int):
    image = selectors.image_get_for_user(user=request.user, pk=pk)
    page = _page(request, selectors.image_items(image=image))
    return render(request, "software/image.html", {"image": image, "page": page})


# --- Baselines and drift ------------------------------------------------------------------------


@roles(*policy.READER_ROLES)
@require_GET
def drift_page(request):
    role = request.GET.get("role", "")
    report = drift.drift_report(role=role if role in dict(forms.STAFF_ROLE_CHOICES) else "")
    context = {
        "report": report,
        "baselines": drift.current_baselines(),
        "history": selectors.baseline_history(),
        "role": role,
        "roles": forms.STAFF_ROLE_CHOICES,
        "can_decide": policy.can_decide_drift(request.user),
        "can_set": policy.can_set_baseline(request.user),
        "decision_form": forms.DriftDecisionForm(),
        "open_count": sum(len(r.open_items) for r in report),
        "drifted": sum(1 for r in report if r.open_items),
    }
    return render(request, "software/drift.html", context)


@roles(*policy.DRIFT_ROLES)
@require_POST
def drift_decide(request, workstation_pk: int, permission_pk: int):
    station = selectors.workstation_get_for_user(user=request.user, pk=workstation_pk)
    permission = selectors.permission_get(pk=permission_pk)
    form = forms.DriftDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(f"{form.fields[f].label or f}: {' '.join(e)}" for f, e in form.errors.items())
        )
        return redirect("software:drift")
    try:
        services.drift_decide(actor=request.user, workstation=station, permission=permission, **form.cleaned_data)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "software:drift")
    messages.success(request, f"Recorded for {station.hostname}: {permission.label}.")
    return redirect("software:drift")


@roles(*policy.BASELINE_ROLES)
@require_http_methods(["GET", "POST"])
def baseline_new(request):
    role = request.GET.get("role") or "library_staff"
    current = drift.current_baselines().get(role)
    initial = {"role": role, "grant": list(current.permissions.all()) if current else []}
    form = forms.BaselineForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                baseline = services.baseline_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, f"{baseline} is now the standard.")
                return redirect("software:drift")
    return render(request, "software/baseline_form.html", {"form": form}, status=status)
