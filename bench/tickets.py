"""Tickets with 100,000 of them (with histories) on PostgreSQL, through gunicorn.

- the queue list and search: a constant number of queries per page, p95 under 150 ms on 2 cores;
- the ticket page (issue: tickets ahead of the peer): p95 on an ordinary ticket, and statements
  on a ticket with 200 events and 20 attachments (`ticket_page_queries`), which must equal an
  ordinary ticket's;
- ticket create through the API as a share of the floor's rate, taken as the desk's create is
  (each create run paired with a floor run just before it; the median of three ratios). Mail is
  queued for the task worker, never rendered in the request."""

import statistics
import uuid

from bench.foundation import measure_floor
from bench.harness import ROOT, LoadResult, Server, emit, json_body, load, note

ROUNDS = 3


def ticket_body(worker: int, i: int) -> bytes:
    return json_body(
        {
            "queue": "it-help-desk",
            "subject": f"Printer on floor 2 jams ({uuid.uuid4().hex[:6]})",
            "description": "Paper stuck behind the fuser; the display says E-104.",
            "patron_email": "patron@bench.example",
        }
    )


def run(server: Server, context: dict) -> dict:
    server.prepare("tickets_queries", "tickets_page")
    it_staff = server.sign_in("it", "liaison-demo")
    supervisor = server.sign_in("supervisor", "liaison-demo")
    queue = load(server, "/tickets/queue/", requests=600, concurrency=4, headers={"Cookie": it_staff["Cookie"]})
    emit("ticket_queue_p95_ms_100k", queue.p95_ms, "ms")
    deep = load(server, "/tickets/queue/?state=all&sort=-updated&page=200", requests=300, concurrency=4,
                headers={"Cookie": supervisor["Cookie"]})  # fmt: skip
    emit("ticket_queue_deep_page_p95_ms_100k", deep.p95_ms, "ms")
    search = load(server, "/tickets/queue/?q=printer+jam&state=all", requests=600, concurrency=4,
                  headers={"Cookie": supervisor["Cookie"]})  # fmt: skip
    emit("ticket_search_p95_ms_100k", search.p95_ms, "ms")
    note(f"queue median {queue.median_ms:.1f} ms, search median {search.median_ms:.1f} ms")

    ordinary = (ROOT / "var" / "bench-ticket-ordinary.txt").read_text().strip()
    page = load(server, f"/tickets/{ordinary}/", requests=600, concurrency=4, headers={"Cookie": it_staff["Cookie"]})
    emit("ticket_page_p95_ms_100k", page.p95_ms, "ms")
    note(f"ticket page median {page.median_ms:.1f} ms (IT staff, a ticket of their queue with a history)")

    ratios, creates = [], []
    headers = {"Cookie": it_staff["Cookie"], "X-CSRFToken": it_staff["X-CSRFToken"], "Content-Type": "application/json",
               "Referer": server.base + "/tickets/"}  # fmt: skip
    for round_number in range(1, ROUNDS + 1):
        floor = measure_floor(server, requests=2000)
        created = load(server, "/api/v1/tickets/", method="POST", requests=600, concurrency=4, headers=headers,
                       body_factory=ticket_body, expect=(201,))  # fmt: skip
        ratios.append(created.rps / floor.rps)
        creates.append(created)
        note(
            f"round {round_number}: floor {floor.rps:.0f} req/s, ticket create {created.rps:.0f} req/s "
            f"(median {created.median_ms:.1f} ms, errors {created.errors}), share {ratios[-1]:.3f}"
        )
    latencies = [ms for result in creates for ms in result.latencies_ms]
    pooled = LoadResult(len(latencies), sum(r.errors for r in creates), sum(r.seconds for r in creates), latencies)
    emit("ticket_create_rps", statistics.median(r.rps for r in creates), "req/s")
    emit("ticket_create_p95_ms", pooled.p95_ms, "ms")
    emit("ticket_create_share_of_floor", statistics.median(ratios), "ratio")
    server.prepare("tickets_cleanup")
    return {}
