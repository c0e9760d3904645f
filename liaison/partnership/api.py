"""The partnership API (`/api/v1/partnership/`): the same selectors and services as the pages,
with explicit schemas. Lists answer one page (core.pagination); creates honour
`Idempotency-Key` (core.idempotency); errors carry codes (errors.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from liaison.core.api_access import api_access
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.core.roles import DESK_ROLES, STAFF_ROLES, Role
from liaison.partnership import policy, selectors, services
from liaison.partnership.models import LedgerEntry, Need, ResourceRequest, Rollout, Skill

router = Router()

STAFF = api_access(*STAFF_ROLES)
DESK = api_access(*DESK_ROLES)
SUPERVISORS = api_access(Role.SUPERVISOR)


# --- The ledger ------------------------------------------------------------------------------------------


class LedgerEntryOut(Schema):
    id: int
    occurred_on: dt.date
    kind: str
    kind_label: str
    direction: str
    giver: str = Field(description="Department code of the side that gave (or was asked).")
    receiver: str = Field(description="Department code of the side that received (or asked).")
    count: int
    hours: Decimal | None
    label: str
    note: str
    origin: str = Field(description="derived (from the work) or manual (typed by hand).")
    feed_key: str
    source_key: str
    source_url: str
    orphaned_at: dt.datetime | None = Field(description="Set when the source record was found gone.")
    corrects: int | None
    corrected_by: int | None
    url: str


def _entry_out(entry: LedgerEntry, labels: dict[str, str] | None = None) -> dict[str, Any]:
    labels = labels if labels is not None else selectors.kind_labels()
    correction = getattr(entry, "correction", None) if hasattr(entry, "correction") else None
    return {
        "id": entry.pk,
        "occurred_on": entry.occurred_on,
        "kind": entry.kind,
        "kind_label": labels.get(entry.kind, entry.kind),
        "direction": entry.direction,
        "giver": entry.giver.code,
        "receiver": entry.receiver.code,
        "count": entry.count,
        "hours": entry.hours,
        "label": entry.label,
        "note": entry.note,
        "origin": entry.origin,
        "feed_key": entry.feed_key,
        "source_key": entry.source_key,
        "source_url": entry.source_url,
        "orphaned_at": entry.orphaned_at,
        "corrects": entry.corrects_id,
        "corrected_by": correction.pk if correction else None,
        "url": reverse("partnership:entry", args=[entry.pk]),
    }


class LedgerQuery(Schema):
    start: dt.date | None = Field(None, description="From this day.")
    end: dt.date | None = Field(None, description="Before this day.")
    kind: str = ""
    department: str = Field("", description="A department code: entries it gave or received.")
    giver: str = ""
    receiver: str = ""
    direction: str = Field("", description="request or contribution.")
    origin: str = Field("", description="derived or manual.")
    feed: str = ""
    orphaned: bool = False
    replaced: bool = Field(False, description="Include entries a correction replaced.")


def _filters(query: LedgerQuery) -> selectors.LedgerFilters:
    params = {
        k: (v.isoformat() if isinstance(v, dt.date) else ("1" if v is True else ("" if v is False else v)))
        for k, v in query.dict().items()
        if v is not None
    }
    return selectors.LedgerFilters.from_params(params)


@router.get("/ledger", response=page_of(LedgerEntryOut), auth=STAFF, summary="Ledger entries that count (newest first)")
def ledger_list(request, params: Query[PageParams], query: Query[LedgerQuery]):
    filters = _filters(query)
    if filters.errors:
        field, message = next(iter(filters.errors.items()))
        raise reject(field, message, code="partnership.date_invalid" if field in ("start", "end") else "invalid")
    labels = selectors.kind_labels()
    return api_page(
        selectors.ledger_entry_list(user=request.user, filters=filters),
        params=params,
        serialize=lambda e: _entry_out(e, labels),
    )


class FeedRunOut(Schema):
    feed_key: str
    created: int
    updated: int
    unchanged: int
    orphaned: int
    skipped: int
    error: str


class DeriveOut(Schema):
    start: dt.date
    end: dt.date
    summary: str
    feeds: list[FeedRunOut]


@router.post("/ledger/derive", response=DeriveOut, auth=SUPERVISORS, summary="Bring the ledger up to date now")
def ledger_derive(request):
    report = services.ledger_derive_now(actor=request.user)
    return {
        "start": report.start,
        "end": report.end,
        "summary": report.summary(),
        "feeds": [vars(r) for r in report.feeds],
    }


@router.get("/ledger/{entry_id}", response=LedgerEntryOut, auth=STAFF, summary="One ledger entry")
def ledger_entry(request, entry_id: int):
    return _entry_out(selectors.ledger_entry_get_for_user(user=request.user, pk=entry_id))


class LedgerEntryIn(Schema):
    label: str = Field(description="What it was.")
    kind: str = Field(description="committee_service, shared_event, training_session or other.")
    direction: str = Field(description="contribution (the giver offered) or request (the receiver asked).")
    giver: str = Field(description="Department code.")
    receiver: str = Field(description="Department code.")
    occurred_on: dt.date
    count: int = 1
    hours: Decimal | None = None
    note: str = ""


@router.post(
    "/ledger", response={201: LedgerEntryOut}, auth=STAFF, summary="Type a ledger entry", description=IDEMPOTENCY_NOTE
)
@idempotent("partnership.ledger_entry_create")
def ledger_entry_create(request, payload: LedgerEntryIn):
    entry = services.ledger_entry_create(actor=request.user, **payload.dict())
    return _entry_out(entry)


class CorrectionIn(Schema):
    count: int = Field(description="The right count; 0 withdraws the entry.")
    note: str = Field(description="Why it is corrected.")
    hours: Decimal | None = None
    occurred_on: dt.date | None = None


@router.post(
    "/ledger/{entry_id}/corrections",
    response={201: LedgerEntryOut},
    auth=STAFF,
    summary="Correct an entry (a new entry that replaces it)",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("partnership.ledger_entry_correct")
def ledger_entry_correct(request, entry_id: int, payload: CorrectionIn):
    entry = selectors.ledger_entry_get_for_user(user=request.user, pk=entry_id)
    return _entry_out(services.ledger_entry_correct(actor=request.user, entry=entry, **payload.dict()))


class FeedOut(Schema):
    key: str
    label: str
    kind_label: str
    direction: str
    description: str
    last_run_at: dt.datetime | None
    entries: int
    orphaned: int
    last_error: str


@router.get(
    "/feeds", response=list[FeedOut], auth=STAFF, summary="The feeds that fill the ledger, and what each measures"
)
def feed_list(request):
    return [vars(feed) for feed in selectors.feed_list()]


class DepartmentBalanceOut(Schema):
    code: str
    name: str
    asks: int
    gives: int
    give_share: float | None = Field(description="Percent of what it asked and gave that it gave.")


class MonthOut(Schema):
    month: dt.date
    department: str
    asks: int
    gives: int
    give_share: float | None


class BalanceKindOut(Schema):
    kind: str
    label: str
    direction: str
    giver: str
    receiver: str
    count: int
    hours: Decimal
    derived: int
    manual: int


class BalanceOut(Schema):
    start: dt.date
    end: dt.date
    departments: list[DepartmentBalanceOut]
    months: list[MonthOut]
    by_kind: list[BalanceKindOut]
    derived_share: float | None
    manual_share: float | None
    text: str


class BalanceQuery(Schema):
    start: dt.date | None = Field(None, description="Default: 12 months before `end`.")
    end: dt.date | None = Field(None, description="Default: the first day of next month.")


@router.get("/balance", response=BalanceOut, auth=STAFF, summary="Asks and gives per department, by month and kind")
def balance(request, query: Query[BalanceQuery]):
    if not policy.can_view_partnership(request.user):
        raise PermissionDenied("Your role does not show the partnership.")
    end = selectors.day_in_range(query.end, field="end") or selectors.next_month(timezone.localdate())
    start = selectors.day_in_range(query.start, field="start") or selectors.months_back(end - dt.timedelta(days=1), 12)
    if end <= start:
        raise reject("end", "The end must come after the start.", code="partnership.window_invalid")
    if (end - start).days > 366 * 10:
        raise reject("start", "Ask for at most ten years at a time.", code="partnership.window_invalid")
    b = selectors.balance(start=start, end=end)
    return {
        "start": b.start,
        "end": b.end,
        "departments": [
            {"code": d.code, "name": d.name, "asks": d.asks, "gives": d.gives, "give_share": d.give_share}
            for d in b.departments
        ],
        "months": [
            {"month": m.month, "department": m.code, "asks": m.asks, "gives": m.gives, "give_share": m.give_share}
            for m in b.months
        ],
        "by_kind": [
            {
                "kind": k.kind,
                "label": k.label,
                "direction": k.direction,
                "giver": k.giver_code,
                "receiver": k.receiver_code,
                "count": k.count,
                "hours": k.hours,
                "derived": k.derived,
                "manual": k.manual,
            }
            for k in b.by_kind
        ],
        "derived_share": b.derived_share,
        "manual_share": b.manual_share,
        "text": b.text_alternative(),
    }


# --- Goals and needs ---------------------------------------------------------------------------------------


class GoalOut(Schema):
    id: int
    department: str
    year: int
    title: str
    description: str
    status: str


def _goal_out(goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "department": goal.department.code,
        "year": goal.year,
        "title": goal.title,
        "description": goal.description,
        "status": goal.status,
    }


@router.get("/goals", response=page_of(GoalOut), auth=STAFF, summary="Each department's goals")
def goal_list(request, params: Query[PageParams], year: int | None = None):
    return api_page(selectors.goal_list(user=request.user, year=year), params=params, serialize=_goal_out)


class GoalIn(Schema):
    department: str
    year: int
    title: str
    description: str = ""


@router.post("/goals", response={201: GoalOut}, auth=SUPERVISORS, summary="Post a goal", description=IDEMPOTENCY_NOTE)
@idempotent("partnership.goal_create")
def goal_create(request, payload: GoalIn):
    return _goal_out(services.goal_create(actor=request.user, **payload.dict()))


class OfferOut(Schema):
    id: int
    department: str
    offered_by: str | None
    description: str
    status: str
    response_note: str
    match_id: int | None
    match_status: str | None


class NeedOut(Schema):
    id: int
    department: str
    title: str
    description: str
    needed_by: dt.date | None
    status: str
    offers: list[OfferOut]
    url: str


def _offer_out(offer) -> dict[str, Any]:
    match = getattr(offer, "match", None) if hasattr(offer, "match") else None
    return {
        "id": offer.pk,
        "department": offer.department.code,
        "offered_by": offer.offered_by.get_username() if offer.offered_by else None,
        "description": offer.description,
        "status": offer.status,
        "response_note": offer.response_note,
        "match_id": match.pk if match else None,
        "match_status": match.status if match else None,
    }


def _need_out(need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "department": need.department.code,
        "title": need.title,
        "description": need.description,
        "needed_by": need.needed_by,
        "status": need.status,
        "offers": [_offer_out(o) for o in need.offers.all()],
        "url": reverse("partnership:need", args=[need.pk]),
    }


@router.get("/needs", response=page_of(NeedOut), auth=STAFF, summary="Needs, with the offers made against them")
def need_list(request, params: Query[PageParams], status: str = ""):
    if status and status not in Need.Status.values:
        raise reject("status", f"Choose one of {', '.join(Need.Status.values)}.")
    return api_page(selectors.need_list(user=request.user, status=status or None), params=params, serialize=_need_out)


class NeedIn(Schema):
    department: str
    title: str
    description: str = ""
    needed_by: dt.date | None = None


@router.post("/needs", response={201: NeedOut}, auth=SUPERVISORS, summary="Post a need", description=IDEMPOTENCY_NOTE)
@idempotent("partnership.need_create")
def need_create(request, payload: NeedIn):
    return _need_out(services.need_create(actor=request.user, **payload.dict()))


class OfferIn(Schema):
    description: str


@router.post(
    "/needs/{need_id}/offers",
    response={201: OfferOut},
    auth=STAFF,
    summary="Offer help against a need",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("partnership.offer_create")
def offer_create(request, need_id: int, payload: OfferIn):
    need = selectors.need_get_for_user(user=request.user, pk=need_id)
    return _offer_out(services.offer_create(actor=request.user, need=need, description=payload.description))


class NoteIn(Schema):
    note: str = ""


@router.post("/offers/{offer_id}/accept", response=OfferOut, auth=STAFF, summary="Accept an offer (a match)")
def offer_accept(request, offer_id: int, payload: NoteIn | None = None):
    offer = selectors.offer_get_for_user(user=request.user, pk=offer_id)
    match = services.offer_accept(actor=request.user, offer=offer, note=payload.note if payload else "")
    return _offer_out(match.offer)


@router.post("/offers/{offer_id}/decline", response=OfferOut, auth=STAFF, summary="Decline an offer")
def offer_decline(request, offer_id: int, payload: NoteIn | None = None):
    offer = selectors.offer_get_for_user(user=request.user, pk=offer_id)
    return _offer_out(services.offer_decline(actor=request.user, offer=offer, note=payload.note if payload else ""))


class DeliveryIn(Schema):
    delivered_on: dt.date
    hours: Decimal | None = None
    note: str = ""


class MatchOut(Schema):
    id: int
    need: int
    status: str
    delivered_on: dt.date | None
    hours: Decimal | None


@router.post("/matches/{match_id}/deliver", response=MatchOut, auth=STAFF, summary="Record that the help was delivered")
def match_deliver(request, match_id: int, payload: DeliveryIn):
    match = selectors.match_get_for_user(user=request.user, pk=match_id)
    match = services.match_deliver(actor=request.user, match=match, **payload.dict())
    return {
        "id": match.pk,
        "need": match.need_id,
        "status": match.status,
        "delivered_on": match.delivered_on,
        "hours": match.hours,
    }


# --- The survey ------------------------------------------------------------------------------------------------


class QuestionOut(Schema):
    id: int
    key: str
    text: str
    answers: list[str] = Field(description="The answers' text (no names; the page shows named answers' authors).")


class EvidenceRowOut(Schema):
    category: str
    this_term: str = Field(description="A count, or 'fewer than 5'.")
    last_term: str
    change: str


class EvidenceOut(Schema):
    term: str
    previous: str
    source: str
    rows: list[EvidenceRowOut]


class RoundOut(Schema):
    id: int
    title: str
    period_start: dt.date
    period_end: dt.date
    status: str
    allows_anonymous: bool
    responses: int


class RoundDetailOut(RoundOut):
    anonymous_responses: int
    questions: list[QuestionOut]
    evidence: EvidenceOut


def _evidence_out(evidence: selectors.TechEvidence) -> dict[str, Any]:
    return {
        "term": evidence.term.name,
        "previous": evidence.previous.name,
        "source": evidence.source,
        "rows": [
            {
                "category": r.name,
                "this_term": r.this_term_shown,
                "last_term": r.last_term_shown,
                "change": r.change_shown,
            }
            for r in evidence.rows
        ],
    }


def _round_out(survey_round, responses: int | None = None) -> dict[str, Any]:
    return {
        "id": survey_round.pk,
        "title": survey_round.title,
        "period_start": survey_round.period_start,
        "period_end": survey_round.period_end,
        "status": survey_round.status,
        "allows_anonymous": survey_round.allows_anonymous,
        "responses": responses if responses is not None else getattr(survey_round, "response_count", 0),
    }


def _round_detail(survey_round) -> dict[str, Any]:
    results = selectors.survey_round_results(survey_round=survey_round)
    return {
        **_round_out(survey_round, results.response_count),
        "anonymous_responses": results.anonymous_count,
        "questions": [
            {
                "id": q.question.pk,
                "key": q.question.key,
                "text": q.question.text,
                "answers": [a.body for a in q.answers],
            }
            for q in results.questions
        ],
        "evidence": _evidence_out(selectors.round_evidence(survey_round=survey_round)),
    }


@router.get("/surveys", response=page_of(RoundOut), auth=STAFF, summary="Survey rounds, newest first")
def survey_list(request, params: Query[PageParams]):
    return api_page(selectors.survey_round_list(user=request.user), params=params, serialize=_round_out)


@router.get(
    "/surveys/{round_id}", response=RoundDetailOut, auth=STAFF, summary="A round's questions, answers and evidence"
)
def survey_detail(request, round_id: int):
    return _round_detail(selectors.survey_round_get_for_user(user=request.user, pk=round_id))


class RoundIn(Schema):
    title: str
    period_start: dt.date
    period_end: dt.date
    allows_anonymous: bool = True
    extra_questions: list[str] = []


@router.post(
    "/surveys",
    response={201: RoundDetailOut},
    auth=SUPERVISORS,
    summary="Set up a round (a draft)",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("partnership.survey_round_create")
def survey_create(request, payload: RoundIn):
    return _round_detail(services.survey_round_create(actor=request.user, **payload.dict()))


@router.post("/surveys/{round_id}/open", response=RoundOut, auth=SUPERVISORS, summary="Open a draft round for answers")
def survey_open(request, round_id: int):
    survey_round = selectors.survey_round_get_for_user(user=request.user, pk=round_id)
    return _round_out(services.survey_round_open(actor=request.user, survey_round=survey_round), 0)


@router.post("/surveys/{round_id}/close", response=RoundOut, auth=SUPERVISORS, summary="Close an open round")
def survey_close(request, round_id: int):
    survey_round = selectors.survey_round_get_for_user(user=request.user, pk=round_id)
    closed = services.survey_round_close(actor=request.user, survey_round=survey_round)
    return _round_out(closed, closed.responses.count())


class ResponseIn(Schema):
    answers: dict[str, str] = Field(description="Question id → answer.")
    anonymous: bool = False


class ResponseOut(Schema):
    round: int
    anonymous: bool
    answered: int


@router.post(
    "/surveys/{round_id}/responses",
    response={201: ResponseOut},
    auth=STAFF,
    summary="Answer an open round (once)",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("partnership.survey_respond")
def survey_respond(request, round_id: int, payload: ResponseIn):
    survey_round = selectors.survey_round_get_for_user(user=request.user, pk=round_id)
    response = services.survey_respond(
        actor=request.user, survey_round=survey_round, answers=payload.answers, anonymous=payload.anonymous
    )
    return {"round": survey_round.pk, "anonymous": response.is_anonymous, "answered": response.answers.count()}


@router.get(
    "/evidence/technology",
    response=EvidenceOut,
    auth=STAFF,
    summary="Top technology categories, this term against last",
)
def tech_evidence(request):
    if not policy.can_view_partnership(request.user):
        raise PermissionDenied("Your role does not show the partnership.")
    return _evidence_out(selectors.tech_issue_evidence(term=selectors.current_term()))


# --- Rollouts ------------------------------------------------------------------------------------------------------


class RolloutOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    department: str
    starts_on: dt.date
    ends_on: dt.date | None
    effect_on_library: str
    affected_services: str
    status: str
    consulted: bool
    consulted_on: dt.date | None
    consulted_with: str
    library_response: str
    flagged: bool = Field(description="True when it starts within two weeks with no consultation.")
    url: str


def _rollout_out(rollout: Rollout) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": rollout.pk,
        "title": rollout.title,
        "kind": rollout.kind,
        "description": rollout.description,
        "department": rollout.department.code,
        "starts_on": rollout.starts_on,
        "ends_on": rollout.ends_on,
        "effect_on_library": rollout.effect_on_library,
        "affected_services": rollout.affected_services,
        "status": rollout.status,
        "consulted": rollout.was_consulted,
        "consulted_on": rollout.consulted_on,
        "consulted_with": rollout.consulted_with,
        "library_response": rollout.library_response,
        "flagged": rollout.status == Rollout.Status.PLANNED
        and not rollout.was_consulted
        and rollout.starts_on <= today + dt.timedelta(days=selectors.FLAG_DAYS),
        "url": reverse("partnership:rollout", args=[rollout.pk]),
    }


@router.get("/rollouts", response=page_of(RolloutOut), auth=DESK, summary="IT's planned rollouts, soonest first")
def rollout_list(request, params: Query[PageParams], past: bool = False):
    return api_page(selectors.rollout_list(user=request.user, include_past=past), params=params, serialize=_rollout_out)


@router.get("/rollouts/{rollout_id}", response=RolloutOut, auth=DESK, summary="One rollout")
def rollout_detail(request, rollout_id: int):
    return _rollout_out(selectors.rollout_get_for_user(user=request.user, pk=rollout_id))


class RolloutIn(Schema):
    title: str
    kind: str
    starts_on: dt.date
    effect_on_library: str
    ends_on: dt.date | None = None
    description: str = ""
    affected_services: str = ""


@router.post(
    "/rollouts", response={201: RolloutOut}, auth=STAFF, summary="Plan a rollout (IT)", description=IDEMPOTENCY_NOTE
)
@idempotent("partnership.rollout_create")
def rollout_create(request, payload: RolloutIn):
    return _rollout_out(services.rollout_create(actor=request.user, **payload.dict()))


class RolloutPatch(Schema):
    title: str | None = None
    kind: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    effect_on_library: str | None = None
    description: str | None = None
    affected_services: str | None = None
    status: str | None = None


@router.patch("/rollouts/{rollout_id}", response=RolloutOut, auth=STAFF, summary="Change a rollout (IT)")
def rollout_update(request, rollout_id: int, payload: RolloutPatch):
    rollout = selectors.rollout_get_for_user(user=request.user, pk=rollout_id)
    data = payload.dict(exclude_unset=True)
    return _rollout_out(services.rollout_update(actor=request.user, rollout=rollout, data=data))


class ConsultationIn(Schema):
    consulted_on: dt.date
    library_response: str
    consulted_with: str = ""


@router.post(
    "/rollouts/{rollout_id}/consultation", response=RolloutOut, auth=STAFF, summary="Record the library's consultation"
)
def rollout_consultation(request, rollout_id: int, payload: ConsultationIn):
    rollout = selectors.rollout_get_for_user(user=request.user, pk=rollout_id)
    return _rollout_out(services.rollout_record_consultation(actor=request.user, rollout=rollout, **payload.dict()))


# --- Requests for library resources --------------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    kind: str
    title: str
    details: str
    department: str
    requester: str | None
    needed_by: dt.date | None
    status: str
    triage_note: str
    outcome_note: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    url: str


def _request_out(item: ResourceRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "details": item.details,
        "department": item.department.code,
        "requester": item.requester.get_username() if item.requester else None,
        "needed_by": item.needed_by,
        "status": item.status,
        "triage_note": item.triage_note,
        "outcome_note": item.outcome_note,
        "created_at": item.created_at,
        "closed_at": item.closed_at,
        "url": reverse("partnership:request", args=[item.pk]),
    }


@router.get("/requests", response=page_of(RequestOut), auth=STAFF, summary="Requests for library resources you may see")
def request_list(request, params: Query[PageParams], status: str = ""):
    if status and status not in ResourceRequest.Status.values:
        raise reject("status", f"Choose one of {', '.join(ResourceRequest.Status.values)}.")
    items = selectors.resource_request_list_for_user(user=request.user, status=status)
    return api_page(items, params=params, serialize=_request_out)


@router.get("/requests/{request_id}", response=RequestOut, auth=STAFF, summary="One request")
def request_detail(request, request_id: int):
    return _request_out(selectors.resource_request_get_for_user(user=request.user, pk=request_id))


class RequestIn(Schema):
    kind: str = Field(description="book, database, article, training_material or other.")
    title: str
    details: str = ""
    needed_by: dt.date | None = None


@router.post(
    "/requests",
    response={201: RequestOut},
    auth=STAFF,
    summary="Ask the library for a resource",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("partnership.resource_request_create")
def request_create(request, payload: RequestIn):
    return _request_out(services.resource_request_create(actor=request.user, **payload.dict()))


class OutcomeIn(Schema):
    note: str = ""
    hours: Decimal | None = None


@router.post("/requests/{request_id}/triage", response=RequestOut, auth=STAFF, summary="Take a request on (library)")
def request_triage(request, request_id: int, payload: OutcomeIn | None = None):
    item = selectors.resource_request_get_for_user(user=request.user, pk=request_id)
    return _request_out(
        services.resource_request_triage(actor=request.user, request=item, note=payload.note if payload else "")
    )


@router.post(
    "/requests/{request_id}/fulfil", response=RequestOut, auth=STAFF, summary="Fulfil a request, with a note (library)"
)
def request_fulfil(request, request_id: int, payload: OutcomeIn):
    item = selectors.resource_request_get_for_user(user=request.user, pk=request_id)
    return _request_out(
        services.resource_request_fulfil(actor=request.user, request=item, note=payload.note, hours=payload.hours)
    )


@router.post(
    "/requests/{request_id}/decline",
    response=RequestOut,
    auth=STAFF,
    summary="Decline a request, with a note (library)",
)
def request_decline(request, request_id: int, payload: OutcomeIn):
    item = selectors.resource_request_get_for_user(user=request.user, pk=request_id)
    return _request_out(services.resource_request_decline(actor=request.user, request=item, note=payload.note))


# --- Skills exchange --------------------------------------------------------------------------------------------------


class SkillOut(Schema):
    id: int
    title: str
    description: str
    level: str
    person: str
    department: str | None
    active: bool
    sessions: int


def _skill_out(skill: Skill) -> dict[str, Any]:
    return {
        "id": skill.pk,
        "title": skill.title,
        "description": skill.description,
        "level": skill.level,
        "person": str(skill.person),
        "department": skill.person.department.code if skill.person.department else None,
        "active": skill.is_active,
        "sessions": getattr(skill, "session_count", 0),
    }


@router.get("/skills", response=page_of(SkillOut), auth=DESK, summary="What people can teach")
def skill_list(request, params: Query[PageParams], q: str = ""):
    return api_page(selectors.skill_list(user=request.user, query=q), params=params, serialize=_skill_out)


class SkillIn(Schema):
    title: str
    description: str = ""
    level: str = "basics"


@router.post(
    "/skills", response={201: SkillOut}, auth=DESK, summary="List something you can teach", description=IDEMPOTENCY_NOTE
)
@idempotent("partnership.skill_create")
def skill_create(request, payload: SkillIn):
    return _skill_out(services.skill_create(actor=request.user, **payload.dict()))


class SessionIn(Schema):
    held_on: dt.date
    hours: Decimal
    attendee_department: str
    attendees: int = 1
    note: str = ""


class SessionOut(Schema):
    id: int
    skill: int
    held_on: dt.date
    hours: Decimal
    teacher_department: str
    attendee_department: str
    attendees: int


@router.post(
    "/skills/{skill_id}/sessions",
    response={201: SessionOut},
    auth=DESK,
    summary="Record a session given",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("partnership.skill_session_record")
def skill_session_record(request, skill_id: int, payload: SessionIn):
    skill = selectors.skill_get_for_user(user=request.user, pk=skill_id)
    session = services.skill_session_record(actor=request.user, skill=skill, **payload.dict())
    return {
        "id": session.pk,
        "skill": skill.pk,
        "held_on": session.held_on,
        "hours": session.hours,
        "teacher_department": session.teacher_department.code,
        "attendee_department": session.attendee_department.code,
        "attendees": session.attendees,
    }
