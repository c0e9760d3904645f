"""The pool's pages. Thin adapters: parse, call one selector or service, render. Who may do
what is `policy.py`'s answer; every change is a POST to a service."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import public, roles
from liaison.core.adapters import message_and_redirect, safe_next
from liaison.core.exports import csv_response, xlsx_response
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.places import selectors as places
from liaison.staffing import events, ical, needs_sheet, policy, selectors, services
from liaison.staffing.forms import (
    NoteForm,
    PayrollForm,
    TrainingForm,
    UnavailableDateForm,
    parse_need_cell,
    parse_week,
)
from liaison.staffing.models import ScheduleRun, ShiftOffer
from liaison.staffing.solver import REASONS

POOL = policy.POOL_ROLES
MANAGERS = policy.MANAGER_ROLES
WORKERS_AND_MANAGERS = (*policy.WORKER_ROLES, *policy.MANAGER_ROLES)
GRID_HOURS = range(7, 23)


def _term_or_none(request):
    pk = request.GET.get("term") or request.POST.get("term")
    if pk and str(pk).isdigit():
        return selectors.term_get(pk=int(pk))
    return selectors.term_current()


# --- Home -------------------------------------------------------------------------------------------


@roles(*POOL)
@require_GET
def home(request):
    term = _term_or_none(request)
    worker = selectors.worker_for_user(request.user)
    context = {"term": term, "worker": worker, "terms": selectors.term_list(), "one_time_key": uuid.uuid4().hex}
    if worker is not None:
        context["my_shifts"] = selectors.upcoming_shifts_of(worker=worker, limit=20)
        offers = selectors.offers_open_to(worker=worker)
        context["eligible_offers"] = [offer for offer, problems in offers if not problems]
        context["ineligible_count"] = sum(1 for _offer, problems in offers if problems)
        context["my_offers"] = selectors.offers_of(worker=worker)
    if policy.can_manage_pool(request.user) and term is not None:
        schedule = selectors.schedule_for(term)
        context.update(
            schedule=schedule,
            runs=selectors.latest_runs(schedule),
            waiting=selectors.offers_waiting_for_approval(),
            budgets=selectors.budgets_for(term),
            can_manage=True,
        )
    context["on_duty"] = selectors.on_duty_at()
    return render(request, "staffing/home.html", context)


# --- Availability -------------------------------------------------------------------------------------


def _availability(request, worker):
    term = _term_or_none(request)
    if term is None:
        messages.error(request, "No term is set up yet: a supervisor adds one in Setup.")
        return redirect("staffing:home")
    if request.method == "POST":
        cells = []
        for day in range(7):
            for hour in range(24):
                value = request.POST.get(f"c-{day}-{hour}", "")
                if value in ("a", "p"):
                    cells.append((day, hour, value == "p"))
        try:
            count = services.availability_save(actor=request.user, worker=worker, term=term, cells=cells)
        except ValidationError as exc:
            return message_and_redirect(request, exc, request.path)
        messages.success(request, f"Saved: {count} hours a week available in {term.name}.")
        return redirect(f"{request.path}?term={term.pk}")
    grid = selectors.availability_grid(worker=worker, term=term)
    rows = [
        (hour, [(day, {1: "a", 2: "p"}.get(grid.get((day, hour), 0), "")) for day in range(7)]) for hour in GRID_HOURS
    ]
    return render(
        request,
        "staffing/availability.html",
        {
            "worker": worker,
            "term": term,
            "rows": rows,
            "days": selectors.SHORT_WEEKDAYS,
            "dates": selectors.unavailable_dates(worker=worker, term=term),
            "date_form": UnavailableDateForm(),
            "hours": len(grid),
        },
    )


@roles(*WORKERS_AND_MANAGERS)
@require_http_methods(["GET", "POST"])
def my_availability(request):
    worker = selectors.worker_for_user(request.user)
    if worker is None:
        messages.error(request, "You are not in the student-worker pool.")
        return redirect("staffing:home")
    return _availability(request, worker)


@roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def worker_availability(request, pk: int):
    return _availability(request, selectors.worker_get_for_user(user=request.user, pk=pk, for_edit=True))


@roles(*WORKERS_AND_MANAGERS)
@require_POST
def date_add(request, pk: int):
    worker = selectors.worker_get_for_user(user=request.user, pk=pk, for_edit=True)
    term = _term_or_none(request)
    form = UnavailableDateForm(request.POST)
    back = safe_next(request, reverse("staffing:my_availability"))
    if not form.is_valid() or term is None:
        messages.error(request, "Choose a date (and a term must exist).")
        return redirect(back)
    try:
        services.unavailability_add(actor=request.user, worker=worker, term=term, **form.cleaned_data)
    except ValidationError as exc:
        return message_and_redirect(request, exc, back)
    messages.success(request, f"{form.cleaned_data['date']:%-d %B} is marked unavailable.")
    return redirect(back)


@roles(*WORKERS_AND_MANAGERS)
@require_POST
def date_remove(request, pk: int, date_pk: int):
    worker = selectors.worker_get_for_user(user=request.user, pk=pk, for_edit=True)
    services.unavailability_remove(actor=request.user, worker=worker, pk=date_pk)
    return redirect(safe_next(request, reverse("staffing:my_availability")))


# --- Workers (supervisors) --------------------------------------------------------------------------------


@roles(*MANAGERS)
@require_GET
def worker_list(request):
    workers = selectors.worker_list_for_user(user=request.user)
    return render(request, "staffing/workers.html", {"workers": workers, "today": timezone.localdate()})


@roles(*POOL)
@require_GET
def worker_detail(request, pk: int):
    worker = selectors.worker_get_for_user(user=request.user, pk=pk)
    term = _term_or_none(request)
    start = parse_week(request.GET.get("week"), timezone.localdate())
    schedule = selectors.schedule_for(term) if term else None
    can_manage = policy.can_manage_pool(request.user)
    return render(
        request,
        "staffing/worker.html",
        {
            "worker": worker,
            "term": term,
            "start": start,
            "prev": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
            "shifts": selectors.shifts_in_week(user=request.user, schedule=schedule, start=start, worker=worker)
            if schedule
            else [],
            "trainings": selectors.trainings_of(worker),
            "notes": selectors.notes_for_user(user=request.user, worker=worker) if can_manage else None,
            "note_form": NoteForm(),
            "training_form": TrainingForm(),
            "can_manage": can_manage,
            "today": timezone.localdate(),
        },
    )


@roles(*MANAGERS)
@require_POST
def note_add(request, pk: int):
    worker = selectors.worker_get_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=request.user, worker=worker, body=form.cleaned_data["body"])
        except ValidationError as exc:
            return message_and_redirect(request, exc, "staffing:worker", pk=pk)
        messages.success(request, "Note kept (supervisors only).")
    else:
        messages.error(request, "Write the note (up to 2,000 characters).")
    return redirect("staffing:worker", pk=pk)


@roles(*WORKERS_AND_MANAGERS)
@require_POST
def training_add(request, pk: int):
    worker = selectors.worker_get_for_user(user=request.user, pk=pk, for_edit=True)
    form = TrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the training and the date it was completed.")
        return redirect("staffing:worker", pk=pk)
    try:
        training = services.training_record(actor=request.user, worker=worker, **form.cleaned_data)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:worker", pk=pk)
    if training.is_signed_off:
        messages.success(request, f"{training.skill} recorded and signed off.")
    else:
        messages.success(request, f"{training.skill} recorded: it counts once a supervisor signs it off.")
    return redirect("staffing:worker", pk=pk)


@roles(*MANAGERS)
@require_POST
def training_sign_off(request, pk: int):
    training = selectors.training_get_for_user(user=request.user, pk=pk)
    services.training_sign_off(actor=request.user, training=training)
    messages.success(request, f"{training.skill} signed off for {training.worker}.")
    return redirect("staffing:worker", pk=training.worker_id)


# --- The schedule -----------------------------------------------------------------------------------------


@roles(*POOL)
@require_GET
def schedule_week(request):
    term = _term_or_none(request)
    if term is None:
        return render(request, "staffing/schedule.html", {"term": None})
    start = parse_week(request.GET.get("week"), max(timezone.localdate(), term.starts_on))
    positions = selectors.positions_for(term)
    wanted = request.GET.get("position", "")
    position = next((p for p in positions if p.key == wanted), positions[0] if positions else None)
    schedule = selectors.schedule_for(term)
    grid = []
    shifts = []
    if position is not None:
        shifts = list(selectors.shifts_in_week(user=request.user, schedule=schedule, start=start, point=position.point))
        grid = selectors.point_week_grid(
            shifts=shifts, term=term, point=position.point, skill=position.skill, start=start
        )
        shifts = [s for s in shifts if s.skill_id == (position.skill.pk if position.skill else None)]
    return render(
        request,
        "staffing/schedule.html",
        {
            "term": term,
            "schedule": schedule,
            "start": start,
            "days": [start + dt.timedelta(days=i) for i in range(7)],
            "prev": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
            "positions": positions,
            "position": position,
            "grid": grid,
            "shifts": shifts,
            "can_manage": policy.can_manage_pool(request.user),
        },
    )


@roles(*MANAGERS)
@require_POST
def generate(request, pk: int):
    term = selectors.term_get(pk=pk)
    try:
        seconds = int(request.POST.get("seconds") or 10)
    except ValueError:
        seconds = 10

    def work() -> dict:
        return {"run": services.schedule_generate(actor=request.user, term=term, time_limit_s=seconds).pk}

    key = request.POST.get("idempotency_key", "")[:255]
    try:
        if key:
            body, replayed = run_once_for_form(request, endpoint="staffing.generate", key=key, work=work)
            if replayed:
                messages.info(request, "The form was sent twice; the solver runs once.")
        else:
            body = work()
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:home")
    except IdempotencyError as exc:
        messages.error(request, exc.message)
        return redirect("staffing:home")
    return redirect("staffing:run", pk=body["run"])


@roles(*MANAGERS)
@require_GET
def run_detail(request, pk: int):
    run = selectors.run_get_for_user(user=request.user, pk=pk)
    result = run.result or {}
    names = {str(w.pk): str(w) for w in selectors.worker_list_for_user(user=request.user, active_only=False)}
    labels = {p.key: p.label for p in selectors.positions_for(run.schedule.term)}

    def rows(key):
        return [
            {
                "worker": names.get(str(w), f"#{w}"),
                "position": labels.get(pos, pos),
                "day": selectors.WEEKDAYS[d],
                "start": s,
                "end": e,
            }
            for w, pos, d, s, e in result.get(key, [])
        ]

    unmet = [
        {
            "position": labels.get(pos, pos),
            "day": selectors.WEEKDAYS[d],
            "hour": h,
            "below_minimum": bm,
            "below_ideal": bi,
            "reason": REASONS.get(reason, reason),
        }
        for pos, d, h, bm, bi, reason in result.get("unmet", [])
    ]
    hours = sorted(((names.get(k, k), v) for k, v in result.get("hours_by_worker", {}).items()), key=lambda r: -r[1])
    context = {
        "run": run,
        "result": result,
        "added": rows("added"),
        "removed": rows("removed"),
        "unmet": unmet,
        "hours": hours,
        "waiting": run.status in (ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING),
        "stale": run.base_version != run.schedule.version,
    }
    return render(request, "staffing/run.html", context)


@roles(*MANAGERS)
@require_POST
def run_apply(request, pk: int):
    run = selectors.run_get_for_user(user=request.user, pk=pk)
    try:
        summary = services.schedule_run_apply(actor=request.user, run=run)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:run", pk=pk)
    messages.success(
        request,
        f"Applied as a draft: {summary['created']} shifts added, {summary['cancelled']} published shifts "
        f"cancelled, {summary['kept']} kept. Review the weeks, then publish.",
    )
    return redirect(f"{reverse('staffing:schedule')}?term={run.schedule.term_id}")


@roles(*MANAGERS)
@require_POST
def publish(request, pk: int):
    term = selectors.term_get(pk=pk)
    schedule = selectors.schedule_for(term)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        count = services.schedule_publish(actor=request.user, schedule=schedule, expected_version=version)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:home")
    messages.success(request, f"Published {count} shifts; their workers are told by e-mail.")
    return redirect("staffing:home")


@roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def needs(request):
    """A position's needs as a grid: one cell per weekday and hour, '2' or '1/2' (minimum/ideal).
    Every cell is checked before anything is saved; a bad cell is named with its reason."""
    term = _term_or_none(request)
    if term is None:
        messages.error(request, "No term is set up yet: a supervisor adds one in Setup.")
        return redirect("staffing:home")
    points = list(places.service_point_list())
    skills = list(selectors.skill_list())
    point = next((p for p in points if p.slug == request.GET.get("point", request.POST.get("point"))), None)
    point = point or (points[0] if points else None)
    skill = selectors.skill_by_slug(request.GET.get("skill", request.POST.get("skill", "")))
    if point is None:
        messages.error(request, "There are no service points yet.")
        return redirect("staffing:home")
    grid = selectors.need_grid(term=term, point=point, skill=skill)
    values = {(d, h): (f"{m}/{i}" if m != i else str(i)) for (d, h), (m, i) in grid.items()}
    problems: list[str] = []
    if request.method == "POST":
        parsed: dict[tuple[int, int], tuple[int, int]] = {}
        values = {}
        for day in range(7):
            for hour in GRID_HOURS:
                raw = request.POST.get(f"n-{day}-{hour}", "")[:10]
                values[(day, hour)] = raw
                try:
                    cell = parse_need_cell(raw)
                except ValueError as exc:
                    problems.append(f"{selectors.WEEKDAYS[day]} {hour:02d}:00: {exc}.")
                    continue
                if cell is not None:
                    parsed[(day, hour)] = cell
        if not problems:
            try:
                count = services.needs_save(actor=request.user, term=term, point=point, skill=skill, grid=parsed)
            except ValidationError as exc:
                problems.extend(exc.messages)
            else:
                messages.success(request, f"Saved: {count} hours needed a week at {point.name}.")
                query = f"?term={term.pk}&point={point.slug}" + (f"&skill={skill.slug}" if skill else "")
                return redirect(reverse("staffing:needs") + query)
    rows = [(hour, [(day, values.get((day, hour), "")) for day in range(7)]) for hour in GRID_HOURS]
    return render(
        request,
        "staffing/needs.html",
        {
            "term": term,
            "points": points,
            "skills": skills,
            "point": point,
            "skill": skill,
            "rows": rows,
            "days": selectors.SHORT_WEEKDAYS,
            "problems": problems,
            "can_manage": True,
        },
        status=400 if problems else 200,
    )


def _week_number(value: str | None, default: int) -> int:
    text = (value or "").strip()[:3]
    return int(text) if text.isdigit() else default


def _needs_position(request, term):
    """The service point (with its opening hours) and side a needs page is about."""
    points = list(places.service_point_list())
    chosen = request.GET.get("point", request.POST.get("point"))
    point = next((p for p in points if p.slug == chosen), points[0] if points else None)
    skill = selectors.skill_by_slug(request.GET.get("skill", request.POST.get("skill", "")))
    return points, point, skill


@roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def needs_suggested(request):
    """Needs suggested from the desk's own traffic beside the current needs, for a supervisor
    to accept a cell, an hour's row or everything (every change a POST to a service); and the
    rule that turns questions into workers."""
    term = _term_or_none(request)
    if term is None:
        messages.error(request, "No term is set up yet: a supervisor adds one in Setup.")
        return redirect("staffing:home")
    points, point, skill = _needs_position(request, term)
    if point is None:
        messages.error(request, "There are no service points yet.")
        return redirect("staffing:home")
    data = request.POST if request.method == "POST" else request.GET
    first_week = _week_number(data.get("from_week"), 1)
    last_week = _week_number(data.get("to_week"), selectors.term_week_count(term))
    query = f"?term={term.pk}&point={point.slug}&from_week={first_week}&to_week={last_week}" + (
        f"&skill={skill.slug}" if skill else ""
    )
    problems: list[str] = []
    if request.method == "POST":
        try:
            if "questions_per_worker" in request.POST:
                services.need_rule_set(
                    actor=request.user, term=term, questions_per_worker=request.POST["questions_per_worker"]
                )
                messages.success(request, "Rule saved: the suggestions below follow it.")
                return redirect(reverse("staffing:needs_suggested") + query)
            cells = _accepted_cells(request.POST)
            changed = services.needs_accept_suggested(
                actor=request.user,
                term=term,
                point=point,
                skill=skill,
                cells=cells,
                first_week=first_week,
                last_week=last_week,
            )
        except ValidationError as exc:
            problems.extend(exc.messages)
        else:
            what = "every cell" if cells is None else f"{len(cells)} cell{'s' if len(cells) != 1 else ''}"
            messages.success(request, f"Accepted the suggestion for {what}: {changed} changed.")
            return redirect(reverse("staffing:needs_suggested") + query)
    found = selectors.need_suggestions(term=term, point=point, skill=skill, first_week=first_week, last_week=last_week)
    return render(
        request,
        "staffing/needs_suggested.html",
        {
            "term": term,
            "terms": selectors.term_list(),
            "points": points,
            "skills": list(selectors.skill_list()),
            "point": point,
            "skill": skill,
            "found": found,
            "days": selectors.SHORT_WEEKDAYS,
            "week_choices": range(1, found.weeks + 1),
            "problems": problems,
            "can_manage": True,
        },
        status=400 if problems else 200,
    )


def _accepted_cells(post) -> list[tuple[int, int]] | None:
    """What the pressed button names: `all`, a `row` (an hour across the week) or a `cell`
    ("weekday-hour"). None means every cell."""
    if post.get("all"):
        return None
    if post.get("row", "").strip().isdigit():
        hour = int(post["row"].strip())
        return [(day, hour) for day in range(7)]
    text = post.get("cell", "")[:6]
    day, _, hour = text.partition("-")
    if not (day.isdigit() and hour.isdigit()):
        raise ValidationError("Choose a cell, an hour's row or everything to accept.")
    return [(int(day), int(hour))]


# --- Needs as a spreadsheet: export, and import through a preview (ADR 0055) ---------------------

IMPORT_SALT = "staffing.needs_import"
IMPORT_MAX_AGE = 60 * 60  # a preview can be committed for an hour


def _needs_grids(term) -> list[tuple[str, dict]]:
    """Every position with needs in the term: (label, grid), in one query."""
    grids: dict[str, dict] = {}
    # The desk without a skill first on every database (PostgreSQL sorts NULL last, SQLite first).
    no_skill_first = F("skill__slug").asc(nulls_first=True)
    for need in selectors.needs_for(term).order_by("service_point__slug", no_skill_first, "weekday", "hour"):
        label = needs_sheet.position_label(need.service_point.slug, need.skill.slug if need.skill else "")
        grids.setdefault(label, {})[(need.weekday, need.hour)] = (need.minimum, need.ideal)
    return list(grids.items())


@roles(*MANAGERS)
@require_GET
def needs_export(request):
    """The term's needs in the spreadsheet shape the import reads: one sheet (XLSX) or one
    block (CSV, a blank line between) per position."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Http404("Needs export as csv or xlsx.")
    term = _term_or_none(request)
    if term is None:
        return redirect("staffing:home")
    blocks = [(label, needs_sheet.grid_rows(label, grid, GRID_HOURS)) for label, grid in _needs_grids(term)]
    name = f"needs-{term.name}"
    if fmt == "xlsx":
        sheets = [(needs_sheet.sheet_title(label), rows) for label, rows in blocks] or [("Needs", [["Hour"]])]
        return xlsx_response(sheets, filename=name)
    rows: list[list[str]] = []
    for _label, grid_rows in blocks:
        if rows:
            rows.append([])
        rows.extend(grid_rows)
    return csv_response(rows, filename=name)


@roles(*MANAGERS)
@require_http_methods(["GET", "POST"])
def needs_import(request):
    """Upload the supervisors' grid (XLSX or CSV), see it as read with every bad cell named, then
    commit it: all positions or none. The preview's grids travel signed in the commit form, so
    nothing half-read is stored anywhere."""
    term = _term_or_none(request)
    if term is None:
        messages.error(request, "No term is set up yet: a supervisor adds one in Setup.")
        return redirect("staffing:home")
    points, point, skill = _needs_position(request, term)
    context = {"term": term, "terms": selectors.term_list(), "points": points, "point": point,
               "skills": list(selectors.skill_list()), "skill": skill, "can_manage": True,
               "days": selectors.SHORT_WEEKDAYS}  # fmt: skip
    status = 200
    if request.method == "POST" and "payload" in request.POST:
        try:
            payload = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
            if payload.get("term") != term.pk:
                raise signing.BadSignature("another term")
            outcome = services.needs_import(
                actor=request.user, term=term, grids=needs_sheet.payload_grids(payload["grids"])
            )
        except signing.SignatureExpired:
            context["problems"] = ["This preview is more than an hour old: upload the file again."]
            status = 400
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            context["problems"] = ["This preview cannot be read back: upload the file again."]
            status = 400
        except ValidationError as exc:
            context["problems"] = exc.messages
            status = 400
        else:
            changed, unchanged = outcome["changed"], outcome["unchanged"]
            messages.success(
                request,
                (f"Imported: {', '.join(changed)} changed." if changed else "Imported: nothing changed.")
                + (f" Already as in the file: {', '.join(unchanged)}." if unchanged else ""),
            )
            return redirect(reverse("staffing:needs") + f"?term={term.pk}")
    elif request.method == "POST":
        upload = request.FILES.get("file")
        status = 400
        if upload is None:
            context["problems"] = ["Choose the XLSX or CSV file to read."]
        elif upload.size > needs_sheet.MAX_BYTES:
            context["problems"] = [f"The file is over {needs_sheet.MAX_BYTES // 1024} KB."]
        else:
            default = (point.slug, skill.slug if skill else "") if point else None
            read = needs_sheet.parse(
                upload.read(),
                upload.name or "",
                default=default,
                known_points=[p.slug for p in points],
                known_skills=[s.slug for s in context["skills"]],
            )
            current = dict(_needs_grids(term))
            context["read"] = read
            context["file_name"] = upload.name
            context["previews"] = [
                {
                    "grid": g,
                    "rows": needs_sheet.grid_rows(g.label, g.cells, GRID_HOURS)[1:],
                    "hours": len(g.cells),
                    "differs": sum(
                        1
                        for key in set(g.cells) | set(current.get(g.label, {}))
                        if g.cells.get(key) != current.get(g.label, {}).get(key)
                    ),
                }
                for g in read.grids
            ]
            context["problems"] = read.problems
            if read.ok:
                status = 200
                context["payload"] = signing.dumps(
                    {"term": term.pk, "grids": read.as_payload()}, salt=IMPORT_SALT, compress=True
                )
    return render(request, "staffing/needs_import.html", context, status=status)


# --- Shifts and offers ---------------------------------------------------------------------------------------


@roles(*POOL)
@require_GET
def shift_detail(request, pk: int):
    shift = selectors.shift_get_for_user(user=request.user, pk=pk)
    can_manage = policy.can_manage_pool(request.user)
    candidates = []
    if can_manage:
        others = [w for w in selectors.worker_list_for_user(user=request.user) if w.pk != shift.worker_id]
        problems = selectors.assignment_problems_for(workers=others, shift=shift)
        candidates = [(worker, problems[worker.pk]) for worker in others]
        candidates.sort(key=lambda pair: (len(pair[1]), str(pair[0])))
    history = [(event, events.describe(event)) for event in selectors.shift_history(shift)]
    live = shift.offers.filter(status__in=["open", "taken"]).first()
    return render(
        request,
        "staffing/shift.html",
        {
            "shift": shift,
            "history": history,
            "candidates": candidates,
            "can_manage": can_manage,
            "can_offer": policy.can_offer_shift(request.user, shift) and live is None,
            "live_offer": live,
        },
    )


@roles(*policy.WORKER_ROLES)
@require_POST
def shift_offer(request, pk: int):
    shift = selectors.shift_get_for_user(user=request.user, pk=pk)
    try:
        services.shift_offer(actor=request.user, shift=shift, note=request.POST.get("note", "")[:300])
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:home")
    messages.success(request, "Your shift is offered: eligible workers see it and can pick it up.")
    return redirect(safe_next(request, reverse("staffing:home")))


@roles(*MANAGERS)
@require_POST
def shift_assign(request, pk: int):
    shift = selectors.shift_get_for_user(user=request.user, pk=pk)
    raw = request.POST.get("worker", "")
    worker = selectors.worker_get_for_user(user=request.user, pk=int(raw)) if raw.isdigit() else None
    try:
        overridden = services.shift_assign(
            actor=request.user, shift=shift, worker=worker, override=request.POST.get("override") == "1"
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:shift", pk=pk)
    if overridden:
        messages.warning(request, "Assigned, overriding: " + " ".join(overridden))
    else:
        messages.success(request, f"The shift is now {'with ' + str(worker) if worker else 'open'}.")
    return redirect("staffing:shift", pk=pk)


@roles(*policy.WORKER_ROLES)
@require_POST
def offer_take(request, pk: int):
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    try:
        offer = services.offer_take(actor=request.user, offer=offer)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:home")
    if offer.status == ShiftOffer.Status.APPROVED:
        messages.success(request, "The shift is yours; it is in your calendar.")
    else:
        messages.success(request, "Picked up: a supervisor approves it, then it is yours.")
    return redirect("staffing:home")


@roles(*WORKERS_AND_MANAGERS)
@require_POST
def offer_withdraw(request, pk: int):
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    try:
        services.offer_withdraw(actor=request.user, offer=offer)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:home")
    messages.success(request, "The offer is withdrawn; the shift stays yours.")
    return redirect("staffing:home")


@roles(*MANAGERS)
@require_POST
def offer_decide(request, pk: int):
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.offer_decide(actor=request.user, offer=offer, approve=approve)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "staffing:home")
    messages.success(
        request, "Approved: the shift changed hands." if approve else "Declined: the shift is offered again."
    )
    return redirect("staffing:home")


# --- On duty, payroll -----------------------------------------------------------------------------------------


@roles(*POOL)
@require_GET
def on_duty(request):
    return render(request, "staffing/on_duty.html", {"on_duty": selectors.on_duty_at(), "now": timezone.localtime()})


@roles(*MANAGERS)
@require_GET
def payroll(request):
    today = timezone.localdate()
    first = today.replace(day=1)
    form = PayrollForm(request.GET or {"start": first - dt.timedelta(days=14), "end": today})
    if not form.is_valid():
        return render(request, "staffing/payroll.html", {"form": form}, status=400 if request.GET else 200)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.payroll(start=start, end=end + dt.timedelta(days=1))
    header = ["Worker", "Username", "Paying department", "Shifts", "Hours", "At the library's desk", "At IT's desk"]
    table = [header] + [
        [r.worker, r.username, r.department, r.shifts, r.hours, r.library_desk_hours, r.it_desk_hours] for r in rows
    ]
    totals = [["Paying department", "Workers", "Hours"], *selectors.payroll_by_department(rows)]
    name = f"student-hours-{start}-to-{end}"
    if request.GET.get("format") == "csv":
        return csv_response(table, filename=name)
    if request.GET.get("format") == "xlsx":
        return xlsx_response([("Hours per worker", table), ("Per department", totals)], filename=name)
    return render(
        request, "staffing/payroll.html", {"form": form, "rows": rows, "totals": totals[1:], "start": start, "end": end}
    )


# --- Calendar feeds ----------------------------------------------------------------------------------------------


@roles(*POOL)
@require_GET
def calendar_page(request):
    token = request.session.pop("staffing_feed_token", "")
    links = {}
    if token:
        links["mine"] = request.build_absolute_uri(reverse("staffing:feed", args=[token]))
        links["points"] = [
            (p.name, request.build_absolute_uri(reverse("staffing:point_feed", args=[token, p.slug])))
            for p in places.service_point_list()
        ]
    return render(
        request,
        "staffing/calendar.html",
        {"has_link": selectors.has_feed_link(user=request.user), "links": links},
    )


@roles(*POOL)
@require_POST
def calendar_reset(request):
    # Shown once, on the next page: kept in the session only until then.
    request.session["staffing_feed_token"] = services.feed_link_reset(actor=request.user)
    return redirect("staffing:calendar")


FEED_CACHE_SECONDS = 300


def _ics(request, *, parts: tuple, build, filename: str) -> HttpResponse:
    """A calendar body, with an ETag made from every shift's id, state and sequence: a calendar
    app polling an unchanged feed gets 304, and the body itself is built once per change (kept
    in the cache for five minutes)."""
    etag = '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        key = f"staffing:feed:{etag.strip(chr(34))}"
        body = cache.get(key)
        if body is None:
            body = build()
            cache.set(key, body, FEED_CACHE_SECONDS)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    return response


def _fingerprint(shifts) -> tuple:
    return tuple((s.pk, s.state, s.sequence, s.worker_id, s.updated_at.isoformat()) for s in shifts)


@public
@require_GET
def feed(request, token: str):
    """A person's own shifts, for a calendar app: the secret link is the only key."""
    user = selectors.feed_user_by_token(token=token)
    worker = selectors.worker_for_user(user)
    mine, gone = selectors.feed_shifts_for_worker(worker=worker) if worker else ([], [])
    site = _site(request)
    return _ics(
        request,
        parts=("worker", user.pk, site, _fingerprint(mine), _fingerprint(gone)),
        build=lambda: ical.shifts_ical(mine, cancelled=gone, name=f"Shifts: {user}", site_url=site),
        filename="my-shifts.ics",
    )


@public
@require_GET
def point_feed(request, token: str, slug: str):
    selectors.feed_user_by_token(token=token)
    point = selectors.service_point_for_feed(slug=slug)
    shifts = selectors.feed_shifts_for_point(point=point)
    site = _site(request)
    return _ics(
        request,
        parts=("point", point.pk, site, _fingerprint(shifts)),
        build=lambda: ical.shifts_ical(shifts, name=f"Staffing: {point.name}", site_url=site, with_names=True),
        filename=f"{point.slug}-shifts.ics",
    )


def _site(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")
