"""Shifts as iCalendar (RFC 5545) for Google Calendar, Outlook and Apple Calendar.

- Times are local wall-clock times with the site's time zone, sent as a VTIMEZONE (Outlook
  needs one; Google and Apple read it too).
- Every shift has a stable UID (its own UUID), so a moved shift moves in the calendar instead of
  appearing twice, and SEQUENCE goes up with each change.
- A cancelled shift, or one the worker handed to someone else, is sent as STATUS:CANCELLED under
  the same UID, so the calendar removes it.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from liaison.staffing.models import Shift


@functools.lru_cache(maxsize=16)
def _vtimezone(tz_name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for whole years around the feed (built once: it walks the transitions)."""
    return Timezone.from_tzinfo(
        zoneinfo.ZoneInfo(tz_name),
        tzid=tz_name,
        first_date=dt.date(first_year - 1, 12, 1),
        last_date=dt.date(last_year + 1, 1, 31),
    )


def _local(day: dt.date, hour: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    if hour >= 24:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def shifts_ical(
    shifts: Iterable[Shift],
    *,
    name: str,
    site_url: str,
    cancelled: Iterable[Shift] = (),
    with_names: bool = False,
) -> bytes:
    tz_name = timezone.get_current_timezone_name()
    tz = zoneinfo.ZoneInfo(tz_name)
    cal = Calendar()
    cal.add("prodid", "-//Liaison//Student-worker shifts//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz_name)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    shifts = list(shifts)
    cancelled = list(cancelled)
    everything = shifts + cancelled
    if everything:
        first = min(s.date for s in everything)
        last = max(s.date for s in everything)
        cal.add_component(_vtimezone(tz_name, first.year, last.year))
    now = timezone.now()
    gone_ids = {s.pk for s in cancelled}
    for shift in everything:
        event = Event()
        event.add("uid", f"{shift.uid}@liaison")
        where = shift.service_point.name + (f" — {shift.skill.name}" if shift.skill else "")
        summary = f"Shift: {where}"
        if with_names:
            summary += f" ({shift.worker})" if shift.worker else " (open)"
        event.add("summary", summary)
        event.add("location", shift.service_point.name)
        event.add("dtstart", _local(shift.date, shift.start_hour, tz))
        event.add("dtend", _local(shift.date, shift.end_hour, tz))
        event.add("dtstamp", now)
        event.add("last-modified", shift.updated_at)
        is_cancelled = shift.state == Shift.State.CANCELLED or shift.pk in gone_ids
        # A handed-over shift is a newer version for the one who gave it up.
        event.add("sequence", shift.sequence + (1 if shift.pk in gone_ids else 0))
        event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if is_cancelled else "OPAQUE")
        event.add("url", f"{site_url}{reverse('staffing:shift', args=[shift.pk])}")
        if shift.pk in gone_ids:
            event.add("description", "You handed this shift to someone else.")
        cal.add_component(event)
    return cal.to_ical()
