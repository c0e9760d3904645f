"""Reads for the student-worker pool. Access follows `policy.py`: a shift, worker or run that
is not yours to see is simply not found (404); one you may see but not change is 403.

Also the rule checks every write shares (`assignment_problems`: may this worker work this
shift?), the solver's input (`solver_problem`), who is on duty now, payroll hours, and the
hours the library's desk gets from IT-paid workers (and the other way round) for the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from liaison.desk import selectors as desk_selectors
from liaison.places import selectors as places
from liaison.staffing import policy
from liaison.staffing.models import (
    AvailabilityCell,
    CoverageNeed,
    DepartmentBudget,
    FeedToken,
    Schedule,
    ScheduleRun,
    Shift,
    ShiftEvent,
    ShiftOffer,
    Skill,
    Term,
    Training,
    Unavailability,
    Worker,
    WorkerNote,
)
from liaison.staffing.solver import AVAILABLE, PREFERRED, NeedIn, Problem, ShiftOut, WorkerIn

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SHORT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
GRID_HOURS = range(7, 23)  # the hours a needs grid always shows


# --- Terms ------------------------------------------------------------------------------------


def term_list() -> QuerySet[Term]:
    return Term.objects.order_by("-starts_on")


def term_current(*, today: dt.date | None = None) -> Term | None:
    """The term running today, else the next one to start, else the latest."""
    today = today or timezone.localdate()
    return (
        Term.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("starts_on").first()
        or Term.objects.filter(starts_on__gt=today).order_by("starts_on").first()
        or Term.objects.order_by("-ends_on").first()
    )


def term_get(*, pk: int) -> Term:
    term = Term.objects.filter(pk=pk).first()
    if term is None:
        raise Http404("No such term.")
    return term


def schedule_for(term: Term) -> Schedule:
    schedule, _ = Schedule.objects.get_or_create(term=term)
    return schedule


def budgets_for(term: Term) -> QuerySet[DepartmentBudget]:
    return DepartmentBudget.objects.filter(term=term).select_related("department")


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("name")


def skill_by_slug(slug: str) -> Skill | None:
    return Skill.objects.filter(slug=slug).first() if slug else None


# --- Workers ----------------------------------------------------------------------------------


def worker_for_user(user: Any) -> Worker | None:
    """The pool membership of the person signed in, if any (and active)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Worker.objects.select_related("user", "paying_department").filter(user_id=user.pk, is_active=True).first()


def worker_list_for_user(*, user: Any, active_only: bool = True) -> QuerySet[Worker]:
    """Every worker, for supervisors; 403 for anyone else (the pool's roster is theirs)."""
    if not policy.can_manage_pool(user):
        raise PermissionDenied("Only supervisors see the whole pool.")
    workers = Worker.objects.select_related("user", "paying_department").prefetch_related(
        Prefetch("trainings", queryset=Training.objects.select_related("skill"))
    )
    return workers.filter(is_active=True) if active_only else workers


def worker_get_for_user(*, user: Any, pk: int, for_edit: bool = False) -> Worker:
    worker = Worker.objects.select_related("user", "paying_department").filter(pk=pk).first()
    if worker is None or not policy.can_see_worker(user, worker):
        raise Http404("No such worker, or not one you may see.")
    if for_edit and not policy.can_edit_availability(user, worker):
        raise PermissionDenied("Only the worker or a supervisor may change this.")
    return worker


def notes_for_user(*, user: Any, worker: Worker) -> QuerySet[WorkerNote]:
    if not policy.can_read_notes(user):
        raise PermissionDenied("Only supervisors read notes on workers.")
    return WorkerNote.objects.filter(worker=worker).select_related("author")


def trainings_of(worker: Worker) -> QuerySet[Training]:
    return Training.objects.filter(worker=worker).select_related("skill", "signed_off_by")


def training_get_for_user(*, user: Any, pk: int) -> Training:
    training = Training.objects.select_related("worker", "skill").filter(pk=pk).first()
    if training is None or not policy.can_see_worker(user, training.worker):
        raise Http404("No such training record.")
    return training


def valid_skills_on(worker: Worker, day: dt.date) -> set[str]:
    return {t.skill.slug for t in trainings_of(worker) if t.valid_on(day)}


# --- Availability -------------------------------------------------------------------------------


def availability_grid(*, worker: Worker, term: Term) -> dict[tuple[int, int], int]:
    """(weekday, hour) → AVAILABLE or PREFERRED; hours absent are not available."""
    return {
        (c.weekday, c.hour): PREFERRED if c.preferred else AVAILABLE
        for c in AvailabilityCell.objects.filter(worker=worker, term=term)
    }


def unavailable_dates(*, worker: Worker, term: Term | None = None) -> QuerySet[Unavailability]:
    dates = Unavailability.objects.filter(worker=worker)
    if term is not None:
        dates = dates.filter(date__gte=term.starts_on, date__lte=term.ends_on)
    return dates


# --- Needs --------------------------------------------------------------------------------------


def position_key(point_slug: str, skill_slug: str | None) -> str:
    return f"{point_slug}/{skill_slug}" if skill_slug else point_slug


def needs_for(term: Term) -> QuerySet[CoverageNeed]:
    return CoverageNeed.objects.filter(term=term).select_related("service_point", "skill")


@dataclass(frozen=True)
class Position:
    key: str
    point: Any  # places.ServicePoint
    skill: Skill | None

    @property
    def label(self) -> str:
        return f"{self.point.name} — {self.skill.name}" if self.skill else self.point.name


def positions_for(term: Term) -> list[Position]:
    seen: dict[str, Position] = {}
    # The desk without a skill first on every database (PostgreSQL sorts NULL last, SQLite first).
    for need in needs_for(term).order_by("service_point__name", F("skill__name").asc(nulls_first=True)):
        key = position_key(need.service_point.slug, need.skill.slug if need.skill else None)
        seen.setdefault(key, Position(key, need.service_point, need.skill))
    return list(seen.values())


def need_grid(*, term: Term, point: Any, skill: Skill | None) -> dict[tuple[int, int], tuple[int, int]]:
    return {
        (n.weekday, n.hour): (n.minimum, n.ideal)
        for n in CoverageNeed.objects.filter(term=term, service_point=point, skill=skill)
    }


# --- Needs suggested from the desk's traffic (ADR 0054) ------------------------------------------

MAX_PAST_TERMS = 3  # the most recent like terms are enough, and keep the reads constant
SAME_SEASON_DAYS = 45  # a past term is "the same kind" when it started within this many days of the year


def term_week_count(term: Term) -> int:
    """Weeks of the term, counted from the Monday of the week it starts in."""
    return (term.ends_on - week_start(term.starts_on)).days // 7 + 1


def like_terms(term: Term) -> list[Term]:
    """Earlier terms of the same kind (fall with fall, spring with spring): those that ended
    before this one starts and started within SAME_SEASON_DAYS of the same day of the year,
    most recent first, at most MAX_PAST_TERMS."""
    found = []
    for past in Term.objects.filter(ends_on__lt=term.starts_on).order_by("-starts_on"):
        gap = abs(past.starts_on.timetuple().tm_yday - term.starts_on.timetuple().tm_yday)
        if min(gap, 366 - gap) <= SAME_SEASON_DAYS:
            found.append(past)
        if len(found) == MAX_PAST_TERMS:
            break
    return found


@dataclass(frozen=True)
class Comparison:
    """The dates of one past term that line up with the chosen weeks of this term: week k
    of one is week k of the other, each counted from the Monday of its first week."""

    term: Term
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return f"{self.term.name} ({self.first:%-d %b}–{self.last:%-d %b %Y})"


def comparison_windows(term: Term, *, first_week: int = 1, last_week: int | None = None) -> list[Comparison]:
    weeks = term_week_count(term)
    last_week = min(last_week or weeks, weeks)
    first_week = max(1, min(first_week, last_week))
    windows = []
    for past in like_terms(term):
        monday = week_start(past.starts_on)
        first = max(past.starts_on, monday + dt.timedelta(weeks=first_week - 1))
        last = min(past.ends_on, monday + dt.timedelta(weeks=last_week) - dt.timedelta(days=1))
        if first <= last:
            windows.append(Comparison(past, first, last))
    return windows


def open_hours_by_weekday(point: Any) -> dict[int, set[int]]:
    """Hours of each weekday in which the service point is open for some of the hour, from
    its weekly opening hours (uses prefetched `opening_hours` when present)."""
    hours: dict[int, set[int]] = defaultdict(set)
    for period in point.opening_hours.all():
        opens = period.opens.hour * 60 + period.opens.minute
        closes = period.closes.hour * 60 + period.closes.minute
        for hour in range(24):
            if opens < (hour + 1) * 60 and closes > hour * 60:
                hours[period.weekday].add(hour)
    return hours


def suggest_workers(questions_per_hour: float, *, questions_per_worker: int, is_open: bool) -> int:
    """The rule: one worker per `questions_per_worker` questions an hour (rounded up), at
    least one while open, none while closed."""
    if not is_open:
        return 0
    return max(1, math.ceil(round(questions_per_hour, 6) / questions_per_worker))


@dataclass(frozen=True)
class SuggestedCell:
    weekday: int
    hour: int
    questions_per_hour: float
    is_open: bool
    current: tuple[int, int] | None  # (minimum, ideal), None when no need is set
    suggested: tuple[int, int] | None  # (1, workers) while open; None when closed

    @property
    def differs(self) -> bool:
        return self.current != self.suggested

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00"

    @staticmethod
    def text(pair: tuple[int, int] | None) -> str:
        if pair is None:
            return "–"
        return str(pair[1]) if pair[0] == pair[1] else f"{pair[0]}/{pair[1]}"

    @property
    def current_text(self) -> str:
        return self.text(self.current)

    @property
    def suggested_text(self) -> str:
        return self.text(self.suggested)


@dataclass
class NeedSuggestions:
    term: Term
    point: Any
    skill: Skill | None
    questions_per_worker: int
    first_week: int
    last_week: int
    weeks: int
    comparisons: list[Comparison]
    cells: dict[tuple[int, int], SuggestedCell]
    hours: list[int]

    @property
    def rows(self) -> list[tuple[int, list[SuggestedCell], bool]]:
        """(hour, its cell on each weekday, whether any of them differs from the suggestion)."""
        rows = []
        for hour in self.hours:
            cells = [self.cells[(day, hour)] for day in range(7)]
            rows.append((hour, cells, any(cell.differs for cell in cells)))
        return rows

    @property
    def changes(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.differs)

    @property
    def has_traffic(self) -> bool:
        return any(cell.questions_per_hour for cell in self.cells.values())


def need_suggestions(
    *, term: Term, point: Any, skill: Skill | None, first_week: int = 1, last_week: int | None = None
) -> NeedSuggestions:
    """The position's current needs beside the needs the desk's traffic suggests: questions per
    hour and weekday in the same weeks of like past terms (`comparison_windows`), turned into
    workers by the term's rule (`suggest_workers`). Suggested as minimum 1 (someone is there
    while open) and ideal = the rule's workers. A fixed number of queries: the needs, the past
    terms, and a few count-table reads per past term (at most MAX_PAST_TERMS)."""
    weeks = term_week_count(term)
    last_week = max(1, min(last_week or weeks, weeks))
    first_week = max(1, min(first_week, last_week))
    comparisons = comparison_windows(term, first_week=first_week, last_week=last_week)
    traffic = desk_selectors.traffic_by_weekday_hour(
        service_point_id=point.pk, windows=[(c.first, c.last) for c in comparisons]
    )
    current = need_grid(term=term, point=point, skill=skill)
    open_hours = open_hours_by_weekday(point)
    hours = sorted(set(GRID_HOURS) | {h for hs in open_hours.values() for h in hs} | {h for _d, h in current})
    cells = {}
    for day in range(7):
        for hour in hours:
            is_open = hour in open_hours.get(day, set())
            per_hour = traffic.per_hour(day, hour)
            workers = suggest_workers(per_hour, questions_per_worker=term.questions_per_worker, is_open=is_open)
            cells[(day, hour)] = SuggestedCell(
                weekday=day,
                hour=hour,
                questions_per_hour=round(per_hour, 1),
                is_open=is_open,
                current=current.get((day, hour)),
                suggested=(1, workers) if workers else None,
            )
    return NeedSuggestions(
        term=term,
        point=point,
        skill=skill,
        questions_per_worker=term.questions_per_worker,
        first_week=first_week,
        last_week=last_week,
        weeks=weeks,
        comparisons=comparisons,
        cells=cells,
        hours=hours,
    )


# --- The solver's input -------------------------------------------------------------------------


def solver_problem(*, term: Term, on: dt.date, keep: Iterable[ShiftOut] = ()) -> Problem:
    """The pool, its availability, training valid on `on`, the needs and budgets, as the pure
    solver takes them. Workers with no availability for the term are left out."""
    cells: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    for cell in AvailabilityCell.objects.filter(term=term, worker__is_active=True).values(
        "worker_id", "weekday", "hour", "preferred"
    ):
        cells[cell["worker_id"]][(cell["weekday"], cell["hour"])] = PREFERRED if cell["preferred"] else AVAILABLE
    skills: dict[int, set[str]] = defaultdict(set)
    for training in Training.objects.filter(worker__is_active=True).select_related("skill"):
        if training.valid_on(on):
            skills[training.worker_id].add(training.skill.slug)
    workers = [
        WorkerIn(
            w.pk,
            w.paying_department.code,
            w.max_hours_week,
            w.max_hours_day,
            cells[w.pk],
            frozenset(skills[w.pk]),
        )
        for w in Worker.objects.filter(is_active=True).select_related("paying_department")
        if cells.get(w.pk)
    ]
    positions: dict[str, str | None] = {}
    needs = []
    for need in needs_for(term):
        key = position_key(need.service_point.slug, need.skill.slug if need.skill else None)
        positions[key] = need.skill.slug if need.skill else None
        needs.append(NeedIn(key, need.weekday, need.hour, need.minimum, need.ideal))
    budgets = {b.department.code: b.weekly_hours for b in budgets_for(term)}
    return Problem(
        workers=workers,
        positions=positions,
        needs=needs,
        budgets=budgets,
        min_len=term.min_shift_hours,
        max_len=term.max_shift_hours,
        keep=list(keep),
    )


# --- Schedule and shifts --------------------------------------------------------------------------


def _shifts() -> QuerySet[Shift]:
    return Shift.objects.select_related("worker__user", "worker__paying_department", "service_point", "skill")


def shift_get_for_user(*, user: Any, pk: int) -> Shift:
    shift = _shifts().select_related("schedule__term").filter(pk=pk).first()
    if shift is None or not policy.can_see_shift(user, shift):
        raise Http404("No such shift, or not one you may see.")
    return shift


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def shifts_in_week(
    *, user: Any, schedule: Schedule, start: dt.date, point: Any = None, worker: Worker | None = None
) -> QuerySet[Shift]:
    """A week's shifts (Monday `start` to Sunday) for a service point or a worker; drafts only
    for supervisors; cancelled ones never (they live on only in calendars)."""
    shifts = _shifts().filter(schedule=schedule, date__gte=start, date__lt=start + dt.timedelta(days=7))
    shifts = shifts.exclude(state=Shift.State.CANCELLED)
    if not policy.can_see_drafts(user):
        shifts = shifts.filter(state=Shift.State.PUBLISHED)
    if point is not None:
        shifts = shifts.filter(service_point=point)
    if worker is not None:
        shifts = shifts.filter(worker=worker)
    return shifts.order_by("date", "start_hour", "service_point__name", "skill__name")


def upcoming_shifts_of(*, worker: Worker, today: dt.date | None = None, limit: int | None = 50) -> QuerySet[Shift]:
    today = today or timezone.localdate()
    shifts = (
        _shifts()
        .filter(worker=worker, state=Shift.State.PUBLISHED, date__gte=today)
        .prefetch_related(Prefetch("offers", queryset=ShiftOffer.objects.filter(status__in=["open", "taken"])))
        .order_by("date", "start_hour", "pk")
    )
    return shifts[:limit] if limit else shifts


def shift_history(shift: Shift) -> QuerySet[ShiftEvent]:
    return shift.events.select_related("actor", "from_worker__user", "to_worker__user")


def run_get_for_user(*, user: Any, pk: int) -> ScheduleRun:
    run = ScheduleRun.objects.select_related("schedule__term", "requested_by").filter(pk=pk).first()
    if run is None or not policy.can_manage_pool(user):
        raise Http404("No such solver run.")
    return run


def latest_runs(schedule: Schedule, limit: int = 5) -> QuerySet[ScheduleRun]:
    return schedule.runs.select_related("requested_by")[:limit]


def current_pattern(*, schedule: Schedule, from_date: dt.date, published_only: bool = False) -> set[ShiftOut]:
    """The schedule's weekly pattern as the solver speaks it, read from the first week of shifts
    on or after `from_date` (a week is the solver's unit; later weeks repeat it)."""
    shifts = Shift.objects.filter(
        schedule=schedule,
        date__gte=from_date,
        date__lt=from_date + dt.timedelta(days=7),
        worker__isnull=False,
    ).exclude(state=Shift.State.CANCELLED)
    if published_only:
        shifts = shifts.filter(state=Shift.State.PUBLISHED)
    out = set()
    for s in shifts.select_related("service_point", "skill"):
        key = position_key(s.service_point.slug, s.skill.slug if s.skill else None)
        assert s.worker_id is not None
        out.add(ShiftOut(s.worker_id, key, s.date.weekday(), s.start_hour, s.end_hour))
    return out


# --- Rules for one worker and one shift ------------------------------------------------------------


@dataclass(frozen=True)
class RuleProblem:
    code: str
    message: str


def assignment_problems(
    *, worker: Worker, shift: Shift, ignore_shift_ids: Iterable[int] = (), term: Term | None = None
) -> list[RuleProblem]:
    """Every rule this worker would break by working this shift: availability, one-off dates,
    training valid on the day, another shift the same day, hours for the day and the week,
    and their paying department's budget for that week."""
    return assignment_problems_for(workers=[worker], shift=shift, ignore_shift_ids=ignore_shift_ids, term=term)[
        worker.pk
    ]


def assignment_problems_for(
    *, workers: Iterable[Worker], shift: Shift, ignore_shift_ids: Iterable[int] = (), term: Term | None = None
) -> dict[int, list[RuleProblem]]:
    """`assignment_problems` for many workers at once (worker pk → problems), in a fixed number
    of queries however many workers are asked about: the shift page weighs the whole pool."""
    workers = list(workers)
    term = term or shift.schedule.term
    ids = [w.pk for w in workers]
    weekday = shift.date.weekday()
    monday = week_start(shift.date)
    sunday_next = monday + dt.timedelta(days=7)
    ignore = {shift.pk, *ignore_shift_ids}
    available: dict[int, set[int]] = defaultdict(set)
    for worker_id, hour in AvailabilityCell.objects.filter(worker_id__in=ids, term=term, weekday=weekday).values_list(
        "worker_id", "hour"
    ):
        available[worker_id].add(hour)
    away = set(Unavailability.objects.filter(worker_id__in=ids, date=shift.date).values_list("worker_id", flat=True))
    trainings: dict[int, Training] = {}
    if shift.skill_id is not None:
        trainings = {t.worker_id: t for t in Training.objects.filter(worker_id__in=ids, skill_id=shift.skill_id)}
    week_shifts: dict[int, list[Shift]] = defaultdict(list)
    for other in (
        Shift.objects.filter(worker_id__in=ids, date__gte=monday, date__lt=sunday_next)
        .exclude(pk__in=ignore)
        .exclude(state=Shift.State.CANCELLED)
        .only("pk", "worker_id", "date", "start_hour", "end_hour")
    ):
        if other.worker_id is not None:
            week_shifts[other.worker_id].append(other)
    departments = {w.paying_department_id for w in workers}
    budgets = {
        b.department_id: b.weekly_hours
        for b in DepartmentBudget.objects.filter(term=term, department_id__in=departments)
    }
    spent_by_dept: dict[int, int] = defaultdict(int)
    if budgets:
        for dept_id, start, end in (
            Shift.objects.filter(
                schedule__term=term,
                worker__paying_department_id__in=list(budgets),
                date__gte=monday,
                date__lt=sunday_next,
            )
            .exclude(pk__in=ignore)
            .exclude(state=Shift.State.CANCELLED)
            .values_list("worker__paying_department_id", "start_hour", "end_hour")
        ):
            spent_by_dept[dept_id] += end - start
    current_dept = shift.worker.paying_department_id if shift.worker is not None else None
    return {
        worker.pk: _rule_problems(
            worker=worker,
            shift=shift,
            available=available[worker.pk],
            away=worker.pk in away,
            training=trainings.get(worker.pk),
            week=week_shifts[worker.pk],
            budget=budgets.get(worker.paying_department_id),
            spent=spent_by_dept[worker.paying_department_id],
            current_dept=current_dept,
        )
        for worker in workers
    }


def _rule_problems(
    *,
    worker: Worker,
    shift: Shift,
    available: set[int],
    away: bool,
    training: Training | None,
    week: list[Shift],
    budget: int | None,
    spent: int,
    current_dept: int | None,
) -> list[RuleProblem]:
    """The rules one worker would break on one shift, from rows read beforehand: the hours
    they are available that weekday, whether they marked the date, their training in the
    shift's skill, their other shifts that week, and their department's budget and hours
    already spent that week (the shift itself left out of both)."""
    weekday = shift.date.weekday()
    problems = []
    missing = [h for h in range(shift.start_hour, shift.end_hour) if h not in available]
    if missing:
        problems.append(
            RuleProblem(
                "unavailable",
                f"{worker} is not available {WEEKDAYS[weekday]} at " + ", ".join(f"{h:02d}:00" for h in missing) + ".",
            )
        )
    if away:
        problems.append(RuleProblem("unavailable_date", f"{worker} marked {shift.date:%-d %B} as unavailable."))
    if shift.skill_id is not None and (training is None or not training.valid_on(shift.date)):
        why = (
            "has no signed-off training"
            if training is None or not training.is_signed_off
            else f"has training that expired on {training.expires_on:%-d %B %Y}"
            if training.expires_on and training.expires_on < shift.date
            else "has training that is not valid yet"
        )
        assert shift.skill is not None
        problems.append(RuleProblem("untrained", f"{worker} {why} in {shift.skill.name}."))
    same_day = [s for s in week if s.date == shift.date]
    if any(s.start_hour < shift.end_hour and shift.start_hour < s.end_hour for s in same_day):
        problems.append(RuleProblem("double_booked", f"{worker} already works at that time."))
    day_hours = sum(s.hours for s in same_day) + shift.hours
    if day_hours > worker.max_hours_day:
        problems.append(
            RuleProblem("day_hours", f"{worker} would work {day_hours} h that day (limit {worker.max_hours_day} h).")
        )
    week_hours = sum(s.hours for s in week) + shift.hours
    if week_hours > worker.max_hours_week:
        problems.append(
            RuleProblem(
                "week_hours", f"{worker} would work {week_hours} h that week (limit {worker.max_hours_week} h)."
            )
        )
    if budget is not None:
        # A shift changing hands between two workers of the same department costs nothing more.
        same_dept_swap = current_dept is not None and current_dept == worker.paying_department_id
        total = spent + (0 if same_dept_swap else shift.hours)
        if total > budget:
            problems.append(
                RuleProblem(
                    "no_budget", f"{worker.paying_department} would pay {total} h that week (budget {budget} h)."
                )
            )
    return problems


def problems_for_shifts(*, worker: Worker, shifts: list[Shift]) -> dict[int, list[RuleProblem]]:
    """`assignment_problems` for one worker and many shifts (shift pk → problems), in a fixed
    number of queries however many shifts: the offers a worker could pick up. Each shift's own
    row is left out of the hours it is weighed against, as on its own."""
    if not shifts:
        return {}
    terms = {s.schedule.term_id for s in shifts}
    mondays = {week_start(s.date) for s in shifts}
    first, last = min(mondays), max(mondays) + dt.timedelta(days=7)
    available: dict[tuple[int, int], set[int]] = defaultdict(set)
    for term_id, weekday, hour in AvailabilityCell.objects.filter(worker=worker, term_id__in=terms).values_list(
        "term_id", "weekday", "hour"
    ):
        available[(term_id, weekday)].add(hour)
    away = set(
        Unavailability.objects.filter(worker=worker, date__in={s.date for s in shifts}).values_list("date", flat=True)
    )
    trainings = {t.skill_id: t for t in Training.objects.filter(worker=worker)}
    mine = list(
        Shift.objects.filter(worker=worker, date__gte=first, date__lt=last)
        .exclude(state=Shift.State.CANCELLED)
        .only("pk", "worker_id", "date", "start_hour", "end_hour")
    )
    budgets = {
        b.term_id: b.weekly_hours
        for b in DepartmentBudget.objects.filter(term_id__in=terms, department_id=worker.paying_department_id)
    }
    dept_rows = []
    if budgets:
        dept_rows = list(
            Shift.objects.filter(
                schedule__term_id__in=list(budgets),
                worker__paying_department_id=worker.paying_department_id,
                date__gte=first,
                date__lt=last,
            )
            .exclude(state=Shift.State.CANCELLED)
            .values_list("pk", "schedule__term_id", "date", "start_hour", "end_hour")
        )
    answer = {}
    for shift in shifts:
        term_id, monday = shift.schedule.term_id, week_start(shift.date)
        in_week = [s for s in mine if s.pk != shift.pk and monday <= s.date < monday + dt.timedelta(days=7)]
        spent = sum(
            end - start
            for pk, t, day, start, end in dept_rows
            if pk != shift.pk and t == term_id and monday <= day < monday + dt.timedelta(days=7)
        )
        answer[shift.pk] = _rule_problems(
            worker=worker,
            shift=shift,
            available=available[(term_id, shift.date.weekday())],
            away=shift.date in away,
            training=trainings.get(shift.skill_id) if shift.skill_id is not None else None,
            week=in_week,
            budget=budgets.get(term_id),
            spent=spent,
            current_dept=shift.worker.paying_department_id if shift.worker is not None else None,
        )
    return answer


# --- Offers ---------------------------------------------------------------------------------------


def _offers() -> QuerySet[ShiftOffer]:
    return ShiftOffer.objects.select_related(
        "shift__service_point",
        "shift__skill",
        "shift__worker__user",
        "shift__schedule__term",
        "offered_by__user",
        "taken_by__user",
        "decided_by",
    )


def offer_get_for_user(*, user: Any, pk: int) -> ShiftOffer:
    offer = _offers().filter(pk=pk).first()
    if offer is None or not policy.can_view_schedule(user):
        raise Http404("No such offer.")
    return offer


def offers_open_to(*, worker: Worker, today: dt.date | None = None) -> list[tuple[ShiftOffer, list[RuleProblem]]]:
    """Offers a worker could pick up, each with what stands in the way (empty: eligible).
    Pages list only the eligible ones, as the issue asks; the problems explain the rest."""
    today = today or timezone.localdate()
    offers = (
        _offers()
        .filter(status=ShiftOffer.Status.OPEN, shift__date__gte=today, shift__state=Shift.State.PUBLISHED)
        .exclude(offered_by=worker)
        .order_by("shift__date", "shift__start_hour")[:100]
    )
    found = list(offers)
    problems = problems_for_shifts(worker=worker, shifts=[offer.shift for offer in found])
    return [(offer, problems[offer.shift_id]) for offer in found]


def offers_waiting_for_approval() -> QuerySet[ShiftOffer]:
    return _offers().filter(status=ShiftOffer.Status.TAKEN).order_by("shift__date", "shift__start_hour")


def offers_of(*, worker: Worker) -> QuerySet[ShiftOffer]:
    return _offers().filter(Q(offered_by=worker) | Q(taken_by=worker)).order_by("-created_at")[:30]


# --- On duty, payroll, the ledger ------------------------------------------------------------------


def on_duty_at(moment: dt.datetime | None = None) -> list[Shift]:
    """Who works each service point's shift right now (published shifts only)."""
    moment = timezone.localtime(moment or timezone.now())
    return list(
        _shifts()
        .filter(
            state=Shift.State.PUBLISHED,
            worker__isnull=False,
            date=moment.date(),
            start_hour__lte=moment.hour,
            end_hour__gt=moment.hour,
        )
        .order_by("service_point__name", "skill__name", "worker__user__first_name")
    )


@dataclass(frozen=True)
class PayrollRow:
    worker_id: int
    worker: str
    username: str
    department: str
    shifts: int
    hours: int
    library_desk_hours: int
    it_desk_hours: int


def worked_shifts(start: dt.date, end: dt.date) -> QuerySet[Shift]:
    """Published shifts with a worker, dated in [start, end): the hours worked (Liaison has no
    time clock, so a published shift counts as worked)."""
    return _shifts().filter(state=Shift.State.PUBLISHED, worker__isnull=False, date__gte=start, date__lt=end)


def host_department_kind(point: Any) -> str:
    """Whose desk a service point is: the library's when the library staffs it (the joint
    desk), otherwise IT's."""
    kinds = {d.kind for d in point.departments.all()}
    return "library" if "library" in kinds else "it"


def payroll(*, start: dt.date, end: dt.date) -> list[PayrollRow]:
    rows: dict[int, dict[str, Any]] = {}
    for shift in worked_shifts(start, end).prefetch_related("service_point__departments"):
        worker = shift.worker
        assert worker is not None
        row = rows.setdefault(
            worker.pk,
            {
                "worker": str(worker),
                "username": worker.user.username,
                "department": worker.paying_department.name,
                "shifts": 0,
                "hours": 0,
                "library": 0,
                "it": 0,
            },
        )
        row["shifts"] += 1
        row["hours"] += shift.hours
        row[host_department_kind(shift.service_point)] += shift.hours
    return sorted(
        (
            PayrollRow(pk, r["worker"], r["username"], r["department"], r["shifts"], r["hours"], r["library"], r["it"])
            for pk, r in rows.items()
        ),
        key=lambda r: (r.department, r.worker),
    )


def payroll_by_department(rows: list[PayrollRow]) -> list[tuple[str, int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        totals[row.department][0] += 1
        totals[row.department][1] += row.hours
    return [(dept, people, hours) for dept, (people, hours) in sorted(totals.items())]


def cross_department_shifts(start: dt.date, end: dt.date) -> Iterable[Shift]:
    """Worked shifts where the paying department is not the desk's: an IT-paid worker at the
    library's joint desk, or a library-paid worker at IT's help desk."""
    for shift in worked_shifts(start, end).prefetch_related("service_point__departments"):
        assert shift.worker is not None
        host = host_department_kind(shift.service_point)
        if shift.worker.paying_department.kind != host:
            yield shift


# --- Calendar feeds ---------------------------------------------------------------------------------


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_user_by_token(*, token: str) -> Any:
    """The person whose calendar link this is; 404 for a reset, made-up or tampered link, or a
    person who may no longer see the schedule."""
    if not token or len(token) > 100:
        raise Http404("No such calendar.")
    row = FeedToken.objects.select_related("user").filter(token_hash=hash_feed_token(token)).first()
    if row is None or not row.user.is_active or not policy.can_view_schedule(row.user):
        raise Http404("No such calendar.")
    return row.user


def has_feed_link(*, user: Any) -> bool:
    return FeedToken.objects.filter(user_id=user.pk).exists()


FEED_PAST_DAYS = 31
FEED_FUTURE_DAYS = 183


def feed_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A month back and six months ahead, as Humanity's feeds do."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=FEED_PAST_DAYS), today + dt.timedelta(days=FEED_FUTURE_DAYS)


def feed_shifts_for_worker(*, worker: Worker) -> tuple[list[Shift], list[Shift]]:
    """(their shifts, published or cancelled; shifts they handed to someone else, which their
    calendar must show as cancelled under the same UID)."""
    start, end = feed_window()
    mine = list(
        _shifts()
        .filter(worker=worker, date__gte=start, date__lte=end)
        .exclude(state=Shift.State.DRAFT)
        .order_by("date", "start_hour")
    )
    handed = (
        ShiftEvent.objects.filter(from_worker=worker, shift__date__gte=start, shift__date__lte=end)
        .exclude(shift__worker=worker)
        .values_list("shift_id", flat=True)
    )
    gone = list(_shifts().filter(pk__in=set(handed)).exclude(state=Shift.State.DRAFT))
    return mine, gone


def feed_shifts_for_point(*, point: Any) -> list[Shift]:
    start, end = feed_window()
    return list(
        _shifts()
        .filter(service_point=point, date__gte=start, date__lte=end)
        .exclude(state=Shift.State.DRAFT)
        .order_by("date", "start_hour")
    )


def service_point_for_feed(*, slug: str) -> Any:
    return places.service_point_get(slug=slug)


# --- Grids for the pages ------------------------------------------------------------------------------


@dataclass
class GridCell:
    hour: int
    date: dt.date
    names: list[str]
    minimum: int
    ideal: int

    @property
    def count(self) -> int:
        return len(self.names)

    @property
    def state(self) -> str:
        if self.ideal == 0:
            return "none" if not self.names else "extra"
        if self.count < self.minimum:
            return "short"
        if self.count < self.ideal:
            return "thin"
        return "ok"


def point_week_grid(
    *, shifts: Iterable[Shift], term: Term | None, point: Any, skill: Skill | None, start: dt.date
) -> list[list[GridCell]]:
    """Rows of hours (the needed ones and any worked), a cell per day: who is on and the need."""
    needs = need_grid(term=term, point=point, skill=skill) if term else {}
    on: dict[tuple[dt.date, int], list[str]] = defaultdict(list)
    for shift in shifts:
        if shift.skill_id != (skill.pk if skill else None) or shift.worker is None:
            continue
        for hour in range(shift.start_hour, shift.end_hour):
            on[(shift.date, hour)].append(shift.worker.user.first_name or str(shift.worker))
    hours = sorted({h for (_d, h) in needs} | {h for (_d, h) in on})
    days = [start + dt.timedelta(days=i) for i in range(7)]
    return [
        [
            GridCell(hour, day, sorted(on.get((day, hour), [])), *needs.get((day.weekday(), hour), (0, 0)))
            for day in days
        ]
        for hour in hours
    ]
