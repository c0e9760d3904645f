"""Writes for demand: imported figures (from `importers.py`) and READ calibration rounds and
ratings. Each takes a typed actor (or says it is a system job), asks the policy itself, runs in
one transaction and writes its audit row through `events.py`."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.demand import events, policy
from liaison.demand.models import CalibrationItem, CalibrationRating, CalibrationRound, Observation, Series
from liaison.demand.periods import add_months
from liaison.desk import selectors as desk_selectors
from liaison.imports import policy as imports_policy

if TYPE_CHECKING:
    from liaison.accounts.models import User

DEFAULT_SAMPLE = 20


# --- Imported figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationRow:
    """One figure as an import builds it, before it is written."""

    measure: str
    place_name: str
    place_key: str
    service_point_id: int | None
    room_id: int | None
    start: dt.datetime
    end: dt.datetime
    grain: str
    value: Decimal


def observations_import(*, actor: User | None, rows: list[ObservationRow], run: Any = None) -> int:
    """Write a chunk of imported figures: a new period is created; a period already stored with
    another figure is corrected to the file's (ADR 0050: the latest import wins, and the check
    said so before the commit). Returns how many rows were written (new + corrected). Runs
    inside the import's transaction; `actor=None` is the import command's system job."""
    if actor is not None and not imports_policy.can_import(actor):
        raise PermissionDenied("Only staff import aggregate history.")
    if not rows:
        return 0
    with transaction.atomic():
        series = _series_for(rows)
        wanted = {(series[(r.measure, r.place_key)].pk, r.start, r.end): r for r in rows}
        stored = {
            (o.series_id, o.start, o.end): o
            for o in Observation.objects.filter(series_id__in={k[0] for k in wanted}, start__in={k[1] for k in wanted})
        }
        new, changed, updated = [], [], []
        for key, row in wanted.items():
            found = stored.get(key)
            if found is None:
                new.append(
                    Observation(
                        series_id=key[0], start=row.start, end=row.end, grain=row.grain, value=row.value,
                        import_run=run,
                    )
                )  # fmt: skip
            elif found.value != row.value:
                updated.append(
                    {"series": key[0], "start": row.start.isoformat(), "from": str(found.value), "to": str(row.value)}
                )
                found.value, found.import_run, found.updated_at = row.value, run, timezone.now()
                changed.append(found)
        Observation.objects.bulk_create(new, batch_size=2000)
        Observation.objects.bulk_update(changed, ["value", "import_run", "updated_at"], batch_size=2000)
        events.observations_imported(
            actor=actor, run_id=getattr(run, "public_id", None), created=len(new), updated=updated
        )
    return len(new) + len(changed)


def _series_for(rows: list[ObservationRow]) -> dict[tuple[str, str], Series]:
    keys = {(r.measure, r.place_key): r for r in rows}
    found = {
        (s.measure, s.place_key): s
        for s in Series.objects.filter(measure__in={k[0] for k in keys}, place_key__in={k[1] for k in keys})
    }
    missing = [
        Series(
            measure=r.measure, place_name=r.place_name, place_key=r.place_key, service_point_id=r.service_point_id,
            room_id=r.room_id,
        )
        for key, r in keys.items() if key not in found
    ]  # fmt: skip
    if missing:
        Series.objects.bulk_create(missing, ignore_conflicts=True)
        found.update(
            {
                (s.measure, s.place_key): s
                for s in Series.objects.filter(measure__in={k[0] for k in keys}, place_key__in={k[1] for k in keys})
            }
        )
    return found


# --- READ calibration -----------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _seed_for(month: dt.date) -> int:
    """The default seed: the month itself (202611), so the same month always draws the same."""
    return month.year * 100 + month.month


def calibration_round_start(
    *, actor: User, month: dt.date, size: int = DEFAULT_SAMPLE, seed: int | None = None
) -> CalibrationRound:
    """Start the round for `month`: a seeded sample of the previous month's desk questions."""
    if not policy.can_start_round(actor):
        raise PermissionDenied("Only supervisors start a calibration round.")
    return _round_start(actor=actor, month=month, size=size, seed=seed)


def calibration_round_start_as_system(*, month: dt.date, size: int = DEFAULT_SAMPLE) -> CalibrationRound | None:
    """The monthly task (system job, no actor): start this month's round unless it exists or
    last month had no questions. Running it twice starts one round."""
    month = month_start(month)
    existing = CalibrationRound.objects.filter(month=month).first()
    if existing is not None:
        return existing
    try:
        return _round_start(actor=None, month=month, size=size, seed=None)
    except ValidationError as exc:  # no questions last month: nothing to rate, not a failure
        codes = {e.code for errors in getattr(exc, "error_dict", {}).values() for e in errors}
        if "demand.no_questions" in codes:
            return None
        raise


def _round_start(*, actor: User | None, month: dt.date, size: int, seed: int | None) -> CalibrationRound:
    month = month_start(month)
    if not 1 <= size <= 200:
        raise reject("size", "A round samples from 1 to 200 questions.", code="demand.no_questions")
    if CalibrationRound.objects.filter(month=month).exists():
        raise reject("month", f"The round for {month:%B %Y} exists already.", code="demand.round_exists")
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(add_months(month, -1), dt.time(0), zone)
    end = dt.datetime.combine(month, dt.time(0), zone)
    seed = _seed_for(month) if seed is None else seed
    pool = desk_selectors.interactions_for_calibration(start=start, end=end)
    noted = pool.exclude(note="")
    if noted.count() >= size:  # a question with its words is one a rater can judge
        pool = noted
    chosen = draw_sample(pool, size=size, seed=seed)
    if not chosen:
        raise reject("month", f"No desk questions were logged in {start:%B %Y} to sample.", code="demand.no_questions")
    try:
        with transaction.atomic():
            round = CalibrationRound.objects.create(month=month, seed=seed, sample_size=len(chosen), created_by=actor)
            CalibrationItem.objects.bulk_create(
                CalibrationItem(round=round, interaction_id=pk, position=i) for i, pk in enumerate(chosen, start=1)
            )
            events.round_started(actor=actor, round=round)
    except IntegrityError:
        raise reject("month", f"The round for {month:%B %Y} exists already.", code="demand.round_exists") from None
    return round


def draw_sample(pool, *, size: int, seed: int) -> list[int]:
    """A reproducible sample spread over desks: each desk's questions shuffled with the seed,
    then taken in turn (desk A, desk B, desk A, …), so a quiet desk is not left out."""
    by_desk: dict[int, list[int]] = defaultdict(list)
    for pk, desk in pool.values_list("id", "service_point_id"):
        by_desk[desk].append(pk)
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    queues = []
    for desk in sorted(by_desk):
        ids = sorted(by_desk[desk])
        rng.shuffle(ids)
        queues.append(ids)
    chosen: list[int] = []
    while len(chosen) < size and any(queues):
        for queue in queues:
            if queue and len(chosen) < size:
                chosen.append(queue.pop())
    return chosen


def calibration_rate(*, actor: User, item: CalibrationItem, level: Any) -> tuple[CalibrationRating, bool]:
    """The rater's READ level for a sampled question: (rating, created). A second rating of the
    same question by the same person keeps the first (created False): one per rater per item."""
    if not policy.can_rate(actor):
        raise PermissionDenied("Only desk staff rate READ levels.")
    try:
        number = int(str(level).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 6:
        raise reject("level", "Choose a READ level from 1 to 6.", code="demand.level_invalid")
    if item.interaction.recorded_by_id == actor.pk:
        raise reject("item", "You logged this question yourself; it is left to the others.", code="demand.own_question")
    existing = CalibrationRating.objects.filter(item=item, rater=actor).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            rating = CalibrationRating.objects.create(item=item, rater=actor, level=number)
            events.rating_given(actor=actor, rating=rating)
    except IntegrityError:  # the same form sent twice at once
        return CalibrationRating.objects.get(item=item, rater=actor), False
    return rating, True
