"""Turning a cell's text into a typed value, with a message that names what was wrong.

Each converter takes the stripped text of a cell (never blank: blanks are handled before)
and returns the value or raises ValueError with a reason written for a librarian, e.g.
"'seven' is not a number 1–6". Dates follow the mapping's date order; ISO dates
(2021-03-24) are always understood. Times without an offset are read in the mapping's time
zone (a desk log exported on another campus), or in settings.TIME_ZONE when it names none.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

# Date orders a mapping may choose; anything containing "%" is an explicit strptime format.
DATE_ORDERS = {
    "mdy": "Month first (3/24/2021, US)",
    "dmy": "Day first (24/3/2021, UK and Europe)",
    "ymd": "Year first (2021-03-24, ISO)",
}
DEFAULT_DATE_ORDER = "mdy"
# How to read a duration "1:30": hours and minutes (90 minutes) or minutes and seconds (1½).
CLOCK_HOURS, CLOCK_MINUTES = "hm", "ms"
CLOCKS = {CLOCK_HOURS: "1:30 is an hour and a half", CLOCK_MINUTES: "1:30 is a minute and a half"}

# A four-digit year first (2021-03-24) is unambiguous, so every order accepts it.
_YEAR_FIRST = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
_DATE_PARTS = {
    "mdy": ["%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m.%d.%Y", *_YEAR_FIRST],
    "dmy": ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d.%m.%y", *_YEAR_FIRST],
    "ymd": _YEAR_FIRST,
}
_TIME_PARTS = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p", "%H:%M:%S.%f", "%I %p"]


@dataclass(frozen=True)
class DateOnly:
    """A cell that gave a date but no time of day; the importer decides what time to use."""

    date: dt.date


def valid_date_format(value: str) -> bool:
    if value in DATE_ORDERS:
        return True
    if "%" not in value:
        return False
    try:
        dt.datetime(2021, 3, 24, 10, 42).strftime(value)
    except ValueError:
        return False
    return True


def valid_time_zone(name: str) -> bool:
    if not name:
        return True  # the site's own
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_for(name: str | dt.tzinfo = "") -> dt.tzinfo:
    """The zone named (the site's for ""); a zone already found is taken as it is, so a caller
    reading many cells finds it once."""
    if isinstance(name, dt.tzinfo):
        return name
    return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


def _aware(value: dt.datetime, time_zone: str | dt.tzinfo = "") -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=zone_for(time_zone))
    return value


@functools.lru_cache(maxsize=64)
def _formats(date_format: str) -> tuple[tuple[str, bool], ...]:
    """(strptime format, has a time) pairs to try, most specific first."""
    if "%" in date_format:
        has_time = any(code in date_format for code in ("%H", "%I", "%M"))
        return ((date_format, has_time),)
    out: list[tuple[str, bool]] = []
    for date_part in _DATE_PARTS.get(date_format, _DATE_PARTS[DEFAULT_DATE_ORDER]):
        out += [(f"{date_part} {time_part}", True) for time_part in _TIME_PARTS]
        out.append((date_part, False))
    return tuple(out)


# The format that read the last cell of each date order: a file uses one format throughout, so
# trying it first makes a million dates cost one match each instead of dozens of strptime calls.
_LAST_FORMAT: dict[str, tuple[str, bool]] = {}
# (format, has a time) → its fast reader, or one that always declines
_LAST_READER: dict[tuple[str, bool], Callable[[str, dt.tzinfo], dt.datetime | DateOnly | None]] = {}


def _NO_READER(text: str, zone: dt.tzinfo) -> None:
    return None


# strptime's own patterns for the numeric directives (Lib/_strptime.py), narrowed to ASCII digits,
# without the space-padded day and without leap seconds. A text such a pattern matches in full
# is read by strptime to the same numbers, so the datetime made from them is the one strptime
# makes; anything else (and any datetime the numbers cannot make) goes on to strptime itself.
_FAST_DIRECTIVES = {
    "Y": "([0-9]{4})",
    "m": "(1[0-2]|0[1-9]|[1-9])",
    "d": "(3[01]|[12][0-9]|0[1-9]|[1-9])",
    "H": "(2[0-3]|[01][0-9]|[0-9])",
    "M": "([0-5][0-9]|[0-9])",
    "S": "([0-5][0-9]|[0-9])",
}
_DATETIME_ORDER = "YmdHMS"


@functools.lru_cache(maxsize=256)
def _fast_pattern(fmt: str) -> tuple[re.Pattern[str], tuple[int, ...]] | None:
    """A format made only of %Y %m %d %H %M %S, each followed by a character that is not a digit
    (or the end) and with no whitespace but single spaces between, as one regular expression
    and where each of its groups goes in (year, month, day, hour, minute, second); else None."""
    parts = re.split(r"(%.)", fmt)
    if parts[0] or parts[-1]:
        return None  # text before the first directive or after the last: leave it to strptime
    pattern, order = [], []
    for index, part in enumerate(parts):
        if index % 2:  # a directive
            name = part[1]
            if name not in _FAST_DIRECTIVES or _DATETIME_ORDER.index(name) in order:
                return None
            pattern.append(_FAST_DIRECTIVES[name])
            order.append(_DATETIME_ORDER.index(name))
        elif index not in (0, len(parts) - 1):  # the literal between two directives
            if not part or any(ch.isdigit() or (ch.isspace() and ch != " ") or ch == "%" for ch in part):
                return None
            if "  " in part:
                return None
            pattern.append(re.escape(part))
    return re.compile("".join(pattern)), tuple(order)


@functools.lru_cache(maxsize=256)
def _fast_reader(fmt: str, has_time: bool) -> Callable[[str, dt.tzinfo], dt.datetime | DateOnly | None] | None:
    """For a format `_fast_pattern` takes: a function reading a text in full by its regular
    expression into the datetime (or DateOnly) strptime would make; None when it does not match
    or the numbers make no date (strptime then says why)."""
    compiled = _fast_pattern(fmt)
    if compiled is None:
        return None
    fullmatch, order = compiled[0].fullmatch, compiled[1]
    # Where each of year, month, day, hour, minute, second is among the numbers read, followed
    # by strptime's defaults (1900-01-01 00:00:00) for those the format leaves out.
    y, mo, d, h, mi, se = (order.index(k) if k in order else len(order) + k for k in range(6))

    def read(text: str, zone: dt.tzinfo) -> dt.datetime | DateOnly | None:
        match = fullmatch(text)
        if match is None:
            return None
        n = (*map(int, match.groups()), 1900, 1, 1, 0, 0, 0)
        try:
            if not has_time:
                return DateOnly(dt.date(n[y], n[mo], n[d]))
            return dt.datetime(n[y], n[mo], n[d], n[h], n[mi], n[se], tzinfo=zone)
        except ValueError:
            return None  # 30 February: strptime says why

    return read


def parse_datetime(
    text: str, date_format: str = DEFAULT_DATE_ORDER, time_zone: str | dt.tzinfo = ""
) -> dt.datetime | DateOnly:
    """A moment (aware datetime) or, when the cell has no time of day, a DateOnly. `time_zone`
    is a zone's name ("" for the site's) or the zone itself."""
    last = _LAST_FORMAT.get(date_format)
    if last is not None:
        read = _LAST_READER.get(last)
        if read is None:
            read = _LAST_READER[last] = _fast_reader(*last) or _NO_READER
        fast = read(text, zone_for(time_zone))
        if fast is not None:
            return fast
    cleaned = re.sub(r"\s+", " ", text.strip())
    cleaned = re.sub(r"(?i)\b([ap])\.?m\.?$", lambda m: m.group(1).upper() + "M", cleaned)
    candidates = _formats(date_format)
    if last is not None:
        candidates = (last, *candidates)
    for fmt, has_time in candidates:
        try:
            parsed = dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        _LAST_FORMAT[date_format] = (fmt, has_time)
        return _aware(parsed, time_zone) if has_time else DateOnly(parsed.date())
    iso = _parse_iso(cleaned, time_zone)
    if iso is not None:
        return iso
    example = _example(date_format)
    raise ValueError(f"{text!r} is not a date the mapping understands (expected e.g. {example}).")


def _parse_iso(cleaned: str, time_zone: str | dt.tzinfo = "") -> dt.datetime | DateOnly | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
        try:
            return DateOnly(dt.date.fromisoformat(cleaned))
        except ValueError:
            return None
    if re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", cleaned):
        try:
            return _aware(dt.datetime.fromisoformat(cleaned.replace("Z", "+00:00")), time_zone)
        except ValueError:
            return None
    return None


def _example(date_format: str) -> str:
    sample = dt.datetime(2021, 3, 24, 10, 42)
    if "%" in date_format:
        return sample.strftime(date_format)
    return {"mdy": "3/24/2021 10:42 AM", "dmy": "24/03/2021 10:42", "ymd": "2021-03-24 10:42"}.get(
        date_format, "3/24/2021 10:42 AM"
    )


def parse_date(text: str, date_format: str = DEFAULT_DATE_ORDER, time_zone: str | dt.tzinfo = "") -> dt.date:
    value = parse_datetime(text, date_format, time_zone)
    if isinstance(value, DateOnly):
        return value.date
    return value.astimezone(zone_for(time_zone)).date()


def parse_int(text: str, minimum: int | None = None, maximum: int | None = None) -> int:
    cleaned = text.strip().replace(",", "")
    try:
        number = float(cleaned)
        if not number.is_integer():
            raise ValueError
        value = int(number)
    except (ValueError, OverflowError):
        raise ValueError(_range_message(text, minimum, maximum)) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(_range_message(text, minimum, maximum))
    return value


def _range_message(text: str, minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{text!r} is not a number {minimum:,}–{maximum:,}"
    if minimum is not None:
        return f"{text!r} is not a whole number of at least {minimum}"
    return f"{text!r} is not a whole number"


_NUMBER = r"(\d+(?:\.\d+)?)"
_UNIT = r"\s*(h|hr|hrs|hours?|m|min|mins|minutes?)?"


def parse_minutes(text: str, maximum: int = 24 * 60, clock: str = CLOCK_HOURS) -> int:
    """Durations as desk tools export them.

    "12", "12 min", "1:30" (h:mm, or m:ss when `clock` is "ms"), "1:05:30" (h:mm:ss), "1 h 30
    min", a range "5-10 min" or "05-10 minutes" (its midpoint), "less than 5 min" / "under 5" /
    "<5" (half of it, at least 1), "over 30 min" / "30+" / "more than 30" (the figure itself).
    Hours are converted to minutes; seconds are rounded to the nearest minute.
    """
    value = minutes_as_number(text, clock)
    minutes = math.floor(value + 0.5)
    if minutes < 0 or minutes > maximum:
        raise ValueError(f"{text!r} is not a duration between 0 and {maximum} minutes")
    return minutes


def minutes_as_number(text: str, clock: str = CLOCK_HOURS) -> float:
    """A duration cell as a number of minutes (not rounded), or ValueError."""
    raw = text
    text = text.strip().lower().replace("–", "-").replace("—", "-")
    value: float | None = None
    if m := re.fullmatch(r"(\d+):(\d{2}):(\d{2})(?:\.\d+)?", text):
        value = int(m.group(1)) * 60 + int(m.group(2)) + int(m.group(3)) / 60
    elif m := re.fullmatch(r"(\d+):(\d{2})", text):
        if clock == CLOCK_MINUTES:
            value = int(m.group(1)) + int(m.group(2)) / 60
        else:
            value = int(m.group(1)) * 60 + int(m.group(2))
    elif m := re.fullmatch(
        rf"{_NUMBER}\s*(?:h|hr|hrs|hours?)\s*,?\s*(?:and\s*)?{_NUMBER}\s*(?:m|min|mins|minutes?)?", text
    ):
        value = float(m.group(1)) * 60 + float(m.group(2))
    elif m := re.fullmatch(rf"{_NUMBER}\s*-\s*{_NUMBER}{_UNIT}", text):
        value = _in_minutes((float(m.group(1)) + float(m.group(2))) / 2, m.group(3))
    elif m := re.fullmatch(rf"(?:less than|under|fewer than|<)\s*{_NUMBER}{_UNIT}", text):
        value = max(1.0, _in_minutes(float(m.group(1)), m.group(2)) / 2)
    elif (
        # "over 30 min", "30+ min", "20 minutes+" count as the figure itself; so does "12 min".
        m := re.fullmatch(rf"(?:over|more than|>|at least)\s*{_NUMBER}{_UNIT}", text)
        or re.fullmatch(rf"{_NUMBER}{_UNIT}\s*\+", text)
        or re.fullmatch(rf"{_NUMBER}\s*\+{_UNIT}", text)
        or re.fullmatch(rf"{_NUMBER}{_UNIT}", text)
    ):
        value = _in_minutes(float(m.group(1)), m.group(2))
    if value is None:
        raise ValueError(f"{raw!r} is not a duration (give minutes, e.g. 10, '5-10 min', '1:30' or '0:12:30')")
    return value


def _in_minutes(number: float, unit: str | None) -> float:
    return number * 60 if unit and unit.startswith("h") else number


def parse_tags(text: str) -> list[str]:
    """Gimlet separates tags with spaces; other tools with commas or semicolons."""
    parts = re.split(r"[,;|]", text) if re.search(r"[,;|]", text) else text.split()
    seen: list[str] = []
    for part in parts:
        tag = part.strip().strip("#").strip()
        if tag and tag.lower() not in (t.lower() for t in seen):
            seen.append(tag)
    return seen
