"""The pool's solver and its calendar feed.

Solver (no server): the two seeded instances in bench/data (60 workers × 2 service points ×
7 days × 14 hours; see bench/staffing_instances.py), each solved by CP-SAT with a 10 s limit on
2 workers, against the greedy fill WhenToWork's AutoFill does (hour by hour, least-worked
eligible worker first; `liaison.staffing.solver.greedy`, which is also the solver's starting
hint).

- `schedule_solve_s_60x2x98`: wall time of the tight instance's solve (both phases).
- `schedule_gap_pct_60x2x98_tight`: the gap between the coverage reached (weighted hours short
  of the minimum and the ideal) and the proven bound on it, in percent, at the end.
- `schedule_unmet_hours_tight`, `greedy_unmet_hours_tight`: unmet hours in a week, CP-SAT
  against greedy: worker-hours below a need's minimum (what a desk must have; hours below the
  ideal, a wish the budgets cannot always pay for, are on stderr).
- `feed_rps`: a worker's calendar feed (about 60 shifts in its window) under gunicorn.

    python -m bench.staffing solver     # the solver figures only, no database
    python -m bench.run staffing        # with the feed, through the harness
"""

from __future__ import annotations

import sys

from bench.harness import emit, note

TIME_LIMIT_S = 10.0


def solver_figures() -> dict[str, float]:
    from bench.staffing_instances import load as load_instance
    from liaison.staffing.solver import greedy, solve

    out: dict[str, float] = {}
    for kind in ("loose", "tight"):
        problem = load_instance(kind)
        fill = greedy(problem)
        solution = solve(problem, time_limit_s=TIME_LIMIT_S, workers=2, seed=0)
        note(
            f"{kind}: CP-SAT {solution.status} in {solution.wall_s:.1f} s, {solution.unmet_minimum_hours} h below "
            f"minimum / {solution.unmet_ideal_hours} h below ideal (coverage {solution.objective:.0f}, bound "
            f"{solution.bound:.0f}, gap {solution.gap_pct:.2f} %); greedy {fill.unmet_minimum_hours} / "
            f"{fill.unmet_ideal_hours} h in {fill.wall_s * 1000:.0f} ms"
        )
        if kind == "tight":
            out = {
                "schedule_solve_s_60x2x98": solution.wall_s,
                "schedule_gap_pct_60x2x98_tight": solution.gap_pct,
                "schedule_unmet_hours_tight": solution.unmet_minimum_hours,
                "greedy_unmet_hours_tight": fill.unmet_minimum_hours,
            }
    emit("schedule_solve_s_60x2x98", out["schedule_solve_s_60x2x98"], "s")
    emit("schedule_gap_pct_60x2x98_tight", out["schedule_gap_pct_60x2x98_tight"], "%")
    emit("schedule_unmet_hours_tight", out["schedule_unmet_hours_tight"], "h")
    emit("greedy_unmet_hours_tight", out["greedy_unmet_hours_tight"], "h")
    return out


def run(server, context=None) -> dict[str, float]:
    from bench.harness import load
    from bench.prepare_staffing import FEED_TOKEN

    figures = solver_figures()
    feed = load(server, f"/staffing/feed/{FEED_TOKEN}.ics", requests=1500, concurrency=4)
    emit("feed_rps", feed.rps, "req/s")
    note(f"feed p95 {feed.p95_ms:.1f} ms")
    return {**figures, "feed_rps": feed.rps}


if __name__ == "__main__":
    import os

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if sys.argv[1:] == ["solver"]:
        solver_figures()
    else:
        from bench.harness import Server

        with Server(db_name="liaison_bench_staffing", port=8767) as server:
            server.prepare("foundation", "staffing")
            server.start()
            run(server)
