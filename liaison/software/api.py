"""Software access's API (`/api/v1/software`). Thin: parse, call one selector or service,
shape the answer. Lists answer the one page shape; errors carry the codes in `errors.py`."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema

from liaison.core.api_access import api_access
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.software import drift, matrix, policy, selectors, services
from liaison.software.models import Answer, Request

router = Router()
READERS = api_access(*policy.READER_ROLES)
NEEDERS = api_access(*policy.NEED_ROLES)
ASKERS = api_access(*policy.REQUEST_ROLES)
IT = api_access(*policy.IT_ROLES)
BASELINERS = api_access(*policy.BASELINE_ROLES)


class SoftwareTermOut(Schema):
    slug: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    needs_deadline: dt.date


class SoftwareCourseOut(Schema):
    id: int
    term: str
    code: str
    section: str
    name: str
    department: str
    enrolment: int


class SoftwareCellOut(Schema):
    need_id: int
    course: SoftwareCourseOut
    title: str
    min_version: str
    place: str = Field(description="A lab's name, or 'any lab'.")
    needed_by: dt.date
    is_late: bool
    answer: Answer
    detail: str
    lab: str | None = Field(description="The lab the answer is about.")
    request_id: int | None
    request_state: Request.State | None
    owner: str | None
    due_on: dt.date | None


class SoftwareMatrixSummaryOut(Schema):
    term: str
    counts: dict[str, int]
    courses_shown: int
    courses_without_needs: int


class SoftwareMatrixFilters(Schema):
    term: str = Field("", description="Term slug; empty: the current or next term.")
    lab: int | None = Field(None, description="A lab's id: answers there only.")
    department: str = Field("", max_length=100)
    deadline: dt.date | None = Field(None, description="Needs due on or before this date.")
    answer: str = Field("", description="'gaps', or one answer: yes, missing, blocked, seats, too_old.")


class SoftwareNeedIn(Schema):
    course_id: int
    title: str = Field(..., max_length=150, description="The catalogue title's name.")
    min_version: str = Field("", max_length=60)
    lab_id: int | None = Field(None, description="Empty: any lab.")
    needed_by: dt.date | None = None
    note: str = Field("", max_length=300)


class SoftwareNeedOut(Schema):
    id: int
    course_id: int
    title: str
    min_version: str
    lab_id: int | None
    needed_by: dt.date
    is_late: bool


class SoftwareRequestIn(Schema):
    due_on: dt.date | None = Field(None, description="Before term; empty: two weeks before it.")
    owner_username: str = Field("", max_length=150)
    note: str = Field("", max_length=300)


class SoftwareRequestOut(Schema):
    id: int
    need_id: int
    course: str
    title: str
    answer: Answer
    lab: str | None
    state: Request.State
    due_on: dt.date
    is_overdue: bool
    owner: str | None
    ticket_number: int | None
    resolution: str


class SoftwareResolveIn(Schema):
    version: str = Field("", max_length=60)
    seats: int | None = Field(None, ge=1, le=1_000_000)
    resolution: str = Field("", max_length=500)


class SoftwareDeclineIn(Schema):
    resolution: str = Field(..., max_length=500)


class SoftwareTitleOut(Schema):
    id: int
    name: str
    publisher: str
    platforms: list[str]
    licence: str
    seats: int | None
    delivery: str
    versions: list[str]


class SoftwareDriftItemOut(Schema):
    permission: str
    direction: str
    status: str


class SoftwareWorkstationDriftOut(Schema):
    hostname: str
    role: str
    baseline_version: int | None
    at_standard: bool
    items: list[SoftwareDriftItemOut]


class SoftwareBaselineIn(Schema):
    role: str
    grant: list[str] = Field(default_factory=list, description="Permission keys granted.")
    deny: list[str] = Field(default_factory=list, description="Permission keys stated as not granted.")
    note: str = Field("", max_length=300)


class SoftwareBaselineOut(Schema):
    role: str
    version: int
    permissions: list[str]


# --- helpers ------------------------------------------------------------------------------


def _term(slug: str):
    if not slug:
        term = selectors.term_current()
        if term is None:
            raise reject("term", "No term is set up yet.", code="software.term_unknown")
        return term
    try:
        return selectors.term_get(slug=slug)
    except Http404:
        raise reject("term", "No term has this slug.", code="software.term_unknown") from None


def _course(course) -> dict:
    return {
        "id": course.pk,
        "term": course.term.slug if hasattr(course, "term") else "",
        "code": course.code,
        "section": course.section,
        "name": course.name,
        "department": course.department,
        "enrolment": course.enrolment,
    }


def _cell(cell: matrix.Cell) -> dict:
    need, request = cell.need, cell.request
    return {
        "need_id": need.pk,
        "course": _course(need.course),
        "title": need.title.name,
        "min_version": need.min_version,
        "place": need.lab.name if need.lab else "any lab",
        "needed_by": need.needed_by,
        "is_late": need.is_late,
        "answer": cell.answer,
        "detail": cell.detail,
        "lab": cell.lab.name if cell.lab is not None else None,
        "request_id": request.pk if request else None,
        "request_state": request.state if request else None,
        "owner": str(request.owner) if request and request.owner else None,
        "due_on": request.due_on if request else None,
    }


def _request(item: Request) -> dict:
    from django.utils import timezone

    return {
        "id": item.pk,
        "need_id": item.need_id,
        "course": item.need.course.code,
        "title": item.need.title.name,
        "answer": item.answer,
        "lab": item.lab.name if item.lab else None,
        "state": item.state,
        "due_on": item.due_on,
        "is_overdue": item.is_active and item.due_on < timezone.localdate(),
        "owner": str(item.owner) if item.owner else None,
        "ticket_number": item.ticket.number if item.ticket else None,
        "resolution": item.resolution,
    }


def _matrix(filters: SoftwareMatrixFilters):
    term = _term(filters.term)
    lab = None
    if filters.lab is not None:
        try:
            lab = selectors.lab_get(pk=filters.lab)
        except Http404:
            raise reject("lab", "No lab has this id.", code="software.lab_unknown") from None
    answer = filters.answer if filters.answer in ("gaps", *Answer.values) else ""
    return matrix.gap_matrix(
        term=term, lab=lab, department=filters.department, deadline=filters.deadline, answer=answer
    )


# --- reads --------------------------------------------------------------------------------


@router.get("/terms", response=page_of(SoftwareTermOut), auth=READERS)
def term_list(request, page: Query[PageParams]):
    return api_page(selectors.term_list(), params=page)


@router.get(
    "/matrix", response=page_of(SoftwareCellOut), auth=READERS, summary="The gap matrix: one answer per course need"
)
def matrix_cells(request, filters: Query[SoftwareMatrixFilters], page: Query[PageParams]):
    return api_page(_matrix(filters).cells, params=page, serialize=_cell, ids_first=False)


@router.get(
    "/matrix/summary", response=SoftwareMatrixSummaryOut, auth=READERS, summary="How many needs get each answer"
)
def matrix_summary(request, filters: Query[SoftwareMatrixFilters]):
    result = _matrix(filters)
    return {
        "term": result.term.slug,
        "counts": result.counts,
        "courses_shown": len(result.rows),
        "courses_without_needs": result.courses_without_needs,
    }


@router.get("/courses", response=page_of(SoftwareCourseOut), auth=READERS)
def course_list(request, page: Query[PageParams], term: str = "", q: str = Query("", max_length=100)):
    courses = selectors.course_list(term=_term(term), query=q).select_related("term")
    return api_page(courses, params=page, serialize=_course)


@router.get("/titles", response=page_of(SoftwareTitleOut), auth=READERS)
def title_list(request, page: Query[PageParams], q: str = Query("", max_length=100)):
    titles = selectors.title_list(query=q).prefetch_related("versions")
    return api_page(
        titles,
        params=page,
        serialize=lambda t: {
            "id": t.pk,
            "name": t.name,
            "publisher": t.publisher,
            "platforms": list(t.platforms or []),
            "licence": t.licence,
            "seats": t.seats,
            "delivery": t.delivery,
            "versions": [v.version for v in t.versions.all()],
        },
    )


@router.get("/requests", response=page_of(SoftwareRequestOut), auth=READERS, summary="Software requests to IT")
def request_list(request, page: Query[PageParams], state: str = "active", overdue: bool = False):
    items = selectors.request_list(user=request.user, state=state, overdue=overdue)
    return api_page(items, params=page, serialize=_request)


@router.get("/requests/{request_id}", response=SoftwareRequestOut, auth=READERS)
def request_detail(request, request_id: int):
    return _request(selectors.request_get_for_user(user=request.user, pk=request_id))


@router.get(
    "/drift",
    response=page_of(SoftwareWorkstationDriftOut),
    auth=READERS,
    summary="Staff workstations against their baseline",
)
def drift_list(request, page: Query[PageParams], role: str = ""):
    report = drift.drift_report(role=role)
    return api_page(
        report,
        params=page,
        ids_first=False,
        serialize=lambda e: {
            "hostname": e.workstation.hostname,
            "role": e.workstation.role,
            "baseline_version": e.baseline.version if e.baseline else None,
            "at_standard": e.at_standard,
            "items": [{"permission": i.permission.key, "direction": i.direction, "status": i.status} for i in e.items],
        },
    )


# --- writes -------------------------------------------------------------------------------


def _need_out(need) -> dict:
    return {
        "id": need.pk,
        "course_id": need.course_id,
        "title": need.title.name,
        "min_version": need.min_version,
        "lab_id": need.lab_id,
        "needed_by": need.needed_by,
        "is_late": need.is_late,
    }


@router.post(
    "/needs",
    response={201: SoftwareNeedOut},
    auth=NEEDERS,
    summary="Record a course need",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("software.need_create")
def need_create(request, payload: SoftwareNeedIn):
    try:
        course = selectors.course_get_for_user(user=request.user, pk=payload.course_id)
    except Http404:
        raise reject("course_id", "No course has this id.", code="software.course_unknown") from None
    title = selectors.title_by_name(payload.title)
    if title is None:
        raise reject("title", f"No title in the catalogue is called {payload.title!r}.", code="software.title_unknown")
    lab = None
    if payload.lab_id is not None:
        try:
            lab = selectors.lab_get(pk=payload.lab_id)
        except Http404:
            raise reject("lab_id", "No lab has this id.", code="software.lab_unknown") from None
    need = services.need_create(
        actor=request.user,
        course=course,
        title=title,
        min_version=payload.min_version,
        lab=lab,
        needed_by=payload.needed_by,
        note=payload.note,
    )
    return 201, _need_out(need)


@router.delete("/needs/{need_id}", response={204: None}, auth=NEEDERS)
def need_delete(request, need_id: int):
    services.need_delete(
        actor=request.user, need=selectors.need_get_for_user(user=request.user, pk=need_id, for_edit=True)
    )
    return 204, None


@router.post(
    "/needs/{need_id}/request",
    response={201: SoftwareRequestOut},
    auth=ASKERS,
    summary="Ask IT to close a need's gap",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("software.request_open")
def request_open(request, need_id: int, payload: SoftwareRequestIn):
    need = selectors.need_get_for_user(user=request.user, pk=need_id)
    owner = None
    if payload.owner_username:
        owner = next((u for u in selectors.it_people() if u.username == payload.owner_username), None)
        if owner is None:
            raise reject("owner_username", "No one in IT has this username.", code="software.owner_not_it")
    made = services.request_open(actor=request.user, need=need, due_on=payload.due_on, owner=owner, note=payload.note)
    return 201, _request(selectors.request_get_for_user(user=request.user, pk=made.pk))


class SoftwareAskAllOut(Schema):
    created: list[SoftwareRequestOut]


@router.post(
    "/matrix/ask-it",
    response={201: SoftwareAskAllOut},
    auth=ASKERS,
    summary="Ask IT about every gap of a term nobody has asked about yet",
)
def requests_ask_all(request, term: str = ""):
    made = services.requests_open_for_gaps(actor=request.user, term=_term(term))
    return 201, {"created": [_request(selectors.request_get_for_user(user=request.user, pk=r.pk)) for r in made]}


@router.post("/requests/{request_id}/take", response=SoftwareRequestOut, auth=IT)
def request_take(request, request_id: int):
    item = selectors.request_get_for_user(user=request.user, pk=request_id, for_work=True)
    services.request_take(actor=request.user, request=item)
    return _request(selectors.request_get_for_user(user=request.user, pk=request_id))


@router.post("/requests/{request_id}/resolve", response=SoftwareRequestOut, auth=IT, summary="Resolve: applies the fix")
def request_resolve(request, request_id: int, payload: SoftwareResolveIn):
    item = selectors.request_get_for_user(user=request.user, pk=request_id, for_work=True)
    services.request_resolve(actor=request.user, request=item, **payload.dict())
    return _request(selectors.request_get_for_user(user=request.user, pk=request_id))


@router.post("/requests/{request_id}/decline", response=SoftwareRequestOut, auth=IT)
def request_decline(request, request_id: int, payload: SoftwareDeclineIn):
    item = selectors.request_get_for_user(user=request.user, pk=request_id, for_work=True)
    services.request_decline(actor=request.user, request=item, reason=payload.resolution)
    return _request(selectors.request_get_for_user(user=request.user, pk=request_id))


@router.post(
    "/baselines", response={201: SoftwareBaselineOut}, auth=BASELINERS, summary="A new version of a role's baseline"
)
def baseline_create(request, payload: SoftwareBaselineIn):
    known = {p.key: p for p in selectors.permission_list()}
    unknown = sorted({k for k in [*payload.grant, *payload.deny] if k not in known})
    if unknown:
        raise reject("grant", f"Unknown permission(s): {', '.join(unknown)}.", code="software.permission_unknown")
    baseline = services.baseline_create(
        actor=request.user,
        role=payload.role,
        grant=[known[k] for k in payload.grant],
        deny=[known[k] for k in payload.deny],
        note=payload.note,
    )
    return 201, {"role": baseline.role, "version": baseline.version, "permissions": sorted(payload.grant)}
