"""Writes for labs and equipment: the inventory, fault reports and incidents (each tied to a
ticket through the tickets app's own services), maintenance windows and workstation usage.

Every service takes a keyword-only `actor` and asks `policy.py` itself. The few that run
without a person say so in their name: `fault_report_public` (a patron through the QR page)
and `fault_report_from_device` (a printer reporting itself). Both act through the system
account `labs-reports`, which opens and closes their tickets (ADR 0021).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.core.roles import Role
from liaison.core.services import model_update
from liaison.labs import agent_cache, events, policy
from liaison.labs.models import (
    Asset,
    AssetModel,
    FaultReport,
    Incident,
    LabAgent,
    MaintenanceWindow,
    Maker,
    UsageSession,
    WorkstationPresence,
    problems_for,
)
from liaison.tickets import selectors as ticket_selectors
from liaison.tickets import services as ticket_services

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from liaison.accounts.models import Department, User
    from liaison.core.api_access import TokenClaim
    from liaison.places.models import Room
    from liaison.tickets.models import Queue

State = Incident.State
Source = Incident.Source

TAG_FORMAT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,39}$")
HOST_FORMAT = re.compile(
    r"^(?=.{1,200}$)[A-Za-z0-9]([A-Za-z0-9\-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*$"
)
NOTE_MAX = 1000
CONTACT_MAX = 200
RESOLUTION_MAX = 500
SYSTEM_USERNAME = "labs-reports"

# Rate limits for the public report form, counted in the cache (no IP address is kept, so the
# limits are per device and overall, not per person): a flood cannot bury the IT queue.
PER_ASSET_LIMIT = (5, 600)  # at most 5 reports on one device in 10 minutes
OVERALL_LIMIT = (60, 600)  # at most 60 public reports in 10 minutes, all devices together

# Which queue a device's incidents go to, by kind: the first slug that exists wins; failing
# all of them, the first active IT top-level queue. LIAISON_LABS_QUEUES overrides the map.
DEFAULT_QUEUES: dict[str, tuple[str, ...]] = {
    "printer": ("it-printing", "it-help-desk"),
    "label_printer": ("it-printing", "it-help-desk"),
    "copier": ("it-printing", "it-help-desk"),
    "workstation": ("it-labs", "it-help-desk"),
    "*": ("it-labs", "it-help-desk"),
}


# --- The system account ---------------------------------------------------------------------


def system_reporter() -> User:
    """The account that opens tickets for patrons and devices, and closes what a device
    reopened itself: in IT, a desk role, no password, no token (ADR 0021)."""
    users = get_user_model()
    user = users.objects.filter(username=SYSTEM_USERNAME).first()
    if user is not None:
        return user
    from liaison.accounts.selectors import department_list

    it = department_list().filter(kind="it").order_by("pk").first()
    user = users(
        username=SYSTEM_USERNAME, display_name="Lab fault reports (automatic)", role=Role.STUDENT_WORKER,
        department=it, is_active=True,
    )  # fmt: skip
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return users.objects.get(username=SYSTEM_USERNAME)
    return user


def incident_queue(asset: Asset) -> Queue:
    mapping = getattr(settings, "LIAISON_LABS_QUEUES", DEFAULT_QUEUES)
    for slug in (*mapping.get(asset.kind, ()), *mapping.get("*", ())):
        queue = ticket_selectors.queue_list().filter(slug=slug).first()
        if queue is not None:
            return queue
    queue = ticket_selectors.queue_list().filter(department__kind="it", parent=None).order_by("pk").first()
    if queue is None:
        raise reject(
            "asset", "No IT queue takes lab incidents; an administrator must add one.", code="labs.queue_missing"
        )
    return queue


# --- Inventory ------------------------------------------------------------------------------


def _clean_tag(tag: str) -> str:
    tag = (tag or "").strip()
    if not tag:
        raise reject("tag", "Give the asset tag written on the device.", code="labs.tag_required")
    if not TAG_FORMAT.match(tag):
        raise reject(
            "tag", "Use letters, digits, '-', '_', '.' or '/' (up to 40), starting with a letter or digit.",
            code="labs.tag_invalid",
        )  # fmt: skip
    return tag


def _clean_short(value: str | None, *, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise reject(field, f"Keep this under {limit:,} characters (it is {len(text):,}).", code="labs.text_too_long")
    return text


def clean_address(value: str | None) -> str:
    """A printer's address: a host name or IP address, optionally as an ipp(s):// or http(s)://
    URL with a port and path."""
    from urllib.parse import urlsplit

    text = (value or "").strip()
    if not text:
        return ""
    bad = reject("network_address", "Give a host name (printer-2.lib.example.edu), an IP address or an ipp:// URL.",
                 code="labs.address_invalid")  # fmt: skip
    if any(c.isspace() for c in text) or len(text) > 200:
        raise bad
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
        host, _port = parts.hostname or "", parts.port
    except ValueError:
        raise bad from None
    if parts.scheme not in ("", "ipp", "ipps", "http", "https") or not host:
        raise bad
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not HOST_FORMAT.match(host):
            raise bad from None
    return text


ASSET_FIELDS = (
    "tag",
    "name",
    "serial",
    "model",
    "room",
    "owner",
    "status",
    "notes",
    "in_service_on",
    "network_address",
)


def _clean_asset_data(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "tag" in data:
        cleaned["tag"] = _clean_tag(data["tag"])
    for name, limit in (("name", 120), ("serial", 80), ("notes", 5000)):
        if name in data:
            cleaned[name] = _clean_short(data[name], field=name, limit=limit)
    if "model" in data:
        if not isinstance(data["model"], AssetModel):
            raise reject("model", "Choose the device's model.", code="labs.model_required")
        cleaned["model"] = data["model"]
        cleaned["kind"] = data["model"].kind
    if "room" in data:
        if data["room"] is None:
            raise reject("room", "Choose the room where the device stands.", code="labs.room_required")
        cleaned["room"] = data["room"]
    if "owner" in data:
        if data["owner"] is None:
            raise reject("owner", "Choose whose equipment it is.", code="labs.owner_unknown")
        cleaned["owner"] = data["owner"]
    if "status" in data:
        if data["status"] not in Asset.Status.values:
            raise reject("status", "Choose in service, in storage or retired.", code="labs.status_unknown")
        cleaned["status"] = data["status"]
    if "in_service_on" in data:
        cleaned["in_service_on"] = data["in_service_on"]
    if "network_address" in data:
        cleaned["network_address"] = clean_address(data["network_address"])
    return cleaned


def _taken(tag: str, exclude_pk: int | None = None) -> bool:
    others = Asset.objects.filter(tag__iexact=tag)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


@transaction.atomic
def asset_create(
    *,
    actor: User,
    tag: str,
    model: AssetModel,
    room: Room,
    owner: Department,
    name: str = "",
    serial: str = "",
    status: str = Asset.Status.IN_SERVICE,
    notes: str = "",
    in_service_on: dt.date | None = None,
    network_address: str = "",
) -> Asset:
    if not policy.can_edit_asset(actor):
        raise PermissionDenied("Only IT staff and supervisors change the inventory.")
    data = _clean_asset_data(
        {"tag": tag, "model": model, "room": room, "owner": owner, "name": name, "serial": serial,
         "status": status, "notes": notes, "in_service_on": in_service_on, "network_address": network_address}
    )  # fmt: skip
    if _taken(data["tag"]):
        raise reject("tag", f"Another asset already has the tag {data['tag']}.", code="labs.tag_taken")
    asset = Asset.objects.create(**data)
    events.asset_created(actor=actor, asset=asset)
    return asset


@transaction.atomic
def asset_update(*, actor: User, asset: Asset, data: Mapping[str, Any]) -> Asset:
    """Change the fields in `data` (any of ASSET_FIELDS); nothing is written when nothing changed."""
    if not policy.can_edit_asset(actor, asset):
        raise PermissionDenied("Only IT staff and supervisors change the inventory.")
    unknown = set(data) - set(ASSET_FIELDS)
    if unknown:
        raise reject(sorted(unknown)[0], "This field cannot be changed here.", code="labs.field_not_editable")
    cleaned = _clean_asset_data(data)
    if "tag" in cleaned and _taken(cleaned["tag"], exclude_pk=asset.pk):
        raise reject("tag", f"Another asset already has the tag {cleaned['tag']}.", code="labs.tag_taken")
    snapshot_before = events.asset_snapshot(asset)
    asset, before = model_update(instance=asset, fields=(*ASSET_FIELDS, "kind"), data=cleaned)
    if before:
        events.asset_updated(actor=actor, asset=asset, before=snapshot_before)
    return asset


def maker_get_or_create(*, name: str) -> Maker:
    name = _clean_short(name, field="maker", limit=80)
    if not name:
        raise reject("maker", "Name the maker.", code="labs.model_required")
    found = Maker.objects.filter(name__iexact=name).first()
    return found or Maker.objects.create(name=name)


def asset_model_get_or_create(*, maker: Maker, name: str, kind: str) -> AssetModel:
    name = _clean_short(name, field="model", limit=120)
    if not name:
        raise reject("model", "Name the model.", code="labs.model_required")
    if kind not in dict(Asset._meta.get_field("kind").choices or ()):
        raise reject("kind", f"Unknown kind {kind!r}.", code="labs.kind_unknown")
    found = AssetModel.objects.filter(maker=maker, name__iexact=name).first()
    return found or AssetModel.objects.create(maker=maker, name=name, kind=kind)


# --- Fault reports and incidents ------------------------------------------------------------


@dataclass(frozen=True)
class ReportOutcome:
    incident: Incident
    report: FaultReport
    joined: bool  # True when the report joined an incident that was already open


def _clean_problem(asset: Asset, problem: str) -> str:
    codes = [code for code, _label in problems_for(asset.kind)]
    if problem not in codes:
        raise reject("problem", "Choose one of the problems listed for this device.", code="labs.problem_unknown")
    return problem


def _clean_note(note: str | None) -> str:
    text = (note or "").replace("\r\n", "\n").strip()
    if len(text) > NOTE_MAX:
        raise reject("note", f"Keep the note under {NOTE_MAX:,} characters (it is {len(text):,}).",
                     code="labs.note_too_long")  # fmt: skip
    return text


def _clean_contact(contact: str | None) -> str:
    text = " ".join((contact or "").split())
    if len(text) > CONTACT_MAX:
        raise reject("contact", f"Keep the contact under {CONTACT_MAX} characters.", code="labs.contact_too_long")
    return text


PHOTO_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif")


def _take_slot(key: str, limit: tuple[int, int]) -> bool:
    """Count one more in a fixed window; False once the window is full (nothing is counted)."""
    most, seconds = limit
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= most


def _check_rate(asset: Asset) -> None:
    if not _take_slot(f"labs:reports:asset:{asset.pk}", PER_ASSET_LIMIT) or not _take_slot(
        "labs:reports:all", OVERALL_LIMIT
    ):
        raise reject(
            "__all__",
            "Many reports have come in just now, so this one was not filed. If the device is still broken, "
            "tell the lab desk or try again in ten minutes.",
            code="labs.reports_rate_limited",
        )


def _subject(asset: Asset, problem: str) -> str:
    from liaison.labs.models import problem_label

    return f"{asset.label} ({asset.tag}) in {asset.room.name}: {problem_label(problem)}"[:200]


def _file_report(
    *, opener: User, recorded_actor: User | None, asset: Asset, source: str, problem: str, note: str,
    contact: str = "", photo: UploadedFile | None = None,
) -> ReportOutcome:  # fmt: skip
    asset = Asset.objects.select_for_update(of=("self",)).select_related("room", "model__maker").get(pk=asset.pk)
    if not asset.in_service:
        raise reject("asset", "This device is not in service, so it cannot be reported.",
                     code="labs.asset_not_in_service")  # fmt: skip
    now = timezone.now()
    incident = Incident.objects.filter(asset=asset).exclude(state=State.RESOLVED).select_related("ticket").first()
    joined = incident is not None
    if incident is None:
        description = f"Reported by {Source(source).label.lower()}."
        if note:
            description += f"\n\n{note}"
        ticket = ticket_services.ticket_create(
            actor=opener, queue=incident_queue(asset), subject=_subject(asset, problem), description=description
        )
        incident = Incident.objects.create(
            asset=asset, ticket=ticket, source=source, problem=problem, started_at=now,
            opened_by=recorded_actor, report_count=1,
        )  # fmt: skip
    else:
        incident.report_count += 1
        incident.save(update_fields=["report_count", "updated_at"])
    report = FaultReport.objects.create(
        incident=incident, source=source, problem=problem, note=note, contact=contact, has_photo=photo is not None,
        created_at=now,
    )  # fmt: skip
    if joined:
        events.incident_joined(actor=recorded_actor, incident=incident, report=report)
    else:
        events.incident_opened(actor=recorded_actor, incident=incident, report=report)
    if photo is not None:
        _attach_photo(incident, photo)
    return ReportOutcome(incident=incident, report=report, joined=joined)


def _attach_photo(incident: Incident, photo: UploadedFile) -> None:
    name = (getattr(photo, "name", "") or "").lower()
    if not name.endswith(PHOTO_EXTENSIONS):
        raise reject("photo", "Send a photo: a PNG, JPEG or GIF image.", code="labs.photo_not_image")
    try:
        ticket_services.ticket_attach(actor=system_reporter(), ticket=incident.ticket, upload=photo)
    except ValidationError as exc:
        raise reject("photo", "The photo was refused: " + " ".join(exc.messages), code="labs.photo_refused") from exc


def fault_report_public(
    *, asset: Asset, problem: str, note: str = "", contact: str = "", photo: UploadedFile | None = None
) -> ReportOutcome:
    """A patron's report from the QR page (no account; a system job in that sense). Stores no
    IP address, user agent or cookie; rate-limited per device and overall. Joins the open
    incident, or opens one with its ticket through the system account. All or nothing."""
    problem = _clean_problem(asset, problem)
    note, contact = _clean_note(note), _clean_contact(contact)
    _check_rate(asset)
    with transaction.atomic():
        return _file_report(
            opener=system_reporter(), recorded_actor=None, asset=asset, source=Source.PATRON, problem=problem,
            note=note, contact=contact, photo=photo,
        )  # fmt: skip


@transaction.atomic
def fault_report_staff(*, actor: User, asset: Asset, problem: str, note: str = "") -> ReportOutcome:
    """A member of staff reports a fault (the lab desk, IT walking past). Their ticket is
    theirs: a library colleague's report is the library asking IT."""
    if not policy.can_report_fault_as_staff(actor):
        raise PermissionDenied("Your role does not report faults.")
    problem = _clean_problem(asset, problem)
    return _file_report(opener=actor, recorded_actor=actor, asset=asset, source=Source.STAFF, problem=problem,
                        note=_clean_note(note))  # fmt: skip


@transaction.atomic
def fault_report_from_device(*, asset: Asset, problem: str, note: str = "") -> ReportOutcome:
    """A system job: a device reported a fault state itself (a printer's poller)."""
    problem = problem if problem in [c for c, _ in problems_for(asset.kind)] else "other"
    return _file_report(opener=system_reporter(), recorded_actor=None, asset=asset, source=Source.DEVICE,
                        problem=problem, note=_clean_note(note))  # fmt: skip


# The incident's state machine. Any open state may go straight to resolved (a jam cleared on
# the spot needs no "in repair" step); resolved is final: a new fault is a new incident.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.REPORTED: (State.ACKNOWLEDGED, State.IN_REPAIR, State.RESOLVED),
    State.ACKNOWLEDGED: (State.IN_REPAIR, State.RESOLVED),
    State.IN_REPAIR: (State.RESOLVED,),
    State.RESOLVED: (),
}


def _sync_ticket(*, actor: User, incident: Incident) -> None:
    """Move the incident's ticket with it, through the tickets app's services: acknowledged or
    in repair opens it, resolved resolves it. A ticket someone already moved on is left alone."""
    ticket = incident.ticket
    Ticket = type(ticket)
    if incident.state == State.RESOLVED:
        if ticket.state in (Ticket.State.NEW, Ticket.State.OPEN, Ticket.State.WAITING):
            ticket_services.ticket_change_state(actor=actor, ticket=ticket, state=Ticket.State.RESOLVED)
        if incident.resolution:
            ticket_services.ticket_reply(actor=actor, ticket=ticket, body=incident.resolution, is_internal=True)
    elif ticket.state == Ticket.State.NEW:
        ticket_services.ticket_change_state(actor=actor, ticket=ticket, state=Ticket.State.OPEN)


@transaction.atomic
def incident_change_state(*, actor: User, incident: Incident, state: str, resolution: str = "") -> Incident:
    """Acknowledge, start the repair, or resolve; the ticket follows (see `_sync_ticket`)."""
    if not policy.can_work_incident(actor, incident):
        raise PermissionDenied("Only IT staff and supervisors work lab incidents.")
    return _change_state(actor=actor, recorded_actor=actor, incident=incident, state=state, resolution=resolution)


def _change_state(
    *, actor: User, recorded_actor: User | None, incident: Incident, state: str, resolution: str
) -> Incident:
    if state not in State.values:
        raise reject("state", f"Unknown state {state!r}; choose one of {', '.join(State.values)}.",
                     code="labs.state_unknown")  # fmt: skip
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("ticket__queue__department", "asset")
        .get(pk=incident.pk)
    )
    allowed = TRANSITIONS[incident.state]
    if state not in allowed:
        current = State(incident.state).label.lower()
        if not allowed:
            message = "This incident is resolved; a new fault is a new report."
        else:
            message = f"A {current} incident can go to " + " or ".join(State(s).label.lower() for s in allowed) + "."
        raise reject("state", message, code="labs.transition_not_allowed")
    resolution = (resolution or "").strip()
    if len(resolution) > RESOLUTION_MAX:
        raise reject("resolution", f"Keep the note under {RESOLUTION_MAX} characters.", code="labs.resolution_too_long")
    previous = incident.state
    now = timezone.now()
    incident.state = state
    if state == State.ACKNOWLEDGED:
        incident.acknowledged_at = now
    elif state == State.IN_REPAIR:
        incident.repair_started_at = now
        incident.acknowledged_at = incident.acknowledged_at or now
    elif state == State.RESOLVED:
        incident.resolved_at = max(now, incident.started_at)
        incident.resolved_by = recorded_actor
        incident.resolution = resolution
    incident.save()
    _sync_ticket(actor=actor, incident=incident)
    events.incident_state_changed(actor=recorded_actor, incident=incident, previous=previous)
    return incident


@transaction.atomic
def incident_resolve_from_device(
    *, asset: Asset, note: str = "The device reports it is working again."
) -> Incident | None:
    """A system job: a device that recovered closes the incident it opened itself (never one a
    person reported: someone should look at that)."""
    incident = Incident.objects.filter(asset=asset, source=Source.DEVICE).exclude(state=State.RESOLVED).first()
    if incident is None:
        return None
    return _change_state(actor=system_reporter(), recorded_actor=None, incident=incident, state=State.RESOLVED,
                         resolution=note)  # fmt: skip


@transaction.atomic
def maintenance_plan(
    *, actor: User, asset: Asset, starts_at: dt.datetime, ends_at: dt.datetime, reason: str
) -> MaintenanceWindow:
    if not policy.can_plan_maintenance(actor, asset):
        raise PermissionDenied("Only IT staff and supervisors plan maintenance.")
    reason = _clean_short(reason, field="reason", limit=200)
    if not reason:
        raise reject("reason", "Say what the maintenance is for.", code="labs.reason_required")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise reject("ends_at", "The window must end after it starts.", code="labs.window_invalid")
    if ends_at - starts_at > dt.timedelta(days=14):
        raise reject("ends_at", "A maintenance window lasts at most 14 days.", code="labs.window_invalid")
    window = MaintenanceWindow.objects.create(asset=asset, starts_at=starts_at, ends_at=ends_at, reason=reason,
                                              created_by=actor)  # fmt: skip
    events.maintenance_planned(actor=actor, window=window)
    return window


def fault_report_contacts_purge(*, older_than_days: int = 30, now: dt.datetime | None = None) -> int:
    """A system job (daily): blank the optional contact on reports whose incident was resolved
    more than `older_than_days` ago. Reports and figures stay."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    return (
        FaultReport.objects.filter(incident__state=State.RESOLVED, incident__resolved_at__lt=cutoff)
        .exclude(contact="")
        .update(contact="")
    )


# --- Usage from the workstation agent (ADR 0020) --------------------------------------------

HEARTBEAT_SECONDS = 60
MISSED_HEARTBEATS = 3
MAX_BATCH = 500
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
PAST_LIMIT = dt.timedelta(days=7)
AGENT_REQUESTS_PER_MINUTE = 600
EVENT_KINDS = ("heartbeat", "sign_in", "sign_out", "shutdown")


@dataclass
class AgentEvent:
    id: uuid.UUID
    kind: str
    workstation: str
    at: dt.datetime
    session: uuid.UUID | None = None


@dataclass
class IngestResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)


def _rate_key(actor: User) -> str:
    return f"labs:agent:{actor.pk}:{int(timezone.now().timestamp() // 60)}"


def _refuse_flood(allowed: bool) -> None:
    if not allowed:
        raise reject("__all__", f"More than {AGENT_REQUESTS_PER_MINUTE} requests a minute from this agent; "
                     "send heartbeats once a minute and batch the rest.", code="labs.usage_rate_limited")  # fmt: skip


def _agent_lab_from_db(user_id: int) -> agent_cache.AgentLab | None:
    """The agent account's lab and its in-service workstations (two queries), or None for a
    user who is not a lab's agent."""
    room_id = LabAgent.objects.filter(user_id=user_id).values_list("room_id", flat=True).first()
    if room_id is None:
        return None
    workstations = Asset.objects.filter(room_id=room_id, kind="workstation", status=Asset.Status.IN_SERVICE)
    return agent_cache.AgentLab(room_id=room_id, workstations=dict(workstations.order_by().values_list("tag", "pk")))


def usage_ingest(*, actor: User, events_in: Iterable[AgentEvent], now: dt.datetime | None = None) -> IngestResult:
    """Take a batch from a lab's agent. Each event is checked on its own: a bad one is listed
    in `rejected` with its field, reason and code, the good ones are kept. Sign-ins and
    sign-outs are durable rows (a resend is recognised by its id and stores nothing new);
    heartbeats only move the workstation's last-seen time (telemetry).

    Where the cache is shared (Redis), the agent's lab, its workstations by tag and the
    minute's request count come in one cache round trip (`agent_cache`, ADR 0060), and a batch
    of heartbeats alone touches no database at all: one more round trip stores the beats."""
    now = now or timezone.now()
    batch = list(events_in)
    if len(batch) > MAX_BATCH:
        raise reject("events", f"Send at most {MAX_BATCH} events at once.", code="labs.batch_too_large")
    lab: agent_cache.AgentLab | None = None
    if heartbeats_buffered():
        lab, built_in, count = agent_cache.read(user_id=actor.pk, rate_key=_rate_key(actor), rate_seconds=60)
        if lab is None:
            lab = _agent_lab_from_db(actor.pk)
            if lab is not None:
                agent_cache.store(user_id=actor.pk, built_in=built_in, lab=lab)
        agent_room = lab.room_id if lab is not None else None
        if agent_room is None and not policy.can_post_usage_for_any_lab(actor):
            raise PermissionDenied("Only a lab's agent account, IT staff or supervisors post usage.")
        _refuse_flood(count <= AGENT_REQUESTS_PER_MINUTE)
    else:
        # One query says whose agent this is (a lab's room id, or none for a person).
        agent_room = LabAgent.objects.filter(user_id=actor.pk).values_list("room_id", flat=True).first()
        if agent_room is None and not policy.can_post_usage_for_any_lab(actor):
            raise PermissionDenied("Only a lab's agent account, IT staff or supervisors post usage.")
        _refuse_flood(_take_slot(_rate_key(actor), (AGENT_REQUESTS_PER_MINUTE, 60)))
    assets: dict[int, Asset] = {}
    if lab is not None and all(e.kind == "heartbeat" for e in batch):
        by_tag = lab.workstations  # heartbeats alone: the cached map is all they need
    else:
        tags = {e.workstation for e in batch}
        workstations = (
            Asset.objects.filter(tag__in=tags, kind="workstation", status=Asset.Status.IN_SERVICE)
            .only("pk", "tag", "room_id", "kind")
            .order_by()
        )  # no join for the model's default ordering
        if agent_room is not None:
            workstations = workstations.filter(room_id=agent_room)
        assets = {a.pk: a for a in workstations}
        by_tag = {a.tag: a.pk for a in assets.values()}
    result = IngestResult()
    latest_beat: dict[int, dt.datetime] = {}
    for event in sorted(batch, key=lambda e: e.at):
        problem = _event_problem(event, by_tag, now)
        if problem:
            result.rejected.append({"id": str(event.id), **problem})
            continue
        asset_id = by_tag[event.workstation]
        if event.kind == "heartbeat":  # telemetry: written once per workstation after the loop
            latest_beat[asset_id] = max(event.at, latest_beat.get(asset_id, event.at))
            result.accepted.append(str(event.id))
            continue
        try:
            with transaction.atomic():
                _apply_event(assets[asset_id], event, now)
        except ValidationError as exc:
            field_name, messages = next(iter(exc.message_dict.items()))
            result.rejected.append({"id": str(event.id), "field": field_name, "message": messages[0],
                                    "code": "labs.session_unknown"})  # fmt: skip
            continue
        result.accepted.append(str(event.id))
    _write_heartbeats(latest_beat, now)
    return result


def usage_ingest_claimed(*, claim: TokenClaim, events_in: list[AgentEvent],
                         now: dt.datetime | None = None) -> IngestResult | None:  # fmt: skip
    """`usage_ingest` for a lab agent's batch of heartbeats, in one Redis round trip with the
    agent's token still unconfirmed (`claim`, ADR 0060): the same checks, from this process's
    copy of the agent's lab (`agent_cache.recall`), then one script confirms the token, checks
    that copy's generation, counts the request and stores the beats. A flood is refused (429) as
    in `usage_ingest`.

    None when this path cannot answer and has stored and counted nothing: not Redis, a batch
    with more than heartbeats, no copy of the agent's lab here, or the script found the token's
    entry or the generation changed. The caller then checks the token in full and calls
    `usage_ingest`, so a revoked token is refused there."""
    if len(events_in) > MAX_BATCH or not heartbeats_buffered() or any(e.kind != "heartbeat" for e in events_in):
        return None
    known = agent_cache.recall(claim.user.pk)
    if known is None:
        return None
    generation, lab = known
    now = now or timezone.now()
    result = IngestResult()
    latest_beat: dict[int, dt.datetime] = {}
    for event in sorted(events_in, key=lambda e: e.at):
        problem = _event_problem(event, lab.workstations, now)
        if problem:
            result.rejected.append({"id": str(event.id), **problem})
            continue
        asset_id = lab.workstations[event.workstation]
        latest_beat[asset_id] = max(event.at, latest_beat.get(asset_id, event.at))
        result.accepted.append(str(event.id))
    outcome = agent_cache.heartbeats_store(
        token_key=claim.cache_key, token_cached=claim.cached, generation=generation,
        rate_key=_rate_key(claim.user), rate_seconds=60, limit=AGENT_REQUESTS_PER_MINUTE,
        beats={beat_key(pk): at.isoformat() for pk, at in latest_beat.items()}, beat_seconds=BEAT_TTL,
    )  # fmt: skip
    _refuse_flood(outcome != agent_cache.OVER_LIMIT)
    return result if outcome == agent_cache.STORED else None


def _event_problem(event: AgentEvent, by_tag: Mapping[str, int], now: dt.datetime) -> dict[str, str] | None:
    if event.kind not in EVENT_KINDS:
        return {"field": "kind", "message": f"Unknown event {event.kind!r}; send one of {', '.join(EVENT_KINDS)}.",
                "code": "labs.event_kind_unknown"}  # fmt: skip
    if event.workstation not in by_tag:
        return {"field": "workstation", "message": f"No in-service workstation {event.workstation!r} in this lab.",
                "code": "labs.workstation_unknown"}  # fmt: skip
    if event.at > now + FUTURE_TOLERANCE or event.at < now - PAST_LIMIT:
        return {"field": "at", "message": f"The time {event.at.isoformat()} is far from the server's "
                f"({now.isoformat(timespec='seconds')}); set the PC's clock.", "code": "labs.clock_off"}  # fmt: skip
    return None


def _apply_event(asset: Asset, event: AgentEvent, now: dt.datetime) -> None:
    if event.kind == "sign_in":
        UsageSession.objects.get_or_create(client_id=event.id, defaults={"asset": asset, "started_at": event.at})
        # Any earlier session left open on this PC ended when this one began (a crash, a pulled plug).
        UsageSession.objects.filter(asset=asset, ended_at=None, started_at__lt=event.at).exclude(
            client_id=event.id
        ).update(ended_at=event.at)
        _presence(asset, event.at, in_use=True, powered_off=False)
    elif event.kind == "sign_out":
        if event.session is None:
            raise reject("session", "A sign-out names its sign-in's id in 'session'.", code="labs.session_unknown")
        session = UsageSession.objects.filter(client_id=event.session, asset=asset).first()
        if session is None:
            raise reject("session", "No sign-in with this id was acknowledged for this workstation; send it first.",
                         code="labs.session_unknown")  # fmt: skip
        if session.ended_at is None:
            session.ended_at = max(event.at, session.started_at)
            session.save(update_fields=["ended_at"])
        if not UsageSession.objects.filter(asset=asset, ended_at=None).exists():
            _presence(asset, event.at, in_use=False, powered_off=False)
    elif event.kind == "shutdown":
        UsageSession.objects.filter(asset=asset, ended_at=None, started_at__lte=event.at).update(ended_at=event.at)
        _presence(asset, event.at, in_use=False, powered_off=True)


def _presence(asset: Asset, at: dt.datetime, *, in_use: bool, powered_off: bool) -> None:
    presence, made = WorkstationPresence.objects.get_or_create(
        asset=asset, defaults={"last_seen_at": at, "in_use": in_use, "powered_off": powered_off}
    )
    if not made and (presence.last_seen_at is None or at >= presence.last_seen_at):
        presence.last_seen_at, presence.in_use, presence.powered_off = at, in_use, powered_off
        presence.save()


def heartbeats_buffered() -> bool:
    """Buffer heartbeats in the cache only where the cache is shared and a worker runs the
    minute's flush: with Redis (LIAISON_LABS_BUFFER_HEARTBEATS overrides, for tests)."""
    return bool(getattr(settings, "LIAISON_LABS_BUFFER_HEARTBEATS", bool(getattr(settings, "REDIS_URL", ""))))


def _write_heartbeats(latest: dict[int, dt.datetime], now: dt.datetime) -> None:
    """With Redis, heartbeats go to the cache, not the database (ADR 0020): one cache write per
    request, no transaction, no WAL flush. The board reads them from there
    (`selectors.beats_for`), and `heartbeats_flush` (every minute) carries them into
    `WorkstationPresence`; losing the cache loses at most a minute of beats, replaced by the
    next. Without Redis (one process, tasks in the request), one conditional UPDATE each."""
    if not latest:
        return
    if heartbeats_buffered():
        cache.set_many({beat_key(pk): at.isoformat() for pk, at in latest.items()}, timeout=BEAT_TTL)
        return
    for asset_id, at in latest.items():
        updated = WorkstationPresence.objects.filter(asset_id=asset_id, last_seen_at__lt=at).update(
            last_seen_at=at, powered_off=False
        )
        if not updated and not WorkstationPresence.objects.filter(asset_id=asset_id).exists():
            WorkstationPresence.objects.get_or_create(asset_id=asset_id, defaults={"last_seen_at": at})


BEAT_TTL = 3600


def beat_key(asset_id: int) -> str:
    return f"labs:beat:{asset_id}"


def heartbeats_flush() -> int:
    """A system job (every minute): move each workstation's last beat from the cache into its
    presence row, never backwards. Returns how many rows moved."""
    ids = list(Asset.objects.filter(kind="workstation").order_by().values_list("pk", flat=True))
    moved = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        beats = cache.get_many([beat_key(pk) for pk in chunk])
        for pk in chunk:
            raw = beats.get(beat_key(pk))
            if raw is None:
                continue
            at = dt.datetime.fromisoformat(raw)
            updated = WorkstationPresence.objects.filter(asset_id=pk, last_seen_at__lt=at).update(
                last_seen_at=at, powered_off=False
            )
            if not updated:
                _, made = WorkstationPresence.objects.get_or_create(asset_id=pk, defaults={"last_seen_at": at})
                updated = int(made)
            moved += updated
    return moved


@transaction.atomic
def lab_agent_account_create(*, actor: User | None, room: Room) -> tuple[LabAgent, str]:
    """Make (or find) the lab's agent account and give it a new API token, shown once. Run by
    an administrator (`manage.py labs_agent_token <room id>`); actor None means an operator on
    the server."""
    if actor is not None and not getattr(actor, "is_administrator", False):
        raise PermissionDenied("Only administrators make agent tokens.")
    from liaison.accounts import services as account_services

    agent = LabAgent.objects.filter(room=room).select_related("user").first()
    if agent is None:
        users = get_user_model()
        username = f"lab-agent-{room.pk}"
        user = users.objects.filter(username=username).first()
        if user is None:
            # A staff role only because accounts gives API tokens to staff; no department, no
            # password, and labs' policy refuses it everything but posting usage (ADR 0021).
            user = users(username=username, display_name=f"Lab agent: {room.name}", role=Role.LIBRARY_STAFF,
                         is_active=True)  # fmt: skip
            user.set_unusable_password()
            user.save()
        agent = LabAgent.objects.create(room=room, user=user)
        events.agent_account_made(actor=actor, room_id=room.pk, user_id=user.pk)
    _token, plain = account_services.api_token_create(actor=agent.user, name=f"Lab agent: {room.name}")
    return agent, plain


# --- Imports (the importers in importers.py build rows; these write them) -------------------


@dataclass(frozen=True)
class AssetImportRow:
    tag: str
    name: str
    serial: str
    maker: str
    model: str
    kind: str
    room: Room
    owner: Department
    status: str
    in_service_on: dt.date | None
    network_address: str
    notes: str


def asset_import_check(*, tag: str, name: str, serial: str, maker: str, model: str, network_address: str,
                       notes: str) -> None:  # fmt: skip
    """The checks one imported row must pass, the same as a device typed in (raises by field)."""
    errors: dict[str, list[str]] = {}
    for field_name, check in (
        ("tag", lambda: _clean_tag(tag)),
        ("name", lambda: _clean_short(name, field="name", limit=120)),
        ("serial", lambda: _clean_short(serial, field="serial", limit=80)),
        ("maker", lambda: _clean_short(maker, field="maker", limit=80) or _missing("maker", "Name the maker.")),
        ("model", lambda: _clean_short(model, field="model", limit=120) or _missing("model", "Name the model.")),
        ("network_address", lambda: clean_address(network_address)),
        ("notes", lambda: _clean_short(notes, field="notes", limit=5000)),
    ):
        try:
            check()
        except ValidationError as exc:
            errors.setdefault(field_name, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _missing(field_name: str, message: str) -> str:
    raise reject(field_name, message, code="labs.model_required")


def assets_import(*, actor: User | None, rows: list[AssetImportRow]) -> int:
    """Write imported devices (inside the imports engine's transaction): makers and models found
    or made, then every asset, each with its audit row. `actor` None is a system import."""
    if actor is not None and not policy.can_edit_asset(actor):
        raise PermissionDenied("Only IT staff and supervisors change the inventory.")
    made = 0
    for row in rows:
        if _taken(row.tag):
            raise reject("tag", f"The tag {row.tag} was stored meanwhile; nothing was imported.", code="labs.tag_taken")
        model = asset_model_get_or_create(maker=maker_get_or_create(name=row.maker), name=row.model, kind=row.kind)
        asset = Asset.objects.create(
            tag=row.tag, name=row.name, serial=row.serial, model=model, kind=model.kind, room=row.room,
            owner=row.owner, status=row.status, in_service_on=row.in_service_on, network_address=row.network_address,
            notes=row.notes,
        )  # fmt: skip
        events.asset_created(actor=actor, asset=asset)
        made += 1
    return made


def print_jobs_import(*, rows: list) -> int:
    """Write imported print jobs in bulk (inside the imports engine's transaction)."""
    from liaison.labs.models import PrintJob

    PrintJob.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- Printers that report themselves (ADR 0057) ---------------------------------------------

POLL_LOCK_KEY = "labs:printer-poll:lock"


@dataclass
class PollSummary:
    asked: int = 0
    answering: int = 0
    no_signal: int = 0
    faults: int = 0
    opened: int = 0
    joined: int = 0
    closed: int = 0
    failed: int = 0
    skipped: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def printers_to_poll() -> list[Asset]:
    """In-service printers, label printers and copiers that have a network address."""
    from liaison.labs.models import PRINTING_KINDS

    return list(
        Asset.objects.filter(status=Asset.Status.IN_SERVICE, kind__in=PRINTING_KINDS)
        .exclude(network_address="")
        .order_by("pk")
    )


def poll_options():
    from liaison.labs.printers import PollOptions

    return PollOptions(
        timeout=float(getattr(settings, "LIAISON_LABS_IPP_TIMEOUT", 5)),
        concurrency=int(getattr(settings, "LIAISON_LABS_IPP_CONCURRENCY", 10)),
    )


def printers_poll(*, assets: list[Asset] | None = None, options=None, now: dt.datetime | None = None) -> PollSummary:
    """A system job: ask every network printer how it is (IPP Get-Printer-Attributes, all at
    once with a bound, each under a hard timeout) and act on each answer in its own
    transaction. One printer's failure is logged and counted; the others go on. Two polls
    never overlap (a cache lock a little longer than the worst poll)."""
    import logging
    import time

    from liaison.labs.printers import PollTarget, ask_printers

    logger = logging.getLogger(__name__)
    options = options or poll_options()
    summary = PollSummary()
    assets = printers_to_poll() if assets is None else assets
    lock_seconds = int(options.timeout * (len(assets) // max(1, options.concurrency) + 2)) + 5
    if not cache.add(POLL_LOCK_KEY, 1, timeout=lock_seconds):
        summary.skipped = True
        return summary
    began = time.monotonic()
    try:
        answers = ask_printers([PollTarget(a.pk, a.network_address) for a in assets], options)
        by_id = {a.pk: a for a in assets}
        for answer in answers:
            summary.asked += 1
            try:
                outcome = printer_answer_record(asset=by_id[answer.asset_id], answer=answer, now=now)
            except Exception:
                summary.failed += 1
                logger.exception("Recording printer %s's answer failed.", answer.asset_id)
                continue
            summary.answering += answer.answered
            summary.no_signal += not answer.answered
            summary.faults += bool(answer.answered and answer.faults)
            if outcome:
                setattr(summary, outcome, getattr(summary, outcome) + 1)
    finally:
        cache.delete(POLL_LOCK_KEY)
    summary.seconds = round(time.monotonic() - began, 3)
    return summary


@transaction.atomic
def printer_answer_record(*, asset: Asset, answer, now: dt.datetime | None = None) -> str:
    """A system job: keep what the printer said and act on it. A fault that is new (the last
    answer had none, or another) opens an incident or joins the open one; the same fault again
    does nothing, even after a person resolved its incident; a printer answering
    without a fault closes the incident it opened itself (never one a person reported); no
    answer only marks it "no signal". Returns "opened", "joined", "closed" or ""."""
    from liaison.labs.models import PrinterSignal

    now = now or timezone.now()
    signal = PrinterSignal.objects.select_for_update().filter(asset=asset).first()
    before_answering = signal.answering if signal else None
    before_fault = signal.fault if signal else ""
    if signal is None:
        signal = PrinterSignal(asset=asset)
    signal.polled_at = now
    signal.answering = answer.answered
    signal.error = (answer.error or "")[:200]
    if answer.answered:
        signal.answered_at = now
        signal.printer_state = answer.state
        signal.reasons = ",".join(answer.reasons)[:300]
        signal.fault = ",".join(answer.faults)[:300]
    signal.save()
    if before_answering is not signal.answering:
        events.printer_signal_changed(asset=asset, answering=signal.answering, error=signal.error)
    if not answer.answered:
        return ""
    if signal.fault:
        if signal.fault == before_fault:
            # Not new: the incident it opened is open, or a person resolved it while the printer
            # still says so (a sensor behind, a fault IT chose to close). Only a fault seen anew
            # after the resolve (another fault, or the same after an answer without it) opens one.
            return ""
        outcome = fault_report_from_device(
            asset=asset, problem=answer.problem_for(asset.kind),
            note=f"The printer reports: {answer.describe()} (state {answer.state}).",
        )  # fmt: skip
        return "joined" if outcome.joined else "opened"
    return "closed" if incident_resolve_from_device(asset=asset) is not None else ""


# --- The library's systems that IT supports (ADR 0058) --------------------------------------

SYSTEM_FIELDS = ("name", "description", "url", "library_owner", "it_owner", "support_contacts", "status",
                 "status_note", "known_issues")  # fmt: skip


def _clean_system_data(data: Mapping[str, Any], *, system=None) -> dict[str, Any]:
    from django.db.models import Q
    from django.utils.text import slugify

    from liaison.labs.models import LibrarySystem

    unknown = set(data) - set(SYSTEM_FIELDS)
    if unknown:
        raise reject(sorted(unknown)[0], "This field cannot be changed here.", code="labs.field_not_editable")
    out: dict[str, Any] = {}
    if "name" in data or system is None:
        name = _clean_short(data.get("name"), field="name", limit=120)
        if not name:
            raise reject("name", "Give the system a name (e.g. 'Library catalogue').", code="labs.system_name_required")
        slug = slugify(name)[:60] or "system"
        clash = LibrarySystem.objects.filter(Q(name__iexact=name) | Q(slug=slug))
        if system is not None:
            clash = clash.exclude(pk=system.pk)
        if clash.exists():
            raise reject("name", f"A system called {name!r} is in the catalogue already.",
                         code="labs.system_name_taken")  # fmt: skip
        out["name"], out["slug"] = name, slug
    for name, limit in (("description", 500), ("status_note", 300), ("support_contacts", 2000),
                        ("known_issues", 5000)):  # fmt: skip
        if name in data:
            out[name] = _clean_short(data.get(name), field=name, limit=limit)
    if "url" in data:
        url = _clean_short(data.get("url"), field="url", limit=300)
        if url and not re.match(r"^https?://[^\s/]+", url):
            raise reject("url", "Give the address people use, starting with https://.", code="labs.system_url_invalid")
        out["url"] = url
    for name in ("library_owner", "it_owner"):
        if name in data:
            owner = data.get(name)
            if owner is not None and not isinstance(owner, int):
                owner = getattr(owner, "pk", owner)
            if owner in ("", None):
                out[name] = None
                continue
            from liaison.accounts.selectors import user_list

            found = (
                user_list(roles=policy.SYSTEM_OWNER_ROLES).filter(pk=owner).first() if str(owner).isdigit() else None
            )
            if found is None:
                raise reject(name, "Choose an active staff member.", code="labs.system_owner_unknown")
            out[name] = found
    if "status" in data:
        if data.get("status") not in LibrarySystem.Status.values:
            raise reject("status", "Choose working, degraded, outage or planned maintenance.",
                         code="labs.system_status_unknown")  # fmt: skip
        out["status"] = data["status"]
    status = out.get("status", system.status if system else LibrarySystem.Status.OPERATIONAL)
    note = out.get("status_note", system.status_note if system else "")
    if status in LibrarySystem.TROUBLE and not note:
        raise reject("status_note", "Say in a line what the desk should know (what is affected, what to tell people).",
                     code="labs.system_note_required")  # fmt: skip
    return out


@transaction.atomic
def library_system_create(*, actor: User, data: Mapping[str, Any]):
    from liaison.labs.models import LibrarySystem

    if not policy.can_add_system(actor):
        raise PermissionDenied("Only IT staff and supervisors add systems to the catalogue.")
    values = _clean_system_data(data)
    system = LibrarySystem(**values)
    system.status_changed_at = timezone.now()
    system.save()
    events.system_saved(actor=actor, system=system, before=None)
    return system


@transaction.atomic
def library_system_update(*, actor: User, system, data: Mapping[str, Any]):
    """Change an entry, its status included. A degraded, down or maintenance status needs a
    note for the desk; the desk's banner changes at once (its cache is forgotten)."""
    from liaison.labs.models import LibrarySystem

    system = LibrarySystem.objects.select_for_update().get(pk=system.pk)
    if not policy.can_edit_system(actor, system):
        raise PermissionDenied("Only IT staff, supervisors and the system's owners change it.")
    values = _clean_system_data(data, system=system)
    before = events.system_snapshot(system)
    if "status" in values and values["status"] != system.status:
        values["status_changed_at"] = timezone.now()
        if values["status"] == LibrarySystem.Status.OPERATIONAL and "status_note" not in values:
            values["status_note"] = ""
    for name, value in values.items():
        setattr(system, name, value)
    system.save()
    events.system_saved(actor=actor, system=system, before=before)
    return system


@transaction.atomic
def incident_name_system(*, actor: User, incident: Incident, system) -> Incident:
    """Say which library system an incident touches (or none)."""
    if not policy.can_link_system(actor):
        raise PermissionDenied("Only library and IT staff name systems on incidents.")
    incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
    incident.system = system
    incident.save(update_fields=["system", "updated_at"])
    if system is not None:
        events.system_linked(actor=actor, system=system, object_type="labs.incident", object_id=incident.pk)
    return incident


@transaction.atomic
def ticket_name_system(*, actor: User, system, ticket_key: str):
    """Name a system on a ticket the actor can see (linked from the system's side: the tickets
    app keeps no column for it). A ticket names one system; naming the same one again is a no-op."""
    from liaison.labs.models import SystemTicket

    if not policy.can_link_system(actor):
        raise PermissionDenied("Only library and IT staff name systems on tickets.")
    ticket = ticket_selectors.ticket_get_for_user(user=actor, key=ticket_key)
    link = SystemTicket.objects.filter(ticket=ticket).select_related("system").first()
    if link is not None:
        if link.system_id == system.pk:
            return link
        raise reject("ticket", f"Ticket #{ticket.pk} already names {link.system.name}.",
                     code="labs.system_already_linked")  # fmt: skip
    link = SystemTicket.objects.create(system=system, ticket=ticket, linked_by=actor)
    events.system_linked(actor=actor, system=system, object_type="tickets.ticket", object_id=ticket.pk)
    return link


# --- Hourly headcounts (ADR 0059) -----------------------------------------------------------


def headcounts_import(*, rows: list) -> int:
    """Write imported headcounts (inside the imports engine's transaction): per row, the lab's
    total under the row's identity and each area beside it. Returns the rows written."""
    from liaison.labs.models import Headcount

    objects = []
    for row in rows:
        objects.append(Headcount(room=row.room, area="", hour_start=row.hour_start, count=row.total,
                                 import_identity=row.identity))  # fmt: skip
        for name, count in row.areas:
            key = f"{row.identity}:{hashlib_short(name)}"
            objects.append(Headcount(room=row.room, area=name, hour_start=row.hour_start, count=count,
                                     import_identity=key[:80]))  # fmt: skip
    Headcount.objects.bulk_create(objects, batch_size=500)
    return len(rows)


def hashlib_short(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:12]
