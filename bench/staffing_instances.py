"""The two seeded scheduling instances the solver benchmark uses (kept as JSON in bench/data/):
60 workers, 2 service points (the joint desk, with a research side for trained workers on
weekday afternoons, and the IT help desk), 7 days × 14 hours (08:00–22:00).

Availability is class-shaped: each student has a Monday/Wednesday/Friday and a Tuesday/
Thursday timetable of 75- or 50-minute classes (rounded out to whole hours), no class at the
weekend, and marks a few free hours as preferred.

- `loose`: the pool's weekly limits add up to well over the ideal coverage.
- `tight`: the pool's limits (and the budgets) fall just short of the ideal coverage: the usual
  case in exam weeks.

    python -m bench.staffing_instances   # rewrites bench/data/staffing_*.json
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from liaison.staffing.solver import AVAILABLE, PREFERRED, NeedIn, Problem, WorkerIn

DATA = Path(__file__).parent / "data"
HOURS = range(8, 22)
DAYS = range(7)
POSITIONS = {"joint": None, "joint/research": "research", "it": None}


def _needs() -> list[NeedIn]:
    needs = []
    for day in DAYS:
        for hour in HOURS:
            peak = day < 5 and 10 <= hour < 17
            needs.append(NeedIn("joint", day, hour, 1, 2 if peak else 1))
            needs.append(NeedIn("it", day, hour, 1, 2 if peak or (day < 5 and hour < 10) else 1))
            if day < 5 and 12 <= hour < 18:
                needs.append(NeedIn("joint/research", day, hour, 0 if hour >= 16 else 1, 1))
    return needs


def _worker(rng: random.Random, wid: int, *, tight: bool) -> WorkerIn:
    busy: set[tuple[int, int]] = set()
    for days in ((0, 2, 4), (1, 3)):
        for _ in range(rng.randint(1, 3)):
            start = rng.choice(range(8, 17))
            length = 1 if days == (0, 2, 4) else 2
            for day in days:
                for hour in range(start, start + length):
                    busy.add((day, hour))
    available: dict[tuple[int, int], int] = {}
    late_night = rng.random() < 0.4
    weekend = rng.random() < 0.55
    for day in DAYS:
        if day >= 5 and not weekend:
            continue
        for hour in HOURS:
            if (day, hour) in busy or (hour >= 19 and not late_night):
                continue
            if rng.random() < 0.15:  # practice, labs, commute
                continue
            available[(day, hour)] = PREFERRED if rng.random() < 0.15 else AVAILABLE
    dept = "library" if wid % 4 == 0 else "it"
    skills = frozenset({"research"}) if rng.random() < 0.3 else frozenset()
    max_week = rng.choice((4, 5, 6, 6, 8)) if tight else rng.choice((10, 12, 15, 20))
    return WorkerIn(wid, dept, max_week, 4 if tight else rng.choice((4, 5, 6)), available, skills)


def make(kind: str, seed: int) -> Problem:
    rng = random.Random(seed)
    workers = [_worker(rng, wid, tight=kind == "tight") for wid in range(1, 61)]
    needs = _needs()
    ideal = sum(n.ideal for n in needs)
    budgets = (
        {"it": round(ideal * 0.72), "library": round(ideal * 0.25)}
        if kind == "tight"
        else {"it": ideal, "library": ideal}
    )
    return Problem(workers=workers, positions=dict(POSITIONS), needs=needs, budgets=budgets, min_len=2, max_len=4)


def dump(problem: Problem) -> dict:
    return {
        "positions": problem.positions,
        "budgets": problem.budgets,
        "min_len": problem.min_len,
        "max_len": problem.max_len,
        "needs": [[n.position, n.day, n.hour, n.minimum, n.ideal] for n in problem.needs],
        "workers": [
            {
                "id": w.id,
                "dept": w.dept,
                "max_week": w.max_week,
                "max_day": w.max_day,
                "skills": sorted(w.skills),
                "available": [[d, h, v] for (d, h), v in sorted(w.available.items())],
            }
            for w in problem.workers
        ],
    }


def load(kind: str) -> Problem:
    data = json.loads((DATA / f"staffing_{kind}.json").read_text())
    return Problem(
        workers=[
            WorkerIn(
                w["id"],
                w["dept"],
                w["max_week"],
                w["max_day"],
                {(d, h): v for d, h, v in w["available"]},
                frozenset(w["skills"]),
            )
            for w in data["workers"]
        ],
        positions=data["positions"],
        needs=[NeedIn(*n) for n in data["needs"]],
        budgets=data["budgets"],
        min_len=data["min_len"],
        max_len=data["max_len"],
    )


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    for kind, seed in (("loose", 12), ("tight", 1212)):
        (DATA / f"staffing_{kind}.json").write_text(json.dumps(dump(make(kind, seed)), separators=(",", ":")))
        print(f"wrote bench/data/staffing_{kind}.json")
