"""A pilot's life: proposed → agreed → running → reporting → closed, its details, and what
hosting it cost the library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.core.services import model_update
from liaison.core.text import ascii_digits
from liaison.labs import selectors as labs_selectors
from liaison.pilots import events, policy
from liaison.pilots.models import HostingCost, Pilot
from liaison.pilots.services._common import Problems, require

if TYPE_CHECKING:
    from liaison.accounts.models import Department, User
    from liaison.places.models import Room, ServicePoint

State = Pilot.State

# from-state → (to-state, event kind, policy rule, the step's name for people)
TRANSITIONS: dict[str, tuple[str, str, Any, str]] = {
    State.PROPOSED: (State.AGREED, "agreed", policy.can_agree_pilot, "Agree to host it"),
    State.AGREED: (State.RUNNING, "started", policy.can_start_pilot, "Start the pilot"),
    State.RUNNING: (State.REPORTING, "reporting", policy.can_move_to_reporting, "End collection and report"),
    State.REPORTING: (State.CLOSED, "closed", policy.can_deliver_report, "Deliver the report and close"),
}

TEXT_LIMITS = {"title": 200, "summary": 4000, "reason": 4000, "learning_goals": 4000, "recommendation": 8000}
MAX_DEVICES, MAX_DEVICE_CHARS = 50, 120
MAX_ASSETS = 50
EDITABLE_FIELDS = (
    "title",
    "kind",
    "summary",
    "reason",
    "learning_goals",
    "it_department",
    "library_department",
    "it_owner",
    "library_owner",
    "devices",
    "desk_tag",
    "starts_on",
    "ends_on",
)


def assets_visible_to(actor: User, asset_ids: Iterable[Any]) -> list[Any]:
    """The inventory's assets named by id (or as assets), read through labs' selector for the
    actor: an id that is not an asset they can see is refused, naming it, so nobody links a
    device they cannot see (ADR 0056). Retired assets may stay linked (their past counts)."""
    ids: list[int] = []
    for item in asset_ids:
        text = str(getattr(item, "pk", item)).strip()
        if not ascii_digits(text) or len(text) > 12:
            raise reject("assets", f"'{text[:20]}' is not an asset id.", code="pilots.asset_unknown")
        if int(text) not in ids:
            ids.append(int(text))
    if len(ids) > MAX_ASSETS:
        raise reject("assets", f"Link at most {MAX_ASSETS} devices.", code="pilots.asset_unknown")
    if not ids:
        return []
    found = {a.pk: a for a in labs_selectors.assets_for_user(user=actor, include_retired=True).filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise reject(
            "assets",
            f"Asset {', '.join(missing)} is not a device in the inventory you can see.",
            code="pilots.asset_unknown",
        )
    return [found[i] for i in ids]


def clean_devices(value: Any) -> list[str]:
    """A list of device names or asset tags: one per line in a form, a list in the API."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise reject("devices", "List the devices, one per line.", code="pilots.devices_invalid")
    devices: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise reject("devices", "Each device is a name or an asset tag.", code="pilots.devices_invalid")
        name = " ".join(item.split())
        if not name or name in devices:
            continue
        if len(name) > MAX_DEVICE_CHARS:
            raise reject(
                "devices", f"Keep each device under {MAX_DEVICE_CHARS} characters.", code="pilots.devices_invalid"
            )
        devices.append(name)
    if len(devices) > MAX_DEVICES:
        raise reject("devices", f"List at most {MAX_DEVICES} devices.", code="pilots.devices_invalid")
    return devices


def _clean(values: Mapping[str, Any], *, pilot: Pilot | None) -> dict[str, Any]:
    problems = Problems()
    out = dict(values)
    for key, limit in TEXT_LIMITS.items():
        if key in out:
            out[key] = (out[key] or "").strip()
            if len(out[key]) > limit:
                problems.add(key, f"Keep this under {limit:,} characters.", code="pilots.too_long")
    if "title" in out and not out["title"]:
        problems.add("title", "Name the pilot, e.g. 'Campus copier trial'.", code="pilots.title_required")
    if "summary" in out and not out["summary"]:
        problems.add("summary", "Say what is being tried.", code="pilots.summary_required")
    if "kind" in out and out["kind"] not in Pilot.Kind.values:
        problems.add(
            "kind", "Choose equipment, software, an interface or a service change.", code="pilots.kind_invalid"
        )
    for side, kind in (("it_department", policy.IT), ("library_department", policy.LIBRARY)):
        if side in out and getattr(out[side], "kind", None) != kind:
            label = "an IT department" if kind == policy.IT else "a library department"
            problems.add(side, f"Choose {label}.", code="pilots.department_invalid")
    for owner, side in (("it_owner", "it_department"), ("library_owner", "library_department")):
        person = out.get(owner)
        department = out.get(side, getattr(pilot, side, None) if pilot else None)
        if person is not None and (department is None or person.department_id != department.pk):
            problems.add(owner, "The owner must work in that side's department.", code="pilots.owner_invalid")
    if "devices" in out:
        try:
            out["devices"] = clean_devices(out["devices"])
        except Exception as exc:  # a ValidationError from clean_devices
            problems.add("devices", " ".join(getattr(exc, "messages", [str(exc)])), code="pilots.devices_invalid")
    starts = out.get("starts_on", pilot.starts_on if pilot else None)
    ends = out.get("ends_on", pilot.ends_on if pilot else None)
    for key in ("starts_on", "ends_on"):
        if key in out and not isinstance(out[key], dt.date):
            problems.add(key, "Give a date.", code="pilots.dates_out_of_order")
    if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
        problems.add("ends_on", "The pilot cannot end before it starts.", code="pilots.dates_out_of_order")
    problems.raise_any()
    return out


@transaction.atomic
def pilot_propose(
    *,
    actor: User,
    title: str,
    summary: str,
    it_department: Department | None,
    library_department: Department | None,
    starts_on: dt.date,
    ends_on: dt.date,
    kind: str = Pilot.Kind.EQUIPMENT,
    reason: str = "",
    learning_goals: str = "",
    it_owner: User | None = None,
    library_owner: User | None = None,
    devices: Sequence[str] | str = (),
    desk_tag: Any = None,
    rooms: Iterable[Room] = (),
    service_points: Iterable[ServicePoint] = (),
    assets: Iterable[Any] = (),
) -> Pilot:
    """A new pilot, proposed by the actor's department (IT or the library). `assets` are ids
    (or assets) from the labs inventory the actor can see."""
    require(policy.can_propose_pilot(actor), "Only library or IT staff may propose a pilot.")
    linked = assets_visible_to(actor, assets)
    values = _clean(
        {
            "title": title,
            "summary": summary,
            "kind": kind,
            "reason": reason,
            "learning_goals": learning_goals,
            "it_department": it_department,
            "library_department": library_department,
            "it_owner": it_owner,
            "library_owner": library_owner,
            "devices": list(devices) if not isinstance(devices, str) else devices,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
        pilot=None,
    )
    proposer = (
        actor.department
        if actor.department_id in (values["it_department"].pk, values["library_department"].pk)
        else None
    )
    if proposer is None:
        # An administrator outside both sides proposes on IT's behalf.
        proposer = values["it_department"]
    pilot = Pilot.objects.create(**values, desk_tag=desk_tag, proposed_by=proposer, created_by=actor)
    pilot.rooms.set(list(rooms))
    pilot.service_points.set(list(service_points))
    pilot.assets.set(linked)
    events.pilot_proposed(actor=actor, pilot=pilot)
    return pilot


@transaction.atomic
def pilot_update(
    *,
    actor: User,
    pilot: Pilot,
    data: Mapping[str, Any],
    rooms: Iterable[Room] | None = None,
    service_points: Iterable[ServicePoint] | None = None,
    assets: Iterable[Any] | None = None,
) -> Pilot:
    """Change the details; `data` carries only what changes (`assets`: None leaves them). A
    closed pilot is the record of what was delivered, so it no longer changes."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    require(policy.can_edit_pilot(actor, pilot), "Only staff of the pilot's IT or library side may change it.")
    if pilot.state == State.CLOSED:
        raise reject("__all__", "This pilot is closed: its record no longer changes.", code="pilots.closed")
    linked = assets_visible_to(actor, assets) if assets is not None else None
    values = _clean(data, pilot=pilot)
    before = events.pilot_snapshot(pilot)
    pilot, changed = model_update(instance=pilot, fields=EDITABLE_FIELDS, data=values)
    places_changed = False
    if rooms is not None:
        rooms = list(rooms)
        places_changed |= {r.pk for r in rooms} != set(pilot.rooms.values_list("pk", flat=True))
        pilot.rooms.set(rooms)
    if service_points is not None:
        service_points = list(service_points)
        places_changed |= {p.pk for p in service_points} != set(pilot.service_points.values_list("pk", flat=True))
        pilot.service_points.set(service_points)
    if linked is not None:
        places_changed |= {a.pk for a in linked} != set(pilot.assets.values_list("pk", flat=True))
        pilot.assets.set(linked)
    if changed or places_changed:
        events.pilot_changed(actor=actor, pilot=pilot, before=before)
    return pilot


def allowed_steps(user: Any, pilot: Pilot) -> list[tuple[str, str]]:
    """The next step `user` may take: [(to_state, label)] (empty if none)."""
    step = TRANSITIONS.get(pilot.state)
    if step is None or not step[2](user, pilot):
        return []
    return [(step[0], step[3])]


@transaction.atomic
def pilot_transition(
    *,
    actor: User,
    pilot: Pilot,
    to_state: str,
    recommendation: str | None = None,
    delivered_on: dt.date | None = None,
) -> Pilot:
    """Move the pilot one step on. Closing is delivering the report: it needs the library's
    recommendation (given here or written before)."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    step = TRANSITIONS.get(pilot.state)
    if step is not None:
        require(step[2](actor, pilot), "Your side of the pilot does not take this step.")
    else:
        require(policy.can_edit_pilot(actor, pilot), "Only staff of the pilot's IT or library side may move it.")
    if step is None or step[0] != to_state:
        now_label = State(pilot.state).label.lower()
        raise reject(
            "state",
            f"A {now_label} pilot cannot move to {to_state!s:.20}."
            + (f" Its next step is {State(step[0]).label.lower()}." if step else " It is closed."),
            code="pilots.transition_not_allowed",
        )
    before = events.pilot_snapshot(pilot)
    from_state = pilot.state
    now = timezone.now()
    if to_state == State.CLOSED:
        text = (recommendation if recommendation is not None else pilot.recommendation).strip()
        if not text:
            raise reject(
                "recommendation",
                "Write the library's recommendation to IT before delivering the report.",
                code="pilots.recommendation_required",
            )
        if len(text) > TEXT_LIMITS["recommendation"]:
            raise reject("recommendation", "Keep the recommendation under 8,000 characters.", code="pilots.too_long")
        pilot.recommendation = text
        pilot.report_delivered_on = delivered_on or timezone.localdate()
        pilot.closed_at = now
    elif to_state == State.AGREED:
        pilot.agreed_at = now
    elif to_state == State.RUNNING:
        pilot.started_at = now
    elif to_state == State.REPORTING:
        pilot.reporting_at = now
        if recommendation is not None:
            pilot.recommendation = recommendation.strip()[: TEXT_LIMITS["recommendation"]]
    pilot.state = to_state
    pilot.save()
    events.pilot_moved(actor=actor, pilot=pilot, kind=step[1], from_state=from_state, before=before)
    return pilot


@transaction.atomic
def pilot_write_recommendation(*, actor: User, pilot: Pilot, recommendation: str) -> Pilot:
    """The library's recommendation, drafted while reporting (delivered when the pilot closes)."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    require(policy.can_deliver_report(actor, pilot), "Only the library side writes the recommendation.")
    if pilot.state == State.CLOSED:
        raise reject(
            "recommendation", "The report is delivered: its recommendation no longer changes.", code="pilots.closed"
        )
    text = (recommendation or "").strip()
    if len(text) > TEXT_LIMITS["recommendation"]:
        raise reject("recommendation", "Keep the recommendation under 8,000 characters.", code="pilots.too_long")
    before = events.pilot_snapshot(pilot)
    pilot, changed = model_update(instance=pilot, fields=["recommendation"], data={"recommendation": text})
    if changed:
        events.pilot_changed(actor=actor, pilot=pilot, before=before)
    return pilot


def _decimal(value: Any, field: str, *, limit: Decimal, problems: Problems) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        problems.add(field, "Give a number, e.g. 2.5.", code="pilots.cost_figure_invalid")
        return None
    if not number.is_finite() or number < 0 or number > limit or (field == "hours" and number == 0):
        problems.add(field, f"Give a number above 0 and at most {limit:,}.", code="pilots.cost_figure_invalid")
        return None
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def hosting_cost_record(
    *,
    actor: User,
    pilot: Pilot,
    kind: str,
    occurred_on: dt.date | None,
    hours: Any = None,
    amount: Any = None,
    note: str = "",
) -> HostingCost:
    """What hosting cost the library: staff hours, space (hours it was given over), signage."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    require(policy.can_record_cost(actor, pilot), "Only the library side records what hosting cost.")
    if pilot.state == State.CLOSED:
        raise reject(
            "__all__", "This pilot is closed: its costs are part of the delivered report.", code="pilots.closed"
        )
    problems = Problems()
    if kind not in HostingCost.Kind.values:
        problems.add("kind", "Choose staff hours, space, signage or other.", code="pilots.cost_kind_invalid")
    hours_value = _decimal(hours, "hours", limit=Decimal("10000"), problems=problems)
    amount_value = _decimal(amount, "amount", limit=Decimal("1000000"), problems=problems)
    if (
        hours_value is None
        and amount_value is None
        and "hours" not in problems.found
        and "amount" not in problems.found
    ):
        problems.add("hours", "Give the hours, an amount, or both.", code="pilots.cost_figure_required")
    if not isinstance(occurred_on, dt.date):
        problems.add("occurred_on", "Give the day it was spent.", code="pilots.cost_date_invalid")
    elif not (
        pilot.starts_on - dt.timedelta(days=60)
        <= occurred_on
        <= max(pilot.ends_on, timezone.localdate()) + dt.timedelta(days=60)
    ):
        problems.add(
            "occurred_on",
            "The day is far outside the pilot's dates (60 days either side at most).",
            code="pilots.cost_date_invalid",
        )
    note = (note or "").strip()
    if len(note) > 300:
        problems.add("note", "Keep the note under 300 characters.", code="pilots.too_long")
    problems.raise_any()
    assert isinstance(occurred_on, dt.date)  # checked above
    cost = HostingCost.objects.create(
        pilot=pilot,
        kind=kind,
        occurred_on=occurred_on,
        hours=hours_value,
        amount=amount_value,
        note=note,
        recorded_by=actor,
    )
    events.cost_recorded(actor=actor, cost=cost)
    return cost
