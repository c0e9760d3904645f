"""The pool's weekly schedule as a CP-SAT model (OR-Tools). Pure Python: no Django, so the
service (`scheduling.py`), the tests and the benchmark (`bench/staffing.py`) share it.

The model is shift-shaped, not hour-shaped (ADR 0026): one Boolean per possible shift, that is
per (worker, position, day, start, length) where the worker is available and trained for every
hour and the position needs someone in every hour. A position is a service point, or a service
point's skilled side (the research side of the joint desk). Hard rules:

- a worker works only hours they are available, at positions they are trained for;
- at most one shift a day per worker, whatever the position (so nobody is double-booked across
  the two desks), of `min_len` to `max_len` hours and at most their daily limit;
- at most their weekly hours, and each paying department within its weekly budget;
- never more workers than a need's ideal.

Soft goals, in order of weight: the minimum coverage wherever it can be met, then ideal
coverage, then keeping the shifts already published (a re-solve moves one only when a rule
forces it or coverage gains), then workers' preferred hours, a fair spread of hours (each
worker's distance from a share in proportion to their limit) and each department's share of
the hours in proportion to its budget.

A greedy fill (what WhenToWork's AutoFill does: hour by hour, the least-worked eligible
worker first) is the solver's starting hint, and `greedy()` is the benchmark's baseline.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

W_MIN = 1000  # per worker-hour below a need's minimum
W_IDEAL = 100  # per worker-hour below a need's ideal
W_KEEP = 30  # per hour of a published shift kept as it is
W_PREF = 2  # per preferred hour worked
W_FAIR = 3  # per hour a worker is short of their fair share
W_DEPT = 1  # per hour a department is short of its budget's share

AVAILABLE, PREFERRED = 1, 2

REASONS = {
    "nobody_available": "Nobody in the pool is available then.",
    "nobody_trained": "Nobody available then is trained for it.",
    "already_on_shift": "Everyone available and trained is already on a shift that day.",
    "hours_limit": "Everyone available and trained has reached their hours for the week or the day.",
    "no_budget": "The paying department's weekly budget is used up for everyone who could work.",
    "shift_length": "The hours left are too few to make a shift of the minimum length.",
}


@dataclass(frozen=True)
class WorkerIn:
    id: int
    dept: str
    max_week: int
    max_day: int
    available: dict[tuple[int, int], int]  # (day, hour) -> AVAILABLE or PREFERRED
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NeedIn:
    position: str
    day: int
    hour: int
    minimum: int
    ideal: int


@dataclass(frozen=True)
class ShiftOut:
    worker: int
    position: str
    day: int
    start: int
    end: int

    @property
    def hours(self) -> int:
        return self.end - self.start


@dataclass
class Problem:
    workers: list[WorkerIn]
    positions: dict[str, str | None]  # position key -> required skill (or None)
    needs: list[NeedIn]
    budgets: dict[str, int] = field(default_factory=dict)  # dept -> weekly hours; absent = no cap
    min_len: int = 2
    max_len: int = 4
    keep: list[ShiftOut] = field(default_factory=list)  # published shifts to keep if the rules allow


@dataclass(frozen=True)
class Unmet:
    position: str
    day: int
    hour: int
    below_minimum: int
    below_ideal: int
    reason: str

    @property
    def explanation(self) -> str:
        return REASONS[self.reason]


@dataclass
class Solution:
    status: str  # "optimal" | "feasible" | "greedy" | "no_solution"
    shifts: list[ShiftOut]
    unmet: list[Unmet]
    objective: float = 0.0  # the coverage objective reached (W_MIN and W_IDEAL hours short)
    bound: float = 0.0  # CP-SAT's proven bound on it
    goals_objective: float = 0.0  # the whole objective, coverage held (phase two)
    goals_bound: float = 0.0
    wall_s: float = 0.0

    @property
    def gap_pct(self) -> float:
        if self.objective <= 0:
            return 0.0
        return max(0.0, 100.0 * (self.objective - self.bound) / self.objective)

    @property
    def unmet_minimum_hours(self) -> int:
        return sum(u.below_minimum for u in self.unmet)

    @property
    def unmet_ideal_hours(self) -> int:
        return sum(u.below_ideal for u in self.unmet)

    def hours_by_worker(self) -> dict[int, int]:
        out: dict[int, int] = defaultdict(int)
        for s in self.shifts:
            out[s.worker] += s.hours
        return dict(out)


# --- Candidate shifts -------------------------------------------------------------------------


def _candidates(problem: Problem) -> list[ShiftOut]:
    """Every shift a worker could legally work, before limits on hours and budgets."""
    needed: dict[tuple[str, int], set[int]] = defaultdict(set)
    for need in problem.needs:
        if need.ideal > 0:
            needed[(need.position, need.day)].add(need.hour)
    out = []
    for worker in problem.workers:
        longest = min(problem.max_len, worker.max_day, worker.max_week)
        if longest < problem.min_len:
            continue
        for (position, day), hours in needed.items():
            skill = problem.positions.get(position)
            if skill and skill not in worker.skills:
                continue
            usable = {h for h in hours if worker.available.get((day, h))}
            for start in sorted(usable):
                length = 0
                while length < longest and (start + length) in usable:
                    length += 1
                    if length >= problem.min_len:
                        out.append(ShiftOut(worker.id, position, day, start, start + length))
    return out


# --- Greedy fill (the hint, and the benchmark's baseline) -------------------------------------


def greedy(problem: Problem) -> Solution:
    """Hour by hour, fill each need up to its minimum and then its ideal with the least-worked
    eligible worker, giving them the longest legal shift from that hour."""
    started = time.perf_counter()
    by_slot: dict[tuple[str, int, int], list[ShiftOut]] = defaultdict(list)
    for cand in _candidates(problem):
        by_slot[(cand.position, cand.day, cand.start)].append(cand)
    workers = {w.id: w for w in problem.workers}
    hours: dict[int, int] = defaultdict(int)
    dept_hours: dict[str, int] = defaultdict(int)
    works_on: set[tuple[int, int]] = set()
    cover: dict[tuple[str, int, int], int] = defaultdict(int)
    chosen: list[ShiftOut] = []
    needs = {(n.position, n.day, n.hour): n for n in problem.needs}
    order = sorted(needs.values(), key=lambda n: (n.day, n.hour, n.position))
    for level in ("minimum", "ideal"):
        for need in order:
            target = getattr(need, level)
            key = (need.position, need.day, need.hour)
            while cover[key] < target:
                best = None
                for cand in by_slot.get(key, []):
                    w = workers[cand.worker]
                    if (w.id, cand.day) in works_on or hours[w.id] + cand.hours > w.max_week:
                        continue
                    budget = problem.budgets.get(w.dept)
                    if budget is not None and dept_hours[w.dept] + cand.hours > budget:
                        continue
                    if any(
                        cover[(cand.position, cand.day, h)] >= needs[(cand.position, cand.day, h)].ideal
                        for h in range(cand.start, cand.end)
                    ):
                        continue
                    rank = (hours[w.id], -cand.hours, w.id)
                    if best is None or rank < best[0]:
                        best = (rank, cand)
                if best is None:
                    break
                cand = best[1]
                chosen.append(cand)
                hours[cand.worker] += cand.hours
                dept_hours[workers[cand.worker].dept] += cand.hours
                works_on.add((cand.worker, cand.day))
                for h in range(cand.start, cand.end):
                    cover[(cand.position, cand.day, h)] += 1
    solution = Solution("greedy", chosen, explain(problem, chosen), wall_s=time.perf_counter() - started)
    return solution


# --- CP-SAT -----------------------------------------------------------------------------------


def solve(problem: Problem, *, time_limit_s: float = 10.0, workers: int = 2, seed: int = 0) -> Solution:
    """Two phases on one model (lexicographic): first the coverage alone (minimum, then ideal);
    then, with coverage held at what phase one reached, the keep/preference/fairness goals.
    `objective`/`bound` (and `gap_pct`) are phase one's: how far the unmet hours may be from
    the fewest possible; `goals_objective`/`goals_bound` are phase two's."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    candidates = _candidates(problem)
    x = [model.new_bool_var(f"x{i}") for i in range(len(candidates))]
    by_worker_day: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_worker: dict[int, list[int]] = defaultdict(list)
    covering: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i, cand in enumerate(candidates):
        by_worker_day[(cand.worker, cand.day)].append(i)
        by_worker[cand.worker].append(i)
        for h in range(cand.start, cand.end):
            covering[(cand.position, cand.day, h)].append(i)
    workers_by_id = {w.id: w for w in problem.workers}

    for idxs in by_worker_day.values():
        model.add_at_most_one(x[i] for i in idxs)
    hours_of: dict[int, cp_model.LinearExpr] = {}
    for wid, idxs in by_worker.items():
        expr = sum(candidates[i].hours * x[i] for i in idxs)
        hours_of[wid] = expr
        model.add(expr <= workers_by_id[wid].max_week)
    dept_expr: dict[str, list] = defaultdict(list)
    for wid, expr in hours_of.items():
        dept_expr[workers_by_id[wid].dept].append(expr)
    for dept, budget in problem.budgets.items():
        if dept_expr.get(dept):
            model.add(sum(dept_expr[dept]) <= budget)

    coverage = []
    for need in problem.needs:
        idxs = covering.get((need.position, need.day, need.hour), [])
        cov = sum(x[i] for i in idxs) if idxs else 0
        if idxs:
            model.add(cov <= need.ideal)
        if need.minimum > 0:
            short = model.new_int_var(0, need.minimum, f"short_{need.position}_{need.day}_{need.hour}")
            model.add(short >= need.minimum - cov)
            coverage.append(W_MIN * short)
        coverage.append(W_IDEAL * (need.ideal - cov))

    goals = []
    keep = set(problem.keep)
    for i, cand in enumerate(candidates):
        worker = workers_by_id[cand.worker]
        weight = -W_PREF * sum(
            1 for h in range(cand.start, cand.end) if worker.available.get((cand.day, h)) == PREFERRED
        )
        if cand in keep:
            weight -= W_KEEP * cand.hours
        if weight:
            goals.append(weight * x[i])
    # Fair spread: each worker is short of a share of the needed hours in proportion to their
    # limit by as little as may be. Fixed targets (not a share of the variable total) keep the
    # relaxation tight: the bound stays close to what can be reached.
    ideal_hours = sum(n.ideal for n in problem.needs)
    capacity = sum(w.max_week for w in problem.workers if w.id in by_worker) or 1
    for wid, expr in hours_of.items():
        limit = workers_by_id[wid].max_week
        target = min(limit, round(ideal_hours * limit / capacity))
        if target > 0:
            under = model.new_int_var(0, target, f"under_{wid}")
            model.add(under >= target - expr)
            goals.append(W_FAIR * under)
    # Each department's share of the needed hours in proportion to its budget, the same way.
    total_budget = sum(problem.budgets.values())
    if len(problem.budgets) > 1 and total_budget:
        for dept, budget in problem.budgets.items():
            target = min(budget, round(min(ideal_hours, total_budget) * budget / total_budget))
            if target > 0 and dept_expr.get(dept):
                under = model.new_int_var(0, target, f"dept_under_{dept}")
                model.add(under >= target - sum(dept_expr[dept]))
                goals.append(W_DEPT * under)

    # Search: a greedy start, then CP-SAT on the whole model for a proven bound, then large
    # neighbourhood search (re-solve two days, or a third of the workers, with the rest held)
    # for the time left. CP-SAT does LNS itself only with more parallel workers than two small
    # cores offer; on the benchmark's tight instance this reaches the bound where the plain
    # model stalls (ADR 0026).
    # A margin for building the model, cloning it and the last evaluation, so the whole solve
    # stays within the limit.
    deadline = started + time_limit_s * 0.95 - 0.2
    rng = random.Random(seed)  # noqa: S311 - search moves, not secrets
    start = greedy(problem)
    chosen_set = set(start.shifts)
    current = [cand in chosen_set for cand in candidates]
    coverage_expr = sum(coverage)

    def full_run(seconds: float) -> tuple[list[bool] | None, float, float, bool]:
        model.clear_hints()
        for i, value in enumerate(current):
            model.add_hint(x[i], value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, 0.0, solver.best_objective_bound, False
        values = [solver.boolean_value(v) for v in x]
        return values, solver.objective_value, solver.best_objective_bound, status == cp_model.OPTIMAL

    # Phase one: coverage alone. The bound is the better of CP-SAT's and the LP relaxation's
    # (GLOP): on two cores CP-SAT's own LP may not report within the first seconds.
    model.minimize(coverage_expr)
    lp_bound = _lp_bound(problem, candidates)
    values, objective, bound, optimal = full_run(min(1.0, time_limit_s * 0.1))
    if values is not None:
        current = values
    objective = _evaluate(model, x, current)
    bound = max(bound, lp_bound)
    if not optimal and objective > bound + 1e-6:
        current, objective = _lns(
            model,
            x,
            candidates,
            current,
            objective,
            bound,
            started + time_limit_s * 0.75,
            rng,
            workers,
            problem=problem,
        )
    coverage_reached, coverage_bound = objective, bound

    # Phase two: the soft goals, coverage held at what phase one reached, by neighbourhood
    # search from phase one's schedule (which already meets the held coverage).
    model.add(coverage_expr <= round(coverage_reached))
    model.minimize(coverage_expr + sum(goals))
    objective2 = _evaluate(model, x, current)
    values, found, bound2, optimal2 = full_run(min(2.0, max(0.05, deadline - time.perf_counter()) * 0.3))
    if values is not None and found < objective2 - 1e-6:
        current, objective2 = values, found
    if not optimal2:
        current, objective2 = _lns(
            model, x, candidates, current, objective2, bound2, deadline, rng, workers, patience=12
        )
    chosen = [cand for i, cand in enumerate(candidates) if current[i]]
    unmet = explain(problem, chosen)
    # Phase two may meet more than phase one held it to: report the final schedule's coverage.
    coverage_final = sum(W_MIN * u.below_minimum + W_IDEAL * u.below_ideal for u in unmet)
    return Solution(
        "optimal" if coverage_final <= coverage_bound + 1e-6 else "feasible",
        chosen,
        unmet,
        objective=coverage_final,
        bound=coverage_bound,
        goals_objective=objective2,
        goals_bound=bound2,
        wall_s=time.perf_counter() - started,
    )


def _lp_bound(problem: Problem, candidates: list[ShiftOut]) -> float:
    """The LP relaxation of the coverage objective (shifts may be fractional): a proven lower
    bound on the hours short that no schedule can beat."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return float("-inf")
    xs = [lp.NumVar(0, 1, "") for _ in candidates]
    per_day: dict[tuple[int, int], list] = defaultdict(list)
    per_worker: dict[int, list] = defaultdict(list)
    covering: dict[tuple[str, int, int], list] = defaultdict(list)
    for var, cand in zip(xs, candidates, strict=True):
        per_day[(cand.worker, cand.day)].append(var)
        per_worker[cand.worker].append((cand.hours, var))
        for h in range(cand.start, cand.end):
            covering[(cand.position, cand.day, h)].append(var)
    for vs in per_day.values():
        lp.Add(sum(vs) <= 1)
    by_dept: dict[str, list] = defaultdict(list)
    for w in problem.workers:
        terms = per_worker.get(w.id, [])
        if terms:
            lp.Add(sum(h * v for h, v in terms) <= w.max_week)
            by_dept[w.dept].extend(terms)
    for dept, budget in problem.budgets.items():
        if by_dept.get(dept):
            lp.Add(sum(h * v for h, v in by_dept[dept]) <= budget)
    objective = []
    constant = 0
    for need in problem.needs:
        vs = covering.get((need.position, need.day, need.hour), [])
        cov = sum(vs) if vs else 0
        if vs:
            lp.Add(cov <= need.ideal)
        if need.minimum > 0:
            short = lp.NumVar(0, need.minimum, "")
            lp.Add(short >= need.minimum - cov)
            objective.append(W_MIN * short)
        constant += W_IDEAL * need.ideal
        if vs:
            objective.append(-W_IDEAL * cov)
    lp.Minimize(constant + sum(objective))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return float("-inf")
    return lp.Objective().Value()


def _fix(proto, var, value: bool) -> None:
    """Hold a Boolean at a value in a cloned model (its domain [0, 1] becomes [v, v])."""
    domain = proto.variables[var.index].domain
    domain[0] = domain[1] = int(value)


def _evaluate(model: cp_model.CpModel, x: list, values: list[bool]) -> float:
    """The model's objective for an assignment of the shift variables (auxiliary variables
    at their best), by a CP-SAT run with every shift fixed."""
    sub = model.clone()
    proto = sub.proto
    for var, value in zip(x, values, strict=True):
        _fix(proto, var, value)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    status = solver.solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return float("inf")
    return solver.objective_value


def _short_days(problem: Problem, candidates: list[ShiftOut], current: list[bool]) -> list[int]:
    """The days with a need below its minimum (or, failing that, its ideal) in `current`."""
    unmet = explain(problem, [c for c, on in zip(candidates, current, strict=True) if on])
    below_min = sorted({u.day for u in unmet if u.below_minimum})
    return below_min or sorted({u.day for u in unmet})


def _lns(model, x, candidates, current, objective, bound, deadline, rng, workers, patience=None, problem=None):
    """Large neighbourhood search: free two days' shifts (or a third of the workers'), hold
    the rest, let CP-SAT improve the freed part in under a second; keep what is better. Stops
    at the deadline, at the bound, or after `patience` tries in a row that found nothing."""
    stale = 0
    days = sorted({c.day for c in candidates})
    people = sorted({c.worker for c in candidates})
    if not candidates:
        return current, objective
    while time.perf_counter() < deadline - 0.05 and objective > bound + 1e-6:
        if patience is not None and stale >= patience:
            break
        short_days = _short_days(problem, candidates, current) if problem is not None else []
        if short_days and rng.random() < 0.7 and len(days) > 2:
            # Where coverage is short: that day and one other, so hours can move between them.
            first = rng.choice(short_days)
            free_days = {first, rng.choice([d for d in days if d != first])}
            free = [c.day in free_days for c in candidates]
        elif rng.random() < 0.6 and len(days) > 2:
            free_days = set(rng.sample(days, 2))
            free = [c.day in free_days for c in candidates]
        else:
            free_people = set(rng.sample(people, max(1, len(people) // 3)))
            free = [c.worker in free_people for c in candidates]
        sub = model.clone()
        proto = sub.proto
        sub.clear_hints()
        for i, var in enumerate(x):
            if free[i]:
                sub.add_hint(var, current[i])
            else:
                _fix(proto, var, current[i])
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, min(0.5, deadline - time.perf_counter()))
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = rng.randrange(1 << 30)
        status = solver.solve(sub)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < objective - 1e-6:
            current = [bool(solver.value(var)) for var in x]
            objective = solver.objective_value
            stale = 0
        else:
            stale += 1
    return current, objective


# --- Why a need is unmet ----------------------------------------------------------------------


def explain(problem: Problem, shifts: list[ShiftOut]) -> list[Unmet]:
    """Every need hour below its ideal, with the first reason that explains it."""
    cover: dict[tuple[str, int, int], int] = defaultdict(int)
    hours: dict[int, int] = defaultdict(int)
    works_on: set[tuple[int, int]] = set()
    for s in shifts:
        hours[s.worker] += s.hours
        works_on.add((s.worker, s.day))
        for h in range(s.start, s.end):
            cover[(s.position, s.day, h)] += 1
    dept_hours: dict[str, int] = defaultdict(int)
    for w in problem.workers:
        dept_hours[w.dept] += hours[w.id]
    out = []
    for need in sorted(problem.needs, key=lambda n: (n.position, n.day, n.hour)):
        have = cover[(need.position, need.day, need.hour)]
        if have >= need.ideal:
            continue
        out.append(
            Unmet(
                need.position,
                need.day,
                need.hour,
                max(0, need.minimum - have),
                need.ideal - have,
                _reason(problem, need, works_on, hours, dept_hours),
            )
        )
    return out


def _reason(problem: Problem, need: NeedIn, works_on, hours, dept_hours) -> str:
    available = [w for w in problem.workers if w.available.get((need.day, need.hour))]
    if not available:
        return "nobody_available"
    skill = problem.positions.get(need.position)
    trained = [w for w in available if not skill or skill in w.skills]
    if not trained:
        return "nobody_trained"
    within = [w for w in trained if hours[w.id] + problem.min_len <= w.max_week and w.max_day >= problem.min_len]
    if not within:
        return "hours_limit"
    funded = [
        w
        for w in within
        if problem.budgets.get(w.dept) is None or dept_hours[w.dept] + problem.min_len <= problem.budgets[w.dept]
    ]
    if not funded:
        return "no_budget"
    if all((w.id, need.day) in works_on for w in funded):
        return "already_on_shift"
    return "shift_length"
