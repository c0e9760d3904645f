"""The demo college's partnership: a year of work the ledger derives, showing the balance
shift; goals and needs with offers; two survey rounds; a dozen rollouts (two without
consultation); requests for library resources; a skills exchange. Run by liaison/demo/seed.py
after the tickets step.

Everything the ledger counts is made as *source records* (tickets handed over and resolved,
fulfilled requests, skills sessions, delivered matches) and the ledger is then derived from
them by the real job, so every demo entry has a record one click away. The tickets demo
covers the last four months; this adds the eight months before (tickets played as rows and
events, dated back, with no patron details), so the year reads: the library mostly asking at
first, giving more as the partnership's work starts to be counted.

Deterministic (fixed seeds, uuid5 references) and idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from liaison.accounts.models import Department, User
from liaison.partnership import selectors, services
from liaison.partnership.models import (
    Goal,
    LedgerEntry,
    Need,
    ResourceRequest,
    Rollout,
    Skill,
    SkillSession,
    SurveyRound,
)
from liaison.tickets.models import Queue, Ticket, TicketEvent

NAMESPACE = uuid.UUID("0d1f6f3e-7a34-4f0b-9d0e-5c3a8e1b2f77")
SEED = 20261129
HISTORY_MONTHS = range(0, 12)  # months back (the tickets demo adds its own in the last four)
DESK_HISTORY_MONTHS = range(4, 12)  # the desk demo covers the last fifteen weeks

HISTORY_SUBJECTS = [
    ("lib-printing", "it-printing", "Release station will not show a student's jobs"),
    ("lib-printing", "it-labs", "Lab PC stuck at sign-in"),
    ("lib-research", "it-accounts", "Off-campus database access fails for one account"),
    ("lib-printing", "it-help-desk", "Laptop will not join the Wi-Fi in the stacks"),
    ("lib-collections", "it-accounts", "Proxy sign-in loops for a faculty member"),
    ("lib-printing", "it-classroom-av", "Projector in the group study room has no signal"),
    ("lib-research", "it-labs", "Statistics software missing from the Quiet Study Lab"),
    ("lib-printing", "it-printing", "Colour printer prints streaks"),
]
BACK_TO_LIBRARY = [
    ("it-help-desk", "lib-collections", "Faculty member asks for an e-book for a course"),
    ("it-help-desk", "lib-research", "Student asks IT how to find peer-reviewed sources"),
    ("it-accounts", "lib-collections", "Alumni ask about database access"),
]


def _people() -> dict[str, User]:
    return {u.username: u for u in User.objects.select_related("department")}


def _month_start(today: dt.date, back: int) -> dt.date:
    return selectors.months_back(today, back + 1)


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59))))


# --- A year of tickets handed between the departments --------------------------------------------------


def _history_tickets(people: dict[str, User], today: dt.date) -> int:
    queues = {q.slug: q for q in Queue.objects.select_related("department")}
    if not {"lib-printing", "it-printing", "it-help-desk"} <= set(queues):
        return 0
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    made = 0
    openers = {"library": ["library", "jchen", "rbailey"], "it": ["it", "dkowalski", "mosei"]}
    for back in HISTORY_MONTHS:
        month = _month_start(today, back)
        # Twelve months ago the library handed IT about 15 tickets a month; it falls a little as
        # the desk answers more itself. IT hands the library one or two, then more.
        if back < 4:  # the tickets demo's own hand-offs come on top of these
            to_it, to_library = 10 + rng.randint(0, 3), rng.randint(0, 1)
        else:
            to_it = 9 + back // 2 + rng.randint(0, 2)
            to_library = max(0, 3 - back // 4) + rng.randint(0, 1)
        cases = [(rng.choice(HISTORY_SUBJECTS), "library") for _ in range(to_it)]
        cases += [(rng.choice(BACK_TO_LIBRARY), "it") for _ in range(to_library)]
        for index, ((from_slug, to_slug, subject), side) in enumerate(cases):
            # Every random draw comes first, so a second run walks the same sequence.
            opener = people.get(rng.choice(openers[side]))
            worker = people.get(rng.choice(openers["it" if side == "library" else "library"]))
            day = month + dt.timedelta(days=rng.randint(0, 27))
            opened = _moment(day, rng)
            handed = opened + dt.timedelta(hours=rng.uniform(0.5, 20))
            resolved = handed + dt.timedelta(hours=rng.uniform(2, 48))
            reference = uuid.uuid5(NAMESPACE, f"history-{month:%Y-%m}-{index}")
            from_queue, to_queue = queues.get(from_slug), queues.get(to_slug)
            if from_queue is None or to_queue is None or opener is None:
                continue
            if day > today - dt.timedelta(days=4) or Ticket.objects.filter(reference=reference).exists():
                continue  # this month so far: only what is already resolved and closed
            closed = min(resolved + dt.timedelta(days=7), timezone.now() - dt.timedelta(hours=1))
            ticket = Ticket.objects.create(
                reference=reference,
                subject=subject,
                queue=to_queue,
                state=Ticket.State.CLOSED,
                opened_by=opener,
                origin_department=from_queue.department,
                assignee=worker,
                due_at=handed + dt.timedelta(hours=to_queue.target_response_hours),
                first_response_at=handed + dt.timedelta(hours=1),
                resolved_at=resolved,
                closed_at=closed,
                contact_purged_at=closed,
                search_text=subject,
            )
            Ticket.objects.filter(pk=ticket.pk).update(created_at=opened, updated_at=closed)
            ticket.referring_departments.add(from_queue.department)
            TicketEvent.objects.bulk_create(
                [
                    TicketEvent(ticket=ticket, kind=TicketEvent.Kind.CREATED, actor=opener, at=opened, to_state="new",
                                to_queue=from_queue, to_department=from_queue.department),
                    TicketEvent(ticket=ticket, kind=TicketEvent.Kind.HANDED_OFF, actor=opener, at=handed,
                                from_queue=from_queue, to_queue=to_queue, from_department=from_queue.department,
                                to_department=to_queue.department, from_state="new", to_state="new"),
                    TicketEvent(ticket=ticket, kind=TicketEvent.Kind.STATE_CHANGED, actor=worker, at=handed + dt.timedelta(minutes=40),
                                from_state="new", to_state="open"),
                    TicketEvent(ticket=ticket, kind=TicketEvent.Kind.STATE_CHANGED, actor=worker, at=resolved,
                                from_state="open", to_state="resolved"),
                    TicketEvent(ticket=ticket, kind=TicketEvent.Kind.STATE_CHANGED, at=closed,
                                from_state="resolved", to_state="closed"),
                ]
            )  # fmt: skip
            made += 1
    return made


# --- The joint desk's earlier months: referrals to IT offices and technology answers -------------------

REFERRAL_TARGETS = ["it-help-desk", "it-accounts", "academic-computing", "network-services", "software-licensing"]
CATEGORIES = ["wifi-network", "software-install", "lms-canvas", "email-office", "hardware-laptop", "printing"]


def _desk_history(people: dict[str, User], today: dt.date) -> int:
    """Before the desk demo's term: a few of the joint desk's referrals to IT offices and
    technology questions library staff answered there, more each month, as the desk learned
    to log them."""
    from liaison.desk.services import interaction_build, interactions_bulk_create
    from liaison.directory.selectors import entry_list
    from liaison.places.selectors import service_point_get

    try:
        desk = service_point_get(slug="joint-desk")
    except Http404:  # no joint desk in this database
        return 0
    targets = [e for e in entry_list() if e.slug in REFERRAL_TARGETS]
    staff = [people[n] for n in ("library", "jchen", "rbailey") if n in people]
    if not targets or not staff:
        return 0
    rng = random.Random(SEED + 3)  # noqa: S311 (demo data, not secrets)
    batch = []
    for back in DESK_HISTORY_MONTHS:
        month = _month_start(today, back)
        referrals = round(1 + (11 - back) * 2.2)
        answers = round((11 - back) * 1.6)
        for index in range(referrals + answers):
            referral = index < referrals
            day = month + dt.timedelta(days=rng.randint(0, 27))
            occurred = _moment(day, rng)
            interaction = interaction_build(
                service_point=desk,
                kind="technology",
                read_level=rng.choice([2, 2, 3]),
                mode="in_person",
                client_id=uuid.uuid5(NAMESPACE, f"desk-{month:%Y-%m}-{index}"),
                occurred_at=occurred,
                duration_minutes=rng.choice([4, 6, 8, 10, 15]),
                tech_category=rng.choice(CATEGORIES),
                referred_to=rng.choice(targets) if referral else None,
                recorded_by=rng.choice(staff),
                source="import:partnership-demo",
            )
            interaction.logged_at = occurred + dt.timedelta(seconds=20)
            batch.append(interaction)
    return len(interactions_bulk_create(batch).created)


# --- What the library gives, growing over the year -----------------------------------------------------

REQUESTS = [
    ("book", "The Practice of System and Network Administration"),
    ("database", "IEEE Xplore access for the network refresh"),
    ("article", "Study on lab computer usage in academic libraries"),
    ("training_material", "Accessibility checklist for web forms"),
    ("book", "Site Reliability Engineering"),
    ("article", "EDUCAUSE review on student device ownership"),
    ("database", "Standards database (ISO 27001) for the security audit"),
    ("training_material", "Plain-language guide for help articles"),
    ("book", "Kubernetes in Action"),
    ("article", "Print-management costs in higher education"),
]
SKILLS = [
    ("jchen", "Zotero for technical documentation", "intermediate", "it"),
    ("rbailey", "Plain-language writing for help articles", "basics", "it"),
    ("library", "Searching standards and patents", "intermediate", "it"),
    ("dkowalski", "PowerShell basics", "basics", "library"),
    ("mosei", "Excel pivot tables for desk statistics", "basics", "library"),
    ("student", "Copy-and-paste and keyboard shortcuts", "basics", "library"),
]


def _backdate_request(request: ResourceRequest, moment: dt.datetime) -> None:
    ResourceRequest.objects.filter(pk=request.pk).update(
        created_at=moment - dt.timedelta(days=3), triaged_at=moment - dt.timedelta(days=2), closed_at=moment
    )


def _giving(people: dict[str, User], today: dt.date) -> dict[str, int]:
    rng = random.Random(SEED + 1)  # noqa: S311 (demo data, not secrets)
    made = {"requests": 0, "sessions": 0}
    asker, handler = people.get("dkowalski"), people.get("jchen")
    if asker is None or handler is None:
        return made
    for back in range(11, -1, -1):
        month = _month_start(today, back)
        per_month = {11: 0, 10: 0, 9: 1, 8: 1, 7: 1, 6: 2, 5: 2, 4: 2, 3: 3, 2: 3, 1: 4, 0: 3}[back]
        for n in range(per_month):
            kind, title = REQUESTS[(back * 3 + n) % len(REQUESTS)]
            title = f"{title} ({month:%b %Y})"
            if ResourceRequest.objects.filter(title=title).exists():
                continue
            day = min(month + dt.timedelta(days=rng.randint(2, 26)), today)
            request = services.resource_request_create(actor=people.get("mosei") or asker, kind=kind, title=title)
            request = services.resource_request_fulfil(
                actor=handler,
                request=request,
                note="Ordered and sent to you.",
                hours=Decimal(rng.choice(["0.5", "1", "1.5"])),
            )
            _backdate_request(request, _moment(day, rng))
            made["requests"] += 1
    # Two open requests for the meeting.
    for kind, title in [("book", "Designing Data-Intensive Applications"), ("database", "Gartner research access")]:
        if not ResourceRequest.objects.filter(title=title).exists():
            services.resource_request_create(actor=asker, kind=kind, title=title, details="For our own planning.")
    skills = {}
    for username, title, level, _for in SKILLS:
        teacher = people.get(username)
        if teacher is None:
            continue
        skill = Skill.objects.filter(person=teacher, title=title).first() or services.skill_create(
            actor=teacher, title=title, level=level, description=f"A short hands-on session: {title.lower()}."
        )
        skills[title] = (skill, _for)
    for back in range(9, -1, -1):
        month = _month_start(today, back)
        sessions = {9: 1, 8: 0, 7: 1, 6: 1, 5: 2, 4: 1, 3: 2, 2: 2, 1: 3, 0: 2}[back]
        for n in range(sessions):
            title = SKILLS[(back + n) % len(SKILLS)][1]
            if title not in skills:
                continue
            skill, attendees_from = skills[title]
            held_on = min(month + dt.timedelta(days=7 + 7 * n), today)
            if SkillSession.objects.filter(skill=skill, held_on=held_on).exists():
                continue
            services.skill_session_record(
                actor=skill.person, skill=skill, held_on=held_on, hours=Decimal("1.5"),
                attendee_department=attendees_from, attendees=rng.randint(3, 9),
            )  # fmt: skip
            made["sessions"] += 1
    return made


# --- Goals, needs, offers ------------------------------------------------------------------------------------

GOALS = [
    ("library", "Answer more technology questions at the joint desk without a hand-off"),
    ("library", "Host two IT pilots in the Learning Commons"),
    ("library", "Publish the desk's top 20 technology answers in the knowledge base"),
    ("it", "Move every lab to the new Windows image before fall"),
    ("it", "Cut repeat printing tickets by a third"),
    ("it", "Replace the print release stations"),
]
NEEDS = [
    ("it", "Pilot site and testers for the new print release stations", "Move every lab to the new Windows image before fall",
     "library", "The Learning Commons can host it for two weeks, with desk staff collecting feedback.", True),
    ("it", "Plain-language help pages for MFA", None,
     "library", "Two librarians will edit the drafts and test them with students at the desk.", True),
    ("library", "A quiet-hours window for lab re-imaging", "Answer more technology questions at the joint desk without a hand-off",
     "it", "We can re-image between 11 pm and 6 am on Sundays.", False),
    ("library", "A short training on the new Wi-Fi onboarding for desk staff", None, None, None, False),
]  # fmt: skip


def _goals_and_needs(people: dict[str, User], today: dt.date) -> int:
    boss = {"library": people.get("supervisor"), "it": people.get("itmanager")}
    if not all(boss.values()):
        return 0
    made = 0
    goals = {}
    for dept, title in GOALS:
        goal = Goal.objects.filter(title=title).first()
        if goal is None:
            goal = services.goal_create(actor=boss[dept], department=dept, year=today.year, title=title)
            made += 1
        goals[title] = goal
    offerer = {"library": people.get("jchen"), "it": people.get("dkowalski")}
    for dept, title, goal_title, offer_from, offer_text, deliver in NEEDS:
        if Need.objects.filter(title=title).exists():
            continue
        need = services.need_create(
            actor=boss[dept], department=dept, title=title, goal=goals.get(goal_title) if goal_title else None,
            needed_by=today + dt.timedelta(days=45),
        )  # fmt: skip
        made += 1
        if offer_from and offer_text and offerer[offer_from]:
            offer = services.offer_create(actor=offerer[offer_from], need=need, description=offer_text)
            match = services.offer_accept(actor=boss[dept], offer=offer, note="Thank you, yes.")
            if deliver:
                services.match_deliver(
                    actor=offerer[offer_from],
                    match=match,
                    delivered_on=today - dt.timedelta(days=10),
                    hours=Decimal("12"),
                )
    return made


# --- Typed entries (a small share: the aim is at least 80% derived) ------------------------------------------


def _typed(people: dict[str, User], today: dt.date) -> int:
    boss = people.get("supervisor")
    if boss is None:
        return 0
    made = 0
    rows = [
        (10, "committee_service", "Library Technology Committee: the library's two seats", "library", "it", 2),
        (7, "shared_event", "New-student orientation fair: joint library and IT table", "library", "it", 1),
        (6, "committee_service", "Campus accessibility working group", "library", "it", 1),
        (4, "training_session", "IT trained desk staff on the new Wi-Fi onboarding", "it", "library", 1),
        (3, "committee_service", "Library Technology Committee: the library's two seats", "library", "it", 2),
        (1, "shared_event", "Finals-week tech and research pop-up", "library", "it", 1),
    ]
    for back, kind, label, giver, receiver, count in rows:
        day = _month_start(today, back) + dt.timedelta(days=11)
        full = f"{label} ({day:%b %Y})"
        if LedgerEntry.objects.filter(label=full).exists():
            continue
        services.ledger_entry_create(
            actor=boss, kind=kind, direction="contribution", giver=giver, receiver=receiver,
            occurred_on=min(day, today), label=full, count=count, hours=Decimal(2 * count),
        )  # fmt: skip
        made += 1
    return made


# --- The survey --------------------------------------------------------------------------------------------------

ANSWERS = {
    "know_more": [
        "How IT decides which lab software gets installed each term.",
        "What the library's subject liaisons actually do for departments.",
        "When IT plans maintenance windows, and who decides.",
        "How the library chooses which databases to renew.",
        "Which of our tickets the other side finds hardest to work.",
    ],
    "student_technology": [
        "Printing from phones: students do not know the print site exists.",
        "Wi-Fi onboarding on new Android phones fails at the certificate step.",
        "Canvas quizzes that will not load in Safari.",
        "Students do not know where to get software for a course.",
        "MFA after replacing a phone: they are locked out for a day.",
    ],
    "infrastructure": [
        "Tell us a week before a lab is re-imaged so the desk can warn students.",
        "More power outlets in the Learning Commons.",
        "A status page for printers the desk can point students to.",
        "Keep the release stations' firmware updates out of finals week.",
    ],
}


def _rounds(people: dict[str, User], today: dt.date) -> int:
    boss = people.get("supervisor")
    respondents = [people.get(n) for n in ("library", "jchen", "rbailey", "it", "dkowalski", "mosei", "itmanager")]
    respondents = [p for p in respondents if p is not None]
    if boss is None:
        return 0
    term = selectors.current_term(today)
    previous = selectors.previous_term(term)  # the teaching term before (summer is skipped)
    made = 0
    rng = random.Random(SEED + 2)  # noqa: S311 (demo data, not secrets)
    for index, (period, open_now) in enumerate([(previous, False), (term, True)]):
        title = f"{period.name} round"
        if SurveyRound.objects.filter(title=title).exists():
            continue
        survey_round = services.survey_round_create(
            actor=boss, title=title, period_start=period.start, period_end=period.end, allows_anonymous=True
        )
        survey_round = services.survey_round_open(actor=boss, survey_round=survey_round)
        questions = {q.key: q for q in survey_round.questions.all()}
        who = respondents[: 5 + index]
        for n, person in enumerate(who):
            answers = {
                questions[key].pk: options[(n + index * 2) % len(options)]
                for key, options in ANSWERS.items()
                if rng.random() < 0.85 or key == "student_technology"
            }
            services.survey_respond(actor=person, survey_round=survey_round, answers=answers, anonymous=n % 3 == 1)
        if not open_now:
            services.survey_round_close(actor=boss, survey_round=survey_round)
        made += 1
    return made


# --- A dozen rollouts, two without consultation ------------------------------------------------------------------

ROLLOUTS = [
    # days from today, kind, title, effect, consulted (days before start) or None, status
    (-40, "software", "Office 365 apps updated in every lab", "Lab PCs restart overnight; no effect in opening hours.", 10, "done"),
    (-21, "printer", "New toner contract for the Learning Commons printers", "Printer 2 offline for an hour.", 7, "done"),
    (-8, "system", "Wi-Fi controller firmware", "Short Wi-Fi drops in the stacks between 6 and 7 am.", 5, "done"),
    (3, "policy", "Guest Wi-Fi limited to 8 hours a day", "Community users at the desk will ask why they were cut off.", None, "planned"),
    (6, "software", "Canvas theme and navigation update", "Course-reserve links move; desk staff need the new path.", 12, "planned"),
    (11, "printer", "Print release stations replaced", "Learning Commons printing down for a morning.", 20, "planned"),
    (18, "system", "Single sign-on moves to the new identity provider", "Off-campus database access prompts a new sign-in page.", 15, "planned"),
    (26, "software", "Statistics software upgraded in the Quiet Study Lab", "Saved projects from the old version may not open.", 9, "planned"),
    (33, "policy", "Laptop loan period cut to 4 hours", "More returns at the desk; longer queues at the start of the hour.", None, "planned"),
    (44, "system", "Library room-booking moves to the campus system", "Desk staff learn the new booking screens.", 21, "planned"),
    (58, "printer", "Colour printing priced per page", "Questions at the desk about print credit.", 14, "planned"),
    (72, "software", "Lab image for spring", "All library lab PCs re-imaged; two evenings without labs.", 30, "planned"),
]  # fmt: skip


def _rollouts(people: dict[str, User], today: dt.date) -> int:
    planner, librarian = people.get("dkowalski") or people.get("it"), people.get("supervisor")
    if planner is None or librarian is None:
        return 0
    made = 0
    for days, kind, title, effect, consulted_before, status in ROLLOUTS:
        if Rollout.objects.filter(title=title).exists():
            continue
        starts = today + dt.timedelta(days=days)
        rollout = Rollout.objects.create(
            title=title,
            kind=kind,
            department=planner.department,
            starts_on=starts,
            effect_on_library=effect,
            status=status,
            created_by=planner,
            affected_services="Learning Commons and labs",
        )
        if consulted_before is not None:
            consulted_on = min(starts - dt.timedelta(days=consulted_before), today)
            services.rollout_record_consultation(
                actor=librarian, rollout=rollout, consulted_on=consulted_on, consulted_with="Head of public services",
                library_response="Fine if students are told a week ahead; the desk will post a notice.",
            )  # fmt: skip
        made += 1
    services.rollouts_flag_unconsulted(today=today)
    return made


def seed_partnership(log: Callable[[str], None]) -> dict[str, int]:
    today = timezone.localdate()
    people = _people()
    if Department.objects.filter(Q(code="library") | Q(code="it")).count() != 2:
        return {}
    tickets = _history_tickets(people, today)
    desk = _desk_history(people, today)
    giving = _giving(people, today)
    needs = _goals_and_needs(people, today)
    typed = _typed(people, today)
    rounds = _rounds(people, today)
    rollouts = _rollouts(people, today)
    report = services.ledger_derive(start=today - dt.timedelta(days=400))
    log(
        f"partnership: {tickets} earlier tickets handed over, {desk} earlier joint-desk entries, {giving['requests']} requests fulfilled, "
        f"{giving['sessions']} skills sessions, {needs} goals and needs, {typed} typed entries, {rounds} survey rounds, "
        f"{rollouts} rollouts; {report.summary()}"
    )
    return {
        "ledger entries": LedgerEntry.objects.count(),
        "survey rounds": SurveyRound.objects.count(),
        "rollouts": Rollout.objects.count(),
    }
