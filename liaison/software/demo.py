"""Demo software access: a term of 60 courses with the software they need, a catalogue,
three lab images under the student profile, two staff profiles, versioned baselines and
eight librarian workstations (four drifted). Every kind of gap appears: missing from an
image, blocked by the profile, out of licence seats, version too old.

Idempotent: the term, titles, images, profiles and workstations are looked up by their
slugs and hostnames, and nothing is added once the term has courses.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone
from django.utils.text import slugify

from liaison.accounts.models import User
from liaison.places.models import Room
from liaison.software import services
from liaison.software.models import (
    Course,
    DriftDecision,
    Image,
    ImageItem,
    Need,
    Permission,
    Profile,
    ProfileRule,
    Request,
    Term,
    Title,
    TitleVersion,
    Workstation,
)

# name, publisher, versions (oldest first), licence, seats, delivery, platforms, requires
TITLES = [
    ("Microsoft Office", "Microsoft", ["16.0.17928", "16.0.18129"], "site", None, "image", ["windows", "macos"], []),
    ("RStudio", "Posit", ["2023.06.1", "2024.04.2", "2024.12.0"], "free", None, "image", ["windows", "macos"], []),
    ("R", "R Foundation", ["4.3.1", "4.4.1"], "free", None, "image", ["windows", "macos"], []),
    ("Python", "PSF", ["3.11.9", "3.12.4"], "free", None, "image", ["windows", "macos", "linux"], []),
    ("SPSS Statistics", "IBM", ["28.0", "29.0.2"], "seats", 60, "image", ["windows", "macos"], []),
    ("Stata", "StataCorp", ["17", "18"], "seats", 40, "image", ["windows"], []),
    ("MATLAB", "MathWorks", ["R2023a", "R2023b", "R2024a"], "site", None, "image", ["windows", "macos"], []),
    ("ArcGIS Pro", "Esri", ["3.1", "3.2.2", "3.3"], "seats", 30, "image", ["windows"], []),
    ("QGIS", "QGIS.org", ["3.34", "3.36"], "free", None, "image", ["windows", "macos", "linux"], []),
    ("Adobe Photoshop", "Adobe", ["2024", "2025"], "seats", 30, "image", ["windows", "macos"], []),
    ("Adobe Premiere Pro", "Adobe", ["2024", "2025"], "seats", 30, "image", ["windows", "macos"], []),
    ("DaVinci Resolve", "Blackmagic", ["18.6", "19.0"], "free", None, "image", ["windows", "macos"], []),
    ("Audacity", "Audacity Team", ["3.5.1", "3.6.4"], "free", None, "image", ["windows", "macos"], []),
    (
        "Zotero",
        "Corporation for Digital Scholarship",
        ["6.0.30", "7.0.7"],
        "free",
        None,
        "image",
        ["windows", "macos"],
        [],
    ),
    ("NVivo", "Lumivero", ["14"], "seats", 40, "image", ["windows", "macos"], []),
    ("AutoCAD", "Autodesk", ["2024", "2025"], "seats", 24, "image", ["windows"], []),
    ("SolidWorks", "Dassault", ["2023 SP5", "2024 SP1"], "seats", 24, "image", ["windows"], []),
    ("LabVIEW", "NI", ["2023 Q3", "2024 Q1"], "seats", 12, "image", ["windows"], ["usb_storage"]),
    ("Arduino IDE", "Arduino", ["2.3.2"], "free", None, "image", ["windows", "macos"], ["usb_storage"]),
    ("Visual Studio Code", "Microsoft", ["1.89", "1.95"], "free", None, "image", ["windows", "macos", "linux"], []),
    ("Git", "Git", ["2.45.1", "2.47.0"], "free", None, "image", ["windows", "macos", "linux"], []),
    ("Wireshark", "Wireshark Foundation", ["4.2.5"], "free", None, "image", ["windows"], ["run_as_admin"]),
    ("VirtualBox", "Oracle", ["7.0.18"], "free", None, "not_allowed", ["windows"], ["run_as_admin"]),
    ("Overleaf", "Overleaf", ["2024"], "site", None, "web", ["web"], []),
    ("Jupyter Hub", "Project Jupyter", ["4.1"], "site", None, "web", ["web"], []),
    ("Mathematica", "Wolfram", ["13.3", "14.0"], "site", None, "virtual", ["windows", "macos"], []),
    ("ChemDraw", "Revvity", ["22.2", "23.0"], "seats", 25, "image", ["windows", "macos"], []),
    ("GraphPad Prism", "GraphPad", ["10.2"], "seats", 25, "image", ["windows", "macos"], []),
    ("Finale", "MakeMusic", ["27"], "seats", 30, "image", ["windows", "macos"], []),
    ("Logger Pro", "Vernier", ["3.16"], "site", None, "image", ["windows", "macos"], ["usb_storage"]),
    ("Tableau Desktop", "Salesforce", ["2023.3", "2024.2"], "seats", 20, "image", ["windows", "macos"], []),
    ("Minitab", "Minitab", ["21.4"], "seats", 35, "image", ["windows"], []),
    ("Blender", "Blender Foundation", ["4.1", "4.2"], "free", None, "image", ["windows", "macos", "linux"], []),
    ("Kurzweil 3000", "Kurzweil Education", ["20"], "site", None, "image", ["windows", "macos"], []),
]

# image slug, name, platform, lab room name, [(title, version), ...]
IMAGES = [
    ("commons-win", "Learning Commons (Windows 11)", "windows", "Learning Commons Lab", [
        ("Microsoft Office", "16.0.18129"), ("RStudio", "2024.04.2"), ("R", "4.4.1"), ("Python", "3.12.4"),
        ("SPSS Statistics", "29.0.2"), ("Stata", "18"), ("MATLAB", "R2023b"), ("QGIS", "3.36"), ("Zotero", "7.0.7"),
        ("NVivo", "14"), ("Visual Studio Code", "1.95"), ("Git", "2.47.0"), ("Minitab", "21.4"),
        ("Kurzweil 3000", "20"), ("Tableau Desktop", "2024.2"), ("GraphPad Prism", "10.2"), ("Audacity", "3.6.4"),
    ]),
    ("media-mac", "Digital Media Lab (macOS)", "macos", "Digital Media Lab", [
        ("Microsoft Office", "16.0.18129"), ("Adobe Photoshop", "2025"), ("Adobe Premiere Pro", "2025"),
        ("DaVinci Resolve", "19.0"), ("Audacity", "3.6.4"), ("Finale", "27"), ("Blender", "4.2"), ("Zotero", "7.0.7"),
        ("Arduino IDE", "2.3.2"),
    ]),
    ("quiet-win", "Quiet Study Lab (Windows 11)", "windows", "Quiet Study Lab", [
        ("Microsoft Office", "16.0.17928"), ("RStudio", "2023.06.1"), ("R", "4.3.1"), ("Zotero", "6.0.30"),
        ("Kurzweil 3000", "20"), ("ArcGIS Pro", "3.1"), ("ChemDraw", "23.0"), ("Wireshark", "4.2.5"), ("AutoCAD", "2025"), ("SolidWorks", "2023 SP5"),
        ("Logger Pro", "3.16"),
    ]),
]  # fmt: skip

DEPARTMENTS = {
    "BIO": "Biology", "CHM": "Chemistry", "PSY": "Psychology", "SOC": "Sociology", "ECO": "Economics",
    "ENV": "Environmental Studies", "ART": "Art", "MUS": "Music", "CS": "Computer Science", "PHY": "Physics",
    "ENG": "English", "HIS": "History", "MTH": "Mathematics", "COM": "Communication", "ENR": "Engineering",
}  # fmt: skip

# What each department's courses tend to need: (title, minimum version or "", lab room name or None)
DEPARTMENT_NEEDS = {
    "BIO": [("RStudio", "2024.04", None), ("GraphPad Prism", "", None), ("Logger Pro", "", "Quiet Study Lab")],
    "CHM": [("ChemDraw", "23.0", None), ("Logger Pro", "", None)],
    "PSY": [("SPSS Statistics", "29", None), ("NVivo", "", None)],
    "SOC": [("SPSS Statistics", "28", None), ("NVivo", "14", None), ("Stata", "", None)],
    "ECO": [("Stata", "18", None), ("R", "4.4", None), ("Tableau Desktop", "2024.2", None)],
    "ENV": [("ArcGIS Pro", "3.2", None), ("QGIS", "", None)],
    "ART": [("Adobe Photoshop", "2025", "Digital Media Lab"), ("Blender", "", None)],
    "MUS": [("Finale", "", "Digital Media Lab"), ("Audacity", "3.5", None)],
    "CS": [("Python", "3.12", None), ("Visual Studio Code", "", None), ("VirtualBox", "", None), ("Git", "", None)],
    "PHY": [("MATLAB", "R2023b", None), ("LabVIEW", "", None), ("Arduino IDE", "", "Digital Media Lab")],
    "ENG": [("Zotero", "7.0", None), ("Kurzweil 3000", "", None)],
    "HIS": [("Zotero", "", "Quiet Study Lab"), ("QGIS", "", None)],
    "MTH": [("Mathematica", "14.0", None), ("MATLAB", "R2024a", None), ("Overleaf", "", None)],
    "COM": [("Adobe Premiere Pro", "2025", None), ("DaVinci Resolve", "", None)],
    "ENR": [("SolidWorks", "2024 SP1", None), ("AutoCAD", "", None), ("MATLAB", "", None)],
}  # fmt: skip

SURNAMES = [
    "Alvarez", "Brooks", "Chandra", "Dubois", "Eriksen", "Fofana", "Garcia", "Haddad", "Ito", "Jensen", "Kaur",
    "Lindqvist", "Mwangi", "Novak", "Okonkwo", "Petrov", "Quinn", "Rossi", "Santos", "Tanaka", "Umar", "Varga",
    "Whitfield", "Xu", "Yilmaz", "Zielinski",
]  # fmt: skip
FIRST = ["Ana", "Ben", "Chloé", "David", "Esi", "Femi", "Grace", "Hugo", "Ines", "Jon", "Kemal", "Leila", "Marta"]
COURSE_WORDS = ["Introduction to", "Methods in", "Topics in", "Seminar in", "Advanced", "Research in"]

# hostname, username, extra permission keys beyond the baseline, permission keys missing from it
WORKSTATIONS = [
    ("LIB-REF-01", "library", [], []),
    ("LIB-REF-02", "jchen", ["run_as_admin", "install_software"], []),
    ("LIB-REF-03", "rbailey", [], []),
    ("LIB-CIRC-01", None, [], ["usb_storage"]),
    ("LIB-CIRC-02", None, [], []),
    ("LIB-ILL-01", None, ["run_as_admin"], []),
    ("LIB-OFF-01", "supervisor", [], []),
    ("LIB-MEDIA-01", None, ["usb_storage"], ["add_printers"]),
]


def _term(today: dt.date) -> Term:
    starts = today + dt.timedelta(days=45)
    starts -= dt.timedelta(days=starts.weekday())  # a Monday
    season = "Spring" if starts.month <= 5 else ("Summer" if starts.month <= 7 else "Fall")
    name = f"{season} {starts.year}"
    term, _ = Term.objects.get_or_create(
        slug=slugify(name),
        defaults={
            "name": name,
            "starts_on": starts,
            "ends_on": starts + dt.timedelta(weeks=15),
            "needs_deadline": starts - dt.timedelta(days=30),
        },
    )
    return term


def _catalogue() -> dict[str, Title]:
    permissions = {p.key: p for p in Permission.objects.all()}
    titles = {}
    for name, publisher, versions, licence, seats, delivery, platforms, requires in TITLES:
        title, created = Title.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "publisher": publisher,
                "licence": licence,
                "seats": seats,
                "delivery": delivery,
                "platforms": platforms,
            },
        )
        if created:
            for version in versions:
                TitleVersion.objects.get_or_create(title=title, version=version)
            title.requires.set([permissions[k] for k in requires])
        titles[name] = title
    return titles


def _profiles() -> dict[str, Profile]:
    permissions = {p.key: p for p in Permission.objects.all()}
    specs = [
        ("student", "Student profile", "student", "", ["add_printers"]),
        ("library-staff", "Library staff profile", "staff", "library_staff", ["add_printers", "usb_storage"]),
        (
            "it-staff",
            "IT staff profile",
            "staff",
            "it_staff",
            ["add_printers", "usb_storage", "run_as_admin", "install_software"],
        ),
    ]
    profiles = {}
    for slug, name, kind, role, granted in specs:
        profile, created = Profile.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind, "role": role})
        if created:
            profile.permissions.set([permissions[k] for k in granted])
        profiles[slug] = profile
    return profiles


def _images(titles: dict[str, Title], student: Profile) -> dict[str, Room]:
    labs = {room.name: room for room in Room.objects.filter(kind=Room.Kind.LAB)}
    for slug, name, platform, lab_name, contents in IMAGES:
        image, created = Image.objects.get_or_create(
            slug=slug, defaults={"name": name, "platform": platform, "profile": student}
        )
        if not created:
            continue
        if lab_name in labs:
            image.labs.set([labs[lab_name]])
        ImageItem.objects.bulk_create(
            [ImageItem(image=image, title=titles[t], version=v) for t, v in contents], ignore_conflicts=True
        )
    # The student profile blocks a packet sniffer (installed for the networking course's own lab).
    ProfileRule.objects.get_or_create(profile=student, title=titles["Wireshark"], defaults={"allowed": False})
    return labs


def _courses(term: Term, titles: dict[str, Title], labs: dict[str, Room], people: dict[str, User]) -> int:
    if term.courses.exists():
        return 0
    rng = random.Random(14)  # noqa: S311 (demo data, not secrets)
    instructors = []
    from liaison.software.models import Instructor

    for i in range(36):
        first, last = FIRST[i % len(FIRST)], SURNAMES[i % len(SURNAMES)]
        instructor, _ = Instructor.objects.get_or_create(
            email=f"{first[0].lower()}{last.lower()}{i}@college.example", defaults={"name": f"Dr {first} {last}"}
        )
        instructors.append(instructor)
    codes = list(DEPARTMENTS)
    made = 0
    for n in range(60):
        prefix = codes[n % len(codes)]
        number = 100 + (n // len(codes)) * 100 + rng.randrange(0, 60)
        course, created = services.course_upsert(
            term=term,
            code=f"{prefix} {number}",
            section="01" if n % 7 else "02",
            name=f"{rng.choice(COURSE_WORDS)} {DEPARTMENTS[prefix]}",
            department=DEPARTMENTS[prefix],
            enrolment=rng.choice([12, 18, 24, 30, 35, 45]),
            instructors=[(i.name, i.email) for i in rng.sample(instructors, 1 + (n % 5 == 0))],
        )
        made += created
        options = DEPARTMENT_NEEDS[prefix]
        for title_name, minimum, lab_name in rng.sample(options, min(len(options), 1 + n % 3)):
            Need.objects.get_or_create(
                course=course,
                title=titles[title_name],
                defaults={
                    "min_version": minimum,
                    "lab": labs.get(lab_name) if lab_name else None,
                    "needed_by": term.starts_on - dt.timedelta(days=rng.choice([0, 0, 7])),
                    "entered_by": people["library"] if n % 2 else None,
                    "entered_by_instructor": None if n % 2 else course.instructors.first(),
                },
            )
    return made


def _requests(term: Term, people: dict[str, User]) -> int:
    if Request.objects.filter(need__course__term=term).exists():
        return 0
    from liaison.software import matrix

    result = matrix.gap_matrix(term=term, answer="gaps")
    asked = 0
    for index, cell in enumerate(result.cells[:12]):
        request = services.request_open(
            actor=people["library"] if index % 3 else people["supervisor"],
            need=cell.need,
            owner=people["it"] if index % 2 else None,
        )
        asked += 1
        if index == 0:  # one overdue: asked early, due last week, still open
            Request.objects.filter(pk=request.pk).update(due_on=timezone.localdate() - dt.timedelta(days=6))
        elif index in (1, 2) and cell.answer != "seats":
            services.request_take(actor=people["it"], request=request)
    return asked


def _staff(people: dict[str, User], profiles: dict[str, Profile]) -> None:
    permissions = {p.key: p for p in Permission.objects.all()}
    supervisor = people["supervisor"]
    if not services_baselines_exist():
        services.baseline_create(
            actor=supervisor, role="library_staff", grant=[permissions["add_printers"]], note="First standard"
        )
        services.baseline_create(
            actor=supervisor,
            role="library_staff",
            grant=[permissions["add_printers"], permissions["usb_storage"]],
            note="USB storage for patrons' files at the desk",
        )
        services.baseline_create(
            actor=supervisor,
            role="it_staff",
            grant=[permissions[k] for k in ("add_printers", "usb_storage", "run_as_admin", "install_software")],
        )
    if Workstation.objects.exists():
        return
    standard = {"add_printers", "usb_storage"}
    for hostname, username, extra, missing in WORKSTATIONS:
        keys = (standard | set(extra)) - set(missing)
        services.workstation_upsert(
            hostname=hostname,
            role="library_staff",
            permissions=[permissions[k] for k in sorted(keys)],
            person=people.get(username) if username else None,
            profile=profiles["library-staff"],
        )
    ill = Workstation.objects.get(hostname="LIB-ILL-01")
    services.drift_decide(
        actor=people["it"],
        workstation=ill,
        permission=permissions["run_as_admin"],
        kind=DriftDecision.Kind.EXCEPTION,
        reason="The interlibrary-loan scanner driver only runs as administrator.",
        expires_on=timezone.localdate() + dt.timedelta(days=120),
    )
    services.drift_decide(
        actor=supervisor,
        workstation=Workstation.objects.get(hostname="LIB-REF-02"),
        permission=permissions["install_software"],
        kind=DriftDecision.Kind.CHANGE,
        reason="Not part of the reference desk standard.",
    )


def services_baselines_exist() -> bool:
    from liaison.software.models import Baseline

    return Baseline.objects.exists()


def seed_software(log: Callable[[str], None]) -> dict[str, int]:
    services.permissions_ensure_builtin()
    people = {
        u.username: u for u in User.objects.filter(username__in=["library", "it", "supervisor", "jchen", "rbailey"])
    }
    term = _term(timezone.localdate())
    titles = _catalogue()
    profiles = _profiles()
    labs = _images(titles, profiles["student"])
    courses = _courses(term, titles, labs, people)
    asked = _requests(term, people) if {"library", "it", "supervisor"} <= set(people) else 0
    if "supervisor" in people and "it" in people:
        _staff(people, profiles)
    log(f"software: {courses} new courses, {asked} new requests to IT")
    return {
        "software titles": Title.objects.count(),
        "software courses": Course.objects.filter(term=term).count(),
        "software needs": Need.objects.filter(course__term=term).count(),
        "software requests": Request.objects.count(),
        "staff workstations": Workstation.objects.count(),
    }


seed = seed_software
