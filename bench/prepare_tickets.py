"""Bench data for tickets: the demo college plus enough generated tickets to reach 100,000,
spread over the demo queues, states and due dates. Also measures queries per queue page
in-process (the count must not grow with the number of tickets)."""

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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket")
    print(f"# tickets: {Ticket.objects.count()}", file=sys.stderr)


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
