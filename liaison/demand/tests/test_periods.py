"""Periods as files write them: months in every spreadsheet spelling, days, hours across DST,
and ISO-8601 intervals; empty, negative, zero and absurd ones refused with a reason."""

from __future__ import annotations

import zoneinfo

import pytest

from liaison.demand.periods import PeriodError, parse_period

NY = zoneinfo.ZoneInfo("America/New_York")


def local(period):
    return (period.start.astimezone(NY).isoformat(), period.end.astimezone(NY).isoformat(), period.grain)


@pytest.mark.parametrize(
    "text", ["2008-04", "2008-4", "Apr-08", "April 2008", "Apr 08", "Apr 2008", "04/2008", "2008/04", "2008-04-01/P1M",
             "2008-04/2008-05", "apr-08", "APRIL 2008"],
)  # fmt: skip
def test_every_spelling_of_a_month_is_that_month(text):
    assert local(parse_period(text, NY)) == ("2008-04-01T00:00:00-04:00", "2008-05-01T00:00:00-04:00", "month")


def test_iso_intervals_from_the_issue():
    assert local(parse_period("2024-01-01/P1M", NY))[2] == "month"
    assert local(parse_period("2024-01-01T09:00/2024-01-01T10:00", NY)) == (
        "2024-01-01T09:00:00-05:00", "2024-01-01T10:00:00-05:00", "hour",
    )  # fmt: skip
    assert local(parse_period("2024-03/2024-04", NY)) == (
        "2024-03-01T00:00:00-05:00", "2024-04-01T00:00:00-04:00", "month",
    )  # fmt: skip
    assert local(parse_period("P1D/2024-01-02", NY))[:2] == ("2024-01-01T00:00:00-05:00", "2024-01-02T00:00:00-05:00")
    assert parse_period("2024-01-01T09:30/PT30M", NY).grain == "interval"


def test_hours_across_daylight_saving():
    spring = parse_period("2024-03-10T01:00", NY)  # the hour before the jump ends at 03:00 local
    assert spring.end - spring.start == parse_period("2024-03-10T03:00", NY).span
    first = parse_period("2024-11-03T01:00", NY)
    second = parse_period("2024-11-03T01:00", NY, fold=1)
    assert (second.start - first.start).total_seconds() == 3600 and first.span.total_seconds() == 3600
    day = parse_period("2024-03-10", NY)
    assert day.grain == "day" and day.span.total_seconds() == 23 * 3600
    with pytest.raises(PeriodError, match="clocks went forward"):
        parse_period("2024-03-10T02:30", NY)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "blank"),
        ("2024-01-01/P0D", "lasts no time"),
        ("2024-02/2024-01", "ends before it starts"),
        ("2000-01-01T00:00/PT262800H", "at most a year and a day"),
        ("2024-01-01/P30Y", "at most a year and a day"),
        ("Apx-08", "not the name of a month"),
        ("2008-13", "no month 13"),
        ("2024-02-30", "not a date on the calendar"),
        ("1850-01", "periods run from 1900"),
        ("n/a", "is not an interval"),
        ("2024-01-01/P1X", "not an ISO-8601 duration"),
    ],
)
def test_bad_periods_say_why(text, words):
    with pytest.raises(PeriodError, match=words):
        parse_period(text, NY)
