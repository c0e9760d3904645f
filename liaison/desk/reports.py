"""Desk statistics out: counts for any period, by any one or two dimensions, and the figures a
library reports every year. Reads the count tables (liaison/core/counts.py, the desk's stat in
stats.py), so a year or ten costs the same few queries as a day.

Everything here is a read; nothing identifies a patron (the stat holds no person at all).
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from liaison.core import counts
from liaison.core.errors import reject
from liaison.desk import stats
from liaison.desk.models import READ_LEVELS, Interaction, InteractionKind, TechCategory
from liaison.desk.read_scale import LEVELS as READ_SCALE

MAX_YEARS = 50  # a period longer than this is refused with a message (30 years of history is fine)

# --- Periods ---------------------------------------------------------------------------------

PERIOD_KINDS = {
    "day": "Day",
    "week": "Week",
    "month": "Month",
    "term": "Term",
    "year": "Calendar year",
    "fiscal_year": "Fiscal year",
    "custom": "Custom dates",
}


@dataclass(frozen=True)
class Period:
    kind: str
    first: dt.date  # inclusive
    last: dt.date  # inclusive
    label: str

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def fiscal_year_start_month() -> int:
    return int(getattr(settings, "LIAISON_FISCAL_YEAR_START_MONTH", 7))


def terms() -> list[tuple[int, int, str]]:
    """(month, day, name) of each term's first day, in calendar order (settings.LIAISON_TERMS)."""
    return sorted(getattr(settings, "LIAISON_TERMS", [(1, 1, "Spring"), (5, 16, "Summer"), (8, 15, "Fall")]))


def _term_of(day: dt.date) -> tuple[dt.date, dt.date, str]:
    starts = [(dt.date(day.year + offset, m, d), name) for offset in (-1, 0, 1) for m, d, name in terms()]
    starts.sort()
    for (first, name), (following, _next_name) in itertools.pairwise(starts):
        if first <= day < following:
            return first, following - dt.timedelta(days=1), f"{name} {first.year}"
    raise AssertionError("every day is in some term")  # pragma: no cover


def fiscal_year_of(day: dt.date) -> tuple[dt.date, dt.date, str]:
    month = fiscal_year_start_month()
    if month == 1:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), f"FY{day.year}"
    start_year = day.year if day.month >= month else day.year - 1
    first = dt.date(start_year, month, 1)
    last = dt.date(start_year + 1, month, 1) - dt.timedelta(days=1)
    return first, last, f"FY{start_year + 1} ({first:%b %Y}–{last:%b %Y})"


def period_for(
    kind: str, *, anchor: dt.date | None = None, first: dt.date | None = None, last: dt.date | None = None
) -> Period:
    """The period of `kind` that contains `anchor` (today by default), or custom dates."""
    anchor = anchor or timezone.localdate()
    if kind not in PERIOD_KINDS:
        raise reject(
            "period", f"Unknown period {kind!r}; choose one of {', '.join(PERIOD_KINDS)}.", code="desk.period_unknown"
        )
    if kind == "day":
        return Period(kind, anchor, anchor, f"{anchor:%A %-d %B %Y}")
    if kind == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday())
        return Period(kind, monday, monday + dt.timedelta(days=6), f"Week of {monday:%-d %B %Y}")
    if kind == "month":
        last_day = calendar.monthrange(anchor.year, anchor.month)[1]
        return Period(kind, anchor.replace(day=1), anchor.replace(day=last_day), f"{anchor:%B %Y}")
    if kind == "term":
        term_first, term_last, name = _term_of(anchor)
        return Period(kind, term_first, term_last, name)
    if kind == "year":
        return Period(kind, dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31), str(anchor.year))
    if kind == "fiscal_year":
        fy_first, fy_last, name = fiscal_year_of(anchor)
        return Period(kind, fy_first, fy_last, name)
    if first is None or last is None:
        raise reject("first", "Give both the first and the last day of the period.", code="desk.period_incomplete")
    if last < first:
        raise reject("last", "The last day is before the first; the period would be empty.", code="desk.period_empty")
    if (last - first).days > MAX_YEARS * 366:
        raise reject("last", f"Choose a period of at most {MAX_YEARS} years.", code="desk.period_too_long")
    return Period(kind, first, last, f"{first:%-d %b %Y} – {last:%-d %b %Y}")


# --- Dimensions ------------------------------------------------------------------------------

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MODE_LABELS = dict(Interaction.Mode.choices)


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    reads: str  # the stat dimension or time part it groups by
    # Every value the dimension can take, in display order, with its label. Values that turn
    # up in the data but are not listed (a retired service point) are added after them.
    values: Callable[[], list[tuple[Any, str]]]


def _service_points() -> list[tuple[Any, str]]:
    from liaison.places.selectors import service_point_choices

    return [(p.pk, p.name) for p in service_point_choices(active_only=False).order_by("name")]


def _kinds() -> list[tuple[Any, str]]:
    return [(k.pk, k.name) for k in InteractionKind.objects.order_by("order", "name")]


def _tech_categories() -> list[tuple[Any, str]]:
    return [(None, "No IT category"), *((c.pk, c.name) for c in TechCategory.objects.order_by("order", "name"))]


def _referrals() -> list[tuple[Any, str]]:
    from liaison.directory.selectors import entry_choices

    return [(None, "No referral"), *((e.pk, e.name) for e in entry_choices(active_only=False))]


def _hours() -> list[tuple[Any, str]]:
    return [(h, f"{h:02d}:00") for h in range(24)]


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("service_point", "Service point", "service_point", _service_points),
        Dimension("kind", "Kind", "kind", _kinds),
        Dimension("read_level", "READ level", "read_level", lambda: [(lvl, f"READ {lvl}") for lvl in READ_LEVELS]),
        Dimension("mode", "Mode", "mode", lambda: list(MODE_LABELS.items())),
        Dimension("tech_category", "IT category", "tech_category", _tech_categories),
        Dimension("referred_to", "Referred to", "referred_to", _referrals),
        Dimension("hour_of_day", "Hour of day", "hour_of_day", _hours),
        Dimension("weekday", "Weekday", "weekday", lambda: [(i + 1, name) for i, name in enumerate(WEEKDAYS)]),
        Dimension("day", "Day", "day", lambda: []),
        Dimension("week", "Week", "week", lambda: []),
        Dimension("month", "Month", "month", lambda: []),
        Dimension("year", "Year", "year", lambda: []),
    )
}
TIME_DIMENSIONS = {"day", "week", "month", "year"}


def _time_label(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "day":
        return f"{value:%a %-d %b %Y}"
    if key == "week":
        return f"Week of {value:%-d %b %Y}"
    if key == "month":
        return f"{value:%B %Y}"
    return str(value)


# --- The table ---------------------------------------------------------------------------------


@dataclass
class Table:
    """Counts by one dimension (a list) or two (a cross-table with totals)."""

    period: Period
    rows_by: Dimension
    columns_by: Dimension | None
    row_keys: list[tuple[Any, str]] = field(default_factory=list)
    column_keys: list[tuple[Any, str]] = field(default_factory=list)
    cells: dict[tuple[Any, Any], int] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)

    def cell(self, row: Any, column: Any = None) -> int:
        return self.cells.get((row, column), 0)

    def row_total(self, row: Any) -> int:
        return sum(n for (r, _c), n in self.cells.items() if r == row)

    def column_total(self, column: Any) -> int:
        return sum(n for (_r, c), n in self.cells.items() if c == column)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def grid(self) -> list[list[Any]]:
        """Header row, then one row per row key, then totals: what CSV and XLSX write."""
        if self.columns_by is None:
            out: list[list[Any]] = [[self.rows_by.label, "Interactions"]]
            out += [[label, self.cell(key)] for key, label in self.row_keys]
            out.append(["Total", self.total])
            return out
        out = [
            [f"{self.rows_by.label} \\ {self.columns_by.label}", *(label for _k, label in self.column_keys), "Total"]
        ]
        for key, label in self.row_keys:
            out.append([label, *(self.cell(key, c) for c, _l in self.column_keys), self.row_total(key)])
        out.append(["Total", *(self.column_total(c) for c, _l in self.column_keys), self.total])
        return out


def _keys(dimension: Dimension, seen: set[Any], *, keep_empty: bool) -> list[tuple[Any, str]]:
    if dimension.key in TIME_DIMENSIONS:
        return [(value, _time_label(dimension.key, value)) for value in sorted(v for v in seen if v is not None)]
    listed = dimension.values()
    known = {value for value, _label in listed}
    keys = [(value, label) for value, label in listed if keep_empty or value in seen]
    keys += [(value, f"#{value}") for value in sorted((v for v in seen if v not in known), key=str)]
    return keys


def desk_table(
    *,
    period: Period,
    rows: str,
    columns: str | None = None,
    where: dict[str, Any] | None = None,
    keep_empty: bool = True,
) -> Table:
    """Interactions in `period` counted by `rows` (and `columns`), optionally filtered."""
    for name, value in (("rows", rows), ("columns", columns)):
        if value is not None and value not in DIMENSIONS:
            raise reject(
                name,
                f"Unknown dimension {value!r}; choose one of {', '.join(DIMENSIONS)}.",
                code="desk.dimension_unknown",
            )
    if columns == rows:
        raise reject(
            "columns", "Choose a different dimension for the columns than for the rows.", code="desk.dimension_twice"
        )
    row_dim, col_dim = DIMENSIONS[rows], DIMENSIONS[columns] if columns else None
    group = (row_dim.reads,) + ((col_dim.reads,) if col_dim else ())
    stat = counts.choose(stats.NARROWEST_FIRST, names=(*group, *(where or {})))
    totals = counts.read(stat, start=period.start, end=period.end, group_by=group, where=where or {})
    table = Table(period=period, rows_by=row_dim, columns_by=col_dim, filters=dict(where or {}))
    for key, n in totals.items():
        table.cells[(key[0], key[1] if col_dim else None)] = n
    table.row_keys = _keys(row_dim, {r for r, _c in table.cells}, keep_empty=keep_empty)
    if col_dim:
        table.column_keys = _keys(col_dim, {c for _r, c in table.cells}, keep_empty=keep_empty)
    return table


# --- The figures a library reports every year (ACRL, after ANSI/NISO Z39.7) -------------------

ACRL_DEFINITIONS = {
    "transactions": (
        "Information-service transactions: every question answered at a desk, by phone, chat or e-mail, "
        "except directional ones (kind “Directional”) and except consultations. ACRL Academic Library "
        "Trends and Statistics, “Information services to individuals”, after ANSI/NISO Z39.7 §7.3."
    ),
    "consultations": (
        "Consultations: in-depth help to one person or a small group, counted when the READ level is "
        "{min_read} or higher (READ {min_read}: “{min_read_words}”). ACRL counts them on their own line, "
        "not among transactions."
    ),
    "directional": (
        "Directional questions (locations, hours, equipment basics) are excluded from both, as Z39.7 directs; "
        "they are shown for completeness."
    ),
}


def consultation_min_read() -> int:
    return int(getattr(settings, "LIAISON_ACRL_CONSULTATION_MIN_READ", 4))


@dataclass(frozen=True)
class AcrlFigures:
    period: Period
    transactions: int
    consultations: int
    directional: int
    technology_share: int  # of transactions + consultations, how many were technology kinds
    definitions: dict[str, str]

    @property
    def information_services(self) -> int:
        return self.transactions + self.consultations


def acrl_figures(*, period: Period) -> AcrlFigures:
    by_kind_level = counts.read(
        stats.BY_POINT_KIND_LEVEL, start=period.start, end=period.end, group_by=("kind", "read_level")
    )
    kinds = {k.pk: k for k in InteractionKind.objects.all()}
    minimum = consultation_min_read()
    transactions = consultations = directional = technology = 0
    for (kind_id, level), n in by_kind_level.items():
        kind = kinds.get(kind_id)
        if kind is not None and kind.slug == "directional":
            directional += n
            continue
        if level >= minimum:
            consultations += n
        else:
            transactions += n
        if kind is not None and kind.asks_tech_category:
            technology += n
    words = next((level.summary for level in READ_SCALE if level.number == minimum), "")
    definitions = {key: text.format(min_read=minimum, min_read_words=words) for key, text in ACRL_DEFINITIONS.items()}
    return AcrlFigures(period, transactions, consultations, directional, technology, definitions)


def by_month_for_years(*, period: Period) -> dict[dt.date, int]:
    """Totals per month (first day of the month in the campus zone): for long periods."""
    totals = counts.read(stats.BY_POINT_LEVEL, start=period.start, end=period.end, group_by=("month",))
    return {key[0]: n for key, n in totals.items()}
