"""Pre-aggregated counts: declared stats, an idempotent and resumable fill job, a fill state.

After Zulip's analytics (`analytics/lib/counts.py`). A domain declares what it counts in its
`stats.py`, and registers it here; nothing else is needed for it to be filled and read:

    INTERACTIONS = counts.register(counts.CountStat(
        property="desk.interactions",
        source=lambda: Interaction.objects.all(),
        time_field="occurred_at",
        dimensions=(("service_point", "service_point_id", int), ("kind", "kind_id", int), ...),
        value=Count("id"),
    ))

- **Buckets** are UTC hours (`frequency=HOUR`), so a day, week or month in the campus time zone
  is a whole number of buckets wherever the zone's offset is whole hours; or days in the campus
  time zone (`frequency=DAY`), for stats that reports read over years. A domain declares a few
  narrow stats (two or three dimensions) beside one wide hourly one, and readers `choose` the
  narrowest that answers: a month × service point × READ table over ten years then reads tens of
  thousands of rows, not a million.
- **Filling** (`fill`, run every few minutes by `tasks.fill_counts`, and by `manage.py
  fill_counts`) rewrites whole buckets from the source rows, a chunk at a time, each chunk in
  its own transaction that also moves the fill state on: running it twice, or in two workers at
  once, gives the same rows (idempotent), and a fill stopped half-way resumes where it stopped.
  It fills only buckets that ended at least `SETTLE` ago, so a write still in flight is never
  missed.
- **Late writes** (a back-dated desk entry, an import of last year, an undo) call `touch(stat,
  moment)` in their own transaction. When the moment lies in a bucket that may be filled, the
  fill state moves back to it; readers count from the source rows from there on, and the next
  fill rewrites those buckets. Writes of "now" cost nothing.
- **Reading** (`read`) sums the filled buckets from the count table and counts the rest (the
  last hour or so, or whatever a late write re-opened) from the source rows, so a figure is
  always exact, and fast on years of data.

Gauges (how many of something exist *now*: open tickets per queue) are not flows over time and
cannot be summed over buckets. `GaugeStat` keeps a snapshot that is at most `max_age` old and
takes a new one when a reader finds it older; the page says when it was taken.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Aggregate, Q, QuerySet, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from liaison.core.models import DIMENSION_COLUMNS, AggregateCount, AggregateFillState

logger = logging.getLogger(__name__)

HOUR = "hour"
DAY = "day"
SETTLE = dt.timedelta(minutes=10)
FILL_CHUNK = dt.timedelta(days=31)
UTC = dt.UTC


@dataclass(frozen=True)
class Dimension:
    name: str  # what readers call it ("service_point")
    source_field: str  # the source row's field ("service_point_id")
    cast: Callable[[str], Any] = str  # turns the stored text back into the source's type


@dataclass(frozen=True)
class CountStat:
    property: str
    source: Callable[[], QuerySet]
    time_field: str
    dimensions: Sequence[Dimension]
    value: Aggregate
    description: str = ""
    frequency: str = HOUR  # HOUR (UTC hours) or DAY (days in the campus time zone)

    def __post_init__(self) -> None:
        if len(self.dimensions) > len(DIMENSION_COLUMNS):
            raise ValueError(f"A stat has at most {len(DIMENSION_COLUMNS)} dimensions.")
        if self.frequency not in (HOUR, DAY):
            raise ValueError("A stat is counted by the hour or by the day.")

    def names(self) -> set[str]:
        return {d.name for d in self.dimensions}

    def column(self, name: str) -> str:
        for index, dimension in enumerate(self.dimensions):
            if dimension.name == name:
                return DIMENSION_COLUMNS[index]
        raise KeyError(f"{self.property} has no dimension {name!r}")

    def dimension(self, name: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.name == name:
                return dimension
        raise KeyError(f"{self.property} has no dimension {name!r}")


@dataclass(frozen=True)
class GaugeStat:
    property: str
    compute: Callable[[], Iterable[tuple[Sequence[Any], int]]]  # yields (dimension values, value)
    dimensions: Sequence[Dimension]
    max_age: dt.timedelta = dt.timedelta(minutes=5)
    description: str = ""


_stats: dict[str, CountStat | GaugeStat] = {}


def register(stat):
    """Declare a stat (done once, at import of the domain's `stats.py`)."""
    existing = _stats.get(stat.property)
    if existing is not None and existing is not stat:
        raise ValueError(f"Two stats are named {stat.property}.")
    _stats[stat.property] = stat
    return stat


def registered() -> dict[str, CountStat | GaugeStat]:
    autodiscover()
    return dict(_stats)


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("stats")


# --- Time -------------------------------------------------------------------------------------


def floor_bucket(moment: dt.datetime, frequency: str = HOUR) -> dt.datetime:
    """The start of the bucket `moment` falls in: its UTC hour, or its day's local midnight."""
    if frequency == DAY:
        local = timezone.localtime(moment)
        return timezone.make_aware(dt.datetime.combine(local.date(), dt.time.min)).astimezone(UTC)
    moment = moment.astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


def next_bucket(start: dt.datetime, frequency: str = HOUR) -> dt.datetime:
    if frequency == DAY:
        local = timezone.localtime(start).date() + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(local, dt.time.min)).astimezone(UTC)
    return start + dt.timedelta(hours=1)


def ceil_bucket(moment: dt.datetime, frequency: str = HOUR) -> dt.datetime:
    floored = floor_bucket(moment, frequency)
    return floored if floored == moment else next_bucket(floored, frequency)


def fillable_until(now: dt.datetime | None = None, frequency: str = HOUR) -> dt.datetime:
    """The end of the last bucket that no write still in flight can land in."""
    return floor_bucket((now or timezone.now()) - SETTLE, frequency)


# --- Late writes --------------------------------------------------------------------------------


def is_late(moment: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    """Whether a write at `moment` may land in a bucket that a fill has already written."""
    return moment is not None and moment < (now or timezone.now()) - SETTLE


def touch(stats: CountStat | Sequence[CountStat], *moments: dt.datetime | None, now: dt.datetime | None = None) -> None:
    """A source row at `moment` was added, changed or removed. Call it in the writing
    transaction, with every stat counted from that source. Free for moments in the last SETTLE
    minutes (the fill never reaches them); otherwise each stat's fill state moves back to the
    moment's bucket."""
    cutoff = (now or timezone.now()) - SETTLE
    late = [m for m in moments if m is not None and m < cutoff]
    if not late:
        return
    for stat in [stats] if isinstance(stats, CountStat) else stats:
        earliest = floor_bucket(min(late), stat.frequency)
        AggregateFillState.objects.filter(property=stat.property, filled_until__gt=earliest).update(
            filled_until=earliest
        )


# --- Filling -----------------------------------------------------------------------------------


def _bucketed(stat: CountStat, start: dt.datetime, end: dt.datetime) -> QuerySet:
    source_fields = [d.source_field for d in stat.dimensions]
    return (
        stat.source()
        .filter(**{f"{stat.time_field}__gte": start, f"{stat.time_field}__lt": end})
        .annotate(liaison_bucket=_bucket_expr(stat))
        .values("liaison_bucket", *source_fields)
        .annotate(liaison_value=stat.value)
        .order_by()
    )


def _bucket_expr(stat: CountStat):
    from django.db.models.functions import TruncDay

    if stat.frequency == DAY:
        return TruncDay(stat.time_field, tzinfo=timezone.get_current_timezone())
    return TruncHour(stat.time_field, tzinfo=UTC)


def _stored(value: Any) -> str:
    return "" if value is None else str(value)[:64]


def _first_moment(stat: CountStat) -> dt.datetime | None:
    first = stat.source().order_by(stat.time_field).values_list(stat.time_field, flat=True).first()
    return floor_bucket(first, stat.frequency) if first else None


def fill(stat: CountStat, *, now: dt.datetime | None = None, chunk: dt.timedelta = FILL_CHUNK) -> int:
    """Fill the stat's buckets up to `fillable_until(now)`. Returns how many buckets were written.
    Safe to run twice or in two workers at once; resumes where a stopped run left off."""
    target = fillable_until(now, stat.frequency)
    written = 0
    while True:
        with transaction.atomic():
            state = AggregateFillState.objects.select_for_update().filter(property=stat.property).first()
            if state is None:
                first = _first_moment(stat)
                state, _created = AggregateFillState.objects.get_or_create(
                    property=stat.property, defaults={"filled_until": min(first or target, target)}
                )
                state = AggregateFillState.objects.select_for_update().get(pk=state.pk)
            start = state.filled_until
            if start >= target:
                return written
            end = max(min(floor_bucket(start + chunk, stat.frequency), target), next_bucket(start, stat.frequency))
            end = min(end, target)
            AggregateCount.objects.filter(
                property=stat.property, bucket_start__gte=start, bucket_start__lt=end
            ).delete()
            rows = []
            buckets = set()
            for row in _bucketed(stat, start, end):
                if not row["liaison_value"]:
                    continue
                dims = {DIMENSION_COLUMNS[i]: _stored(row[d.source_field]) for i, d in enumerate(stat.dimensions)}
                rows.append(
                    AggregateCount(
                        property=stat.property, bucket_start=row["liaison_bucket"], value=row["liaison_value"], **dims
                    )
                )
                buckets.add(row["liaison_bucket"])
            AggregateCount.objects.bulk_create(rows, batch_size=2000)
            state.filled_until = end
            state.last_run_at = timezone.now()
            state.last_run_buckets = len(buckets)
            state.save(update_fields=["filled_until", "last_run_at", "last_run_buckets"])
            written += len(buckets)


def fill_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    done = {}
    for name, stat in registered().items():
        if isinstance(stat, CountStat):
            done[name] = fill(stat, now=now)
    return done


# --- Reading -------------------------------------------------------------------------------------


def _filled_until(stat: CountStat) -> dt.datetime | None:
    return AggregateFillState.objects.filter(property=stat.property).values_list("filled_until", flat=True).first()


def read(
    stat: CountStat,
    *,
    start: dt.datetime,
    end: dt.datetime,
    group_by: Sequence[str] = (),
    where: Mapping[str, Any] | None = None,
) -> dict[tuple, int]:
    """Totals for [start, end), grouped by the named dimensions, filtered by `where`
    (dimension name → a value or a list of values). Keys are tuples in `group_by` order
    (the empty tuple when not grouped), with the source's own types. The pseudo-dimension
    `BUCKET` groups by the hour (its UTC start), from which callers derive days, weekdays,
    hours of the day and months in the campus time zone."""
    where = where or {}
    if stat.frequency == DAY and set(group_by) & HOURLY_PARTS:
        raise ValueError(f"{stat.property} is counted by the day; it has no hours.")
    totals: dict[tuple, int] = defaultdict(int)
    filled_until = _filled_until(stat)
    table_start = ceil_bucket(start, stat.frequency)
    table_end = min(floor_bucket(end, stat.frequency), filled_until) if filled_until else table_start
    if table_end > table_start:
        _read_table(stat, table_start, table_end, group_by, where, totals)
        live = [(start, table_start), (table_end, end)]
    else:
        live = [(start, end)]
    for live_start, live_end in live:
        if live_end > live_start:
            _read_source(stat, live_start, live_end, group_by, where, totals)
    return dict(totals)


BUCKET = "bucket"
HOURLY_PARTS = {BUCKET, "hour_of_day"}  # need a stat counted by the hour


def choose(candidates: Sequence[CountStat], *, names: Iterable[str]) -> CountStat:
    """The first of `candidates` (list them narrowest first) that can answer a reading grouped
    or filtered by `names` (dimensions and time parts): fewer dimensions mean fewer rows."""
    wanted = set(names)
    needs_hours = bool(wanted & HOURLY_PARTS)
    dims = wanted - set(TIME_PARTS) - {BUCKET}
    for stat in candidates:
        if dims <= stat.names() and (not needs_hours or stat.frequency == HOUR):
            return stat
    raise ValueError(f"No declared stat counts {', '.join(sorted(wanted))}.")


# Parts of time a reading can be grouped by, computed by the database in the campus time zone.
TIME_PARTS = ("day", "week", "month", "year", "hour_of_day", "weekday")


def _time_expr(part: str, field: str):
    from django.db.models.functions import (
        ExtractHour,
        ExtractIsoWeekDay,
        ExtractYear,
        TruncDay,
        TruncMonth,
        TruncWeek,
    )

    zone = timezone.get_current_timezone()
    return {
        BUCKET: lambda: TruncHour(field, tzinfo=UTC),
        "day": lambda: TruncDay(field, tzinfo=zone),
        "week": lambda: TruncWeek(field, tzinfo=zone),
        "month": lambda: TruncMonth(field, tzinfo=zone),
        "year": lambda: ExtractYear(field, tzinfo=zone),
        "hour_of_day": lambda: ExtractHour(field, tzinfo=zone),
        "weekday": lambda: ExtractIsoWeekDay(field, tzinfo=zone),
    }[part]()


def _is_time(name: str) -> bool:
    return name == BUCKET or name in TIME_PARTS


def _time_value(part: str, value: Any) -> Any:
    """Days, weeks and months as dates in the campus zone; the rest as they come."""
    if isinstance(value, dt.datetime) and part in ("day", "week", "month"):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC)
    return value


def _read_table(stat, start, end, group_by, where, totals) -> None:
    rows = AggregateCount.objects.filter(property=stat.property, bucket_start__gte=start, bucket_start__lt=end)
    for name, wanted in where.items():
        column = stat.column(name)
        if isinstance(wanted, (list, tuple, set, frozenset)):
            rows = rows.filter(**{f"{column}__in": [_stored(w) for w in wanted]})
        else:
            rows = rows.filter(**{column: _stored(wanted)})
    times = {f"liaison_{name}": _time_expr(name, "bucket_start") for name in group_by if _is_time(name)}
    if times:
        rows = rows.annotate(**times)
    columns = [f"liaison_{name}" if _is_time(name) else stat.column(name) for name in group_by]
    for row in rows.values_list(*columns).annotate(total=Sum("value")).order_by():
        key = tuple(
            _time_value(name, value) if _is_time(name) else (None if value == "" else stat.dimension(name).cast(value))
            for name, value in zip(group_by, row[:-1], strict=True)
        )
        totals[key] += row[-1]


def _read_source(stat, start, end, group_by, where, totals) -> None:
    rows = stat.source().filter(**{f"{stat.time_field}__gte": start, f"{stat.time_field}__lt": end})
    condition = Q()
    for name, wanted in where.items():
        source_field = stat.dimension(name).source_field
        if isinstance(wanted, (list, tuple, set, frozenset)):
            condition &= Q(**{f"{source_field}__in": list(wanted)})
        else:
            condition &= Q(**{source_field: wanted})
    rows = rows.filter(condition)
    times = {f"liaison_{name}": _time_expr(name, stat.time_field) for name in group_by if _is_time(name)}
    if times:
        rows = rows.annotate(**times)
    fields = [f"liaison_{name}" if _is_time(name) else stat.dimension(name).source_field for name in group_by]
    query = rows.values(*fields).annotate(liaison_value=stat.value).order_by()
    for row in query:
        key = tuple(
            _time_value(name, row[f]) if _is_time(name) else row[f] for name, f in zip(group_by, fields, strict=True)
        )
        totals[key] += row["liaison_value"] or 0


# --- Gauges ----------------------------------------------------------------------------------------


@dataclass
class GaugeReading:
    taken_at: dt.datetime
    names: tuple[str, ...]
    values: dict[tuple, int] = field(default_factory=dict)

    def total(self, **where: Any) -> int:
        """The sum over the snapshot's rows whose dimensions match `where` (a value or a collection)."""
        positions = {name: self.names.index(name) for name in where}
        total = 0
        for key, value in self.values.items():
            if all(_wanted(key[positions[name]], wanted) for name, wanted in where.items()):
                total += value
        return total


def _wanted(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, (list, tuple, set, frozenset)):
        return actual in wanted
    return actual == wanted


def gauge_read(stat: GaugeStat, *, now: dt.datetime | None = None) -> GaugeReading:
    """The latest snapshot if it is younger than `max_age`, else a new one (stored for the next
    reader). Values are keyed by the dimension values, in the stat's order."""
    now = now or timezone.now()
    taken_at = _filled_until_gauge(stat)
    if taken_at is None or now - taken_at > stat.max_age:
        return gauge_snapshot(stat, now=now)
    casts = [d.cast for d in stat.dimensions]
    columns = list(DIMENSION_COLUMNS[: len(stat.dimensions)])
    values = {}
    for row in AggregateCount.objects.filter(property=stat.property, bucket_start=taken_at).values_list(
        *columns, "value"
    ):
        values[tuple(None if t == "" else c(t) for c, t in zip(casts, row[:-1], strict=True))] = row[-1]
    return GaugeReading(taken_at=taken_at, names=tuple(d.name for d in stat.dimensions), values=values)


def _filled_until_gauge(stat: GaugeStat) -> dt.datetime | None:
    return AggregateFillState.objects.filter(property=stat.property).values_list("filled_until", flat=True).first()


def gauge_snapshot(stat: GaugeStat, *, now: dt.datetime | None = None) -> GaugeReading:
    """Take a snapshot now and keep only it (a gauge's history is not kept here)."""
    now = now or timezone.now()
    values = {tuple(dims): int(value) for dims, value in stat.compute() if value}
    with transaction.atomic():
        AggregateCount.objects.filter(property=stat.property).delete()
        AggregateCount.objects.bulk_create(
            [
                AggregateCount(
                    property=stat.property,
                    bucket_start=now,
                    value=value,
                    **{DIMENSION_COLUMNS[i]: _stored(v) for i, v in enumerate(dims)},
                )
                for dims, value in values.items()
            ]
        )
        AggregateFillState.objects.update_or_create(
            property=stat.property, defaults={"filled_until": now, "last_run_at": now, "last_run_buckets": 1}
        )
    return GaugeReading(taken_at=now, names=tuple(d.name for d in stat.dimensions), values=values)
