"""Reads for labs and equipment. Getters check the policy and raise 404 (not yours to see)
or 403 (seen, not yours to change); lists run in a fixed number of queries.

Other apps (the pilots app) reach assets only through `asset_get_for_user` and
`assets_for_user`; both keep their signatures. A pilot's report reads its devices' incidents
and figures through `incidents_on_assets_between` and `asset_figures_between`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.http import Http404
from django.utils import timezone

from liaison.core.text import ascii_digits
from liaison.labs import board_cache, figures, policy
from liaison.labs.events import EVENT_TEXT
from liaison.labs.models import (
    PRINTING_KINDS,
    Asset,
    AssetModel,
    FaultReport,
    Headcount,
    Incident,
    Kind,
    LibrarySystem,
    MaintenanceWindow,
    PrinterSignal,
    PrintJob,
    UsageSession,
    WorkstationPresence,
)
from liaison.places.selectors import lab_list

if TYPE_CHECKING:
    from liaison.places.models import Room

State = Incident.State


# --- Assets ---------------------------------------------------------------------------------


def assets_for_user(*, user, room_id: int | None = None, kind: str = "", include_retired: bool = False,
                    query: str = "") -> QuerySet[Asset]:  # fmt: skip
    """The assets `user` may see (every desk role sees the whole inventory; others none),
    with model, maker and room joined in the same query."""
    if not policy.can_view_equipment(user):
        return Asset.objects.none()
    assets = Asset.objects.select_related("model__maker", "room__building", "owner")
    if not include_retired:
        assets = assets.exclude(status=Asset.Status.RETIRED)
    if room_id:
        assets = assets.filter(room_id=room_id)
    if kind:
        assets = assets.filter(kind=kind)
    query = (query or "").strip()[:80]
    if query:
        assets = assets.filter(Q(tag__icontains=query) | Q(name__icontains=query) | Q(serial__icontains=query))
    return assets.order_by("room__name", "tag")


def asset_get_for_user(*, user, asset_id: int | str, for_edit: bool = False) -> Asset:
    """One asset by id, if `user` may see it (404 otherwise); with for_edit, 403 unless they
    may change the inventory. Retired assets are found (their history stays)."""
    text = str(asset_id)
    if not ascii_digits(text) or len(text) > 12:
        raise Http404("No such asset.")
    asset = assets_for_user(user=user, include_retired=True).filter(pk=int(text)).first()
    if asset is None:
        raise Http404("No such asset, or not one you can see.")
    if for_edit and not policy.can_edit_asset(user, asset):
        raise PermissionDenied("Only IT staff and supervisors change the inventory.")
    return asset


def asset_get_public(*, code: str) -> Asset:
    """The asset behind a QR code, for anyone. Unknown codes and retired devices are a 404
    with the same words (a sticker left on a retired device says nothing about it)."""
    code = (code or "").strip()
    if not code or len(code) > 16:
        raise Http404("This code does not belong to any device in service.")
    asset = (
        Asset.objects.select_related("model__maker", "room__building")
        .filter(public_code=code)
        .exclude(status=Asset.Status.RETIRED)
        .first()
    )
    if asset is None:
        raise Http404("This code does not belong to any device in service.")
    return asset


def asset_choices_for_labels(*, user, room_id: int | None = None, ids: list[int] | None = None) -> list[Asset]:
    assets = assets_for_user(user=user, room_id=room_id)
    if ids:
        assets = assets.filter(pk__in=ids)
    return list(assets)


def model_list() -> QuerySet[AssetModel]:
    return AssetModel.objects.select_related("maker")


def labs() -> QuerySet[Room]:
    return lab_list()


def open_incident_for(asset: Asset) -> Incident | None:
    return Incident.objects.filter(asset=asset).exclude(state=State.RESOLVED).first()


@dataclass(frozen=True)
class PublicStatus:
    working: bool
    label: str
    incident_state: str
    message: str
    problem: str
    no_signal: bool = False


def printer_signal_for(asset: Asset) -> PrinterSignal | None:
    """What the IPP poller last heard from a network printer (None: never polled)."""
    if not asset.network_address:
        return None
    return PrinterSignal.objects.filter(asset=asset).first()


def asset_public_status(asset: Asset) -> PublicStatus:
    """What the QR page says: works or not, and whether it is already reported. A network
    printer that does not answer the poller is "no signal", never "working" (ADR 0057)."""
    incident = open_incident_for(asset)
    if incident is None:
        signal = printer_signal_for(asset)
        seen = {"answering": signal.answering, "polled_at": signal.polled_at} if signal is not None else None
        polled = bool(asset.network_address) and asset.kind in PRINTING_KINDS
        if _printer_state(seen, timezone.now(), polled=polled) == "no_signal":
            return PublicStatus(False, "No signal", "", "It is not answering the network: it may be switched off.",
                                "", no_signal=True)  # fmt: skip
        return PublicStatus(True, "Working", "", "No problem reported.", "")
    return PublicStatus(
        False, "Out of order", incident.state, EVENT_TEXT.render(incident.state, public=True), incident.problem_label
    )


# --- Incidents ------------------------------------------------------------------------------


def incident_list(*, user, open_only: bool = True, room_id: int | None = None) -> QuerySet[Incident]:
    if not policy.can_view_equipment(user):
        return Incident.objects.none()
    incidents = Incident.objects.select_related("asset__room", "asset__model__maker", "ticket")
    if open_only:
        incidents = incidents.exclude(state=State.RESOLVED)
    if room_id:
        incidents = incidents.filter(asset__room_id=room_id)
    return incidents.order_by("-started_at", "-id")


def incident_get_for_user(*, user, incident_id: int | str, for_work: bool = False) -> Incident:
    text = str(incident_id)
    if not ascii_digits(text) or len(text) > 12:
        raise Http404("No such incident.")
    incident = incident_list(user=user, open_only=False).filter(pk=int(text)).first()
    if incident is None:
        raise Http404("No such incident, or not one you can see.")
    if for_work and not policy.can_work_incident(user, incident):
        raise PermissionDenied("Only IT staff and supervisors work lab incidents.")
    return incident


def incident_reports(*, incident: Incident) -> list[FaultReport]:
    return list(incident.reports.all())


def asset_incidents(*, asset: Asset, limit: int = 20) -> list[Incident]:
    return list(asset.incidents.select_related("ticket")[:limit])


def incidents_on_assets_between(*, user, asset_ids, start: dt.datetime, end: dt.datetime) -> list[Incident]:
    """Incidents that started in [start, end) on the named assets (the devices of a pilot during
    its dates), oldest first, for someone who may see the equipment; one query."""
    if not policy.can_view_equipment(user):
        return []
    return list(
        Incident.objects.filter(asset_id__in=list(asset_ids), started_at__gte=start, started_at__lt=end)
        .select_related("asset", "ticket")
        .order_by("started_at", "id")
    )


def asset_figures_between(*, user, asset_ids, start: dt.datetime, end: dt.datetime) -> list[Any]:
    """Failures, downtime, availability % and repair time per named asset over [start, end)
    (capped at now), as the reliability page defines them (`figures.Figures`)."""
    end = min(end, timezone.now())
    if end <= start:
        return []
    return figures.figures_between(user=user, asset_ids=asset_ids, start=start, end=end)


def asset_maintenance(*, asset: Asset, limit: int = 10) -> list[MaintenanceWindow]:
    return list(asset.maintenance_windows.all()[:limit])


# --- The status board -----------------------------------------------------------------------

NO_SIGNAL_AFTER = dt.timedelta(seconds=60 * 3)  # three missed heartbeats (the agent beats every minute)


@dataclass
class BoardDevice:
    tag: str
    label: str
    kind: str
    state: str  # free, in_use, off, no_signal, out_of_order (computers); working, down, no_signal (printers)
    state_label: str


@dataclass
class BoardLab:
    id: int
    name: str
    building: str
    computers: list[BoardDevice] = field(default_factory=list)
    printers: list[BoardDevice] = field(default_factory=list)
    others: list[BoardDevice] = field(default_factory=list)

    def tally(self, devices: list[BoardDevice]) -> dict[str, int]:
        out: dict[str, int] = {}
        for device in devices:
            out[device.state] = out.get(device.state, 0) + 1
        return out

    @property
    def computer_tally(self) -> dict[str, int]:
        return self.tally(self.computers)

    @property
    def free_computers(self) -> int:
        return self.computer_tally.get("free", 0)

    @property
    def printers_working(self) -> int:
        return sum(1 for p in self.printers if p.state == "working")


STATE_LABELS = {
    "free": "Free",
    "in_use": "In use",
    "off": "Off",
    "no_signal": "No signal",
    "out_of_order": "Out of order",
    "working": "Working",
    "down": "Down",
}


def _board_build(now: dt.datetime) -> list[dict[str, Any]]:
    rooms = list(lab_list().order_by("building__name", "name"))
    assets = list(
        Asset.objects.filter(room__in=rooms, status=Asset.Status.IN_SERVICE)
        .order_by("tag")
        .values("pk", "tag", "name", "kind", "room_id", "network_address")
    )
    down = set(Incident.objects.exclude(state=State.RESOLVED).values_list("asset_id", flat=True))
    presence: dict[int, dict[str, Any]] = {
        p["asset_id"]: dict(p)
        for p in WorkstationPresence.objects.filter(asset__room__in=rooms).values(
            "asset_id", "last_seen_at", "in_use", "powered_off"
        )
    }
    _merge_beats(presence, [a["pk"] for a in assets if a["kind"] == Kind.WORKSTATION])
    signals = {
        s["asset_id"]: s
        for s in PrinterSignal.objects.filter(asset__room__in=rooms, asset__status=Asset.Status.IN_SERVICE)
        .exclude(asset__network_address="")  # no longer polled: what it said last no longer counts
        .values("asset_id", "answering", "polled_at")
    }
    labs_out: dict[int, BoardLab] = {r.pk: BoardLab(r.pk, r.name, r.building.name) for r in rooms}
    for a in assets:
        label = a["name"] or a["tag"]
        if a["kind"] == Kind.WORKSTATION:
            if a["pk"] in down:
                state = "out_of_order"
            else:
                p = presence.get(a["pk"])
                if p is None or p["last_seen_at"] is None:
                    state = "no_signal"
                elif p["powered_off"]:
                    state = "off"
                elif now - p["last_seen_at"] > NO_SIGNAL_AFTER:
                    state = "no_signal"
                else:
                    state = "in_use" if p["in_use"] else "free"
            target = labs_out[a["room_id"]].computers
        else:
            polled = bool(a["network_address"]) and a["kind"] in PRINTING_KINDS
            state = "down" if a["pk"] in down else _printer_state(signals.get(a["pk"]), now, polled=polled)
            target = labs_out[a["room_id"]].printers if a["kind"] in PRINTING_KINDS else labs_out[a["room_id"]].others
        target.append(BoardDevice(a["tag"], label, a["kind"], state, STATE_LABELS[state]))
    return [_lab_dict(lab) for lab in labs_out.values()]


PRINTER_SIGNAL_STALE = dt.timedelta(minutes=10)  # the poller runs every minute: ten misses is no signal


def _printer_state(signal: Mapping[str, Any] | None, now: dt.datetime, *, polled: bool) -> str:
    """A printer without an open incident: "working" unless the poller asked it and it did not
    answer, the poller has not heard from it yet (a printer given an address a moment ago), or
    the poller's last word on it is too old to vouch for it (ADR 0057). A printer without an
    address is never polled and shows as working until someone reports it."""
    if signal is None:
        return "no_signal" if polled else "working"
    if not signal["answering"] or now - signal["polled_at"] > PRINTER_SIGNAL_STALE:
        return "no_signal"
    return "working"


def beats_for(asset_ids: list[int]) -> dict[int, dt.datetime]:
    """The last heartbeat of each workstation still in the cache (not yet flushed; ADR 0020)."""
    keys = {f"labs:beat:{pk}": pk for pk in asset_ids}
    return {keys[k]: dt.datetime.fromisoformat(v) for k, v in cache.get_many(list(keys)).items()}


def _merge_beats(presence: dict[int, dict[str, Any]], workstation_ids: list[int]) -> None:
    for pk, at in beats_for(workstation_ids).items():
        row = presence.get(pk)
        if row is None:
            presence[pk] = {"asset_id": pk, "last_seen_at": at, "in_use": False, "powered_off": False}
        elif row["last_seen_at"] is None or at > row["last_seen_at"]:
            row.update(last_seen_at=at, powered_off=False)


def _lab_dict(lab: BoardLab) -> dict[str, Any]:
    return {
        "id": lab.id, "name": lab.name, "building": lab.building,
        "computers": [d.__dict__ for d in lab.computers], "printers": [d.__dict__ for d in lab.printers],
        "others": [d.__dict__ for d in lab.others],
    }  # fmt: skip


def status_board(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every lab's computers and printers right now, from a cache of at most
    `board_cache.BOARD_CACHE_SECONDS` seconds (forgotten on every incident change). Public:
    tags, names and states only, never who is signed in."""
    if now is None:
        cached = cache.get(board_cache.KEY)
        if cached is not None:
            return cached
    moment = now or timezone.now()
    labs_out = _board_build(moment)
    for lab in labs_out:
        lab["summary"] = {
            "computers_free": sum(1 for d in lab["computers"] if d["state"] == "free"),
            "computers_total": len(lab["computers"]),
            "printers_working": sum(1 for d in lab["printers"] if d["state"] == "working"),
            "printers_total": len(lab["printers"]),
        }
    board: dict[str, Any] = {"as_of": moment.isoformat(timespec="seconds"), "labs": labs_out}
    if now is None:
        cache.set(board_cache.KEY, board, board_cache.BOARD_CACHE_SECONDS)
    return board


# --- Usage ----------------------------------------------------------------------------------


def occupancy_by_hour(*, room_id: int, days: int = 7, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Average number of computers in use per hour of the day over the last `days` days, from
    sessions (sign-in to sign-out). One query; sessions are clipped to the window."""
    now = now or timezone.now()
    start = now - dt.timedelta(days=days)
    sessions = (
        UsageSession.objects.filter(asset__room_id=room_id, started_at__lt=now)
        .filter(Q(ended_at=None) | Q(ended_at__gt=start))
        .values_list("started_at", "ended_at")
    )
    seconds_by_hour = [0.0] * 24
    for started, ended in sessions:
        begin, finish = max(started, start), min(ended or now, now)
        cursor = timezone.localtime(begin)
        end_local = timezone.localtime(finish)
        while cursor < end_local:
            next_hour = (cursor + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            piece_end = min(next_hour, end_local)
            seconds_by_hour[cursor.hour] += (piece_end - cursor).total_seconds()
            cursor = piece_end
    return [{"hour": h, "average_in_use": round(s / 3600 / days, 2)} for h, s in enumerate(seconds_by_hour)]


def pages_per_day(*, days: int = 7, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Pages per printer per day from imported print logs."""
    now = now or timezone.now()
    rows = (
        PrintJob.objects.filter(printed_at__gte=now - dt.timedelta(days=days))
        .annotate(day=TruncDate("printed_at"))
        .values("asset__tag", "asset__name", "day")
        .annotate(pages=Sum("pages"), jobs=Count("id"))
        .order_by("asset__tag", "day")
    )
    return [dict(row) for row in rows]


# --- The partnership ledger's feed (ledger.py) ----------------------------------------------


def repairs_for_other_department(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Incident]:
    """Resolved incidents whose device belongs to another department than the queue that
    worked them (IT repairing the library's printers), resolved in [start, end). One query."""
    from django.db.models import F

    return (
        Incident.objects.filter(state=State.RESOLVED, resolved_at__gte=start, resolved_at__lt=end)
        .exclude(asset__owner_id=F("ticket__queue__department_id"))
        .select_related("asset__owner", "ticket__queue__department")
        .order_by("resolved_at", "pk")
    )


# --- The library's systems that IT supports (ADR 0058) --------------------------------------


def system_list(*, user) -> QuerySet[LibrarySystem]:
    """The catalogue for desk roles (others see nothing), owners joined, trouble first."""
    if not policy.can_view_systems(user):
        return LibrarySystem.objects.none()
    from django.db.models import Case, IntegerField, Value, When

    order = Case(
        When(status=LibrarySystem.Status.OUTAGE, then=Value(0)),
        When(status=LibrarySystem.Status.DEGRADED, then=Value(1)),
        When(status=LibrarySystem.Status.MAINTENANCE, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    open_incidents = Count("incidents", filter=~Q(incidents__state=State.RESOLVED), distinct=True)
    return (
        LibrarySystem.objects.select_related("library_owner", "it_owner")
        .annotate(trouble_order=order, open_incidents=open_incidents)
        .order_by("trouble_order", "name")
    )


def system_get_for_user(*, user, system_id: int | str, for_edit: bool = False) -> LibrarySystem:
    """One system by id or slug, if `user` may see the catalogue (404 otherwise); with
    for_edit, 403 unless they may change it."""
    text = str(system_id).strip()[:60]
    systems = LibrarySystem.objects.select_related("library_owner", "it_owner")
    if not policy.can_view_systems(user):
        raise Http404("No such system.")
    system = systems.filter(pk=int(text)).first() if ascii_digits(text) and len(text) < 12 else None
    if system is None:
        system = systems.filter(slug=text).first()
    if system is None:
        raise Http404("No such system.")
    if for_edit and not policy.can_edit_system(user, system):
        raise PermissionDenied("Only IT staff, supervisors and the system's owners change it.")
    return system


def system_choices() -> QuerySet[LibrarySystem]:
    return LibrarySystem.objects.order_by("name")


def system_incidents(*, system: LibrarySystem, limit: int = 20) -> list[Incident]:
    return list(system.incidents.select_related("asset").order_by("-started_at")[:limit])


def system_tickets(*, system: LibrarySystem, limit: int = 20) -> list[dict[str, Any]]:
    """The tickets that name the system, newest first: number, subject, state, when."""
    rows = system.ticket_links.order_by("-ticket__created_at").values(
        "ticket_id", "ticket__subject", "ticket__state", "ticket__created_at", "ticket__reference"
    )[:limit]
    return [dict(row) for row in rows]


def system_trouble_by_month(*, system: LibrarySystem, months: int = 12, now: dt.datetime | None = None
                            ) -> list[dict[str, Any]]:  # fmt: skip
    """Incidents that began and tickets opened naming the system, per month, for the last
    `months` months (oldest first, every month present). Two queries."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    keys = []
    year, month = first.year, first.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    start = first.replace(year=keys[0][0], month=keys[0][1])
    incidents = {
        (row["month"].year, row["month"].month): row["n"]
        for row in system.incidents.filter(started_at__gte=start)
        .annotate(month=TruncMonth("started_at")).values("month").annotate(n=Count("id"))
    }  # fmt: skip
    tickets = {
        (row["month"].year, row["month"].month): row["n"]
        for row in system.ticket_links.filter(ticket__created_at__gte=start)
        .annotate(month=TruncMonth("ticket__created_at")).values("month").annotate(n=Count("id"))
    }  # fmt: skip
    return [{"month": f"{y}-{m:02d}", "incidents": incidents.get((y, m), 0), "tickets": tickets.get((y, m), 0)}
            for y, m in keys]  # fmt: skip


def systems_with_trouble_for_user(user) -> list[dict[str, Any]]:
    """The systems that are degraded, down or under maintenance, for the desk's banner: plain
    data from a cache of `board_cache.SYSTEMS_CACHE_SECONDS` (one query a minute at most, none
    on most requests; forgotten when a status changes). Empty for anyone not on a desk."""
    if not policy.sees_system_banner(user):
        return []
    cached = cache.get(board_cache.SYSTEMS_KEY)
    if cached is None:
        cached = [
            {"id": s.pk, "slug": s.slug, "name": s.name, "status": s.status, "status_label": s.get_status_display(),
             "note": s.status_note, "since": s.status_changed_at.isoformat() if s.status_changed_at else ""}
            for s in LibrarySystem.objects.filter(status__in=LibrarySystem.TROUBLE).order_by("status", "name")
        ]  # fmt: skip
        cache.set(board_cache.SYSTEMS_KEY, cached, board_cache.SYSTEMS_CACHE_SECONDS)
    return cached


# --- Hourly headcounts (ADR 0059) ---------------------------------------------------------------


def headcounts_by_hour(*, room_id: int | None = None, start: dt.datetime | None = None,
                       end: dt.datetime | None = None, area: str | None = "") -> list[dict[str, Any]]:  # fmt: skip
    """Hourly headcounts, oldest first, one dict per (lab, area, hour): `room_id`, `room`,
    `area` ("" is the lab's total as counted), `hour_start` (aware datetime), `weekday`
    (0 = Monday, local time), `hour` (0–23, local) and `count`. By default the totals only
    (`area=""`); `area=None` gives every area; a name gives that area. One query.

    Stable for other apps (the demand forecasts read it): keys are only ever added."""
    rows = Headcount.objects.all()
    if room_id is not None:
        rows = rows.filter(room_id=room_id)
    if start is not None:
        rows = rows.filter(hour_start__gte=start)
    if end is not None:
        rows = rows.filter(hour_start__lt=end)
    if area is not None:
        rows = rows.filter(area=area)
    out = []
    for row in rows.order_by("hour_start", "room_id", "area").values("room_id", "room__name", "area", "hour_start",
                                                                      "count"):  # fmt: skip
        local = timezone.localtime(row["hour_start"])
        out.append({"room_id": row["room_id"], "room": row["room__name"], "area": row["area"],
                    "hour_start": row["hour_start"], "weekday": local.weekday(), "hour": local.hour,
                    "count": row["count"]})  # fmt: skip
    return out


def headcount_averages(*, room_id: int, days: int = 28, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Average people counted per hour of the day over the last `days` days with counts (for
    the usage page), from the totals."""
    now = now or timezone.now()
    rows = headcounts_by_hour(room_id=room_id, start=now - dt.timedelta(days=days), end=now)
    sums = [0] * 24
    seen: list[set] = [set() for _ in range(24)]
    for row in rows:
        sums[row["hour"]] += row["count"]
        seen[row["hour"]].add(timezone.localtime(row["hour_start"]).date())
    return [{"hour": h, "average": round(sums[h] / len(seen[h]), 1) if seen[h] else None} for h in range(24)]


def headcount_identities_stored(identities: list[str]) -> set[str]:
    """Of the headcount importer's row keys, those stored already (the lab's total row)."""
    return set(Headcount.objects.filter(import_identity__in=identities).values_list("import_identity", flat=True))
