"""The solver's hard rules hold on every schedule it makes, and unmet hours say why."""

import random

import pytest

from liaison.staffing.solver import AVAILABLE, PREFERRED, NeedIn, Problem, ShiftOut, WorkerIn, greedy, solve


def _random_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    workers = []
    for wid in range(1, 13):
        available = {
            (d, h): PREFERRED if rng.random() < 0.2 else AVAILABLE
            for d in range(7)
            for h in range(8, 22)
            if rng.random() < 0.6
        }
        workers.append(
            WorkerIn(
                wid,
                "library" if wid % 3 == 0 else "it",
                rng.choice((4, 6, 8, 10)),
                rng.choice((2, 3, 4)),
                available,
                frozenset({"research"}) if wid % 4 == 0 else frozenset(),
            )
        )
    needs = []
    for d in range(7):
        for h in range(8, 22):
            needs.append(NeedIn("joint", d, h, 1, 2 if 11 <= h < 15 else 1))
            needs.append(NeedIn("it", d, h, 1, 1))
            if d < 5 and 12 <= h < 16:
                needs.append(NeedIn("joint/research", d, h, 1, 1))
    return Problem(
        workers=workers,
        positions={"joint": None, "it": None, "joint/research": "research"},
        needs=needs,
        budgets={"it": 40, "library": 20},
        min_len=2,
        max_len=4,
    )


def _assert_rules_hold(problem: Problem, shifts: list[ShiftOut]) -> None:
    workers = {w.id: w for w in problem.workers}
    per_day: dict[tuple[int, int], int] = {}
    week: dict[int, int] = {}
    dept: dict[str, int] = {}
    cover: dict[tuple[str, int, int], int] = {}
    for s in shifts:
        w = workers[s.worker]
        assert problem.min_len <= s.hours <= min(problem.max_len, w.max_day)
        for h in range(s.start, s.end):
            assert (s.day, h) in w.available, f"worker {w.id} scheduled while unavailable"
            cover[(s.position, s.day, h)] = cover.get((s.position, s.day, h), 0) + 1
        skill = problem.positions[s.position]
        assert skill is None or skill in w.skills, f"worker {w.id} untrained for {s.position}"
        per_day[(s.worker, s.day)] = per_day.get((s.worker, s.day), 0) + 1
        week[s.worker] = week.get(s.worker, 0) + s.hours
        dept[w.dept] = dept.get(w.dept, 0) + s.hours
    assert all(n == 1 for n in per_day.values()), "a worker has two shifts in a day (double-booked)"
    for wid, hours in week.items():
        assert hours <= workers[wid].max_week
    for d, hours in dept.items():
        assert hours <= problem.budgets[d]
    ideal = {(n.position, n.day, n.hour): n.ideal for n in problem.needs}
    assert all(count <= ideal[key] for key, count in cover.items())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_schedule_never_breaks_a_hard_rule(seed):
    problem = _random_problem(seed)
    solution = solve(problem, time_limit_s=3)
    assert solution.shifts
    _assert_rules_hold(problem, solution.shifts)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_greedy_fill_keeps_the_rules_too_and_the_solver_meets_at_least_as_much(seed):
    problem = _random_problem(seed)
    fill = greedy(problem)
    _assert_rules_hold(problem, fill.shifts)
    solution = solve(problem, time_limit_s=3)
    assert solution.unmet_minimum_hours <= fill.unmet_minimum_hours


def _one_desk(workers, needs, **extra) -> Problem:
    return Problem(workers=workers, positions={"desk": None, "desk/research": "research"}, needs=needs, **extra)


def test_an_hour_nobody_can_work_is_explained_as_nobody_available():
    worker = WorkerIn(1, "it", 10, 4, {(0, h): AVAILABLE for h in range(9, 13)})
    needs = [NeedIn("desk", 0, h, 1, 1) for h in range(9, 15)]
    solution = solve(_one_desk([worker], needs), time_limit_s=2)
    reasons = {u.hour: u.reason for u in solution.unmet}
    assert reasons == {13: "nobody_available", 14: "nobody_available"}
    assert [(s.start, s.end) for s in solution.shifts] == [(9, 13)]


def test_a_skilled_need_is_explained_as_nobody_trained_when_only_untrained_workers_are_free():
    worker = WorkerIn(1, "it", 10, 4, {(0, h): AVAILABLE for h in range(9, 13)})
    needs = [NeedIn("desk/research", 0, h, 1, 1) for h in range(9, 11)]
    solution = solve(_one_desk([worker], needs), time_limit_s=2)
    assert solution.shifts == []
    assert {u.reason for u in solution.unmet} == {"nobody_trained"}


def test_a_spent_budget_is_the_reason_when_workers_have_hours_but_their_department_has_none():
    workers = [
        WorkerIn(i, "library", 10, 4, {(d, h): AVAILABLE for d in range(2) for h in range(9, 13)}) for i in (1, 2)
    ]
    needs = [NeedIn("desk", d, h, 1, 1) for d in range(2) for h in range(9, 13)]
    solution = solve(_one_desk(workers, needs, budgets={"library": 4}), time_limit_s=2)
    assert sum(s.hours for s in solution.shifts) == 4
    assert {u.reason for u in solution.unmet} == {"no_budget"}


def test_weekly_hours_are_the_reason_when_the_only_worker_has_used_theirs():
    worker = WorkerIn(1, "it", 4, 4, {(d, h): AVAILABLE for d in range(2) for h in range(9, 13)})
    needs = [NeedIn("desk", d, h, 1, 1) for d in range(2) for h in range(9, 13)]
    solution = solve(_one_desk([worker], needs), time_limit_s=2)
    assert solution.unmet and {u.reason for u in solution.unmet} == {"hours_limit"}


def test_preferred_hours_win_when_coverage_and_fairness_are_equal():
    workers = [
        WorkerIn(1, "it", 4, 4, {(0, h): AVAILABLE for h in range(9, 11)}),
        WorkerIn(2, "it", 4, 4, {(0, h): PREFERRED for h in range(9, 11)}),
    ]
    needs = [NeedIn("desk", 0, h, 1, 1) for h in range(9, 11)]
    solution = solve(_one_desk(workers, needs), time_limit_s=2)
    assert [s.worker for s in solution.shifts] == [2]


def test_a_published_shift_is_kept_when_the_rules_allow_it():
    workers = [
        WorkerIn(i, "it", 4, 4, {(0, h): PREFERRED if i == 2 else AVAILABLE for h in range(9, 13)}) for i in (1, 2)
    ]
    needs = [NeedIn("desk", 0, h, 1, 1) for h in range(9, 13)]
    kept = ShiftOut(1, "desk", 0, 9, 13)
    solution = solve(_one_desk(workers, needs, keep=[kept]), time_limit_s=2)
    assert solution.shifts == [kept]  # worker 2 prefers it, but moving a published shift costs more
