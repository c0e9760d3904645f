"""A small pool for tests: two desks (the joint desk with a research side, IT's help desk),
a term in the future, budgets, workers with availability and training."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from liaison.accounts.models import Department, User
from liaison.core.roles import Role
from liaison.places.models import OpeningHours, ServicePoint
from liaison.staffing import services
from liaison.staffing.models import Skill, Term, Worker

_n = itertools.count(1)


def supervisor(department: Department | None = None) -> User:
    dept = (
        department
        or Department.objects.get_or_create(code="library", defaults={"name": "Library", "kind": "library"})[0]
    )
    return User.objects.get_or_create(
        username="pool_supervisor",
        defaults={"role": Role.SUPERVISOR, "department": dept, "email": "pool_supervisor@college.example"},
    )[0]


def desks() -> dict[str, ServicePoint]:
    library = Department.objects.get_or_create(code="library", defaults={"name": "Library", "kind": "library"})[0]
    it = Department.objects.get_or_create(code="it", defaults={"name": "IT", "kind": "it"})[0]
    joint, _ = ServicePoint.objects.get_or_create(slug="joint-desk", defaults={"name": "Research & IT Desk"})
    joint.departments.set([library, it])
    helpdesk, _ = ServicePoint.objects.get_or_create(slug="it-help-desk", defaults={"name": "IT Help Desk"})
    helpdesk.departments.set([it])
    for point in (joint, helpdesk):
        if not point.opening_hours.exists():
            OpeningHours.objects.bulk_create(
                OpeningHours(service_point=point, weekday=d, opens=dt.time(8), closes=dt.time(22)) for d in range(7)
            )
    return {"joint": joint, "it": helpdesk}


def research() -> Skill:
    return Skill.objects.get_or_create(slug="research", defaults={"name": "Research help"})[0]


def next_monday(weeks: int = 1) -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)


def make_term(actor: User | None = None, weeks: int = 2, **extra) -> Term:
    start = next_monday()
    return services.term_create(
        actor=actor or supervisor(),
        name=extra.pop("name", f"Term {next(_n)}"),
        starts_on=start,
        ends_on=start + dt.timedelta(days=7 * weeks - 1),
        **extra,
    )


def make_worker(
    term: Term,
    *,
    username: str | None = None,
    dept: str = "it",
    hours: dict[int, range] | None = None,
    max_week: int = 12,
    max_day: int = 4,
    trained: bool = False,
) -> Worker:
    name = username or f"worker{next(_n)}"
    department = Department.objects.get(code=dept)
    user = User.objects.create_user(
        username=name,
        password="x",
        role=Role.STUDENT_WORKER,
        department=department,
        email=f"{name}@students.example",
        first_name=name.capitalize(),
    )
    actor = supervisor()
    worker = services.worker_enrol(
        actor=actor, user=user, paying_department=department, max_hours_week=max_week, max_hours_day=max_day
    )
    grid = hours if hours is not None else {d: range(8, 22) for d in range(7)}
    services.availability_save(
        actor=actor, worker=worker, term=term, cells=[(d, h, False) for d, hs in grid.items() for h in hs]
    )
    if trained:
        services.training_record(
            actor=actor, worker=worker, skill=research(), completed_on=timezone.localdate() - dt.timedelta(days=30)
        )
    return worker


def set_needs(term: Term, point: ServicePoint, cells: dict[tuple[int, int], tuple[int, int]], skill=None) -> None:
    services.needs_save(actor=supervisor(), term=term, point=point, skill=skill, grid=cells)
