"""Labs: heartbeat ingest through the agent API (one heartbeat per request, with a lab's agent
token) and the public status board, each as a share of the floor in the same run (issue 11's
targets: at least 0.8 of the floor for both). Each ingest round sends 4 runs of 500 requests,
each with another lab's token (one token per lab, as in production, so no run reaches the
600-a-minute limit), paired with the floor measured just before in the same shape (4 runs of
500 requests: a run's start and end cost the same share on both sides); the status board's 2,000
requests are paired with a 2,000-request floor run. The figures are the medians of five
paired ratios. Each round also prints the heartbeat share with the rate timed around the worker
pool and against a 2,000-request floor run, as it was taken before 2026-11-30, for comparison."""

import datetime as dt
import functools
import json
import statistics
import uuid

from bench.foundation import FLOOR_PATH, measure_floor
from bench.harness import LoadResult, Server, emit, json_body, load, note
from bench.prepare_labs import LABS_TOKEN_FILE

ROUNDS = 5  # the paired ratios vary by about ±0.05 on this machine: five give a steadier median
RUNS_PER_ROUND = 4
REQUESTS_PER_RUN = 500


def heartbeat_body(tags: tuple[str, ...], worker: int, i: int) -> bytes:
    return json_body(
        {
            "events": [
                {
                    "id": str(uuid.uuid4()),
                    "kind": "heartbeat",
                    "workstation": tags[(worker + i) % len(tags)],
                    "at": dt.datetime.now(dt.UTC).isoformat(),
                }
            ]
        }
    )


def _pooled(results: list[LoadResult]) -> LoadResult:
    latencies = [ms for r in results for ms in r.latencies_ms]
    return LoadResult(
        len(latencies),
        sum(r.errors for r in results),
        sum(r.seconds for r in results),
        latencies,
        sum(r.pool_seconds for r in results),
    )


def measure_ingest(server: Server, agents: list[dict], round_number: int) -> LoadResult:
    results = []
    for run in range(RUNS_PER_ROUND):
        agent = agents[(round_number * RUNS_PER_ROUND + run) % len(agents)]
        results.append(
            load(
                server,
                "/api/v1/labs/agent/events",
                method="POST",
                requests=REQUESTS_PER_RUN,
                concurrency=4,
                headers={"Authorization": f"Bearer {agent['token']}", "Content-Type": "application/json"},
                body_factory=functools.partial(heartbeat_body, tuple(agent["tags"])),
                expect=(200,),
                warmup=20,
            )
        )
    return _pooled(results)


def measure_floor_like_ingest(server: Server) -> LoadResult:
    """The floor in the ingest's own shape (the same runs of the same length, the same warm-up),
    so that what a run costs at its start and end weighs the same on both sides of the ratio."""
    return _pooled(
        [load(server, FLOOR_PATH, requests=REQUESTS_PER_RUN, concurrency=4, warmup=20) for _ in range(RUNS_PER_ROUND)]
    )


def run(server: Server, context: dict) -> dict:
    agents = json.loads(LABS_TOKEN_FILE.read_text())
    ingest_ratios, board_ratios, ingests, pool_clock_ratios = [], [], [], []
    for round_number in range(ROUNDS):
        floor = measure_floor_like_ingest(server)
        ingest = measure_ingest(server, agents, round_number)
        floor_again = measure_floor(server, requests=2000)
        board = load(server, "/labs/status/", requests=2000, concurrency=4)
        ingest_ratios.append(ingest.rps / floor.rps)
        pool_clock_ratios.append(ingest.rps_by_pool_clock / floor_again.rps_by_pool_clock)
        board_ratios.append(board.rps / floor_again.rps)
        ingests.append(ingest)
        note(
            f"round {round_number + 1}: floor {floor.rps:.0f}, ingest {ingest.rps:.0f} req/s "
            f"(errors {ingest.errors}); floor {floor_again.rps:.0f}, board {board.rps:.0f} req/s "
            f"(errors {board.errors}); ingest share {ingest_ratios[-1]:.3f}; with the clock around the pool "
            f"and one 2,000-request floor run, as before 2026-11-30, {pool_clock_ratios[-1]:.3f}"
        )
    emit("heartbeat_ingest_per_s", statistics.median(r.rps for r in ingests), "req/s")
    emit("heartbeat_ingest_share_of_floor", statistics.median(ingest_ratios), "ratio")
    emit("status_board_share_of_floor", statistics.median(board_ratios), "ratio")
    return {}
