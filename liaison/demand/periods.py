"""Periods of aggregate history: a month, a day, an hour, or any ISO-8601 interval.

`parse_period(text, zone)` reads what a file writes for a period and answers a `Period` with an
aware start and end (the end excluded) and its grain, or raises `PeriodError` with a sentence a
librarian can act on. Understood:

- months as spreadsheets write them: `2008-04`, `2024-2`, `Apr-08`, `Apr 08`, `April 2008`,
  `Apr 2008`, `04/2008`, `2008/04`, `2008-04-01/P1M`;
- a day `2024-01-05`, an hour `2024-01-05T09:00` (or `2024-01-05 09:00`), a year `2024`;
- ISO-8601 intervals `start/end`, `start/duration` and `duration/end`, where start and end are
  months, days or times (`2024-03/2024-04`, `2024-01-01T09:00/2024-01-01T10:00`,
  `2024-01-01/P1M`, `P1D/2024-01-02`); durations `PnYnMnWnDTnHnM`.

Local times are read in the given zone (the mapping's, else the site's). A time that does not
exist there (02:30 on the spring-forward night) is refused; a time that happens twice (01:30
on the fall-back night) is the first unless `fold=1` (the importer passes 1 for its second
sighting in a file). A period must last longer than nothing and at most `MAX_SPAN` (a year and
a day), and start between 1900 and 2100: "30 years of hours" is a typo, not a period.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

MONTH, DAY, HOUR, YEAR, INTERVAL = "month", "day", "hour", "year", "interval"
GRAINS = {MONTH: "Month", DAY: "Day", HOUR: "Hour", YEAR: "Year", INTERVAL: "Interval"}
MAX_SPAN = dt.timedelta(days=367)
FIRST_YEAR, LAST_YEAR = 1900, 2100

MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class PeriodError(ValueError):
    """The text is not a period; the message says why."""


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime
    grain: str

    @property
    def span(self) -> dt.timedelta:
        return self.end - self.start

    def label(self, zone: zoneinfo.ZoneInfo | None = None) -> str:
        start = self.start.astimezone(zone) if zone else self.start
        if self.grain == MONTH:
            return start.strftime("%b %Y")
        if self.grain == DAY:
            return start.strftime("%Y-%m-%d")
        if self.grain == HOUR:
            return start.strftime("%Y-%m-%d %H:%M")
        if self.grain == YEAR:
            return start.strftime("%Y")
        end = self.end.astimezone(zone) if zone else self.end
        return f"{start.isoformat(timespec='minutes')}/{end.isoformat(timespec='minutes')}"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not FIRST_YEAR - 1 <= year <= LAST_YEAR + 1:
        raise PeriodError(f"the year {year} is out of range")
    return day.replace(year=year, month=month + 1, day=1)


_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")  # 2008-04, 2024-2, 2008/04
_MY_NUM = re.compile(r"^(\d{1,2})[-/.](\d{4})$")  # 04/2008
_MY_NAME = re.compile(r"^([a-z]+)\.?[\s\-/']*(\d{2}|\d{4})$")  # Apr-08, April 2008, Apr 08, Apr'08
_YEAR = re.compile(r"^(\d{4})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$")
_DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)


@dataclass(frozen=True)
class _Point:
    """One end of an interval as written, before it is placed in a zone."""

    moment: dt.datetime  # naive, or aware when the text had an offset
    grain: str  # what the text alone would mean: month, day, hour, year


def _month_point(year: int, month: int, text: str) -> _Point:
    if not 1 <= month <= 12:
        raise PeriodError(f"{text!r} has no month {month}")
    _year_ok(year, text)
    return _Point(dt.datetime(year, month, 1), MONTH)


def _year_ok(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"{text!r} is in the year {year}; periods run from {FIRST_YEAR} to {LAST_YEAR}")


def _point(text: str) -> _Point:
    raw = " ".join(text.split())
    low = raw.casefold()
    if m := _YM.match(low):
        return _month_point(int(m.group(1)), int(m.group(2)), raw)
    if m := _MY_NUM.match(low):
        return _month_point(int(m.group(2)), int(m.group(1)), raw)
    if m := _MY_NAME.match(low):
        month = MONTH_NAMES.get(m.group(1))
        if month is None:
            raise PeriodError(f"{raw!r}: {m.group(1)!r} is not the name of a month")
        year = int(m.group(2))
        if len(m.group(2)) == 2:
            year += 2000 if year < 70 else 1900  # spreadsheets' two-digit years: 70–99 are the 1900s
        return _month_point(year, month, raw)
    if m := _YEAR.match(low):
        _year_ok(int(m.group(1)), raw)
        return _Point(dt.datetime(int(m.group(1)), 1, 1), YEAR)
    if m := _DATE.match(low):
        _year_ok(int(m.group(1)), raw)
        try:
            return _Point(dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))), DAY)
        except ValueError:
            raise PeriodError(f"{raw!r} is not a date on the calendar") from None
    if m := _DATETIME.match(raw.upper()):
        _year_ok(int(m.group(1)), raw)
        try:
            moment = dt.datetime.fromisoformat(raw.upper().replace(" ", "T").replace("Z", "+00:00"))
        except ValueError:
            raise PeriodError(f"{raw!r} is not a time on the calendar") from None
        if moment.minute or moment.second:
            return _Point(moment, INTERVAL)
        return _Point(moment, HOUR)
    raise PeriodError(
        f"{raw!r} is not a period: write a month (2024-03, Mar 2024, Mar-24), a day (2024-03-05), "
        "an hour (2024-03-05T09:00) or an ISO-8601 interval (2024-03-01/P1M)"
    )


def _duration(text: str) -> tuple[int, int, dt.timedelta]:
    """(months, days, the clock time) of an ISO-8601 duration: months and days move the
    calendar (a day across a DST change is 23 or 25 hours), hours and minutes move the clock."""
    m = _DURATION.match(text.strip().upper())
    if not m:
        raise PeriodError(f"{text!r} is not an ISO-8601 duration such as P1M, P1D or PT1H")
    years, months, weeks, days, hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
    if years > 200 or months > 2400 or weeks > 11000 or days > 80000 or hours > 2_000_000 or minutes > 10**8:
        raise PeriodError(f"{text!r} is far longer than any period (at most a year and a day)")
    return years * 12 + months, weeks * 7 + days, dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _shift(moment: dt.datetime, zone: zoneinfo.ZoneInfo, months: int, days: int, clock: dt.timedelta, sign: int):
    """An aware moment moved by a duration: the calendar part on the wall clock, the rest in
    elapsed time."""
    local = moment.astimezone(zone).replace(tzinfo=None)
    if months:
        shifted = add_months(local.date(), sign * months)
        local = local.replace(year=shifted.year, month=shifted.month)
    local += dt.timedelta(days=sign * days)
    placed = local.replace(tzinfo=zone) if (months or days) else moment
    return (placed.astimezone(dt.UTC) + sign * clock).astimezone(zone)


def _place(moment: dt.datetime, zone: zoneinfo.ZoneInfo, fold: int, text: str) -> dt.datetime:
    """A naive local time in the zone, refusing one the clocks skipped."""
    if moment.tzinfo is not None:
        return moment
    placed = moment.replace(tzinfo=zone, fold=fold)
    back = placed.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment:
        raise PeriodError(
            f"{text!r} did not happen in {zone.key}: the clocks went forward that night (daylight saving)"
        )
    return placed


def is_ambiguous(moment: dt.datetime) -> bool:
    """Whether a local time happens twice (the fall-back hour)."""
    if moment.tzinfo is None:
        return False
    a = moment.replace(fold=0).utcoffset()
    b = moment.replace(fold=1).utcoffset()
    return a != b


def _natural_end(point: _Point, start: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Where a period written as one point ends: the month's, year's or day's end on the
    calendar; an hour after a time, by the clock (the spring-forward hour ends at 03:00)."""
    if point.grain == MONTH:
        return _shift(start, zone, 1, 0, dt.timedelta(), 1)
    if point.grain == YEAR:
        return _shift(start, zone, 12, 0, dt.timedelta(), 1)
    if point.grain == DAY:
        return _shift(start, zone, 0, 1, dt.timedelta(), 1)
    return (start.astimezone(dt.UTC) + dt.timedelta(hours=1)).astimezone(zone)


def _grain(start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    midnight = local_start.time() == dt.time(0) and local_end.time() == dt.time(0)
    if midnight and local_start.day == 1 and local_end.date() == add_months(local_start.date(), 1):
        return MONTH
    if midnight and local_start.timetuple()[1:3] == (1, 1) and local_end.date() == add_months(local_start.date(), 12):
        return YEAR
    if midnight and local_end.date() - local_start.date() == dt.timedelta(days=1):
        return DAY
    if end - start == dt.timedelta(hours=1) and local_start.minute == 0:
        return HOUR
    return INTERVAL


def _interval(first: str, second: str, zone: zoneinfo.ZoneInfo, fold: int) -> tuple[dt.datetime, dt.datetime]:
    if first.upper().startswith("P"):
        months, days, clock = _duration(first)
        end = _place(_point(second).moment, zone, fold, second)
        return _shift(end, zone, months, days, clock, -1), end
    if second.upper().startswith("P"):
        months, days, clock = _duration(second)
        start = _place(_point(first).moment, zone, fold, first)
        return start, _shift(start, zone, months, days, clock, 1)
    return _place(_point(first).moment, zone, fold, first), _place(_point(second).moment, zone, fold, second)


def parse_period(text: str, zone: zoneinfo.ZoneInfo, *, end_text: str = "", fold: int = 0) -> Period:
    """A period from its text (and, when a file gives the end in another column, the end's)."""
    raw = " ".join((text or "").split())
    if not raw:
        raise PeriodError("the period is blank")
    if end_text.strip():
        if "/" in raw:
            raise PeriodError(f"{raw!r} is already an interval; leave the end column unmapped")
        raw = f"{raw}/{' '.join(end_text.split())}"
    if "/" in raw and not _YM.match(raw.casefold()) and not _MY_NUM.match(raw.casefold()):
        first, _, second = raw.partition("/")
        first, second = first.strip(), second.strip()
        if not first or not second or "/" in second:
            raise PeriodError(f"{raw!r} is not an interval: write start/end, start/duration or duration/end")
        try:
            start, end = _interval(first, second, zone, fold)
        except PeriodError as exc:
            raise PeriodError(f"{raw!r} is not an interval: {exc}") from None
    else:
        point = _point(raw)
        start = _place(point.moment, zone, fold, raw)
        end = _natural_end(point, start, zone)
    span = end - start
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    span = end - start  # in UTC: aware times in one zone subtract as wall clocks
    if span <= dt.timedelta(0):
        raise PeriodError(f"{raw!r} ends before it starts or lasts no time at all")
    if span > MAX_SPAN:
        raise PeriodError(f"{raw!r} lasts {span.days:,} days; a period is at most a year and a day")
    return Period(start, end, _grain(start, end, zone))
