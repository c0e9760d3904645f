"""Demo labs: the three library labs with their workstations, two busy HP printers in the
Learning Commons, label printers (one Zebra model that plainly fails most), a term of
incidents with believable patterns, a week of usage sessions and print logs, and agents'
heartbeats for right now.

Incidents are played through the real services (tickets included, mail muted) and dated back.
Deterministic (fixed random seeds) and idempotent: assets are found by tag, and the term of
incidents, the sessions and the print logs are made only when none exist yet.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from liaison.accounts.models import Department, User
from liaison.labs import services
from liaison.labs.models import (
    Asset,
    Incident,
    Kind,
    MaintenanceWindow,
    PrinterSignal,
    PrintJob,
    UsageSession,
    WorkstationPresence,
)
from liaison.places.models import Room
from liaison.tickets import events as ticket_events
from liaison.tickets.models import Ticket

NAMESPACE = uuid.UUID("0f5a3c1e-8b7d-4c2a-9e61-11a5b0c0de11")
TERM_DAYS = 100

# maker, model, kind
MODELS = {
    "optiplex": ("Dell", "OptiPlex 7010", Kind.WORKSTATION),
    "imac": ("Apple", "iMac 24-inch", Kind.WORKSTATION),
    "m607": ("HP", "LaserJet Enterprise M607", Kind.PRINTER),
    "zd421": ("Zebra", "ZD421", Kind.LABEL_PRINTER),
    "dymo": ("DYMO", "LabelWriter 5XL", Kind.LABEL_PRINTER),
    "v600": ("Epson", "Perfection V600", Kind.SCANNER),
}
# room name → (tag prefix, workstation model, how many workstations, owner of the PCs)
LABS = {
    "Learning Commons Lab": ("LC", "optiplex", 24, "it"),
    "Digital Media Lab": ("DM", "imac", 12, "library"),
    "Quiet Study Lab": ("QS", "optiplex", 16, "it"),
}
# tag, name, model, room, owner, address
OTHER_DEVICES = [
    ("LIB-PR-LC-1", "Commons printer 1 (by the door)", "m607", "Learning Commons Lab", "library", "prn-lc1.lib.college.example"),
    ("LIB-PR-LC-2", "Commons printer 2 (by the windows)", "m607", "Learning Commons Lab", "library", "prn-lc2.lib.college.example"),
    ("LIB-PR-QS-1", "Quiet Study printer", "m607", "Quiet Study Lab", "library", "prn-qs1.lib.college.example"),
    ("LIB-LBL-LC-1", "Label printer at the lab desk", "zd421", "Learning Commons Lab", "library", ""),
    ("LIB-LBL-DM-1", "Media lab label printer", "zd421", "Digital Media Lab", "library", ""),
    ("LIB-LBL-QS-1", "Quiet Study label printer", "dymo", "Quiet Study Lab", "library", ""),
    ("LIB-SC-DM-1", "Photo scanner", "v600", "Digital Media Lab", "library", ""),
]  # fmt: skip
# model → (mean days between failures, (shortest, longest) hours to repair, problems)
PATTERNS = {
    "zd421": (5.5, (6, 60), ["labels_jam", "out_of_labels", "misaligned", "out_of_ribbon", "wont_power_on"]),
    "dymo": (45, (2, 10), ["labels_jam", "out_of_labels"]),
    "m607": (9, (0.5, 6), ["paper_jam", "paper_jam", "out_of_toner", "out_of_paper", "print_quality"]),
    "optiplex": (70, (2, 48), ["wont_power_on", "cant_sign_in", "keyboard_mouse", "frozen", "no_internet"]),
    "imac": (90, (2, 30), ["software_missing", "cant_sign_in", "frozen"]),
    "v600": (60, (1, 8), ["wont_scan", "cant_send"]),
}


def _models() -> dict:
    out = {}
    for key, (maker, name, kind) in MODELS.items():
        out[key] = services.asset_model_get_or_create(
            maker=services.maker_get_or_create(name=maker), name=name, kind=kind
        )
    return out


def _assets(actor: User) -> list[tuple[Asset, str]]:
    models = _models()
    departments = {d.code: d for d in Department.objects.filter(code__in=["library", "it"])}
    rooms = {r.name: r for r in Room.objects.filter(name__in=LABS)}
    existing = {a.tag: a for a in Asset.objects.all()}
    made: list[tuple[Asset, str]] = []

    def ensure(tag, name, model_key, room, owner, address=""):
        asset = existing.get(tag)
        if asset is None:
            asset = services.asset_create(
                actor=actor, tag=tag, name=name, model=models[model_key], room=room, owner=departments[owner],
                network_address=address, in_service_on=dt.date(2024, 8, 15), serial=f"SN{abs(hash(tag)) % 10**8:08d}",
            )  # fmt: skip
        made.append((asset, model_key))

    for room_name, (prefix, model_key, count, owner) in LABS.items():
        if room_name not in rooms:
            continue
        for n in range(1, count + 1):
            ensure(f"LIB-PC-{prefix}-{n:02d}", f"{prefix}-{n:02d}", model_key, rooms[room_name], owner)
    for tag, name, model_key, room_name, owner, address in OTHER_DEVICES:
        if room_name in rooms:
            ensure(tag, name, model_key, rooms[room_name], owner, address)
    return made


def _term_of_incidents(assets: list[tuple[Asset, str]], staff: list[User], now: dt.datetime) -> int:
    rng = random.Random(11)  # noqa: S311 (demo data, not secrets)
    start = now - dt.timedelta(days=TERM_DAYS)
    made = 0
    for asset, model_key in assets:
        mean_days, (short, long), problems = PATTERNS[model_key]
        moment = start + dt.timedelta(days=rng.expovariate(1 / mean_days))
        while moment < now - dt.timedelta(hours=2):
            hours = short + (long - short) * rng.random() ** 2
            resolved = moment + dt.timedelta(hours=hours)
            problem = rng.choice(problems)
            still_open = resolved > now
            source = rng.choice(
                ["patron", "patron", "staff", "device"] if asset.kind == Kind.PRINTER else ["patron", "staff"]
            )
            with transaction.atomic():
                opener = services.system_reporter() if source != "staff" else rng.choice(staff)
                outcome = services._file_report(
                    opener=opener, recorded_actor=None if source != "staff" else opener, asset=asset, source=source,
                    problem=problem, note="",
                )  # fmt: skip
                incident = outcome.incident
                worker = rng.choice(staff[:3])
                if still_open:
                    if rng.random() < 0.5:
                        services.incident_change_state(actor=worker, incident=incident, state="acknowledged")
                else:
                    if hours > 4:
                        services.incident_change_state(actor=worker, incident=incident, state="in_repair")
                    services.incident_change_state(actor=worker, incident=incident, state="resolved",
                                                   resolution=_resolution(problem))  # fmt: skip
                ack = moment + dt.timedelta(hours=min(hours / 3, 2))
                Incident.objects.filter(pk=incident.pk).update(
                    started_at=moment, created_at=moment,
                    acknowledged_at=None if incident.acknowledged_at is None else ack,
                    repair_started_at=None if incident.repair_started_at is None else ack,
                    resolved_at=None if still_open else resolved,
                )  # fmt: skip
                Ticket.objects.filter(pk=incident.ticket_id).update(
                    created_at=moment, resolved_at=None if still_open else resolved
                )
                incident.reports.update(created_at=moment)
            made += 1
            moment = resolved + dt.timedelta(days=rng.expovariate(1 / mean_days))
    # Right now: the lab desk's Zebra is out of labels again, and a Commons printer has a jam
    # that IT has seen (so the board and the incident list have something to show).
    by_tag = {a.tag: a for a, _m in assets}
    for tag, problem, minutes_ago, acknowledged in (("LIB-LBL-LC-1", "out_of_labels", 170, False),
                                                     ("LIB-PR-LC-1", "paper_jam", 35, True)):  # fmt: skip
        asset = by_tag.get(tag)
        if asset is None or Incident.objects.filter(asset=asset).exclude(state="resolved").exists():
            continue
        with transaction.atomic():
            incident = services._file_report(opener=services.system_reporter(), recorded_actor=None, asset=asset,
                                             source="patron", problem=problem, note="")  # fmt: skip
            if acknowledged:
                services.incident_change_state(actor=staff[0], incident=incident.incident, state="acknowledged")
            moment = now - dt.timedelta(minutes=minutes_ago)
            Incident.objects.filter(pk=incident.incident.pk).update(
                started_at=moment, created_at=moment,
                acknowledged_at=moment + dt.timedelta(minutes=10) if acknowledged else None,
            )  # fmt: skip
            Ticket.objects.filter(pk=incident.incident.ticket_id).update(created_at=moment)
            incident.incident.reports.update(created_at=moment)
        made += 1
    # Planned maintenance: the printers' quarterly service.
    for asset, model_key in assets:
        if model_key == "m607":
            begin = (now - dt.timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
            MaintenanceWindow.objects.get_or_create(
                asset=asset, reason="Quarterly service (fuser and rollers)",
                defaults={"starts_at": begin, "ends_at": begin + dt.timedelta(hours=3)},
            )  # fmt: skip
    return made


def _resolution(problem: str) -> str:
    return {
        "labels_jam": "Cleared the jammed labels; cleaned the print head.",
        "out_of_labels": "Loaded a new roll of labels.",
        "paper_jam": "Cleared the jam in tray 2.",
        "out_of_toner": "Replaced the toner cartridge.",
        "out_of_paper": "Filled the paper trays.",
        "wont_power_on": "Replaced the power supply.",
        "cant_sign_in": "Rejoined the PC to the domain.",
    }.get(problem, "Fixed and tested.")


def _usage_week(assets: list[tuple[Asset, str]], now: dt.datetime) -> int:
    rng = random.Random(7)  # noqa: S311 (demo data, not secrets)
    rows = []
    for asset, _model in assets:
        if asset.kind != Kind.WORKSTATION:
            continue
        for day in range(7, 0, -1):
            date = timezone.localtime(now - dt.timedelta(days=day)).date()
            moment = timezone.make_aware(dt.datetime.combine(date, dt.time(8, 0))) + dt.timedelta(
                minutes=rng.randint(0, 90)
            )
            close = timezone.make_aware(dt.datetime.combine(date, dt.time(22, 0)))
            while moment < close:
                busy = 0.75 if 10 <= timezone.localtime(moment).hour <= 16 else 0.35
                length = dt.timedelta(minutes=rng.randint(20, 150))
                if rng.random() < busy:
                    rows.append(UsageSession(asset=asset, client_id=uuid.uuid5(NAMESPACE, f"{asset.tag}-{moment.isoformat()}"),
                                             started_at=moment, ended_at=min(moment + length, close)))  # fmt: skip
                moment += length + dt.timedelta(minutes=rng.randint(2, 40))
    UsageSession.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _print_week(assets: list[tuple[Asset, str]], now: dt.datetime) -> int:
    rng = random.Random(5)  # noqa: S311 (demo data, not secrets)
    rows = []
    volume = {"LIB-PR-LC-1": 420, "LIB-PR-LC-2": 380, "LIB-PR-QS-1": 90}
    for asset, _model in assets:
        jobs = volume.get(asset.tag)
        if not jobs:
            continue
        for day in range(7, 0, -1):
            date = timezone.localtime(now - dt.timedelta(days=day)).date()
            for n in range(int(jobs * rng.uniform(0.7, 1.2))):
                at = timezone.make_aware(dt.datetime.combine(date, dt.time(8, 0))) + dt.timedelta(
                    minutes=rng.randint(0, 14 * 60)
                )
                rows.append(PrintJob(asset=asset, printed_at=at, pages=max(1, int(rng.expovariate(1 / 6))),
                                     import_identity=f"demo:{asset.tag}:{date}:{n}"))  # fmt: skip
    PrintJob.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def simulate_agents(*, now: dt.datetime | None = None, seed: int | None = None) -> int:
    """What the lab agents would say right now: most PCs beating, about half in use, a few
    switched off and two silent. Used by the demo seed and `manage.py labs_simulate_agents`."""
    now = now or timezone.now()
    rng = random.Random(seed if seed is not None else int(now.timestamp() // 600))  # noqa: S311
    count = 0
    for asset in Asset.objects.filter(kind=Kind.WORKSTATION, status=Asset.Status.IN_SERVICE).order_by("tag"):
        roll = rng.random()
        seen = now - dt.timedelta(minutes=20) if roll < 0.04 else now - dt.timedelta(seconds=rng.randint(0, 50))
        WorkstationPresence.objects.update_or_create(
            asset=asset,
            defaults={"last_seen_at": seen, "in_use": 0.04 <= roll < 0.6, "powered_off": 0.6 <= roll < 0.68},
        )
        count += 1
    # The network printers as the IPP poller would have found them: the Quiet Study printer is
    # unplugged ("no signal"); the others answer (ADR 0057).
    for asset in Asset.objects.filter(status=Asset.Status.IN_SERVICE).exclude(network_address="").order_by("tag"):
        silent = asset.tag == "LIB-PR-QS-1"
        PrinterSignal.objects.update_or_create(
            asset=asset,
            defaults={
                "polled_at": now, "answered_at": None if silent else now, "answering": not silent,
                "printer_state": "" if silent else "idle", "reasons": "" if silent else "toner-low",
                "fault": "", "error": "No answer within 5 seconds." if silent else "",
            },
        )  # fmt: skip
    from liaison.labs import board_cache

    board_cache.forget()
    return count


# --- Library systems (ADR 0058) and headcounts (ADR 0059) --------------------------------------

SYSTEMS = [
    # name, description, url, library owner, IT owner, contacts, status, note, known issues
    ("Library catalogue (Alma)", "The catalogue and circulation: loans, holds, fines.", "https://library.college.example/catalogue",
     "library", "dkowalski", "Ex Libris support portal, priority 2 or higher by phone: +1 555 0100\nIT on call: ext. 4357",
     "operational", "", "Patron records merged from the old system show two addresses: use the newer one."),
    ("Discovery (Primo)", "The library search box on the website.", "https://search.library.college.example",
     "jchen", "dkowalski", "Ex Libris support: +1 555 0100\nWeb librarian: J. Chen, ext. 2210",
     "degraded", "Searches from off campus take 20–30 seconds; on campus is fine. Vendor case 0042 is open.",
     "Facets sometimes show counts from yesterday's index.\nFull-text links to JSTOR need the proxy (see EZproxy)."),
    ("EZproxy", "Off-campus access to databases and e-journals.", "https://login.proxy.college.example",
     "library", "it", "OCLC support: support@oclc.example\nIT identity team: ext. 4360",
     "operational", "", "A database whose login page changed needs a new stanza: ask IT with the database's name."),
    ("Library website", "The library's pages on the college site.", "https://library.college.example",
     "jchen", "it", "College web team: web@college.example", "operational", "", ""),
    ("Label-printing set-up", "Spine and barcode labels: the Zebra printers at the lab and processing desks, "
     "the label templates and the print server queue.", "", "library", "dkowalski",
     "IT printing: ext. 4357 (queue it-printing)\nZebra support (warranty): +1 555 0199",
     "operational", "", "The ZD421 loses its calibration after a roll change: hold the feed button until it flashes twice.\n"
     "Labels print misaligned from the Windows 11 lab image: use the 'Spine labels (fixed)' template."),
    ("Interlibrary loan (ILLiad)", "Requests from and to other libraries.", "https://ill.library.college.example",
     "library", "it", "OCLC ILLiad support: +1 555 0111", "operational", "", ""),
]  # fmt: skip


def _systems(people: dict[str, User], now: dt.datetime) -> int:
    from liaison.labs.models import LibrarySystem, SystemTicket

    if LibrarySystem.objects.exists():
        return 0
    for name, description, url, lib, it, contacts, status, note, issues in SYSTEMS:
        LibrarySystem.objects.create(
            name=name, slug=slugify(name)[:60], description=description, url=url,
            library_owner=people.get(lib), it_owner=people.get(it), support_contacts=contacts, status=status,
            status_note=note, known_issues=issues,
            status_changed_at=now - dt.timedelta(hours=3) if status != "operational" else now - dt.timedelta(days=20),
        )  # fmt: skip
    labels = LibrarySystem.objects.get(slug="label-printing-set-up")
    Incident.objects.filter(asset__model__name="ZD421").update(system=labels)
    # Tickets that name a system: the IT tickets whose subject says which one.
    words = {"proxy": "ezproxy", "off-campus database": "ezproxy", "course reserve links": "library-catalogue-alma",
             "interlibrary loan": "interlibrary-loan-illiad"}  # fmt: skip
    systems = {s.slug: s for s in LibrarySystem.objects.all()}
    linked = 0
    for ticket in Ticket.objects.filter(lab_incident__isnull=True).order_by("pk")[:2000]:
        subject = ticket.subject.lower()
        slug = next((slug for word, slug in words.items() if word in subject), None)
        if slug is not None:
            SystemTicket.objects.get_or_create(ticket=ticket, defaults={"system": systems[slug]})
            linked += 1
    from liaison.labs import board_cache

    board_cache.forget_systems()
    return linked


# Learning Commons counts three areas; the others a total. Busy at 11–15, quiet at 8 and 21.
HOURLY = [0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0.45, 0.65, 0.85, 0.95, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.35, 0.2, 0, 0]
HEADCOUNT_LABS = {"Learning Commons Lab": 60, "Digital Media Lab": 20, "Quiet Study Lab": 35}
AREAS = (("Quiet study", 0.3), ("Group tables", 0.35), ("Computers", 0.35))


def _headcounts(now: dt.datetime, days: int = 28) -> int:
    from liaison.labs.models import Headcount

    if Headcount.objects.exists():
        return 0
    rng = random.Random(45)  # noqa: S311
    rooms = {r.name: r for r in Room.objects.filter(name__in=HEADCOUNT_LABS)}
    today = timezone.localdate()
    rows = []
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        weekend = day.weekday() >= 5
        for name, peak in HEADCOUNT_LABS.items():
            room = rooms.get(name)
            if room is None:
                continue
            for hour, share in enumerate(HOURLY):
                if not share or (weekend and not 10 <= hour <= 17):
                    continue
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
                total = max(0, round(peak * share * (0.45 if weekend else 1) * rng.uniform(0.8, 1.2)))
                key = f"demo:{room.pk}:{start.isoformat()}"
                rows.append(Headcount(room=room, area="", hour_start=start, count=total, import_identity=key))
                if name == "Learning Commons Lab":
                    for area, part in AREAS:
                        rows.append(Headcount(room=room, area=area, hour_start=start, count=round(total * part),
                                              import_identity=f"{key}:{area}"[:80]))  # fmt: skip
    Headcount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def seed_labs(log: Callable[[str], None]) -> dict[str, int]:
    now = timezone.now()
    people = {u.username: u for u in User.objects.filter(username__in=["it", "dkowalski", "mosei", "library", "jchen"])}
    if "it" not in people:
        log("labs: no demo IT user; skipped")
        return {}
    staff = [people[n] for n in ["it", "dkowalski", "mosei", "library", "jchen"] if n in people]
    assets = _assets(people["it"])
    incidents = 0
    with ticket_events.muted():
        if not Incident.objects.exists():
            incidents = _term_of_incidents(assets, staff, now)
    sessions = _usage_week(assets, now) if not UsageSession.objects.exists() else 0
    jobs = _print_week(assets, now) if not PrintJob.objects.exists() else 0
    simulate_agents(now=now, seed=3)
    linked = _systems(people, now)
    headcounts = _headcounts(now)
    log(f"labs: {len(assets)} devices, {incidents} incidents, {sessions} sessions, {jobs} print jobs, "
        f"{linked} tickets naming a library system, {headcounts} headcounts")  # fmt: skip
    return {"lab_devices": len(assets), "lab_incidents": incidents, "usage_sessions": sessions, "print_jobs": jobs,
            "system_tickets": linked, "headcounts": headcounts}  # fmt: skip
