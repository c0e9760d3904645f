"""Writes for the student-worker pool. Each service asks `policy.py` itself, validates with
`reject(...)` and a code from `errors.py`, writes through `events.py`, and returns the object.

The schedule's life: `schedule_generate` queues a solver run (through `core/tasks`: in the web
process right after commit without Redis, on a worker with it); `schedule_run_execute` (a
system job) solves the weekly pattern and keeps the proposal with its unmet hours and the
difference from the current schedule; `schedule_run_apply` turns the pattern into dated draft
shifts for the rest of the term, keeping published shifts that still hold; `schedule_publish`
publishes every draft at once, and only the version the supervisor looked at."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.core.events import after_commit
from liaison.core.services import model_update
from liaison.places import selectors as places
from liaison.staffing import events, policy, selectors
from liaison.staffing import solver as cp
from liaison.staffing.models import (
    AvailabilityCell,
    CoverageNeed,
    DepartmentBudget,
    FeedToken,
    Schedule,
    ScheduleRun,
    Shift,
    ShiftOffer,
    Skill,
    Term,
    Training,
    Unavailability,
    Worker,
    WorkerNote,
)

if TYPE_CHECKING:
    from liaison.accounts.models import Department, User

MAX_NOTE = 2000
MAX_RUN_SECONDS = 60


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


class _Problems:
    def __init__(self) -> None:
        self.found: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, *, code: str) -> None:
        self.found.setdefault(field, []).extend(reject(field, message, code=code).error_dict[field])

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


# --- Terms and budgets ---------------------------------------------------------------------------


@transaction.atomic
def term_create(
    *,
    actor: User,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    swaps_need_approval: bool = True,
    min_shift_hours: int = 2,
    max_shift_hours: int = 4,
) -> Term:
    _require(policy.can_manage_pool(actor), "Only supervisors set up terms.")
    problems = _Problems()
    name = (name or "").strip()
    if not name:
        problems.add("name", "Name the term, e.g. 'Spring 2027'.", code="staffing.term_name_taken")
    elif Term.objects.filter(name__iexact=name).exists():
        problems.add("name", f"A term is already called '{name}'.", code="staffing.term_name_taken")
    if ends_on <= starts_on:
        problems.add("ends_on", "The term must end after it starts.", code="staffing.term_dates")
    if not (1 <= min_shift_hours <= max_shift_hours <= 12):
        problems.add(
            "max_shift_hours",
            "Shifts run 1 to 12 hours, and the minimum may not exceed the maximum.",
            code="staffing.shift_lengths",
        )
    problems.raise_any()
    term = Term.objects.create(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        swaps_need_approval=swaps_need_approval,
        min_shift_hours=min_shift_hours,
        max_shift_hours=max_shift_hours,
    )
    Schedule.objects.create(term=term)
    events.term_saved(actor=actor, term=term, created=True)
    return term


@transaction.atomic
def budget_set(*, actor: User, term: Term, department: Department, weekly_hours: int) -> DepartmentBudget:
    _require(policy.can_manage_pool(actor), "Only supervisors set budgets.")
    if not (0 <= weekly_hours <= 2000):
        raise reject("weekly_hours", "A weekly budget is 0 to 2,000 hours.", code="staffing.budget_invalid")
    existing = DepartmentBudget.objects.filter(term=term, department=department).first()
    before = existing.weekly_hours if existing else None
    budget, _ = DepartmentBudget.objects.update_or_create(
        term=term, department=department, defaults={"weekly_hours": weekly_hours}
    )
    events.budget_set(actor=actor, term=term, department_code=department.code, before=before, after=weekly_hours)
    return budget


# --- Workers, training, notes ---------------------------------------------------------------------


def _check_limits(max_hours_week: int, max_hours_day: int) -> None:
    if not (0 <= max_hours_week <= 40 and 1 <= max_hours_day <= 12):
        raise reject(
            "max_hours_week",
            "Hour limits run 1–12 a day and 0–40 a week.",
            code="staffing.hour_limits",
        )


@transaction.atomic
def worker_enrol(
    *,
    actor: User,
    user: User,
    paying_department: Department,
    max_hours_week: int = 12,
    max_hours_day: int = 4,
) -> Worker:
    """Add a student worker to the pool, paid by one department."""
    _require(policy.can_manage_pool(actor), "Only supervisors add workers to the pool.")
    if user.role not in policy.WORKER_ROLES:
        raise reject("user", f"{user} is not a student worker.", code="staffing.not_a_student_worker")
    if Worker.objects.filter(user=user).exists():
        raise reject("user", f"{user} is already in the pool.", code="staffing.already_in_pool")
    _check_limits(max_hours_week, max_hours_day)
    worker = Worker.objects.create(
        user=user, paying_department=paying_department, max_hours_week=max_hours_week, max_hours_day=max_hours_day
    )
    events.worker_saved(actor=actor, worker=worker, before=None)
    return worker


@transaction.atomic
def worker_update(*, actor: User, worker: Worker, data: Mapping[str, Any]) -> Worker:
    _require(policy.can_manage_pool(actor), "Only supervisors change a worker's department or limits.")
    values = {
        k: v for k, v in data.items() if k in ("paying_department", "max_hours_week", "max_hours_day", "is_active")
    }
    _check_limits(
        values.get("max_hours_week", worker.max_hours_week), values.get("max_hours_day", worker.max_hours_day)
    )
    before = events.snapshot(worker, ["paying_department", "max_hours_week", "max_hours_day", "is_active"])
    worker, changed = model_update(
        instance=worker, fields=["paying_department", "max_hours_week", "max_hours_day", "is_active"], data=values
    )
    if changed:
        events.worker_saved(actor=actor, worker=worker, before=before)
    return worker


@transaction.atomic
def training_record(
    *, actor: User, worker: Worker, skill: Skill, completed_on: dt.date, expires_on: dt.date | None = None
) -> Training:
    """Record a completed training. A supervisor's record is signed off at once; a worker's
    own waits for a supervisor's sign-off (and counts only then). Without an expiry date, the
    skill's validity (in months) sets it."""
    _require(
        policy.can_manage_pool(actor) or policy.is_pool_member(actor, worker),
        "Only the worker or a supervisor records training.",
    )
    if completed_on > timezone.localdate():
        raise reject("completed_on", "The completion date is in the future.", code="staffing.training_in_future")
    if expires_on is None and skill.valid_months:
        month = completed_on.month - 1 + skill.valid_months
        year = completed_on.year + month // 12
        expires_on = completed_on.replace(year=year, month=month % 12 + 1, day=min(completed_on.day, 28))
    if expires_on is not None and expires_on <= completed_on:
        raise reject("expires_on", "The training must expire after it was completed.", code="staffing.training_dates")
    signs_off = policy.can_manage_pool(actor)
    training, _ = Training.objects.update_or_create(
        worker=worker,
        skill=skill,
        defaults={
            "completed_on": completed_on,
            "expires_on": expires_on,
            "signed_off_by": actor if signs_off else None,
            "signed_off_at": timezone.now() if signs_off else None,
        },
    )
    events.training_recorded(actor=actor, training=training)
    return training


@transaction.atomic
def training_sign_off(*, actor: User, training: Training) -> Training:
    _require(policy.can_manage_pool(actor), "Only supervisors sign off training.")
    training = Training.objects.select_for_update().get(pk=training.pk)
    if training.is_signed_off:
        return training
    training.signed_off_by = actor
    training.signed_off_at = timezone.now()
    training.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])
    events.training_signed_off(actor=actor, training=training)
    return training


@transaction.atomic
def note_add(*, actor: User, worker: Worker, body: str) -> WorkerNote:
    _require(policy.can_read_notes(actor), "Only supervisors keep notes on workers.")
    body = (body or "").strip()
    if not body:
        raise reject("body", "Write the note.", code="staffing.note_empty")
    if len(body) > MAX_NOTE:
        raise reject("body", f"Keep a note under {MAX_NOTE:,} characters.", code="staffing.note_too_long")
    note = WorkerNote.objects.create(worker=worker, author=actor, body=body)
    events.note_added(actor=actor, note=note)
    return note


# --- Availability -----------------------------------------------------------------------------------


def _valid_cell(weekday: Any, hour: Any) -> tuple[int, int]:
    try:
        day, h = int(weekday), int(hour)
    except (TypeError, ValueError):
        day, h = -1, -1
    if not (0 <= day <= 6 and 0 <= h <= 23):
        raise reject("cells", f"No such hour in the week: {weekday!r}, {hour!r}.", code="staffing.cell_invalid")
    return day, h


@transaction.atomic
def availability_save(*, actor: User, worker: Worker, term: Term, cells: Iterable[tuple[int, int, bool]]) -> int:
    """Replace a worker's weekly grid for a term with `cells` ((weekday, hour, preferred)).
    Returns the number of available hours."""
    _require(policy.can_edit_availability(actor, worker), "Only the worker or a supervisor sets availability.")
    grid: dict[tuple[int, int], bool] = {}
    for weekday, hour, preferred in cells:
        key = _valid_cell(weekday, hour)
        grid[key] = grid.get(key, False) or bool(preferred)
    AvailabilityCell.objects.filter(worker=worker, term=term).delete()
    AvailabilityCell.objects.bulk_create(
        AvailabilityCell(worker=worker, term=term, weekday=d, hour=h, preferred=p) for (d, h), p in sorted(grid.items())
    )
    events.availability_saved(actor=actor, worker=worker, term=term, hours=len(grid))
    return len(grid)


def availability_save_blocks(*, actor: User, worker: Worker, term: Term, blocks: Iterable[Mapping[str, Any]]) -> int:
    """The same, from blocks ({weekday, start, end, preferred}); two blocks may not cover the
    same hour (the message names both)."""
    cells: list[tuple[int, int, bool]] = []
    owner: dict[tuple[int, int], int] = {}
    for index, block in enumerate(blocks):
        day, start = _valid_cell(block.get("weekday"), block.get("start"))
        try:
            end = int(block.get("end"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            end = -1
        if not (start < end <= 24):
            raise reject(
                "blocks", f"Block {index + 1} must end after it starts (hours 0–24).", code="staffing.block_invalid"
            )
        for hour in range(start, end):
            if (day, hour) in owner:
                raise reject(
                    "blocks",
                    f"Blocks {owner[(day, hour)] + 1} and {index + 1} both cover "
                    f"{selectors.WEEKDAYS[day]} {hour:02d}:00; join them into one block or remove one.",
                    code="staffing.blocks_overlap",
                )
            owner[(day, hour)] = index
            cells.append((day, hour, bool(block.get("preferred"))))
    return availability_save(actor=actor, worker=worker, term=term, cells=cells)


@transaction.atomic
def unavailability_add(*, actor: User, worker: Worker, term: Term, date: dt.date, note: str = "") -> Unavailability:
    _require(policy.can_edit_availability(actor, worker), "Only the worker or a supervisor marks dates.")
    if not (term.starts_on <= date <= term.ends_on):
        raise reject(
            "date",
            f"Choose a date in {term.name} ({term.starts_on:%-d %b} – {term.ends_on:%-d %b %Y}).",
            code="staffing.date_outside_term",
        )
    if Unavailability.objects.filter(worker=worker, date=date).exists():
        raise reject("date", f"{date:%-d %B} is already marked unavailable.", code="staffing.date_taken")
    return Unavailability.objects.create(worker=worker, date=date, note=(note or "").strip()[:120])


@transaction.atomic
def unavailability_remove(*, actor: User, worker: Worker, pk: int) -> None:
    _require(policy.can_edit_availability(actor, worker), "Only the worker or a supervisor changes dates.")
    Unavailability.objects.filter(worker=worker, pk=pk).delete()


# --- Needs --------------------------------------------------------------------------------------------


@transaction.atomic
def needs_save(
    *,
    actor: User,
    term: Term,
    point: Any,
    skill: Skill | None,
    grid: Mapping[tuple[int, int], tuple[int, int]],
) -> int:
    """Replace one position's needs in a term with `grid` ((weekday, hour) → (minimum, ideal));
    an ideal of 0 means none. Returns the number of hours needed."""
    _require(policy.can_manage_pool(actor), "Only supervisors set coverage needs.")
    rows = []
    for (weekday, hour), (minimum, ideal) in sorted(grid.items()):
        day, h = _valid_cell(weekday, hour)
        if ideal == 0 and minimum == 0:
            continue
        if not (0 <= minimum <= ideal <= 20):
            raise reject(
                "grid",
                f"{selectors.WEEKDAYS[day]} {h:02d}:00: the minimum ({minimum}) must be 0 to the ideal ({ideal}), "
                "and the ideal 1 to 20.",
                code="staffing.need_invalid",
            )
        rows.append(
            CoverageNeed(term=term, service_point=point, skill=skill, weekday=day, hour=h, minimum=minimum, ideal=ideal)
        )
    CoverageNeed.objects.filter(term=term, service_point=point, skill=skill).delete()
    CoverageNeed.objects.bulk_create(rows)
    events.needs_saved(
        actor=actor, term=term, point_slug=point.slug, skill=skill.slug if skill else "", hours=len(rows)
    )
    return len(rows)


@transaction.atomic
def need_rule_set(*, actor: User, term: Term, questions_per_worker: Any) -> Term:
    """The rule that turns traffic into workers: one worker per this many questions an hour."""
    _require(policy.can_manage_pool(actor), "Only supervisors set the rule for suggested needs.")
    try:
        value = int(str(questions_per_worker).strip())
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 200:
        raise reject(
            "questions_per_worker",
            "Give a whole number of questions an hour one worker handles, 1 to 200.",
            code="staffing.rule_invalid",
        )
    term = Term.objects.select_for_update().get(pk=term.pk)
    before = term.questions_per_worker
    if before != value:
        term.questions_per_worker = value
        term.save(update_fields=["questions_per_worker", "updated_at"])
        events.need_rule_set(actor=actor, term=term, before=before, after=value)
    return term


@transaction.atomic
def needs_accept_suggested(
    *,
    actor: User,
    term: Term,
    point: Any,
    skill: Skill | None,
    cells: Iterable[tuple[int, int]] | None,
    first_week: int = 1,
    last_week: int | None = None,
) -> int:
    """Take the suggested need for the named cells ((weekday, hour); None: every cell) into the
    position's needs, leaving the other cells as they are. The suggestion is worked out again
    here from the traffic and the term's rule, never taken from the page. A closed hour's
    suggestion is no need at all. Returns how many cells changed."""
    _require(policy.can_manage_pool(actor), "Only supervisors set coverage needs.")
    Term.objects.select_for_update().filter(pk=term.pk).first()  # one acceptance at a time per term
    found = selectors.need_suggestions(term=term, point=point, skill=skill, first_week=first_week, last_week=last_week)
    wanted = list(found.cells) if cells is None else [_valid_cell(d, h) for d, h in cells]
    grid = {key: pair for key, pair in selectors.need_grid(term=term, point=point, skill=skill).items()}
    changed = 0
    for key in wanted:
        cell = found.cells.get(key)
        if cell is None:
            raise reject(
                "cells",
                f"{selectors.WEEKDAYS[key[0]]} {key[1]:02d}:00 is not on the grid.",
                code="staffing.cell_invalid",
            )
        if not cell.differs:
            continue
        changed += 1
        if cell.suggested is None:
            grid.pop(key, None)
        else:
            grid[key] = cell.suggested
    if changed:
        needs_save(actor=actor, term=term, point=point, skill=skill, grid=grid)
        events.needs_suggestion_accepted(
            actor=actor,
            term=term,
            point_slug=point.slug,
            skill=skill.slug if skill else "",
            cells=changed,
            rule=found.questions_per_worker,
        )
    return changed


@transaction.atomic
def needs_import(
    *, actor: User, term: Term, grids: Mapping[tuple[str, str], Mapping[tuple[int, int], tuple[int, int]]]
) -> dict[str, list[str]]:
    """Replace the needs of every position a spreadsheet names ((point slug, skill slug or "")
    → grid) in one transaction: all of them or none. A position whose grid is already as given
    is left alone, so importing the same file again changes nothing. Returns the positions
    `changed` and `unchanged`, by label."""
    _require(policy.can_manage_pool(actor), "Only supervisors set coverage needs.")
    points = {p.slug: p for p in places.service_point_choices(active_only=False)}
    skills = {s.slug: s for s in selectors.skill_list()}
    problems = _Problems()
    resolved = []
    for (point_slug, skill_slug), grid in grids.items():
        point, skill = points.get(point_slug), skills.get(skill_slug) if skill_slug else None
        label = point_slug + (f" ({skill_slug})" if skill_slug else "")
        if point is None or (skill_slug and skill is None):
            problems.add("file", f"{label}: no such service point or skill.", code="staffing.import_position")
            continue
        resolved.append((label, point, skill, dict(grid)))
    problems.raise_any()
    Term.objects.select_for_update().filter(pk=term.pk).first()  # one import at a time per term
    outcome: dict[str, list[str]] = {"changed": [], "unchanged": []}
    for label, point, skill, grid in resolved:
        if selectors.need_grid(term=term, point=point, skill=skill) == grid:
            outcome["unchanged"].append(label)
            continue
        needs_save(actor=actor, term=term, point=point, skill=skill, grid=grid)
        outcome["changed"].append(label)
    return outcome


# --- The schedule: solve, apply, publish ---------------------------------------------------------------


def _horizon(term: Term, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days a new pattern applies to: from today (or the term's start) to the term's end."""
    today = today or timezone.localdate()
    return max(today, term.starts_on), term.ends_on


@transaction.atomic
def schedule_generate(*, actor: User, term: Term, time_limit_s: int = 10) -> ScheduleRun:
    """Queue a solver run for the term's remaining weeks; refused at once when there is nothing
    to schedule. The run itself happens through the task queue."""
    _require(policy.can_manage_pool(actor), "Only supervisors generate the schedule.")
    if not CoverageNeed.objects.filter(term=term).exists():
        raise reject("term", f"{term.name} has no coverage needs yet: set them first.", code="staffing.no_needs")
    if not AvailabilityCell.objects.filter(term=term, worker__is_active=True).exists():
        raise reject("term", f"No worker has given availability for {term.name} yet.", code="staffing.no_workers")
    schedule = Schedule.objects.select_for_update().get(term=term)
    run = ScheduleRun.objects.create(
        schedule=schedule,
        requested_by=actor,
        time_limit_s=max(1, min(int(time_limit_s), MAX_RUN_SECONDS)),
        base_version=schedule.version,
    )
    events.run_requested(actor=actor, run=run)
    from liaison.staffing.tasks import run_solver

    after_commit(run_solver, run.pk)
    return run


def schedule_run_execute(*, run_id: int) -> ScheduleRun:
    """System job (no actor; the run names who asked): solve and keep the proposal. A failure
    is kept on the run, never half-applied: nothing about the schedule changes here."""
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update(of=("self",)).select_related("schedule__term").get(pk=run_id)
        if run.status != ScheduleRun.Status.QUEUED:
            return run
        run.status = ScheduleRun.Status.RUNNING
        run.save(update_fields=["status", "updated_at"])
    term = run.schedule.term
    start, _end = _horizon(term)
    first_week = selectors.week_start(start)
    try:
        keep = selectors.current_pattern(schedule=run.schedule, from_date=first_week, published_only=True)
        problem = selectors.solver_problem(term=term, on=start, keep=keep)
        solution = cp.solve(problem, time_limit_s=run.time_limit_s)
        current = selectors.current_pattern(schedule=run.schedule, from_date=first_week)
        result = _run_result(problem, solution, current)
    except Exception as exc:  # kept on the run for the supervisor; the schedule is untouched
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=ScheduleRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500], finished_at=timezone.now()
        )
        raise
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=ScheduleRun.Status.DONE, result=result, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _run_result(problem: cp.Problem, solution: cp.Solution, current: set[cp.ShiftOut]) -> dict[str, Any]:
    proposed = set(solution.shifts)
    hours = solution.hours_by_worker()
    return {
        "status": solution.status,
        "wall_s": round(solution.wall_s, 2),
        "gap_pct": round(solution.gap_pct, 2),
        "shifts": [[s.worker, s.position, s.day, s.start, s.end] for s in sorted(proposed, key=_order)],
        "added": [[s.worker, s.position, s.day, s.start, s.end] for s in sorted(proposed - current, key=_order)],
        "removed": [[s.worker, s.position, s.day, s.start, s.end] for s in sorted(current - proposed, key=_order)],
        "kept": len(proposed & current),
        "unmet": [[u.position, u.day, u.hour, u.below_minimum, u.below_ideal, u.reason] for u in solution.unmet],
        "unmet_minimum_hours": solution.unmet_minimum_hours,
        "unmet_ideal_hours": solution.unmet_ideal_hours,
        "hours_by_worker": {str(k): v for k, v in hours.items()},
        "hours_by_dept": _hours_by_dept(problem, hours),
        "budgets": problem.budgets,
        "workers_considered": len(problem.workers),
    }


def _order(s: cp.ShiftOut) -> tuple:
    return (s.day, s.start, s.position, s.worker)


def _hours_by_dept(problem: cp.Problem, hours: dict[int, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for w in problem.workers:
        out[w.dept] = out.get(w.dept, 0) + hours.get(w.id, 0)
    return out


@transaction.atomic
def schedule_run_apply(*, actor: User, run: ScheduleRun, today: dt.date | None = None) -> dict[str, int]:
    """Turn a finished run's weekly pattern into dated draft shifts from today to the end of
    the term. A published shift the pattern keeps stays as it is; one it drops is cancelled
    (calendars remove it); drafts are replaced. On a date a worker marked unavailable, or
    whose training has lapsed by then, the shift is created open with the reason, for someone
    else to pick up. Days a service point is closed get no shifts."""
    _require(policy.can_manage_pool(actor), "Only supervisors apply a solver run.")
    run = ScheduleRun.objects.select_for_update(of=("self",)).select_related("schedule__term").get(pk=run.pk)
    schedule = Schedule.objects.select_for_update().get(pk=run.schedule_id)
    if run.status != ScheduleRun.Status.DONE:
        raise reject(
            "run", "This run has no proposal to apply (it is not finished, or was used).", code="staffing.run_not_ready"
        )
    if schedule.version != run.base_version:
        raise reject(
            "run",
            "The schedule changed after this run started (someone applied, published or edited it). Run the "
            "solver again to see a proposal against the schedule as it is now.",
            code="staffing.run_stale",
        )
    term = schedule.term
    start, end = _horizon(term, today)
    pattern = [cp.ShiftOut(*row) for row in run.result.get("shifts", [])]
    workers = {w.pk: w for w in Worker.objects.filter(pk__in={s.worker for s in pattern}).select_related("user")}
    points = {p.slug: p for p in places.service_point_list(active_only=False)}
    skills = {s.slug: s for s in Skill.objects.all()}
    unavailable = set(
        Unavailability.objects.filter(worker_id__in=workers, date__gte=start, date__lte=end).values_list(
            "worker_id", "date"
        )
    )
    trainings: dict[tuple[int, int], Training] = {
        (t.worker_id, t.skill_id): t for t in Training.objects.filter(worker_id__in=workers)
    }

    existing = {
        (s.worker_id, s.service_point_id, s.skill_id, s.date, s.start_hour, s.end_hour): s
        for s in Shift.objects.filter(schedule=schedule, date__gte=start, date__lte=end).exclude(
            state=Shift.State.CANCELLED
        )
    }
    wanted: dict[tuple, str] = {}
    day = start
    while day <= end:
        for s in pattern:
            if s.day != day.weekday():
                continue
            slug, _, skill_slug = s.position.partition("/")
            point = points.get(slug)
            skill = skills.get(skill_slug) if skill_slug else None
            if point is None or places.hours_on(point, day).is_closed:
                continue
            reason = ""
            if (s.worker, day) in unavailable:
                reason = f"{workers[s.worker]} is unavailable that day"
            elif skill is not None:
                training = trainings.get((s.worker, skill.pk))
                if training is None or not training.valid_on(day):
                    reason = f"{workers[s.worker]}'s {skill.name} training is not valid that day"
            worker_id = None if reason else s.worker
            wanted[(worker_id, point.pk, skill.pk if skill else None, day, s.start, s.end)] = reason
        day += dt.timedelta(days=1)

    created = cancelled = deleted = 0
    for key, shift in existing.items():
        if key in wanted:
            continue
        if shift.state == Shift.State.PUBLISHED:
            shift.state = Shift.State.CANCELLED
            shift.sequence += 1
            shift.save(update_fields=["state", "sequence", "updated_at"])
            events.shift_cancelled(actor=actor, shift=shift)
            cancelled += 1
        else:
            shift.delete()
            deleted += 1
    for key, reason in wanted.items():
        if key in existing:
            continue
        worker_id, point_id, skill_id, date, start_hour, end_hour = key
        shift = Shift.objects.create(
            schedule=schedule,
            worker_id=worker_id,
            service_point_id=point_id,
            skill_id=skill_id,
            date=date,
            start_hour=start_hour,
            end_hour=end_hour,
            open_reason=reason[:200],
        )
        events.shift_created(actor=actor, shift=shift)
        created += 1
    schedule.version += 1
    schedule.save(update_fields=["version", "updated_at"])
    run.status = ScheduleRun.Status.APPLIED
    run.save(update_fields=["status", "updated_at"])
    summary = {
        "created": created,
        "cancelled": cancelled,
        "replaced_drafts": deleted,
        "kept": len(existing) - cancelled - deleted,
    }
    events.run_applied(actor=actor, run=run, summary=summary)
    return summary


@transaction.atomic
def schedule_publish(*, actor: User, schedule: Schedule, expected_version: int) -> int:
    """Publish every draft shift of the schedule at once, if the schedule is still the version
    the supervisor looked at. Two supervisors publishing together: the first wins, the second is
    told (and nothing is half-published: it is one transaction under a row lock)."""
    _require(policy.can_manage_pool(actor), "Only supervisors publish the schedule.")
    schedule = (
        Schedule.objects.select_for_update(of=("self",)).select_related("term", "published_by").get(pk=schedule.pk)
    )
    if schedule.published_version == schedule.version:
        who = f" by {schedule.published_by}" if schedule.published_by else ""
        when = f" at {timezone.localtime(schedule.published_at):%H:%M}" if schedule.published_at else ""
        raise reject("version", f"This schedule is already published{who}{when}.", code="staffing.already_published")
    if schedule.version != expected_version:
        raise reject(
            "version",
            "The schedule changed since you loaded this page (another supervisor applied a run or edited "
            "shifts). Review the latest version, then publish.",
            code="staffing.publish_conflict",
        )
    drafts = list(Shift.objects.filter(schedule=schedule, state=Shift.State.DRAFT).select_related("worker"))
    Shift.objects.filter(pk__in=[s.pk for s in drafts]).update(state=Shift.State.PUBLISHED, updated_at=timezone.now())
    for shift in drafts:
        shift.state = Shift.State.PUBLISHED
    schedule.published_version = schedule.version
    schedule.published_at = timezone.now()
    schedule.published_by = actor
    schedule.save(update_fields=["published_version", "published_at", "published_by", "updated_at"])
    notify = sorted({s.worker.user_id for s in drafts if s.worker is not None})
    events.schedule_published(actor=actor, schedule=schedule, shifts=drafts, notify_user_ids=notify)
    return len(drafts)


def _bump(schedule_id: int) -> None:
    schedule = Schedule.objects.select_for_update().get(pk=schedule_id)
    schedule.version += 1
    if schedule.published_version is not None and schedule.published_version == schedule.version - 1:
        # A change to published shifts is live at once; the schedule stays published.
        schedule.published_version = schedule.version
    schedule.save(update_fields=["version", "published_version", "updated_at"])


@transaction.atomic
def shift_assign(*, actor: User, shift: Shift, worker: Worker | None, override: bool = False) -> list[str]:
    """Give a shift to a worker (or leave it open). Rules the worker would break are refused,
    each named, unless the supervisor overrides them; the override is kept in the history.
    Returns the rules overridden."""
    _require(policy.can_assign_shift(actor), "Only supervisors assign shifts.")
    shift = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("worker", "skill", "schedule__term")
        .get(pk=shift.pk)
    )
    if shift.state == Shift.State.CANCELLED:
        raise reject("shift", "This shift was cancelled.", code="staffing.offer_closed")
    if worker is not None and shift.worker_id == worker.pk:
        return []
    problems = selectors.assignment_problems(worker=worker, shift=shift) if worker is not None else []
    if problems and not override:
        raise ValidationError({"worker": [ValidationError(p.message, code="staffing.not_eligible") for p in problems]})
    before = events.shift_snapshot(shift)
    previous = shift.worker
    shift.worker = worker
    shift.open_reason = "" if worker else "Left open by a supervisor"
    shift.sequence += 1
    shift.save(update_fields=["worker", "open_reason", "sequence", "updated_at"])
    note = ("Overridden: " + " ".join(p.message for p in problems)) if problems else ""
    events.shift_assigned(actor=actor, shift=shift, before=before, from_worker=previous, note=note)
    ShiftOffer.objects.filter(shift=shift, status__in=["open", "taken"]).update(
        status=ShiftOffer.Status.WITHDRAWN, updated_at=timezone.now()
    )
    _bump(shift.schedule_id)
    return [p.message for p in problems]


# --- Offers, pick-ups, approvals -------------------------------------------------------------------------


@transaction.atomic
def shift_offer(*, actor: User, shift: Shift, note: str = "") -> ShiftOffer:
    """A worker offers their published shift. Offering twice (a double click) gives the same
    offer back."""
    shift = Shift.objects.select_for_update(of=("self",)).select_related("worker").get(pk=shift.pk)
    _require(policy.can_offer_shift(actor, shift), "Only the worker on a published, upcoming shift may offer it.")
    live = ShiftOffer.objects.filter(shift=shift, status__in=["open", "taken"]).first()
    if live is not None:
        return live
    try:
        with transaction.atomic():
            offer = ShiftOffer.objects.create(shift=shift, offered_by=shift.worker, note=(note or "").strip()[:300])
    except IntegrityError:
        offer = ShiftOffer.objects.get(shift=shift, status__in=["open", "taken"])
        return offer
    events.shift_offered(actor=actor, offer=offer)
    return offer


@transaction.atomic
def offer_withdraw(*, actor: User, offer: ShiftOffer) -> ShiftOffer:
    offer = ShiftOffer.objects.select_for_update(of=("self",)).select_related("shift", "offered_by").get(pk=offer.pk)
    _require(
        policy.can_manage_pool(actor) or policy.is_pool_member(actor, offer.offered_by),
        "Only the worker who offered it or a supervisor withdraws an offer.",
    )
    if offer.status == ShiftOffer.Status.WITHDRAWN:
        return offer
    if offer.status not in (ShiftOffer.Status.OPEN, ShiftOffer.Status.TAKEN):
        raise reject("offer", "This offer was already decided.", code="staffing.offer_closed")
    offer.status = ShiftOffer.Status.WITHDRAWN
    offer.save(update_fields=["status", "updated_at"])
    events.offer_withdrawn(actor=actor, offer=offer)
    return offer


def _eligible_or_refuse(worker: Worker, shift: Shift) -> None:
    problems = selectors.assignment_problems(worker=worker, shift=shift)
    if problems:
        raise ValidationError({"offer": [ValidationError(p.message, code="staffing.not_eligible") for p in problems]})


def _hand_over(*, actor: User, offer: ShiftOffer, automatic: bool) -> None:
    shift = offer.shift
    previous = shift.worker
    shift.worker = offer.taken_by
    shift.open_reason = ""
    shift.sequence += 1
    shift.save(update_fields=["worker", "open_reason", "sequence", "updated_at"])
    offer.status = ShiftOffer.Status.APPROVED
    offer.decided_by = None if automatic else actor
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    events.offer_approved(actor=actor, offer=offer, from_worker=previous, automatic=automatic)
    _bump(shift.schedule_id)


@transaction.atomic
def offer_take(*, actor: User, offer: ShiftOffer) -> ShiftOffer:
    """A worker picks up an offered shift: only if eligible (available, trained, within their
    hours and their department's budget). With the term's approval setting on, it waits for a
    supervisor; off, the shift changes hands at once. A second click changes nothing."""
    offer = (
        ShiftOffer.objects.select_for_update(of=("self",))
        .select_related("shift__worker", "shift__skill", "shift__schedule__term", "taken_by")
        .get(pk=offer.pk)
    )
    worker = selectors.worker_for_user(actor)
    _require(policy.can_take_offer(actor, offer, worker), "Only another worker in the pool may pick up a shift.")
    assert worker is not None
    if offer.taken_by_id == worker.pk and offer.status in (ShiftOffer.Status.TAKEN, ShiftOffer.Status.APPROVED):
        return offer
    if offer.status == ShiftOffer.Status.TAKEN:
        raise reject("offer", "Someone else has already picked up this shift.", code="staffing.offer_taken")
    if offer.status != ShiftOffer.Status.OPEN:
        raise reject("offer", "This shift is no longer on offer.", code="staffing.offer_closed")
    if offer.shift.date < timezone.localdate():
        raise reject("offer", "This shift has already happened.", code="staffing.shift_past")
    _eligible_or_refuse(worker, offer.shift)
    offer.taken_by = worker
    offer.status = ShiftOffer.Status.TAKEN
    offer.save(update_fields=["taken_by", "status", "updated_at"])
    events.offer_taken(actor=actor, offer=offer)
    if not offer.shift.schedule.term.swaps_need_approval:
        _hand_over(actor=actor, offer=offer, automatic=True)
    return offer


@transaction.atomic
def offer_decide(*, actor: User, offer: ShiftOffer, approve: bool) -> ShiftOffer:
    """A supervisor approves (the shift changes hands, after the rules are checked again) or
    declines (the shift stays offered to others). Deciding twice changes nothing."""
    _require(policy.can_decide_offer(actor), "Only supervisors approve pick-ups.")
    offer = (
        ShiftOffer.objects.select_for_update(of=("self",))
        .select_related("shift__worker", "shift__skill", "shift__schedule__term", "taken_by")
        .get(pk=offer.pk)
    )
    if offer.status in (ShiftOffer.Status.APPROVED, ShiftOffer.Status.DECLINED):
        return offer
    if offer.status != ShiftOffer.Status.TAKEN or offer.taken_by is None:
        raise reject("offer", "Nobody has picked up this shift yet.", code="staffing.offer_closed")
    if approve:
        _eligible_or_refuse(offer.taken_by, offer.shift)
        _hand_over(actor=actor, offer=offer, automatic=False)
    else:
        events.offer_declined(actor=actor, offer=offer)
        offer.status = ShiftOffer.Status.OPEN
        offer.taken_by = None
        offer.save(update_fields=["status", "taken_by", "updated_at"])
    return offer


# --- Calendar links ---------------------------------------------------------------------------------------


@transaction.atomic
def feed_link_reset(*, actor: User) -> str:
    """A new secret calendar link for this person; the old one stops working at once. The token
    is returned once; only its SHA-256 is stored."""
    _require(policy.can_view_schedule(actor), "Your role has no shift calendar.")
    token = secrets.token_urlsafe(32)
    FeedToken.objects.update_or_create(
        user=actor, defaults={"token_hash": selectors.hash_feed_token(token), "created_at": timezone.now()}
    )
    events.feed_link_made(actor=actor)
    return token
