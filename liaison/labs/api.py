"""The labs API: the public status feed, staff reads and reports, and the workstation
agent's ingest. Thin: parse, call one selector or service, shape the answer."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import orjson
import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from liaison.core.api_access import API_PUBLIC, API_SIGNED_IN_OR_TOKEN_CLAIM, TokenClaim, api_access
from liaison.core.api_docs import request_body
from liaison.core.api_json import OrjsonParser
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.labs import policy, selectors, services
from liaison.labs.models import Asset, Incident

router = Router()
VIEWERS = api_access(*policy.STAFF_VIEW_ROLES)
WORKERS = api_access(*policy.EQUIPMENT_ROLES)


class LabBoardDeviceOut(Schema):
    tag: str
    label: str
    kind: str
    state: str = Field(
        description="free, in_use, off, no_signal, out_of_order (computers); working, down, no_signal (printers); "
        "working, down (others)."
    )
    state_label: str


class LabBoardSummaryOut(Schema):
    computers_free: int
    computers_total: int
    printers_working: int
    printers_total: int


class LabBoardLabOut(Schema):
    id: int
    name: str
    building: str
    computers: list[LabBoardDeviceOut]
    printers: list[LabBoardDeviceOut]
    others: list[LabBoardDeviceOut]
    summary: LabBoardSummaryOut


class LabBoardOut(Schema):
    as_of: str
    labs: list[LabBoardLabOut]


class LabAssetOut(Schema):
    id: int
    tag: str
    name: str
    kind: str
    model: str
    room_id: int
    room: str
    owner: str
    status: str
    serial: str
    network_address: str
    public_code: str


class LabAssetFilters(Schema):
    room: int | None = Field(None, description="Room id.")
    kind: str = Field("", max_length=20)
    q: str = Field("", max_length=80)


class LabIncidentOut(Schema):
    id: int
    asset_id: int
    asset_tag: str
    state: str
    source: str
    problem: str
    started_at: dt.datetime
    resolved_at: dt.datetime | None
    report_count: int
    ticket: int


class LabReportIn(Schema):
    problem: str = Field(..., max_length=40)
    note: str = Field("", max_length=5000)


class LabReportOut(Schema):
    incident: LabIncidentOut
    joined: bool


class IncidentStateIn(Schema):
    state: str = Field(..., max_length=20)
    resolution: str = Field("", max_length=2000)


class AgentEventIn(Schema):
    id: uuid.UUID = Field(description="The agent's id for this event; a sign-in's id names its session.")
    kind: str = Field(..., max_length=20, description="heartbeat, sign_in, sign_out or shutdown.")
    workstation: str = Field(..., max_length=40, description="The workstation's asset tag.")
    at: dt.datetime = Field(description="When it happened (ISO 8601; without an offset it is read as UTC).")
    session: uuid.UUID | None = Field(None, description="For sign_out: the id of the sign-in it ends.")


class AgentBatchIn(Schema):
    events: list[AgentEventIn] = Field(..., max_length=services.MAX_BATCH)


class RejectedEventOut(Schema):
    id: str
    field: str
    message: str
    code: str


class AgentBatchOut(Schema):
    accepted: list[str] = Field(description="Ids stored (or already stored): the agent may forget them.")
    rejected: list[RejectedEventOut] = Field(description="Ids refused, each with why: resending them will not help.")


def _asset(asset: Asset) -> dict:
    return {
        "id": asset.pk, "tag": asset.tag, "name": asset.name, "kind": asset.kind, "model": str(asset.model),
        "room_id": asset.room_id, "room": asset.room.name, "owner": asset.owner.code, "status": asset.status,
        "serial": asset.serial, "network_address": asset.network_address, "public_code": asset.public_code,
    }  # fmt: skip


def _incident(incident: Incident) -> dict:
    return {
        "id": incident.pk, "asset_id": incident.asset_id, "asset_tag": incident.asset.tag, "state": incident.state,
        "source": incident.source, "problem": incident.problem, "started_at": incident.started_at,
        "resolved_at": incident.resolved_at, "report_count": incident.report_count, "ticket": incident.ticket_id,
    }  # fmt: skip


@router.get("/status", response=LabBoardOut, auth=API_PUBLIC, summary="What works in each lab right now")
def status(request):
    return selectors.status_board()


@router.get("/assets", response=page_of(LabAssetOut), auth=VIEWERS, summary="The inventory")
def asset_list(request, filters: Query[LabAssetFilters], page: Query[PageParams]):
    assets = selectors.assets_for_user(user=request.user, room_id=filters.room, kind=filters.kind, query=filters.q)
    return api_page(assets, params=page, serialize=_asset)


@router.get("/assets/{asset_id}", response=LabAssetOut, auth=VIEWERS)
def asset_detail(request, asset_id: str):
    return _asset(selectors.asset_get_for_user(user=request.user, asset_id=asset_id))


@router.post(
    "/assets/{asset_id}/reports", response={201: LabReportOut}, auth=VIEWERS, summary="Report a fault as staff",
    description="Joins the device's open incident or opens one (and its ticket)." + IDEMPOTENCY_NOTE,
)  # fmt: skip
@idempotent("labs.staff_report")
def asset_report(request, asset_id: str, payload: LabReportIn):
    asset = selectors.asset_get_for_user(user=request.user, asset_id=asset_id)
    outcome = services.fault_report_staff(actor=request.user, asset=asset, problem=payload.problem, note=payload.note)
    return 201, {"incident": _incident(outcome.incident), "joined": outcome.joined}


@router.get("/incidents", response=page_of(LabIncidentOut), auth=VIEWERS, summary="Incidents, open ones by default")
def incident_list(request, page: Query[PageParams], all: bool = False):
    return api_page(selectors.incident_list(user=request.user, open_only=not all), params=page, serialize=_incident)


@router.get("/incidents/{incident_id}", response=LabIncidentOut, auth=VIEWERS)
def incident_detail(request, incident_id: str):
    return _incident(selectors.incident_get_for_user(user=request.user, incident_id=incident_id))


@router.post(
    "/incidents/{incident_id}/state", response=LabIncidentOut, auth=WORKERS, summary="Acknowledge, repair, resolve"
)
def incident_state(request, incident_id: str, payload: IncidentStateIn):
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id, for_work=True)
    incident = services.incident_change_state(
        actor=request.user, incident=incident, state=payload.state, resolution=payload.resolution
    )
    return _incident(incident)


@router.post(
    "/agent/events", response=AgentBatchOut, auth=API_SIGNED_IN_OR_TOKEN_CLAIM,
    summary="Workstation agent: sessions and heartbeats", openapi_extra=request_body(AgentBatchIn),
    description=(
        "For a lab's agent account (its token), or IT staff testing by hand. Each event is checked on its own; "
        "sign-ins and sign-outs are stored once (an event id sent again stores nothing new); heartbeats only move "
        "the workstation's last-seen time. At most 500 events a request and 600 requests a minute per agent (429)."
    ),
)  # fmt: skip
def agent_events(request):
    # The body is read here rather than through a typed parameter: an agent's heartbeat is the
    # API's busiest call (ADR 0060). The same schema documents it and judges any body that is
    # not plainly valid, so errors are word for word what a typed parameter gives.
    claim = request.auth if isinstance(request.auth, TokenClaim) else None
    try:
        events = _agent_events_in(request)
    except (HttpError, NinjaValidationError):
        if claim is not None and claim.confirm_fully() is None:
            raise AuthenticationError() from None  # a bad token is refused before its body is judged
        raise
    try:
        result = services.usage_ingest_claimed(claim=claim, events_in=events) if claim is not None else None
        if result is None:
            if claim is not None:  # not answered in one round trip: the token is checked in full
                request.user = claim.confirm_fully()
                if request.user is None:
                    raise AuthenticationError()
            result = services.usage_ingest(actor=request.user, events_in=events)
    except ValidationError as exc:
        if any(e.code == "labs.usage_rate_limited" for errs in exc.error_dict.values() for e in errs):
            raise HttpError(429, exc.messages[0]) from None
        raise
    response = HttpResponse(orjson.dumps({"accepted": result.accepted, "rejected": result.rejected}),
                            content_type="application/json; charset=utf-8")  # fmt: skip
    response["Cache-Control"] = "private, no-store"  # as for every signed-in caller
    return response


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?")


def _max_length(schema: type[Schema], name: str) -> int:
    return next(c.max_length for c in schema.model_fields[name].metadata if getattr(c, "max_length", None))


_MAX_KIND, _MAX_TAG = _max_length(AgentEventIn, "kind"), _max_length(AgentEventIn, "workstation")


def _agent_events_in(request) -> list[services.AgentEvent]:
    """The batch, parsed with orjson and checked by hand when it is plainly valid (canonical
    ids, ISO 8601 times, short strings: what agents send); anything else goes through
    `AgentBatchIn`, whose errors name the field as a typed parameter's would."""
    body = request.body
    if not body:
        raise NinjaValidationError([{"type": "missing", "loc": ("body", "payload"), "msg": "Field required"}])
    try:
        data = OrjsonParser().parse_body(request)  # drops NUL characters, as every operation does
    except Exception as exc:
        raise HttpError(400, "Cannot parse request body" + (f" ({exc})" if settings.DEBUG else "")) from exc
    events = _plainly_valid(data)
    if events is not None:
        return events
    try:
        payload = AgentBatchIn.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            error.pop("input", None)  # type: ignore[misc]
            context = error.get("ctx")
            if context and isinstance(context.get("error"), Exception):
                context["error"] = str(context["error"])
            errors.append({**error, "loc": ("body", "payload", *error["loc"])})
        raise NinjaValidationError(errors) from None
    return [
        services.AgentEvent(
            id=e.id,
            kind=e.kind,
            workstation=e.workstation,
            session=e.session,
            at=e.at if e.at.tzinfo else e.at.replace(tzinfo=dt.UTC),
        )
        for e in payload.events
    ]


def _plainly_valid(data) -> list[services.AgentEvent] | None:
    """The events if every one is plainly valid, else None (and the schema judges them). Only
    accepts what `AgentBatchIn` accepts, read to the same values."""
    items = data.get("events") if type(data) is dict else None
    if type(items) is not list or len(items) > services.MAX_BATCH:
        return None
    events = []
    for item in items:
        if type(item) is not dict:
            return None
        event_id, kind, tag, at, session = (item.get(k) for k in ("id", "kind", "workstation", "at", "session"))
        if not (type(event_id) is str and type(kind) is str and type(tag) is str and type(at) is str):
            return None
        if len(kind) > _MAX_KIND or len(tag) > _MAX_TAG or not _UUID.fullmatch(event_id) or not _MOMENT.fullmatch(at):
            return None
        if session is not None and not (type(session) is str and _UUID.fullmatch(session)):
            return None
        try:
            moment = dt.datetime.fromisoformat(at)
        except ValueError:  # a 25th hour, a 13th month: the schema names it
            return None
        events.append(services.AgentEvent(
            id=uuid.UUID(event_id), kind=kind, workstation=tag, session=uuid.UUID(session) if session else None,
            at=moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC),
        ))  # fmt: skip
    return events


# --- Library systems (ADR 0058) and headcounts (ADR 0059) ------------------------------------


class LabSystemOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    url: str
    library_owner: str | None
    it_owner: str | None
    support_contacts: list[str]
    status: str = Field(description="operational, degraded, outage or maintenance.")
    status_note: str
    status_changed_at: dt.datetime | None
    known_issues: list[str]


class LabSystemIn(Schema):
    name: str | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=5000)
    url: str | None = Field(None, max_length=1000)
    library_owner: int | None = Field(None, description="A staff member's user id.")
    it_owner: int | None = Field(None, description="A staff member's user id.")
    support_contacts: str | None = Field(None, max_length=10000)
    status: str | None = Field(None, max_length=20)
    status_note: str | None = Field(None, max_length=2000)
    known_issues: str | None = Field(None, max_length=20000)


class LabSystemMonthOut(Schema):
    month: str
    incidents: int
    tickets: int


class LabSystemTicketIn(Schema):
    ticket: str = Field(..., max_length=60, description="The ticket's number (1042) or reference.")


class LabSystemTicketOut(Schema):
    system: int
    ticket: int


class LabHeadcountOut(Schema):
    room_id: int
    room: str
    area: str = Field(description="'' is the lab's total as counted.")
    hour_start: dt.datetime
    weekday: int
    hour: int
    count: int


def _system(system) -> dict:
    lines = lambda text: [line.strip() for line in (text or "").splitlines() if line.strip()]  # noqa: E731
    return {
        "id": system.pk, "slug": system.slug, "name": system.name, "description": system.description,
        "url": system.url, "library_owner": str(system.library_owner) if system.library_owner else None,
        "it_owner": str(system.it_owner) if system.it_owner else None,
        "support_contacts": lines(system.support_contacts), "status": system.status,
        "status_note": system.status_note, "status_changed_at": system.status_changed_at,
        "known_issues": lines(system.known_issues),
    }  # fmt: skip


@router.get("/systems", response=page_of(LabSystemOut), auth=VIEWERS, summary="The library systems IT supports")
def system_list(request, page: Query[PageParams]):
    return api_page(selectors.system_list(user=request.user), params=page, serialize=_system)


@router.post("/systems", response={201: LabSystemOut}, auth=WORKERS, summary="Add a library system")
def system_create(request, payload: LabSystemIn):
    data = payload.dict(exclude_unset=True)
    return 201, _system(services.library_system_create(actor=request.user, data=data))


@router.get("/systems/{system_id}", response=LabSystemOut, auth=VIEWERS)
def system_detail(request, system_id: str):
    return _system(selectors.system_get_for_user(user=request.user, system_id=system_id))


@router.patch(
    "/systems/{system_id}", response=LabSystemOut, auth=VIEWERS, summary="Change a system's entry or status",
    description="IT staff, supervisors and the system's two owners. A status other than operational needs a note.",
)  # fmt: skip
def system_update(request, system_id: str, payload: LabSystemIn):
    system = selectors.system_get_for_user(user=request.user, system_id=system_id, for_edit=True)
    data = payload.dict(exclude_unset=True)
    return _system(services.library_system_update(actor=request.user, system=system, data=data))


@router.get("/systems/{system_id}/trouble", response=list[LabSystemMonthOut], auth=VIEWERS,
            summary="Incidents and tickets naming the system, per month (12 months)")  # fmt: skip
def system_trouble(request, system_id: str):
    system = selectors.system_get_for_user(user=request.user, system_id=system_id)
    return selectors.system_trouble_by_month(system=system)


@router.post("/systems/{system_id}/tickets", response={201: LabSystemTicketOut}, auth=VIEWERS,
             summary="Name the system on a ticket you can see")  # fmt: skip
def system_link_ticket(request, system_id: str, payload: LabSystemTicketIn):
    system = selectors.system_get_for_user(user=request.user, system_id=system_id)
    link = services.ticket_name_system(actor=request.user, system=system, ticket_key=payload.ticket)
    return 201, {"system": system.pk, "ticket": link.ticket_id}


class LabHeadcountFilters(Schema):
    room: int | None = Field(None, description="Room id.")
    start: dt.date | None = Field(None, description="First day (default: 7 days ago).")
    days: int = Field(7, ge=1, le=92)
    area: str | None = Field("", max_length=60, description="'' the totals (default); a name, that area.")


@router.get("/headcounts", response=list[LabHeadcountOut], auth=VIEWERS, summary="Hourly headcounts per lab")
def headcounts(request, filters: Query[LabHeadcountFilters]):
    from django.utils import timezone

    if not policy.can_view_equipment(request.user):
        return []
    first = filters.start or (timezone.localdate() - dt.timedelta(days=filters.days))
    if not 1900 <= first.year <= 9000:
        raise reject("start", "Give a first day between the years 1900 and 9000.", code="labs.period_invalid")
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    return selectors.headcounts_by_hour(room_id=filters.room, start=start, end=start + dt.timedelta(days=filters.days),
                                        area=filters.area)  # fmt: skip
