"""Logging interactions through the API, as a share of the floor's request rate.
Target (issue 3): at least 0.7 of the floor.

The machine's speed drifts by 10–20 % over a minute (seen here: the floor alone ranged from
1,010 to 1,370 req/s across runs), so each create run is paired with a floor run taken just
before it, and the figure is the median of three paired ratios rather than a ratio of two
runs taken minutes apart."""

import statistics
import uuid

from bench.foundation import measure_floor
from bench.harness import DESK_TOKEN_FILE as TOKEN_FILE
from bench.harness import LoadResult, Server, emit, json_body, load, note

ROUNDS = 3


def interaction_body(worker: int, i: int) -> bytes:
    """A fresh entry each time (module level, so worker processes can receive it)."""
    return json_body(
        {
            "client_id": str(uuid.uuid4()),
            "service_point": "joint-desk",
            "kind": "technology",
            "read_level": 2,
            "mode": "in_person",
            "tech_category": "printing",
            "duration_minutes": 3,
        }
    )


def measure_create(server: Server, token: str) -> LoadResult:
    return load(
        server,
        "/api/v1/desk/interactions",
        method="POST",
        requests=2000,
        concurrency=4,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body_factory=interaction_body,
        expect=(201,),
    )


def run(server: Server, context: dict) -> dict:
    token = TOKEN_FILE.read_text().strip()
    ratios, creates = [], []
    for round_number in range(1, ROUNDS + 1):
        floor = measure_floor(server, requests=2000)
        created = measure_create(server, token)
        ratios.append(created.rps / floor.rps)
        creates.append(created)
        note(
            f"round {round_number}: floor {floor.rps:.0f} req/s, create {created.rps:.0f} req/s "
            f"(median {created.median_ms:.1f} ms, errors {created.errors}), share {ratios[-1]:.3f}"
        )
    latencies = [ms for result in creates for ms in result.latencies_ms]
    pooled = LoadResult(len(latencies), sum(r.errors for r in creates), sum(r.seconds for r in creates), latencies)
    emit("interaction_create_rps", statistics.median(r.rps for r in creates), "req/s")
    emit("interaction_create_p95_ms", pooled.p95_ms, "ms")
    emit("interaction_create_share_of_floor", statistics.median(ratios), "ratio")
    return {}
