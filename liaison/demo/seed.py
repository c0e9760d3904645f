"""A believable college for demos and browser tests. Every step is idempotent: it looks
records up by their natural key and creates only what is missing, so running it twice
changes nothing. Later domains add a `seed_<domain>` step to SEED_STEPS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction

from liaison.accounts.models import Department, User
from liaison.core.roles import Role
from liaison.demand.demo import seed_demand
from liaison.desk.demo import seed_desk
from liaison.directory.demo import seed_directory
from liaison.imports.demo import seed_imports
from liaison.insights.demo import seed_insights
from liaison.kb.demo import seed_kb
from liaison.labs.demo import seed_labs
from liaison.partnership.demo import seed_partnership
from liaison.pilots.demo import seed_pilots
from liaison.places.models import Building, HoursException, OpeningHours, Room, ServicePoint
from liaison.software.demo import seed_software
from liaison.staffing.demo import seed_staffing
from liaison.tickets.demo import seed_tickets

DEMO_PASSWORD = "liaison-demo"

DEMO_SIGN_INS = [
    ("admin", "administrator: setup, audit trail, everything"),
    ("supervisor", "supervisor: head of public services, co-supervises the student pool"),
    ("library", "library staff: research librarian at the joint desk"),
    ("it", "IT staff: help-desk technician working the IT queue"),
    ("student", "student worker: staffs the joint desk and the IT help desk"),
]

# username, first, last, role, department code, e-mail
PEOPLE = [
    ("admin", "Avery", "Admin", Role.ADMINISTRATOR, "it", "admin@college.example"),
    ("supervisor", "Simone", "Okafor", Role.SUPERVISOR, "library", "sokafor@college.example"),
    ("library", "Lena", "Marsh", Role.LIBRARY_STAFF, "library", "lmarsh@college.example"),
    ("it", "Ivan", "Torres", Role.IT_STAFF, "it", "itorres@college.example"),
    ("student", "Sam", "Rivera", Role.STUDENT_WORKER, "it", "srivera@students.college.example"),
    ("itmanager", "Priya", "Natarajan", Role.SUPERVISOR, "it", "pnatarajan@college.example"),
    ("jchen", "Jia", "Chen", Role.LIBRARY_STAFF, "library", "jchen@college.example"),
    ("rbailey", "Rosa", "Bailey", Role.LIBRARY_STAFF, "library", "rbailey@college.example"),
    ("dkowalski", "Dan", "Kowalski", Role.IT_STAFF, "it", "dkowalski@college.example"),
    ("mosei", "Mele", "Osei", Role.IT_STAFF, "it", "mosei@college.example"),
    ("award", "Aisha", "Ward", Role.STUDENT_WORKER, "it", "award@students.college.example"),
    ("bnguyen", "Bao", "Nguyen", Role.STUDENT_WORKER, "it", "bnguyen@students.college.example"),
    ("cfischer", "Clara", "Fischer", Role.STUDENT_WORKER, "it", "cfischer@students.college.example"),
    ("dmensah", "Daniel", "Mensah", Role.STUDENT_WORKER, "it", "dmensah@students.college.example"),
    ("eruiz", "Elena", "Ruiz", Role.STUDENT_WORKER, "it", "eruiz@students.college.example"),
    ("fpatel", "Farhan", "Patel", Role.STUDENT_WORKER, "it", "fpatel@students.college.example"),
]

DEPARTMENTS = [
    ("library", "College Library", Department.Kind.LIBRARY, "library@college.example"),
    ("it", "Information Technology Services", Department.Kind.IT, "helpdesk@college.example"),
    ("writing", "Writing Center", Department.Kind.OTHER, "writing@college.example"),
]

BUILDINGS = [
    ("lib", "Halvorsen Library", "100 College Walk"),
    ("tech", "Technology Center", "12 Quad Road"),
]

# building code, name, number, kind, capacity, floor
ROOMS = [
    ("lib", "Learning Commons", "101", Room.Kind.DESK_AREA, 120, "1"),
    ("lib", "Learning Commons Lab", "110", Room.Kind.LAB, 48, "1"),
    ("lib", "Digital Media Lab", "204", Room.Kind.LAB, 16, "2"),
    ("lib", "Quiet Study Lab", "305", Room.Kind.LAB, 24, "3"),
    ("tech", "IT Service Center", "G10", Room.Kind.DESK_AREA, 30, "G"),
]

WEEKDAYS = range(0, 5)


def _t(text: str) -> dt.time:
    return dt.datetime.strptime(text, "%H:%M").time()


# slug, name, kind, room name, departments, description, weekly hours {weekday: (open, close)}
SERVICE_POINTS = [
    (
        "joint-desk",
        "Research & IT Desk",
        ServicePoint.Kind.DESK,
        "Learning Commons",
        ["library", "it"],
        "The joint desk: research help from librarians, technology help from IT student workers.",
        {**{d: ("08:00", "22:00") for d in WEEKDAYS}, 5: ("10:00", "18:00"), 6: ("12:00", "22:00")},
    ),
    (
        "it-help-desk",
        "IT Help Desk",
        ServicePoint.Kind.DESK,
        "IT Service Center",
        ["it"],
        "Accounts, Wi-Fi, laptops and software for students and staff.",
        {d: ("08:00", "17:00") for d in WEEKDAYS},
    ),
    (
        "commons-lab-desk",
        "Learning Commons Lab Desk",
        ServicePoint.Kind.LAB_DESK,
        "Learning Commons Lab",
        ["it"],
        "Printing, scanning and lab computers.",
        {**{d: ("09:00", "21:00") for d in WEEKDAYS}, 6: ("13:00", "21:00")},
    ),
    (
        "ask-us-chat",
        "Ask Us Chat",
        ServicePoint.Kind.CHAT,
        None,
        ["library", "it"],
        "Online chat staffed from the joint desk.",
        {**{d: ("09:00", "20:00") for d in WEEKDAYS}, 6: ("14:00", "20:00")},
    ),
]


def _thanksgiving(year: int) -> dt.date:
    first = dt.date(year, 11, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=3)


def seed_foundation(log: Callable[[str], None]) -> dict[str, int]:
    departments = {}
    for code, name, kind, email in DEPARTMENTS:
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "contact_email": email}
        )
    created_people = 0
    for username, first, last, role, dept, email in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": email,
                "role": role,
                "department": departments[dept],
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.ADMINISTRATOR  # the Django admin is the setup screen
            user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
            created_people += 1
    buildings = {
        code: Building.objects.update_or_create(code=code, defaults={"name": name, "address": address})[0]
        for code, name, address in BUILDINGS
    }
    rooms = {}
    for building, name, number, kind, capacity, floor in ROOMS:
        rooms[name], _ = Room.objects.update_or_create(
            building=buildings[building],
            name=name,
            defaults={"number": number, "kind": kind, "capacity": capacity, "floor": floor},
        )
    for slug, name, kind, room, depts, description, hours in SERVICE_POINTS:
        point, created = ServicePoint.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "room": rooms.get(room), "description": description},
        )
        point.departments.set([departments[d] for d in depts])
        if created or not point.opening_hours.exists():
            OpeningHours.objects.bulk_create(
                OpeningHours(service_point=point, weekday=day, opens=_t(o), closes=_t(c))
                for day, (o, c) in sorted(hours.items())
            )
        # Holidays and breaks around the current academic year.
        for year in {dt.date.today().year - 1, dt.date.today().year}:
            thanksgiving = _thanksgiving(year)
            for day, reason in [
                (thanksgiving, "Thanksgiving"),
                (thanksgiving + dt.timedelta(days=1), "Thanksgiving break"),
                (dt.date(year, 12, 24), "Winter break"),
                (dt.date(year, 12, 25), "Winter break"),
                (dt.date(year, 1, 1), "New Year's Day"),
            ]:
                HoursException.objects.get_or_create(
                    service_point=point, date=day, defaults={"is_closed": True, "reason": reason}
                )
            if point.kind == ServicePoint.Kind.DESK:
                # Reduced hours the first days of winter break.
                for offset in range(2, 5):
                    HoursException.objects.get_or_create(
                        service_point=point,
                        date=thanksgiving + dt.timedelta(days=offset + 24),
                        defaults={
                            "is_closed": False,
                            "opens": _t("10:00"),
                            "closes": _t("16:00"),
                            "reason": "Reading-day hours",
                        },
                    )
    log(f"foundation: {len(departments)} departments, {created_people} new people, {len(rooms)} rooms")
    return {
        "departments": Department.objects.count(),
        "people": User.objects.count(),
        "labs": Room.objects.filter(kind=Room.Kind.LAB).count(),
        "service points": ServicePoint.objects.count(),
    }


SEED_STEPS: list[Callable[[Callable[[str], None]], dict[str, int]]] = [
    seed_foundation,
    seed_directory,
    seed_desk,  # after the directory: referrals point at its entries
    seed_kb,
    seed_tickets,  # after the desk (promotes some of its interactions) and the kb (links articles)
    seed_imports,
    seed_software,  # after tickets (its requests open tickets in IT's labs queue)
    seed_labs,  # after the tickets (IT's queues take its incidents)
    seed_staffing,
    seed_demand,  # after the desk (its round samples last month's questions) and the labs
    seed_pilots,  # before the partnership: its ledger derivation counts the hosting and the report
    seed_partnership,  # it derives the ledger from the work the steps above made
    seed_insights,  # last: scheduled reports over everything above
]


def demo_is_loaded() -> bool:
    return User.objects.filter(username="admin").exists() and ServicePoint.objects.filter(slug="joint-desk").exists()


def seed_demo(log: Callable[[str], None] = lambda _msg: None) -> dict[str, int]:
    summary: dict[str, int] = {}
    for step in SEED_STEPS:
        with transaction.atomic():
            summary.update(step(log))
    return summary
