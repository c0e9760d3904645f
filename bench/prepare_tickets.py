"""Bench data for tickets: the demo college plus enough generated tickets to reach 100,000,
spread over the demo queues, states and due dates. Also measures queries per queue page
in-process (the count must not grow with the number of tickets)."""

import datetime as dt
import random
import sys

from bench.steps import step

TARGET = 100_000
WORDS = (
    "printer jam wifi eduroam vpn database ebsco thesis word zotero scanner projector laptop battery "
    "account password mfa canvas reserve citation toner plotter microfilm dissertation poster"
).split()


@step("tickets")
def tickets() -> None:
    from django.db import connection
    from django.utils import timezone

    from liaison.demo.seed import seed_demo
    from liaison.tickets.models import Queue, Ticket

    seed_demo(lambda msg: print(f"# {msg}", file=sys.stderr))
    queues = list(Queue.objects.all())
    rng = random.Random(7)
    now = timezone.now()
    have = Ticket.objects.count()
    states = ["new", "open", "waiting", "resolved", "closed", "closed", "closed"]
    batch = []
    for _ in range(have, TARGET):
        state = rng.choice(states)
        subject = " ".join(rng.sample(WORDS, 4))
        description = "Patron reports " + " ".join(rng.sample(WORDS, 8))
        batch.append(
            Ticket(
                subject=subject,
                description=description,
                queue=rng.choice(queues),
                state=state,
                waiting_on="patron" if state == "waiting" else "",
                priority=rng.randint(1, 4),
                due_at=now + timezone.timedelta(hours=rng.randint(-400, 200)),
                resolved_at=now if state in ("resolved", "closed") else None,
                closed_at=now if state == "closed" else None,
                search_text=f"{subject}\n{description}",
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    if batch:
        Ticket.objects.bulk_create(batch)
    _histories(rng, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")
            cursor.execute("ANALYZE tickets_ticketevent")
    print(f"# tickets: {Ticket.objects.count()}", file=sys.stderr)


# Per ticket, in the demo's proportions (liaison/tickets/demo.py over a term): about three state
# changes, three hand-offs in four tickets, one reply in two, one assignment in three, one
# internal note in eight, one follower in two, and (the demo has none) an attachment in twenty.
HISTORY_MARK = "bench-history"
LONG_HISTORY_SUBJECT = "bench: a ticket with 200 events and 20 attachments"


def _histories(rng, now) -> None:
    """Give the generated tickets histories, so the ticket page figure means something. Rows
    are bulk-written straight to the tables (services would mail); idempotent by marker."""
    from django.db import transaction

    from liaison.accounts.models import User
    from liaison.tickets.models import Attachment, Queue, Reply, Ticket, TicketEvent

    if TicketEvent.objects.filter(data__bench=HISTORY_MARK).exists():
        return
    people = list(User.objects.filter(department__isnull=False).values_list("pk", "department_id"))
    queues = list(Queue.objects.all())
    kinds = TicketEvent.Kind
    ids = list(Ticket.objects.filter(events__isnull=True).values_list("pk", "queue_id", "created_at"))
    queue_by_pk = {q.pk: q for q in queues}
    events, replies, attachments, follows = [], [], [], []

    def flush() -> None:
        with transaction.atomic():
            made = Reply.objects.bulk_create(replies)
            for event, reply in zip(
                (e for e in events if e.kind in (kinds.REPLY, kinds.INTERNAL_NOTE)), made, strict=True
            ):
                event.reply_id = reply.pk
            files = Attachment.objects.bulk_create(attachments)
            for event, file in zip((e for e in events if e.kind == kinds.ATTACHMENT_ADDED), files, strict=True):
                event.attachment_id = file.pk
            TicketEvent.objects.bulk_create(events)
            Ticket.followers.through.objects.bulk_create(follows, ignore_conflicts=True)
        for pending in (events, replies, attachments, follows):
            pending.clear()

    def add(ticket_id, kind, at, **fields) -> None:
        actor = rng.choice(people)[0]
        if kind in (kinds.REPLY, kinds.INTERNAL_NOTE):
            replies.append(
                Reply(
                    ticket_id=ticket_id,
                    author_id=actor,
                    body="Checked the printer queue and " + " ".join(rng.sample(WORDS, 12)),
                    is_internal=kind == kinds.INTERNAL_NOTE,
                    created_at=at,
                )
            )
        if kind == kinds.ATTACHMENT_ADDED:
            attachments.append(
                Attachment(
                    ticket_id=ticket_id,
                    file=f"bench/{ticket_id}.pdf",
                    original_name="scan.pdf",
                    content_type="application/pdf",
                    size=20_480,
                    uploaded_by_id=actor,
                    created_at=at,
                )
            )
        events.append(
            TicketEvent(ticket_id=ticket_id, kind=kind, actor_id=actor, at=at, data={"bench": HISTORY_MARK}, **fields)
        )

    for number, (ticket_id, queue_id, created) in enumerate(ids):
        queue = queue_by_pk[queue_id]
        at = created
        add(ticket_id, kinds.CREATED, at, to_state="new", to_queue_id=queue_id, to_department_id=queue.department_id)
        steps = [kinds.STATE_CHANGED] * rng.choice((2, 3, 3, 4))
        steps += [kinds.HANDED_OFF] * (rng.random() < 0.75)
        steps += [kinds.REPLY] * (rng.random() < 0.5)
        steps += [kinds.ASSIGNED] * (rng.random() < 0.35)
        steps += [kinds.INTERNAL_NOTE] * (rng.random() < 0.125)
        steps += [kinds.ATTACHMENT_ADDED] * (rng.random() < 0.05)
        for kind in steps:
            at = at + dt.timedelta(minutes=rng.randint(5, 600))
            if kind == kinds.STATE_CHANGED:
                add(ticket_id, kind, at, from_state="new", to_state=rng.choice(("open", "waiting", "resolved")))
            elif kind == kinds.HANDED_OFF:
                other = rng.choice(queues)
                add(
                    ticket_id,
                    kind,
                    at,
                    from_queue_id=queue_id,
                    to_queue_id=other.pk,
                    from_department_id=queue.department_id,
                    to_department_id=other.department_id,
                    note="Theirs to fix",
                )
            elif kind == kinds.ASSIGNED:
                add(ticket_id, kind, at, assignee_id=rng.choice(people)[0])
            else:
                add(ticket_id, kind, at)
        if rng.random() < 0.5:
            follows.append(Ticket.followers.through(ticket_id=ticket_id, user_id=rng.choice(people)[0]))
        if len(events) > 20_000:
            flush()
            print(f"# ticket histories: {number + 1:,} of {len(ids):,} tickets", file=sys.stderr)
    flush()
    long = Ticket.objects.filter(subject=LONG_HISTORY_SUBJECT).first()
    if long is None:
        long = Ticket.objects.create(subject=LONG_HISTORY_SUBJECT, queue=queues[0], search_text=LONG_HISTORY_SUBJECT)
    at = now - dt.timedelta(days=30)
    for i in range(200):
        at = at + dt.timedelta(minutes=97)
        kind = (
            kinds.ATTACHMENT_ADDED
            if i % 10 == 5
            else rng.choice((kinds.REPLY, kinds.STATE_CHANGED, kinds.HANDED_OFF, kinds.INTERNAL_NOTE))
        )
        if kind == kinds.HANDED_OFF:
            add(
                long.pk,
                kind,
                at,
                from_queue_id=queues[0].pk,
                to_queue_id=queues[-1].pk,
                to_department_id=queues[-1].department_id,
            )
        else:
            add(long.pk, kind, at, to_state="open" if kind == kinds.STATE_CHANGED else "")
    flush()
    print(f"# ticket histories: {TicketEvent.objects.count():,} events", file=sys.stderr)


@step("tickets_queries")
def tickets_queries() -> None:
    """Queries per queue page, counted through the real view with Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.harness import emit
    from liaison.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="it"))
    counts = []
    for url in ["/tickets/queue/", "/tickets/queue/?page=40", "/tickets/queue/?q=printer+jam&state=all"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(queries))
    emit("ticket_queue_queries_per_page", max(counts), "queries")


@step("tickets_page")
def tickets_page() -> None:
    """Statements for the ticket page, counted through the real view: a ticket with 200 events
    and 20 attachments must cost what an ordinary one does. Also names the ordinary ticket the
    load test opens (one of IT's, with a history) in var/bench-ticket-ordinary.txt."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.harness import ROOT, emit
    from liaison.accounts.models import User
    from liaison.tickets.models import Ticket

    it = User.objects.get(username="it")
    supervisor = User.objects.get(username="supervisor")
    ordinary = (
        Ticket.objects.filter(queue__department_id=it.department_id, events__kind="handed_off").order_by("-pk").first()
    )
    long = Ticket.objects.get(subject=LONG_HISTORY_SUBJECT)
    (ROOT / "var" / "bench-ticket-ordinary.txt").write_text(str(ordinary.reference))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)
    counts = {}
    for name, ticket in (("ordinary", ordinary), ("long", long)):
        client.get(f"/tickets/{ticket.reference}/")  # warm the per-process reference caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/tickets/{ticket.reference}/")
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    print(f"# ticket page statements: ordinary {counts['ordinary']}, 200 events {counts['long']}", file=sys.stderr)
    emit("ticket_page_queries", counts["long"], "queries")


@step("tickets_cleanup")
def tickets_cleanup() -> None:
    """Remove the tickets the create benchmark opened, so the next run starts from 100,000."""
    from liaison.tickets.models import Ticket

    Ticket.objects.filter(patron_email="patron@bench.example").delete()
