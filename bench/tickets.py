"""The ticket queue list and search with 100,000 tickets on PostgreSQL, through gunicorn.
Target (issue 3): a constant number of queries per page, p95 under 150 ms on 2 cores."""

from bench.harness import Server, emit, load, note


def run(server: Server, context: dict) -> dict:
    server.prepare("tickets_queries")
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
    return {}
