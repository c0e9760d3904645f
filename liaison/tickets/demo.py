"""Demo tickets: queues for the Library and IT, and about a hundred tickets in every state,
with hand-offs both ways, public replies, internal notes, linked articles, some promoted from
the desk's demo interactions, and old closed ones whose patron contact is already purged.

The history is played through the real services (so events, audit rows and invariants are
what the app itself would write), with mail muted, and then dated back over the last few
months. Deterministic (a fixed random seed; references are uuid5 of the ticket's index) and
idempotent (a ticket whose reference exists is skipped). Used by liaison/demo/seed.py.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import NamedTuple

from django.db.models import Min
from django.utils import timezone

from liaison.accounts.models import Department, User
from liaison.tickets import events, services
from liaison.tickets.models import Queue, Reply, Ticket, TicketEvent

NAMESPACE = uuid.UUID("6f0c5a2e-2b1d-4d59-9a57-5e1d2c7e0b11")
State = Ticket.State

# slug, name, department code, parent slug, target hours, notify e-mail, description
QUEUES = [
    ("lib-research", "Research help", "library", None, 48, "research-help@college.example",
     "Research consultations and follow-ups from the desk."),
    ("lib-collections", "Collections", "library", None, 72, "collections@college.example",
     "Purchases, interlibrary loan, e-resource access and reserves."),
    ("lib-printing", "Library Printing", "library", None, 24, "",
     "Printing and scanning questions first seen in the library."),
    ("it-help-desk", "Help Desk", "it", None, 24, "helpdesk@college.example",
     "General IT support."),
    ("it-printing", "Printing", "it", "it-help-desk", 8, "print-team@college.example",
     "Campus printers, the print queue and print credit."),
    ("it-labs", "Labs", "it", "it-help-desk", 24, "labs@college.example",
     "Lab computers, images and lab software."),
    ("it-accounts", "Accounts", "it", "it-help-desk", 4, "",
     "Campus accounts, passwords, MFA and VPN."),
    ("it-classroom-av", "Classroom AV", "it", "it-help-desk", 4, "av@college.example",
     "Projectors, displays and room audio-visual kit."),
]  # fmt: skip


class Case(NamedTuple):
    queue: str
    subject: str
    description: str
    hand_to: str | None  # another department's queue
    hand_back: str | None  # and back again
    ask: str  # a public reply asking or telling the patron something
    answer: str  # the public reply that resolves it
    note: str  # an internal note
    article: str | None = None  # a kb article slug to link


CASES = [
    Case("lib-printing", "Can't print from personal laptop to library printer",
         "Student's laptop (macOS) shows the job as sent but nothing reaches the release station.",
         "it-printing", None,
         "Could you tell us which browser you used to upload the file?",
         "The print site was rejecting files from Safari; it is fixed. Your pages are waiting at any release station.",
         "Tried two release stations at the desk, no job listed. Passing to IT printing.", "printing-from-your-laptop"),
    Case("lib-research", "Systematic review search strategy consultation",
         "Nursing graduate student needs help building a search strategy for CINAHL and PubMed.",
         None, None,
         "Could you send us your research question and any inclusion criteria you have so far?",
         "We met on Tuesday and saved the strategy to your shared folder. Book another session any time.",
         "Booked with the health sciences librarian.", "find-a-peer-reviewed-article"),
    Case("lib-printing", "Learning Commons lab PC 14 won't log in",
         "Login screen hangs on 'Preparing Windows' for several students.",
         "it-labs", None,
         "Thanks for reporting this. Please use another PC while we look at it.",
         "PC 14 had a full disk; it has been re-imaged and works again.",
         "Reboot did not help. Tagged the PC as out of order.", None),
    Case("lib-research", "Off-campus database access fails (EBSCO)",
         "Faculty member gets 'access denied' on EBSCO from home; on campus it works.",
         "it-accounts", "lib-research",
         "Are you connected through the VPN or the library's sign-in link?",
         "Your account was missing the library group; IT added it and the EBSCO link works from home now.",
         "Proxy logs show the account is not in the library group. IT owns group membership.", "vpn-access"),
    Case("it-accounts", "MFA reset after new phone",
         "Student replaced their phone and can no longer approve sign-ins.",
         None, None,
         "Please come to the IT Help Desk with your campus ID so we can verify you.",
         "Your MFA is reset; sign in once and set up the new phone.",
         "Identity checked at the desk against the ID card.", "set-up-mfa"),
    Case("it-classroom-av", "Projector in Room 204 flickers",
         "Image flickers every few seconds during lectures; cable swap did not help.",
         None, None,
         "We will look at it between classes today.",
         "The lamp was failing and has been replaced.",
         "Lamp hours at 4,870 of 5,000.", None),
    Case("lib-collections", "Purchase request: book for course reserve",
         "Instructor requests two copies of 'Data Feminism' for HIST 210 reserves.",
         None, None,
         "We have ordered the book; could you confirm the course section?",
         "Both copies are on reserve at the desk for three-hour loans.",
         "Ordered via the usual vendor, rush processing.", None),
    Case("lib-collections", "Interlibrary loan article not received",
         "Requested article from a 1987 journal three weeks ago; no e-mail yet.",
         None, None,
         "The lending library is scanning it now; we expect it this week.",
         "The article is in your interlibrary loan account.",
         "Lender had the wrong volume; re-requested from a second library.", "interlibrary-loan"),
    Case("lib-research", "Thesis formatting: table of contents won't update in Word",
         "Headings are styled but the table of contents keeps showing old page numbers.",
         "it-help-desk", None,
         "Could you send the file, or bring it to the desk?",
         "The document had tracked changes hiding the headings; after accepting them the table updates.",
         "Beyond citation help: this is a Word problem. Handing to IT.", None),
    Case("it-labs", "Scanner in Digital Media Lab saves blank PDFs",
         "Every scan to PDF comes out as blank white pages.",
         None, None,
         "Please use the scanner in the Learning Commons while we check this one.",
         "The scanning software was updated and scans save correctly again.",
         "Driver update pending from the vendor.", "scan-to-email"),
    Case("lib-collections", "Course reserve links broken in Canvas",
         "Students get a 404 from the reserve readings link in the BIO 110 course.",
         "it-help-desk", None,
         "We are looking at the links now.",
         "The Canvas integration was re-authorised; the links work again.",
         "Our reserve list is fine; the Canvas tool lost its authorisation.", None),
    Case("it-printing", "Print credit not refunded after paper jam",
         "Printer jammed mid-job; 42 pages charged, 3 printed.",
         None, None,
         "Which printer was it, and roughly when?",
         "We refunded the 39 pages to your print balance.",
         "Jam logged on LC-Color-2.", "desk-printer-jam-triage"),
    Case("lib-printing", "Wi-Fi drops on the library's third floor",
         "Several students report eduroam dropping every few minutes near the quiet study lab.",
         "it-help-desk", None,
         "Thanks: could you tell us roughly where you were sitting?",
         "An access point was replaced on the third floor; the connection should be steady now.",
         "Three reports today from the same area.", "connect-to-eduroam"),
    Case("it-labs", "Software request: NVivo on Quiet Study Lab PCs",
         "Sociology methods course needs NVivo in the quiet study lab from next month.",
         None, None,
         "Which course and how many students need it?",
         "NVivo is on the lab image from Monday.",
         "License count checked with procurement.", "lab-software-list"),
    Case("it-help-desk", "Student asks for access to an ICPSR dataset",
         "Came to the IT desk asking for a login to ICPSR for a statistics project.",
         "lib-research", None,
         "The library handles data sets; a librarian will contact you.",
         "We set up your ICPSR account through the library's membership and sent instructions.",
         "This is a library subscription, not an IT account.", None),
    Case("it-help-desk", "Faculty needs an e-book licence for 40 students",
         "Instructor asked IT to install an e-book for a class; it is a licensing question.",
         "lib-collections", None,
         "The library buys e-book licences; we have passed this on to them.",
         "We bought an unlimited-user licence; the link is in the course reserves.",
         "Handing to the library: licences are theirs.", None),
    Case("it-help-desk", "How to cite software in APA",
         "Student at the IT desk asks how to cite R and RStudio in a paper.",
         "lib-research", None,
         "A librarian will send you examples.",
         "We sent APA examples for R and RStudio and a Zotero tip.",
         "Citation question: library.", "cite-with-zotero"),
    Case("it-accounts", "Account locked after password change",
         "Staff member changed their password and is now locked out of e-mail.",
         None, None,
         "Your phone may still be using the old password; please remove and re-add the account.",
         "The lock has cleared and e-mail works on every device.",
         "Old password retried by a phone mail app.", "reset-your-campus-password"),
    Case("it-help-desk", "Loaner laptop battery won't charge",
         "Loaner L-07 shows 0% and 'plugged in, not charging'.",
         None, None,
         "Please swap it for another loaner at the desk.",
         "The battery was replaced; L-07 is back in the loan pool.",
         "Battery health 41%.", None),
    Case("lib-printing", "Colour printer prints streaks",
         "LC-Color-1 leaves cyan streaks on every page.",
         "it-printing", None,
         "We have taken the printer out of the queue; please use LC-Color-2.",
         "The cyan drum was replaced.",
         "Cleaned the heads at the desk, no change.", "desk-printer-jam-triage"),
    Case("lib-collections", "Microfilm reader software crashes",
         "The microfilm reader PC's software crashes when saving to USB.",
         "it-labs", "lib-collections",
         "We are looking at the reader PC this week.",
         "The software was reinstalled and saving to USB works again.",
         "Vendor software needs admin rights we don't have.", None),
    Case("lib-collections", "Request to add a journal subscription",
         "Psychology department asks for the Journal of Experimental Psychology: General.",
         None, None,
         "We are checking the price and whether it fits in this year's budget.",
         "We subscribed from January; the title is in the A–Z list.",
         "Quote requested.", None),
    Case("lib-research", "Primary sources on the 1918 influenza",
         "History student needs newspaper coverage from 1918–1919.",
         None, None,
         "Could you tell us which region you are focusing on?",
         "We sent a list of digitised newspapers and two archives to contact.",
         "Good candidate for a research consultation.", "find-a-peer-reviewed-article"),
    Case("it-classroom-av", "HDMI adapter missing in Room 110",
         "USB-C to HDMI adapter is missing from the lectern.",
         None, None,
         "We will bring a spare adapter before your next class.",
         "A new adapter is tethered to the lectern.",
         "Third missing adapter this term.", None),
    Case("it-accounts", "E-mail quota full, cannot receive",
         "Emeritus professor's mailbox is full and bounces messages.",
         None, None,
         "We can archive older mail; is it all right to move messages older than five years?",
         "Older mail is archived; your mailbox has room again.",
         "Archive policy confirmed with the department.", None),
    Case("lib-printing", "Poster printing for a conference",
         "Graduate student needs a 36×48 poster printed by Friday.",
         None, None,
         "Please send the PDF at full size; we print posters on Wednesdays and Fridays.",
         "Your poster is printed and waiting at the desk.",
         "Plotter paper running low.", None),
    Case("lib-research", "Data management plan consultation",
         "Faculty grant application needs a data management plan by the end of the month.",
         None, None,
         "Could you share the funder's template?",
         "We reviewed the plan together and sent comments.",
         "Route to the data services librarian.", None),
    Case("it-labs", "Lab image missing R packages for STAT 201",
         "The tidyverse package is missing on the lab image; students cannot knit assignments.",
         None, None,
         "We are adding the packages to the image now.",
         "The packages are on every lab PC.",
         "Add to the image build list for next term too.", "lab-software-list"),
    Case("lib-research", "Zotero won't sync library group",
         "A research group's shared Zotero library stopped syncing for one member.",
         None, None,
         "Could you check that you are signed in to Zotero with the same account as the group?",
         "The member had two Zotero accounts; after merging, syncing works.",
         "Not an IT issue: Zotero account mix-up.", "cite-with-zotero"),
    Case("it-help-desk", "Guest Wi-Fi for a library event",
         "The library hosts a symposium next week and needs guest Wi-Fi codes for 60 visitors.",
         "lib-collections", "it-help-desk",
         "How many days does the event run?",
         "Guest codes are ready at the Research & IT Desk.",
         "Library events team confirmed the visitor count.", "guest-wifi-for-events"),
]  # fmt: skip

# The final state of ticket i is STATE_PLAN[i % len]: about a fifth active-new/open, a fifth
# waiting, and the rest resolved or closed, like a desk's real queue.
STATE_PLAN = [
    State.CLOSED, State.OPEN, State.RESOLVED, State.NEW, State.CLOSED, State.WAITING, State.CLOSED,
    State.OPEN, State.CLOSED, State.RESOLVED, State.WAITING, State.CLOSED, State.NEW,
]  # fmt: skip
TICKET_COUNT = 96
PROMOTED_TARGET = 12

FIRST_NAMES = ["Ana", "Ben", "Chloe", "Dev", "Emma", "Femi", "Grace", "Hiro", "Ines", "Jonah", "Kira", "Luis"]
LAST_NAMES = ["Alvarez", "Brooks", "Chen", "Dubois", "Eze", "Fontaine", "Gupta", "Haddad", "Ito", "Jensen"]

STAFF_BY_DEPARTMENT = {
    "library": ["library", "jchen", "rbailey", "supervisor"],
    "it": ["it", "dkowalski", "mosei", "itmanager"],
}
DESK_OPENERS = {"library": ["library", "jchen", "rbailey"], "it": ["student", "award", "bnguyen", "it", "mosei"]}


def _people() -> dict[str, User]:
    names = {n for group in (*STAFF_BY_DEPARTMENT.values(), *DESK_OPENERS.values()) for n in group}
    return {u.username: u for u in User.objects.filter(username__in=names).select_related("department")}


def _seed_queues() -> dict[str, Queue]:
    departments = {d.code: d for d in Department.objects.filter(code__in=["library", "it"])}
    queues: dict[str, Queue] = {}
    for slug, name, dept, parent, hours, email, description in QUEUES:
        queues[slug], _ = Queue.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "department": departments[dept],
                "parent": queues.get(parent) if parent else None,
                "target_response_hours": hours,
                "notify_email": email,
                "description": description,
                "is_active": True,
            },
        )
    return queues


class _Player:
    """Plays one ticket's history through the services, then dates it back."""

    def __init__(self, rng: random.Random, people: dict[str, User], queues: dict[str, Queue]):
        self.rng, self.people, self.queues = rng, people, queues

    def staff(self, queue: Queue) -> User:
        return self.people[self.rng.choice(STAFF_BY_DEPARTMENT[queue.department.code])]

    def opener(self, queue: Queue) -> User:
        return self.people[self.rng.choice(DESK_OPENERS[queue.department.code])]

    def contact(self) -> dict[str, str]:
        if self.rng.random() < 0.3:
            return {}
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        contact = {"patron_name": f"{first} {last}", "patron_email": f"{first}.{last}@students.college.example".lower()}
        if self.rng.random() < 0.35:
            contact["patron_phone"] = f"555-01{self.rng.randint(10, 99)}"
        return contact

    def work_to(self, ticket: Ticket, final: str, case: Case, *, hand_off: bool) -> None:
        """From new to `final`, with replies and notes along the way (and hand-offs)."""
        rng = self.rng
        if hand_off and case.hand_to:
            services.ticket_reply(actor=ticket.opened_by, ticket=ticket, body=case.note, is_internal=True)
            services.ticket_hand_off(
                actor=ticket.opened_by,
                ticket=ticket,
                queue=self.queues[case.hand_to],
                note=case.note,
            )
        if final == State.NEW:
            return
        worker = self.staff(ticket.queue)
        services.ticket_assign(actor=worker, ticket=ticket, assignee=worker)
        services.ticket_change_state(actor=worker, ticket=ticket, state=State.OPEN)
        if rng.random() < 0.5:
            services.ticket_set_priority(actor=worker, ticket=ticket, priority=rng.choice([1, 3, 3, 4]))
        if final == State.OPEN:
            if rng.random() < 0.6:
                services.ticket_reply(actor=worker, ticket=ticket, body=case.ask)
            return
        services.ticket_reply(actor=worker, ticket=ticket, body=case.ask)
        waiting_on = rng.choice(list(Ticket.WaitingOn.values))
        services.ticket_change_state(actor=worker, ticket=ticket, state=State.WAITING, waiting_on=waiting_on)
        if final == State.WAITING:
            return
        services.ticket_change_state(actor=worker, ticket=ticket, state=State.OPEN)
        if hand_off and case.hand_back:
            services.ticket_reply(actor=worker, ticket=ticket, body=f"Done on our side. {case.note}", is_internal=True)
            services.ticket_hand_off(
                actor=worker, ticket=ticket, queue=self.queues[case.hand_back], note="Back to you to finish up."
            )
            worker = self.staff(ticket.queue)
            services.ticket_assign(actor=worker, ticket=ticket, assignee=worker)
            services.ticket_change_state(actor=worker, ticket=ticket, state=State.OPEN)
        if case.article:
            from liaison.kb import selectors as kb_selectors

            # Only published answers are linked (a draft is refused by the service).
            article = kb_selectors.article_list(user=worker, status="published").filter(slug=case.article).first()
            if article is not None:
                services.ticket_link_article(actor=worker, ticket=ticket, article_id=article.pk)
        services.ticket_reply(actor=worker, ticket=ticket, body=case.answer)
        services.ticket_change_state(actor=worker, ticket=ticket, state=State.RESOLVED)
        if final == State.CLOSED:
            services.ticket_change_state(actor=worker, ticket=ticket, state=State.CLOSED)


def _age_for(final: str, rng: random.Random) -> dt.timedelta:
    days = {
        State.NEW: rng.uniform(0.05, 1.2),
        State.OPEN: rng.uniform(0.3, 4),
        State.WAITING: rng.uniform(1, 12),
        State.RESOLVED: rng.uniform(1, 10),
        State.CLOSED: rng.uniform(8, 120),
    }[final]
    return dt.timedelta(days=days)


def _date_back(ticket: Ticket, start: dt.datetime, end: dt.datetime, rng: random.Random) -> None:
    """Spread the ticket's events between start and end (in order) and set its dates to match."""
    events = list(ticket.events.order_by("id"))
    span = (end - start).total_seconds()
    weights = [0.0] + [rng.uniform(0.2, 1.0) for _ in events[1:]]
    total = sum(weights) or 1.0
    moment, running = start, 0.0
    created_due_from = start
    resolved_at = closed_at = first_response = None
    for event, weight in zip(events, weights, strict=True):
        running += weight
        moment = start + dt.timedelta(seconds=span * running / total)
        TicketEvent.objects.filter(pk=event.pk).update(at=moment)
        if event.reply_id:
            Reply.objects.filter(pk=event.reply_id).update(created_at=moment)
            if event.kind == TicketEvent.Kind.REPLY and first_response is None:
                first_response = moment
        if event.kind == TicketEvent.Kind.HANDED_OFF:
            created_due_from = moment
        if event.kind == TicketEvent.Kind.STATE_CHANGED:
            if event.to_state == State.RESOLVED:
                resolved_at = moment
            elif event.to_state == State.OPEN:
                resolved_at = None
            elif event.to_state == State.CLOSED:
                closed_at = moment
    ticket.refresh_from_db()
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=start,
        updated_at=moment,
        due_at=created_due_from + dt.timedelta(hours=ticket.queue.target_response_hours),
        first_response_at=first_response,
        resolved_at=resolved_at if ticket.state in (State.RESOLVED, State.CLOSED) else None,
        closed_at=closed_at if ticket.state == State.CLOSED else None,
    )


def _promote_demo_interactions(player: _Player, now: dt.datetime) -> int:
    """Promote a few of the desk's demo interactions (if the desk step made any)."""
    try:
        from liaison.desk.models import Interaction
    except ImportError:  # the desk app is not installed
        return 0
    needed = PROMOTED_TARGET - Ticket.objects.filter(interaction__isnull=False).count()
    if needed <= 0:
        return 0
    queue_for_kind = {
        "research": "lib-research",
        "technology": "it-help-desk",
        "account-access": "it-accounts",
        "equipment-printing": "it-printing",
    }
    candidates = (
        Interaction.objects.filter(
            ticket__isnull=True,
            kind__slug__in=queue_for_kind,
            occurred_at__gte=now - dt.timedelta(days=45),
            occurred_at__lte=now - dt.timedelta(hours=2),
        )
        .exclude(note="")
        .select_related("kind", "service_point")
        .order_by("occurred_at", "client_id")
    )
    promoted = 0
    for interaction in candidates[:needed]:
        queue = player.queues[queue_for_kind[interaction.kind.slug]]
        opener = interaction.recorded_by
        if opener is None or not opener.is_active:
            opener = player.opener(queue)
        ticket = services.ticket_promote_from_interaction(
            actor=opener,
            interaction=interaction,
            queue=queue,
            subject=interaction.note.splitlines()[0][:80],
            description=interaction.note,
            **player.contact(),
        )
        final = [State.OPEN, State.RESOLVED, State.WAITING, State.CLOSED][promoted % 4]
        case = Case(queue.slug, ticket.subject, ticket.description, None, None,
                    "We are looking into this and will get back to you.",
                    "This is sorted; thanks for your patience.", "Promoted from the desk log.")  # fmt: skip
        player.work_to(ticket, final, case, hand_off=False)
        start = interaction.occurred_at + dt.timedelta(minutes=3)
        _date_back(ticket, start, min(now - dt.timedelta(minutes=30), start + dt.timedelta(days=3)), player.rng)
        promoted += 1
    return promoted


def seed_tickets(log: Callable[[str], None]) -> dict[str, int]:
    now = timezone.now()
    queues = _seed_queues()
    people = _people()
    rng = random.Random(20261128)  # noqa: S311 (demo data, not secrets)
    player = _Player(rng, people, queues)
    existing = set(Ticket.objects.values_list("reference", flat=True))
    created = 0
    with events.muted():
        for index in range(TICKET_COUNT):
            case = CASES[index % len(CASES)]
            final = STATE_PLAN[index % len(STATE_PLAN)]
            # Draw every random number for this ticket even when it exists, so the rest stay the same.
            ticket_rng = random.Random(f"{index}-{case.subject}")  # noqa: S311 (demo data, not secrets)
            player.rng = ticket_rng
            reference = uuid.uuid5(NAMESPACE, f"demo-ticket-{index}")
            if reference in existing:
                continue
            queue = queues[case.queue]
            opener = player.opener(queue)
            ticket = services.ticket_create(
                actor=opener,
                queue=queue,
                subject=case.subject,
                description=case.description,
                priority=ticket_rng.choice([1, 2, 2, 2, 3]),
                **player.contact(),
            )
            Ticket.objects.filter(pk=ticket.pk).update(reference=reference)
            ticket.reference = reference
            hand_off = case.hand_to is not None and ticket_rng.random() < 0.85
            player.work_to(ticket, final, case, hand_off=hand_off)
            age = _age_for(final, ticket_rng)
            start = (now - age).replace(minute=ticket_rng.randint(0, 59))
            if final in (State.NEW, State.OPEN, State.WAITING):
                end = now - dt.timedelta(minutes=ticket_rng.randint(20, 600))
            else:
                end = start + min(age * 0.8, dt.timedelta(days=ticket_rng.uniform(1, 9)))
            _date_back(ticket, start, max(end, start + dt.timedelta(minutes=30)), ticket_rng)
            created += 1
        player.rng = random.Random(7)  # noqa: S311 (demo data, not secrets)
        promoted = _promote_demo_interactions(player, now)
    purged = services.tickets_purge_contacts(now=now)
    oldest = Ticket.objects.aggregate(first=Min("created_at"))["first"]
    log(
        f"tickets: {len(queues)} queues, {created} new tickets, {promoted} promoted from the desk, "
        f"{purged} old contacts purged" + (f", history back to {oldest:%Y-%m-%d}" if oldest else "")
    )
    counts = {state: Ticket.objects.filter(state=state).count() for state in State.values}
    return {"tickets": sum(counts.values()), **{f"tickets {state}": n for state, n in counts.items()}}
