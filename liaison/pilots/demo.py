"""The demo college's pilots: a finished campus copier trial with about 300 answers, themes, costs
and a delivered report; a running software pilot collecting answers under quotas; and a
proposal waiting for IT. Run by liaison/demo/seed.py before the partnership step (whose ledger
derivation then counts the hosting and the report).

Everything goes through the services (proposal, steps, forms, answers with participation
tokens, costs, themes), then a few dates are moved back so the copier trial reads as the
weeks it ran. Deterministic (a fixed seed) and idempotent: a pilot that exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from liaison.accounts.models import Department, User
from liaison.desk.models import Interaction, TopicTag
from liaison.labs import selectors as labs_selectors
from liaison.pilots import services
from liaison.pilots.models import Answer, Pilot, PilotEvent, Response
from liaison.places.models import Room, ServicePoint

SEED = 20261130
COPIER = "Campus copier trial: the new multifunction copier"
READER = "Read&Write literacy toolbar in the Quiet Study Lab"
LOCKERS = "Self-service laptop lending lockers"

COPIER_V1 = """
rating [ease]*: How easy was the new copier to use?
task [scan-email]: Try to scan a page to your college e-mail. Did it work?
choice [used-for]: What did you mostly use it for? | Printing | Copying | Scanning | Printing from my phone
yes_no [release]: Did your print job appear at the release screen within a minute?
text [anything-else]: Anything else IT should know before it chooses a copier for the whole campus?
"""
COPIER_V2 = """
rating [ease]*: Overall, how easy was the new copier to use?
task [scan-email]: Try to scan a page to your college e-mail. Did it work?
choice [used-for]: What did you mostly use it for? | Printing | Copying | Scanning | Printing from my phone
yes_no [release]: Did your print job appear at the release screen within a minute?
rating [speed]: How fast was it, compared with the old copier?
text [anything-else]: Anything else IT should know before it chooses a copier for the whole campus?
"""
READER_QUESTIONS = """
rating [useful]*: How useful was the toolbar for your reading or writing?
task [read-aloud]: Open a PDF from your course and have it read aloud. Did it work?
yes_no [recommend]: Would you recommend it to a classmate or colleague?
choice [found-out]: How did you hear about it? | Poster in the lab | Desk staff | My instructor | I just found it
text [comments]: Anything else?
"""

# (theme, comments): what people wrote about the copier, grouped as the library grouped it.
COPIER_COMMENTS: list[tuple[str, list[str]]] = [
    (
        "Scan to e-mail is hard to find",
        [
            "Took me ages to find scan to email, it's three menus deep.",
            "The scan button just says 'Send' - I didn't know that meant email.",
            "Scan to e-mail worked once a student worker showed me where it was.",
            "Please put scan to email on the home screen.",
            "I couldn't find how to scan to my own address, it kept suggesting other people.",
        ],
    ),
    (
        "Paper jams in the side tray",
        [
            "Jammed twice on thick paper from the side tray.",
            "Paper jam on day one, the instructions on the screen helped though.",
            "Side tray jams when you print on card.",
        ],
    ),
    (
        "Printing from a phone is a big plus",
        [
            "Printing from my phone is amazing, no more queue for the lab PCs.",
            "Phone printing saved me before class.",
            "Love that I can send from my phone and release it here.",
            "Mobile print worked first time.",
        ],
    ),
    (
        "Touch screen is slow to respond",
        [
            "Touch screen lags, I pressed copy three times and got three copies.",
            "The screen is slow to wake up.",
            "Screen takes a second or two for every tap.",
        ],
    ),
    (
        "Wants stapling and booklet options",
        [
            "Faculty need stapling for handouts, the old one did it.",
            "Would be great if it could staple.",
            "No booklet option for exam papers?",
        ],
    ),
    (
        "",
        [
            "Much quieter than the old machine.",
            "The release screen asked me to sign in twice.",
            "Colour copies look great.",
            "Fine.",
            "Instructions by the copier were helpful.",
        ],
    ),
]
READER_COMMENTS = [
    "The read-aloud voice is a bit robotic but it helps me proofread.",
    "Took a while to load the first time.",
    "Great for my dyslexia, please keep it.",
    "I didn't know it was there until the poster.",
    "Works with PDFs but not with scanned ones.",
    "Would love it on the library laptops too.",
]

AUDIENCES = [("student", 0.7), ("faculty", 0.15), ("staff", 0.15)]
EASE_BY_AUDIENCE = {"student": [1, 2, 8, 30, 40], "faculty": [3, 8, 14, 15, 6], "staff": [2, 5, 12, 20, 9]}
SCAN_BY_AUDIENCE = {"student": [70, 20, 10], "faculty": [45, 30, 25], "staff": [60, 25, 15]}
USED_FOR = ["Printing", "Copying", "Scanning", "Printing from my phone"]
USED_WEIGHTS = {"student": [40, 10, 15, 35], "faculty": [25, 45, 25, 5], "staff": [30, 40, 25, 5]}


def _pick(rng: random.Random, options: list, weights: list) -> object:
    return rng.choices(options, weights=weights, k=1)[0]


def _token(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") for _ in range(32))


def _desk_tag(slug: str, name: str) -> TopicTag:
    return TopicTag.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def _copier_answer(rng: random.Random, audience: str, *, v2: bool, comments: list[str]) -> dict[str, str]:
    ease = _pick(rng, [1, 2, 3, 4, 5], EASE_BY_AUDIENCE[audience])
    scan = _pick(rng, ["worked", "struggled", "failed"], SCAN_BY_AUDIENCE[audience])
    answer = {
        "ease": str(ease),
        "scan-email": str(scan),
        "used-for": str(_pick(rng, USED_FOR, USED_WEIGHTS[audience])),
        "release": "yes" if rng.random() < 0.82 else "no",
    }
    if v2:
        answer["speed"] = str(_pick(rng, [1, 2, 3, 4, 5], [2, 5, 15, 40, 38]))
    if rng.random() < 0.3 and comments:
        answer["anything-else"] = comments.pop()
    if scan != "worked" and rng.random() < 0.3:
        answer["scan-email-comment"] = rng.choice(
            ["Couldn't find the button.", "It sent it to the wrong address.", "Said my address was not allowed."]
        )
    return answer


def _collect(form, answers: list[tuple[str, dict[str, str], dt.date]], rng: random.Random, *, desk_actor=None) -> int:
    made = 0
    for audience, answer, day in answers:
        if desk_actor is not None and rng.random() < 0.08:
            response = services.response_record_at_desk(actor=desk_actor, form=form, audience=audience, answers=answer)
        else:
            response = services.response_submit(
                actor=None, form=form, audience=audience, answers=answer, token=_token(rng), via_qr=rng.random() < 0.6
            ).response
        if response is not None:
            Response.objects.filter(pk=response.pk).update(submitted_on=day)  # demo: the day it was given
            made += 1
    return made


def _backdate(pilot: Pilot, days: list[dt.date]) -> None:
    """Demo only: move the pilot's history (in the order it was written) onto `days`, and its
    step times with it, so the page reads as the weeks the pilot ran."""

    def at(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))

    steps = {}
    for event, day in zip(PilotEvent.objects.filter(pilot=pilot).order_by("id"), days, strict=False):
        PilotEvent.objects.filter(pk=event.pk).update(at=at(day))
        steps[event.kind] = at(day)
    Pilot.objects.filter(pk=pilot.pk).update(
        agreed_at=steps.get("agreed"),
        started_at=steps.get("started"),
        reporting_at=steps.get("reporting"),
        closed_at=steps.get("closed"),
    )


def _copier(people: dict[str, User], departments: dict[str, Department], rng: random.Random) -> int:
    today = timezone.localdate()
    starts = today - dt.timedelta(days=84)
    ends = starts + dt.timedelta(days=27)
    tag = _desk_tag("copier-pilot", "Copier pilot")
    pilot = services.pilot_propose(
        actor=people["it"],
        title=COPIER,
        kind=Pilot.Kind.EQUIPMENT,
        summary="A multifunction copier (print, copy, scan to e-mail, print from a phone) in the Learning Commons, "
        "beside the old copier, for four weeks.",
        reason="The campus copier contract ends in the summer. IT is choosing one model for every building and wants "
        "to see it used by real students, faculty and staff before it signs.",
        learning_goals="Can people scan to e-mail without help? Does phone printing reach the release screen in a "
        "minute? Do faculty find what they need for handouts? How often does it jam?",
        it_department=departments["it"],
        library_department=departments["library"],
        it_owner=people["it"],
        library_owner=people["library"],
        starts_on=starts,
        ends_on=ends,
        assets=_trial_copier(people, departments, starts),
        devices=["Release screen RS-LC1 (the vendor's, not in the inventory)"],
        desk_tag=tag,
        rooms=list(Room.objects.filter(name="Learning Commons")),
        service_points=list(ServicePoint.objects.filter(slug__in=["joint-desk", "commons-lab-desk"])),
    )
    services.pilot_transition(actor=people["library"], pilot=pilot, to_state="agreed")
    services.pilot_transition(actor=people["library"], pilot=pilot, to_state="running")
    form = services.feedback_form_create(
        actor=people["it"],
        pilot=pilot,
        title="Tell us about the new copier",
        intro="IT is choosing one copier for the whole campus. Two minutes of your time decides what you'll use "
        "next year.",
        questions=services.parse_question_lines(COPIER_V1),
        quota_faculty=60,
    )
    comments = [text for _theme, texts in COPIER_COMMENTS for text in texts]
    rng.shuffle(comments)
    comments = comments * 3  # the same few complaints, from different people
    total = 300
    days = [starts + dt.timedelta(days=d) for d in range(28) if (starts + dt.timedelta(days=d)).weekday() < 6]
    weights = [max(1, 14 - abs(i - 9)) for i in range(len(days))]  # a rise, then a tail
    plan = sorted(
        (_pick(rng, days, weights), str(_pick(rng, [a for a, _w in AUDIENCES], [w for _a, w in AUDIENCES])))
        for _ in range(total)
    )
    first_week = [
        (aud, _copier_answer(rng, aud, v2=False, comments=comments), day)
        for day, aud in plan
        if day < starts + dt.timedelta(days=7)
    ]
    made = _collect(form, first_week, rng, desk_actor=people["student"])
    form = services.feedback_form_update(
        actor=people["library"], form=form, data={}, questions=services.parse_question_lines(COPIER_V2)
    )
    later = [
        (aud, _copier_answer(rng, aud, v2=True, comments=comments), day)
        for day, aud in plan
        if day >= starts + dt.timedelta(days=7)
    ]
    made += _collect(form, later, rng, desk_actor=people["student"])
    theme_of = {text: theme for theme, texts in COPIER_COMMENTS for text in texts if theme}
    for answer in Answer.objects.filter(response__form__pilot=pilot, question__key="anything-else"):
        if answer.text in theme_of and rng.random() < 0.9:
            services.answer_set_theme(
                actor=people["library"], pilot=pilot, answer_id=str(answer.pk), theme_name=theme_of[answer.text]
            )
    for kind, day, hours, amount, note in [
        ("staff_hours", starts - dt.timedelta(days=3), "6", None, "Training desk staff on the copier and the script"),
        ("signage", starts - dt.timedelta(days=2), None, "85.00", "Posters with QR codes, floor sign"),
        ("space", starts, "160", None, "Learning Commons corner, four weeks of opening hours"),
        ("staff_hours", ends, "14.5", None, "Desk help with the copier during the pilot"),
        ("staff_hours", ends + dt.timedelta(days=6), "5", None, "Grouping comments and writing the report"),
    ]:
        services.hosting_cost_record(
            actor=people["library"], pilot=pilot, kind=kind, occurred_on=day, hours=hours, amount=amount, note=note
        )
    services.pilot_transition(actor=people["it"], pilot=pilot, to_state="reporting")
    services.pilot_transition(
        actor=people["library"],
        pilot=pilot,
        to_state="closed",
        recommendation="Choose this copier for the campus, on two conditions. Most people found it easy (students "
        "especially) and phone printing was the most-liked change. But one in three faculty could not scan to "
        "e-mail without help: ask the vendor to put 'Scan to my e-mail' on the home screen before roll-out. Faculty "
        "also miss stapling for handouts: order the finisher for the faculty buildings. Paper jams from the side "
        "tray came up in the first week only, after the tray guide was reset.",
    )
    delivered = ends + dt.timedelta(days=9)
    Pilot.objects.filter(pk=pilot.pk).update(report_delivered_on=delivered)
    cost_days = [
        starts - dt.timedelta(days=3),
        starts - dt.timedelta(days=2),
        starts,
        ends,
        ends + dt.timedelta(days=6),
    ]
    _backdate(
        pilot,
        [
            starts - dt.timedelta(days=30),
            starts - dt.timedelta(days=21),
            starts,
            starts,
            starts + dt.timedelta(days=7),
            *cost_days,
            ends + dt.timedelta(days=1),
            delivered,
        ],
    )
    window = list(
        Interaction.objects.filter(
            tech_category__slug="printing", occurred_at__date__gte=starts, occurred_at__date__lte=ends
        ).order_by("occurred_at", "id")
    )
    for interaction in window[:: max(1, len(window) // 60)][:60]:  # spread over the weeks
        interaction.tags.add(tag)
    return made


# The trial copier's faults during the four weeks: (day of the trial, hour, problem, hours to fix).
COPIER_INCIDENTS = [
    (3, 11, "paper_jam", 1.5),
    (9, 14, "card_reader", 26),
    (16, 10, "out_of_toner", 5),
    (22, 13, "paper_jam", 0.5),
]


def _trial_copier(people: dict[str, User], departments: dict[str, Department], starts: dt.date) -> list[int]:
    """The vendor's copier, entered in the labs inventory for the trial, with the incidents it
    had during the trial played through labs' services and dated back (mail muted)."""
    from django.db import transaction

    from liaison.labs import services as labs_services
    from liaison.labs.models import Incident, Kind
    from liaison.tickets import events as ticket_events
    from liaison.tickets.models import Ticket

    found = labs_selectors.assets_for_user(user=people["it"], query="LIB-MFC-LC-1").first()
    if found is not None:
        return [found.pk]
    room = Room.objects.filter(name="Learning Commons Lab").first() or Room.objects.order_by("pk").first()
    if room is None:
        return []
    maker = labs_services.maker_get_or_create(name="HP")
    model = labs_services.asset_model_get_or_create(
        maker=maker, name="Color LaserJet Managed MFP E78635", kind=Kind.COPIER
    )
    copier = labs_services.asset_create(
        actor=people["it"], tag="LIB-MFC-LC-1", name="Trial copier by the old one", model=model, room=room,
        owner=departments["it"], in_service_on=starts,
    )  # fmt: skip
    with ticket_events.muted():
        for day, hour, problem, hours in COPIER_INCIDENTS:
            moment = timezone.make_aware(dt.datetime.combine(starts + dt.timedelta(days=day), dt.time(hour, 10)))
            with transaction.atomic():
                incident = labs_services.fault_report_staff(
                    actor=people["library"], asset=copier, problem=problem
                ).incident
                labs_services.incident_change_state(
                    actor=people["it"],
                    incident=incident,
                    state="resolved",
                    resolution="Fixed by the vendor's technician.",
                )
                resolved = moment + dt.timedelta(hours=hours)
                Incident.objects.filter(pk=incident.pk).update(
                    started_at=moment, created_at=moment, acknowledged_at=None, resolved_at=resolved
                )
                Ticket.objects.filter(pk=incident.ticket_id).update(created_at=moment, resolved_at=resolved)
                incident.reports.update(created_at=moment)
    return [copier.pk]


def _reader(people: dict[str, User], departments: dict[str, Department], rng: random.Random) -> int:
    today = timezone.localdate()
    starts = today - dt.timedelta(days=9)
    pilot = services.pilot_propose(
        actor=people["it_manager"],
        title=READER,
        kind=Pilot.Kind.SOFTWARE,
        summary="The Read&Write toolbar (read aloud, word prediction, highlighting) on the 24 PCs of the Quiet Study "
        "Lab, for five weeks.",
        reason="Accessibility Services asked for it; IT wants to know whether to license it campus-wide.",
        learning_goals="Do students find it on their own? Does read-aloud work on course PDFs? Would they recommend "
        "it?",
        it_department=departments["it"],
        library_department=departments["library"],
        it_owner=people["it_manager"],
        library_owner=people["supervisor"],
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=35),
        assets=[a.pk for a in labs_selectors.assets_for_user(user=people["it_manager"], query="LIB-PC-QS-")],
        desk_tag=_desk_tag("read-write-pilot", "Read&Write pilot"),
        rooms=list(Room.objects.filter(name="Quiet Study Lab")),
    )
    services.pilot_transition(actor=people["supervisor"], pilot=pilot, to_state="agreed")
    services.pilot_transition(actor=people["supervisor"], pilot=pilot, to_state="running")
    form = services.feedback_form_create(
        actor=people["it_manager"],
        pilot=pilot,
        title="Tried the reading toolbar?",
        intro="Tell IT whether the college should keep it.",
        questions=services.parse_question_lines(READER_QUESTIONS),
        quota_student=60,
        quota_faculty=15,
        quota_staff=15,
    )
    services.hosting_cost_record(
        actor=people["supervisor"], pilot=pilot, kind="staff_hours", occurred_on=starts, hours="3", note="Desk briefing"
    )
    _backdate(pilot, [starts - dt.timedelta(days=14), starts - dt.timedelta(days=7), starts, starts, starts])
    comments = list(READER_COMMENTS)
    answers = []
    for i in range(38):
        audience = str(_pick(rng, ["student", "faculty", "staff"], [75, 15, 10]))
        answer = {
            "useful": str(_pick(rng, [1, 2, 3, 4, 5], [1, 3, 8, 15, 12])),
            "read-aloud": str(_pick(rng, ["worked", "struggled", "failed"], [65, 25, 10])),
            "recommend": "yes" if rng.random() < 0.78 else "no",
            "found-out": str(
                _pick(rng, ["Poster in the lab", "Desk staff", "My instructor", "I just found it"], [40, 20, 25, 15])
            ),
        }
        if comments and rng.random() < 0.3:
            answer["comments"] = comments.pop()
        answers.append((audience, answer, starts + dt.timedelta(days=i % 9)))
    return _collect(form, answers, rng, desk_actor=people["student"])


def _lockers(people: dict[str, User], departments: dict[str, Department]) -> None:
    today = timezone.localdate()
    services.pilot_propose(
        actor=people["library"],
        title=LOCKERS,
        kind=Pilot.Kind.SERVICE,
        summary="Eight self-service lockers by the joint desk that lend charged laptops for four hours, opened with a "
        "student card.",
        reason="Laptop loans queue at the desk at the start of every hour; students wait while staff check them out.",
        learning_goals="Would IT support the lockers' card readers and imaging? How many loans move from the desk to "
        "the lockers?",
        it_department=departments["it"],
        library_department=departments["library"],
        library_owner=people["library"],
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=75),
        devices=["Laptop locker bank LK-1 (8 bays)"],
        service_points=list(ServicePoint.objects.filter(slug="joint-desk")),
    )


def seed_pilots(log: Callable[[str], None]) -> dict[str, int]:
    existing = set(Pilot.objects.filter(title__in=[COPIER, READER, LOCKERS]).values_list("title", flat=True))
    departments = {d.code: d for d in Department.objects.filter(code__in=["it", "library"])}
    users = {
        u.username: u for u in User.objects.filter(username__in=["it", "library", "supervisor", "itmanager", "student"])
    }
    if len(departments) < 2 or len(users) < 5:
        log("Pilots: the demo's people and departments are missing; skipped.")
        return {"pilots": 0}
    people = {
        "it": users["it"],
        "library": users["library"],
        "supervisor": users["supervisor"],
        "it_manager": users["itmanager"],
        "student": users["student"],
    }
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    answers = 0
    if COPIER not in existing:
        answers += _copier(people, departments, rng)
    if READER not in existing:
        answers += _reader(people, departments, rng)
    if LOCKERS not in existing:
        _lockers(people, departments)
    made = 3 - len(existing)
    log(f"Pilots: {made} pilot(s), {answers} answer(s).")
    return {"pilots": made, "pilot_answers": answers}
