"""The pilots API (`/api/v1/pilots/`): the same selectors and services as the pages, with
explicit schemas. Lists answer one page (core.pagination); creates honour `Idempotency-Key`
(core.idempotency); errors carry codes (errors.py). The public form's two operations need no
account: they take the participation token in the body, and are rate-limited per address."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from liaison.accounts.selectors import department_list, user_list
from liaison.core.api_access import API_PUBLIC, api_access
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.desk.selectors import topic_tag_list
from liaison.pilots import policy, selectors, services
from liaison.pilots.models import Audience, FeedbackForm, HostingCost, Pilot, Question
from liaison.places.selectors import room_list, service_point_choices

router = Router()
READERS = api_access(*policy.READER_ROLES)
STAFF = api_access(*policy.STAFF)


# --- Schemas ------------------------------------------------------------------------------------


class PilotSummaryOut(Schema):
    id: int
    title: str
    kind: Pilot.Kind
    state: Pilot.State
    starts_on: dt.date
    ends_on: dt.date
    proposed_by: str = Field(description="Department code.")
    it_department: str
    library_department: str
    url: str


class PilotAssetOut(Schema):
    id: int
    tag: str
    name: str


class PilotOut(PilotSummaryOut):
    summary: str
    reason: str
    learning_goals: str
    it_owner: str | None = Field(description="Username.")
    library_owner: str | None
    rooms: list[int]
    service_points: list[str] = Field(description="Service point slugs.")
    assets: list[PilotAssetOut] = Field(description="Devices from the labs inventory.")
    devices: list[str] = Field(description="Other devices (not in the inventory), by name.")
    desk_tag: str | None = Field(description="Desk topic slug.")
    recommendation: str
    report_delivered_on: dt.date | None
    next_steps: list[str] = Field(description="The state you may move it to, if any.")


class PilotIn(Schema):
    title: str = Field(..., max_length=200)
    summary: str = Field(..., max_length=4000, description="What is being tried.")
    kind: Pilot.Kind = Pilot.Kind.EQUIPMENT
    reason: str = Field("", max_length=4000)
    learning_goals: str = Field("", max_length=4000)
    it_department: str = Field(..., description="Code of an IT department.")
    library_department: str = Field(..., description="Code of a library department.")
    it_owner: str | None = Field(None, description="Username.")
    library_owner: str | None = Field(None, description="Username.")
    starts_on: dt.date
    ends_on: dt.date
    rooms: list[int] = Field(default_factory=list, max_length=50)
    service_points: list[str] = Field(default_factory=list, max_length=50)
    assets: list[int] = Field(default_factory=list, max_length=50, description="Asset ids from the labs inventory.")
    devices: list[str] = Field(default_factory=list, max_length=50)
    desk_tag: str | None = None


class PilotPatch(Schema):
    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=4000)
    kind: Pilot.Kind | None = None
    reason: str | None = Field(None, max_length=4000)
    learning_goals: str | None = Field(None, max_length=4000)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    devices: list[str] | None = Field(None, max_length=50)
    assets: list[int] | None = Field(None, max_length=50, description="Asset ids; the list replaces the links.")


class PilotTransitionIn(Schema):
    to_state: Pilot.State
    recommendation: str | None = Field(None, max_length=8000, description="Needed (here or before) to close.")


class PilotCostIn(Schema):
    kind: HostingCost.Kind
    occurred_on: dt.date
    hours: Decimal | None = Field(None, ge=0, le=10000, max_digits=7, decimal_places=2)
    amount: Decimal | None = Field(None, ge=0, le=1000000, max_digits=9, decimal_places=2)
    note: str = Field("", max_length=300)


class PilotCostOut(Schema):
    id: int
    kind: str
    occurred_on: dt.date
    hours: Decimal | None
    amount: Decimal | None
    note: str


class PilotQuestionIn(Schema):
    kind: Question.Kind
    text: str = Field(..., max_length=300)
    key: str = Field("", max_length=40, description="Matches the question across versions; made from the text.")
    help_text: str = Field("", max_length=300)
    choices: list[str] = Field(default_factory=list, max_length=12)
    scale_max: int = Field(5, ge=2, le=10)
    required: bool = False


class PilotFeedbackFormIn(Schema):
    title: str = Field(..., max_length=200)
    intro: str = Field("", max_length=2000)
    questions: list[PilotQuestionIn] = Field(..., max_length=30)
    quota_student: int | None = Field(None, ge=1, le=100000)
    quota_faculty: int | None = Field(None, ge=1, le=100000)
    quota_staff: int | None = Field(None, ge=1, le=100000)


class PilotQuestionOut(Schema):
    key: str
    kind: str
    text: str
    help_text: str
    choices: list[str] = Field(description="A choice's options; yes_no: yes, no; task: worked, struggled, failed.")
    scale_max: int
    required: bool


class PilotFeedbackFormOut(Schema):
    code: str
    title: str
    intro: str
    pilot: str
    version: int
    collecting: bool
    why_not: str = Field(description="Why it takes no answers now, if it does not.")
    questions: list[PilotQuestionOut]
    link: str


class PilotResponseIn(Schema):
    audience: Audience
    token: str = Field(
        ...,
        min_length=20,
        max_length=100,
        description="A random participation token (e.g. 24 random bytes, base64url).",
    )
    answers: dict[str, str] = Field(
        ...,
        description="Question key → answer: a rating '1'…, an option, 'yes'/'no', or a task's outcome; "
        "'<key>-comment' for a task's comment.",
    )
    via_qr: bool = False


class PilotResponseOut(Schema):
    stored: bool
    duplicate: bool = Field(description="This token had already answered: nothing new was stored.")


class PilotGroupOut(Schema):
    label: str
    n: int | None = Field(description="Null when the group has fewer than 5 answers (suppressed).")
    value: float | None = None


class PilotQuestionResultOut(Schema):
    key: str
    text: str
    kind: str
    n: int
    mean: float | None
    distribution: list[tuple[str, int]]
    by_audience: list[PilotGroupOut]
    themes: list[PilotGroupOut]


class PilotResultsOut(Schema):
    total: int
    audiences: list[PilotGroupOut]
    weeks: list[PilotGroupOut]
    questions: list[PilotQuestionResultOut]
    suppress_below: int


class PilotFilters(Schema):
    state: Pilot.State | None = None


# --- Helpers ------------------------------------------------------------------------------------


def _summary(pilot: Pilot) -> dict[str, Any]:
    return {
        "id": pilot.pk,
        "title": pilot.title,
        "kind": pilot.kind,
        "state": pilot.state,
        "starts_on": pilot.starts_on,
        "ends_on": pilot.ends_on,
        "proposed_by": pilot.proposed_by.code,
        "it_department": pilot.it_department.code,
        "library_department": pilot.library_department.code,
        "url": reverse("pilots:detail", args=[pilot.pk]),
    }


def _full(pilot: Pilot, user: Any) -> dict[str, Any]:
    return {
        **_summary(pilot),
        "summary": pilot.summary,
        "reason": pilot.reason,
        "learning_goals": pilot.learning_goals,
        "it_owner": pilot.it_owner.username if pilot.it_owner else None,
        "library_owner": pilot.library_owner.username if pilot.library_owner else None,
        "rooms": [r.pk for r in pilot.rooms.all()],
        "service_points": [p.slug for p in pilot.service_points.all()],
        "assets": [{"id": a.pk, "tag": a.tag, "name": a.name} for a in pilot.assets.all()],
        "devices": pilot.devices,
        "desk_tag": pilot.desk_tag.slug if pilot.desk_tag else None,
        "recommendation": pilot.recommendation,
        "report_delivered_on": pilot.report_delivered_on,
        "next_steps": [state for state, _label in services.allowed_steps(user, pilot)],
    }


def _department(code: str, field: str):
    found = department_list().filter(code=code).first()
    if found is None:
        raise reject(field, f"No department has the code {code[:30]!r}.", code="pilots.department_invalid")
    return found


def _person(username: str | None, field: str):
    if not username:
        return None
    found = user_list().filter(username=username).first()
    if found is None:
        raise reject(field, f"No active person is called {username[:30]!r}.", code="pilots.owner_invalid")
    return found


def _places(room_ids: list[int], point_slugs: list[str]) -> tuple[list, list]:
    rooms = list(room_list().filter(pk__in=room_ids))
    points = list(service_point_choices(active_only=False).filter(slug__in=point_slugs))
    if len(rooms) != len(set(room_ids)):
        raise reject("rooms", "A room id is not one Liaison knows.", code="pilots.place_unknown")
    if len(points) != len(set(point_slugs)):
        raise reject("service_points", "A service point slug is not one Liaison knows.", code="pilots.place_unknown")
    return rooms, points


def _desk_tag(slug: str | None):
    if not slug:
        return None
    found = topic_tag_list(active_only=False).filter(slug=slug).first()
    if found is None:
        raise reject("desk_tag", "No desk topic has this slug.", code="pilots.place_unknown")
    return found


def _form_out(request, form: FeedbackForm) -> dict[str, Any]:
    ok, why = services.collecting(form)
    questions = []
    for q in selectors.form_questions(form):
        choices = (
            q.choices
            if q.kind == Question.Kind.CHOICE
            else [v for v, _l in services.YES_NO]
            if q.kind == Question.Kind.YES_NO
            else [v for v, _l in services.TASK_OUTCOMES]
            if q.kind == Question.Kind.TASK
            else []
        )
        questions.append(
            {
                "key": q.key,
                "kind": q.kind,
                "text": q.text,
                "help_text": q.help_text,
                "choices": choices,
                "scale_max": q.scale_max,
                "required": q.required,
            }
        )
    return {
        "code": form.code,
        "title": form.title,
        "intro": form.intro,
        "pilot": form.pilot.title,
        "version": form.current_version.number if form.current_version else 0,
        "collecting": ok,
        "why_not": why,
        "questions": questions,
        "link": request.build_absolute_uri(reverse("pilots:answer", args=[form.code])),
    }


def _group(g: Any) -> dict[str, Any]:
    return {"label": g.label, "n": None if g.suppressed else g.n, "value": None if g.suppressed else g.value}


# --- Operations ----------------------------------------------------------------------------------


@router.get("/pilots", response=page_of(PilotSummaryOut), auth=READERS, summary="Pilots, newest first")
def pilot_list(request, filters: Query[PilotFilters], page: Query[PageParams]):
    pilots = selectors.pilot_list(user=request.user, state=filters.state or "")
    return api_page(pilots, params=page, serialize=_summary)


@router.post("/pilots", response={201: PilotOut}, auth=STAFF, summary="Propose a pilot", description=IDEMPOTENCY_NOTE)
@idempotent("pilots.propose")
def pilot_propose(request, payload: PilotIn):
    values = payload.dict()
    rooms, points = _places(values.pop("rooms"), values.pop("service_points"))
    values["it_department"] = _department(values["it_department"], "it_department")
    values["library_department"] = _department(values["library_department"], "library_department")
    values["it_owner"] = _person(values["it_owner"], "it_owner")
    values["library_owner"] = _person(values["library_owner"], "library_owner")
    values["desk_tag"] = _desk_tag(values["desk_tag"])
    pilot = services.pilot_propose(actor=request.user, rooms=rooms, service_points=points, **values)
    return 201, _full(selectors.pilot_get_for_user(user=request.user, pk=pilot.pk), request.user)


@router.get("/pilots/{pilot_id}", response=PilotOut, auth=READERS)
def pilot_detail(request, pilot_id: int):
    return _full(selectors.pilot_get_for_user(user=request.user, pk=pilot_id), request.user)


@router.patch("/pilots/{pilot_id}", response=PilotOut, auth=STAFF, summary="Change a pilot's details")
def pilot_update(request, pilot_id: int, payload: PilotPatch):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pilot_id, for_edit=True)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    assets = data.pop("assets", None)
    services.pilot_update(actor=request.user, pilot=pilot, data=data, assets=assets)
    return _full(selectors.pilot_get_for_user(user=request.user, pk=pilot_id), request.user)


@router.post(
    "/pilots/{pilot_id}/transition",
    response=PilotOut,
    auth=STAFF,
    summary="Move a pilot on: agreed, running, reporting, closed (delivers the report)",
)
def pilot_transition(request, pilot_id: int, payload: PilotTransitionIn):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pilot_id)
    services.pilot_transition(
        actor=request.user, pilot=pilot, to_state=payload.to_state, recommendation=payload.recommendation
    )
    return _full(selectors.pilot_get_for_user(user=request.user, pk=pilot_id), request.user)


@router.post(
    "/pilots/{pilot_id}/costs",
    response={201: PilotCostOut},
    auth=STAFF,
    summary="Record what hosting cost the library",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("pilots.cost_record")
def cost_record(request, pilot_id: int, payload: PilotCostIn):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pilot_id)
    cost = services.hosting_cost_record(actor=request.user, pilot=pilot, **payload.dict())
    return 201, {
        "id": cost.pk,
        "kind": cost.kind,
        "occurred_on": cost.occurred_on,
        "hours": cost.hours,
        "amount": cost.amount,
        "note": cost.note,
    }


@router.post(
    "/pilots/{pilot_id}/forms",
    response={201: PilotFeedbackFormOut},
    auth=STAFF,
    summary="Make a feedback form",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("pilots.form_create")
def form_create(request, pilot_id: int, payload: PilotFeedbackFormIn):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pilot_id)
    values = payload.dict()
    questions = values.pop("questions")
    form = services.feedback_form_create(actor=request.user, pilot=pilot, questions=questions, **values)
    return 201, _form_out(request, selectors.form_get_public(code=form.code))


@router.get(
    "/pilots/{pilot_id}/results", response=PilotResultsOut, auth=STAFF, summary="Results, small groups suppressed"
)
def pilot_results(request, pilot_id: int):
    pilot = selectors.pilot_get_for_user(user=request.user, pk=pilot_id)
    found = selectors.results_get_for_user(user=request.user, pilot=pilot)
    return {
        "total": found.total,
        "audiences": [_group(g) for g in found.audiences],
        "weeks": [_group(g) for g in found.weeks],
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "kind": q.kind,
                "n": q.n,
                "mean": q.mean,
                "distribution": q.distribution,
                "by_audience": [_group(g) for g in q.by_audience],
                "themes": [_group(g) for g in q.themes],
            }
            for q in found.questions
        ],
        "suppress_below": found.suppress_below,
    }


@router.get(
    "/public/forms/{code}", response=PilotFeedbackFormOut, auth=API_PUBLIC, summary="A feedback form by short code"
)
def public_form(request, code: str):
    return _form_out(request, selectors.form_get_public(code=code))


@router.post(
    "/public/forms/{code}/responses",
    response={201: PilotResponseOut, 200: PilotResponseOut},
    auth=API_PUBLIC,
    summary="Answer a feedback form (anonymous; once per participation token)",
)
def public_respond(request, code: str, payload: PilotResponseIn):
    form = selectors.form_get_public(code=code)
    if not services.submission_allowed(form=form, address=request.META.get("REMOTE_ADDR", "")):
        raise HttpError(429, "Too many answers from this connection just now; wait a few minutes.")
    result = services.response_submit(
        actor=request.user,
        form=form,
        audience=payload.audience,
        answers=payload.answers,
        token=payload.token,
        via_qr=payload.via_qr,
    )
    if result.duplicate:
        return 200, {"stored": False, "duplicate": True}
    return 201, {"stored": True, "duplicate": False}
