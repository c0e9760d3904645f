"""Logging interactions through the API, as a share of the floor's request rate.
Target (issue 3): at least 0.7 of the floor."""

import uuid

from bench.harness import DESK_TOKEN_FILE as TOKEN_FILE
from bench.harness import Server, emit, json_body, load, note


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


def run(server: Server, context: dict) -> dict:
    token = TOKEN_FILE.read_text().strip()

    created = load(
        server,
        "/api/v1/desk/interactions",
        method="POST",
        requests=2000,
        concurrency=4,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body_factory=interaction_body,
        expect=(201,),
    )
    floor = context.get("floor_rps")
    emit("interaction_create_rps", created.rps, "req/s")
    emit("interaction_create_p95_ms", created.p95_ms, "ms")
    if floor:
        emit("interaction_create_share_of_floor", created.rps / floor, "ratio")
    note(f"interaction create median {created.median_ms:.1f} ms, errors {created.errors}")
    return {}
