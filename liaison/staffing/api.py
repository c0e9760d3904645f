"""The pool's API: a worker's shifts, offers and availability; supervisors' runs, publishing
and approvals. Thin: parse, call one selector or service, shape the answer. Lists answer the
one page shape (`core.pagination`); errors carry the codes in `errors.py`."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema

from liaison.core.api_access import api_access
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.staffing import policy, selectors, services
from liaison.staffing.models import Shift, ShiftOffer

router = Router()
POOL = api_access(*policy.POOL_ROLES)
WORKERS = api_access(*policy.WORKER_ROLES)
WORKERS_AND_MANAGERS = api_access(*policy.WORKER_ROLES, *policy.MANAGER_ROLES)
MANAGERS = api_access(*policy.MANAGER_ROLES)


class PoolShiftOut(Schema):
    id: int
    uid: str
    service_point: str
    skill: str | None
    date: dt.date
    start_hour: int
    end_hour: int
    state: Shift.State
    worker: str | None
    open_reason: str


class PoolOfferOut(Schema):
    id: int
    status: str = Field(description="open, taken, approved, declined or withdrawn")
    shift: PoolShiftOut
    offered_by: str | None
    taken_by: str | None


class PoolOfferIn(Schema):
    note: str = Field("", max_length=300)


class PoolDecisionIn(Schema):
    approve: bool


class PoolBlockIn(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday.")
    start: int = Field(..., ge=0, le=23, description="First hour, 0–23.")
    end: int = Field(..., ge=1, le=24, description="The hour it ends (exclusive), 1–24.")
    preferred: bool = False


class PoolAvailabilityIn(Schema):
    term: int
    blocks: list[PoolBlockIn] = Field(..., max_length=200)


class PoolAvailabilityOut(Schema):
    term: int
    hours: int


class PoolPublishIn(Schema):
    version: int = Field(..., description="The schedule version you reviewed; publishing another is refused.")


class PoolPublishOut(Schema):
    published: int
    version: int


class PoolRunIn(Schema):
    time_limit_s: int = Field(10, ge=1, le=60)


class PoolRunOut(Schema):
    id: int
    status: str
    unmet_minimum_hours: int | None = None
    unmet_ideal_hours: int | None = None


class PoolOnDutyOut(Schema):
    service_point: str
    skill: str | None
    worker: str
    until_hour: int


def _shift(shift: Shift) -> dict:
    return {
        "id": shift.pk,
        "uid": str(shift.uid),
        "service_point": shift.service_point.slug,
        "skill": shift.skill.slug if shift.skill else None,
        "date": shift.date,
        "start_hour": shift.start_hour,
        "end_hour": shift.end_hour,
        "state": shift.state,
        "worker": str(shift.worker) if shift.worker else None,
        "open_reason": shift.open_reason,
    }


def _offer(offer: ShiftOffer) -> dict:
    return {
        "id": offer.pk,
        "status": offer.status,
        "shift": _shift(offer.shift),
        "offered_by": str(offer.offered_by) if offer.offered_by else None,
        "taken_by": str(offer.taken_by) if offer.taken_by else None,
    }


def _me(request):
    worker = selectors.worker_for_user(request.user)
    if worker is None:
        raise reject("worker", "You are not in the student-worker pool.", code="staffing.not_in_pool")
    return worker


@router.get("/shifts/mine", response=page_of(PoolShiftOut), auth=WORKERS, summary="My upcoming published shifts")
def my_shifts(request, page: Query[PageParams]):
    worker = selectors.worker_for_user(request.user)
    shifts = selectors.upcoming_shifts_of(worker=worker, limit=None) if worker else []
    return api_page(shifts, params=page, serialize=_shift)


@router.get("/offers", response=page_of(PoolOfferOut), auth=WORKERS, summary="Offered shifts I am eligible to pick up")
def eligible_offers(request, page: Query[PageParams]):
    worker = selectors.worker_for_user(request.user)
    offers = [offer for offer, problems in selectors.offers_open_to(worker=worker) if not problems] if worker else []
    return api_page(offers, params=page, serialize=_offer)


@router.post(
    "/shifts/{shift_id}/offer",
    response={201: PoolOfferOut},
    auth=WORKERS,
    summary="Offer my shift",
    description=IDEMPOTENCY_NOTE + " Offering a shift already on offer answers that offer.",
)
@idempotent("staffing.shift_offer")
def shift_offer(request, shift_id: int, payload: PoolOfferIn):
    shift = selectors.shift_get_for_user(user=request.user, pk=shift_id)
    return 201, _offer(services.shift_offer(actor=request.user, shift=shift, note=payload.note))


@router.post("/offers/{offer_id}/take", response=PoolOfferOut, auth=WORKERS, summary="Pick up an offered shift")
def offer_take(request, offer_id: int):
    offer = selectors.offer_get_for_user(user=request.user, pk=offer_id)
    return _offer(services.offer_take(actor=request.user, offer=offer))


@router.post("/offers/{offer_id}/withdraw", response=PoolOfferOut, auth=WORKERS_AND_MANAGERS)
def offer_withdraw(request, offer_id: int):
    offer = selectors.offer_get_for_user(user=request.user, pk=offer_id)
    return _offer(services.offer_withdraw(actor=request.user, offer=offer))


@router.post("/offers/{offer_id}/decide", response=PoolOfferOut, auth=MANAGERS, summary="Approve or decline a pick-up")
def offer_decide(request, offer_id: int, payload: PoolDecisionIn):
    offer = selectors.offer_get_for_user(user=request.user, pk=offer_id)
    return _offer(services.offer_decide(actor=request.user, offer=offer, approve=payload.approve))


@router.put(
    "/availability",
    response=PoolAvailabilityOut,
    auth=WORKERS,
    summary="Replace my weekly availability for a term",
    description="Blocks may not overlap (staffing.blocks_overlap names both).",
)
def availability_put(request, payload: PoolAvailabilityIn):
    worker = _me(request)
    try:
        term = selectors.term_get(pk=payload.term)
    except Http404:
        raise reject("term", "No such term.", code="staffing.term_unknown") from None
    hours = services.availability_save_blocks(
        actor=request.user, worker=worker, term=term, blocks=[b.dict() for b in payload.blocks]
    )
    return {"term": term.pk, "hours": hours}


@router.post(
    "/terms/{term_id}/runs",
    response={201: PoolRunOut},
    auth=MANAGERS,
    summary="Run the solver for a term",
    description=IDEMPOTENCY_NOTE + " The run happens in the background; GET the run for its proposal.",
)
@idempotent("staffing.run_create")
def run_create(request, term_id: int, payload: PoolRunIn):
    term = selectors.term_get(pk=term_id)
    run = services.schedule_generate(actor=request.user, term=term, time_limit_s=payload.time_limit_s)
    run.refresh_from_db()
    return 201, _run(run)


def _run(run) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "unmet_minimum_hours": run.result.get("unmet_minimum_hours"),
        "unmet_ideal_hours": run.result.get("unmet_ideal_hours"),
    }


@router.get("/runs/{run_id}", response=PoolRunOut, auth=MANAGERS)
def run_detail(request, run_id: int):
    return _run(selectors.run_get_for_user(user=request.user, pk=run_id))


@router.post("/terms/{term_id}/publish", response=PoolPublishOut, auth=MANAGERS, summary="Publish the reviewed version")
def publish(request, term_id: int, payload: PoolPublishIn):
    schedule = selectors.schedule_for(selectors.term_get(pk=term_id))
    count = services.schedule_publish(actor=request.user, schedule=schedule, expected_version=payload.version)
    return {"published": count, "version": payload.version}


@router.get("/on-duty", response=list[PoolOnDutyOut], auth=POOL, summary="Who is on shift at each desk now")
def on_duty(request):
    return [
        {
            "service_point": s.service_point.slug,
            "skill": s.skill.slug if s.skill else None,
            "worker": str(s.worker),
            "until_hour": s.end_hour,
        }
        for s in selectors.on_duty_at()
    ]
