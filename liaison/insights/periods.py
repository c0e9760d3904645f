"""The periods a dashboard covers, each with the period it is compared with.

Built on the desk reports' periods (`liaison/desk/reports.py`: terms from LIAISON_TERMS, the
fiscal year from LIAISON_FISCAL_YEAR_START_MONTH), so a term here is the same term there.
Bad input is refused with the field named (`period`, `first`, `last`), never a 500."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from liaison.core.errors import reject
from liaison.desk import reports
from liaison.desk.reports import Period

MAX_YEARS = 40  # 30 years of history answers (from the count tables); longer is refused
EARLIEST = dt.date(1900, 1, 1)

CHOICES = {
    "this_term": "This term",
    "last_term": "Last term",
    "this_month": "This month",
    "last_month": "Last month",
    "fiscal_year": "This fiscal year",
    "last_fiscal_year": "Last fiscal year",
    "custom": "Custom dates",
}


@dataclass(frozen=True)
class Span:
    """A period and the one it is compared with (the term, month or fiscal year before; for
    custom dates, as many days just before)."""

    choice: str
    period: Period
    previous: Period

    def as_query(self) -> str:
        if self.choice == "custom":
            return f"period=custom&first={self.period.first:%Y-%m-%d}&last={self.period.last:%Y-%m-%d}"
        return f"period={self.choice}"


def parse_day(value: str | None, *, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise reject(field, "Give the date as YYYY-MM-DD, e.g. 2026-09-01.", code="insights.date_invalid") from None
    if day < EARLIEST:
        raise reject(field, f"Choose a date from {EARLIEST:%Y} on.", code="insights.date_out_of_range")
    return day


def _previous(kind: str, period: Period) -> Period:
    """The period of `kind` just before `period`."""
    return reports.period_for(kind, anchor=period.first - dt.timedelta(days=1))


def _before(kind: str, period: Period) -> Period:
    """The period `period` is compared with: the period of `kind` before `period`. A term is compared with the teaching term before it:
    a term less than three quarters as long (a summer session) is skipped, since its handful of questions
    says little against a full term's (as the partnership's evidence does)."""
    before = _previous(kind, period)
    if kind == "term" and before.days * 4 < period.days * 3:
        before = reports.period_for(kind, anchor=before.first - dt.timedelta(days=1))
    return before


def resolve(
    choice: str | None = None,
    *,
    first: str | dt.date | None = None,
    last: str | dt.date | None = None,
    today: dt.date | None = None,
) -> Span:
    """The span for a choice ("this_term" by default). Raises ValidationError naming the field."""
    today = today or timezone.localdate()
    choice = choice or "this_term"
    if choice not in CHOICES:
        raise reject("period", f"Choose one of: {', '.join(CHOICES)}.", code="insights.period_unknown")
    if choice == "custom":
        first_day = first if isinstance(first, dt.date) else parse_day(first, field="first")
        last_day = last if isinstance(last, dt.date) else parse_day(last, field="last")
        if first_day is None:
            raise reject("first", "Give the first day of the period.", code="insights.period_incomplete")
        if last_day is None:
            raise reject("last", "Give the last day of the period.", code="insights.period_incomplete")
        if last_day < first_day:
            raise reject(
                "last", "The last day is before the first; the period would be empty.", code="insights.period_backwards"
            )
        if (last_day - first_day).days >= MAX_YEARS * 366:
            raise reject("last", f"Choose a period of at most {MAX_YEARS} years.", code="insights.period_too_long")
        period = reports.period_for("custom", first=first_day, last=last_day)
        length = dt.timedelta(days=period.days)
        previous = (
            reports.period_for("custom", first=first_day - length, last=first_day - dt.timedelta(days=1))
            if first_day - length >= EARLIEST
            else period
        )
        return Span(choice, period, previous)
    kind = {
        "this_term": "term",
        "last_term": "term",
        "this_month": "month",
        "last_month": "month",
        "fiscal_year": "fiscal_year",
        "last_fiscal_year": "fiscal_year",
    }[choice]
    period = reports.period_for(kind, anchor=today)
    if choice.startswith("last_"):
        period = _previous(kind, period)
    return Span(choice, period, _before(kind, period))


def last_complete(kind: str, *, today: dt.date | None = None) -> Period:
    """The most recent month, term or fiscal year that has ended (what a scheduled report sends)."""
    today = today or timezone.localdate()
    current = reports.period_for(kind, anchor=today)
    return _previous(kind, current)


def span_for(period: Period, kind: str) -> Span:
    """A span for a finished period of `kind` (used by scheduled reports)."""
    choice = {"month": "last_month", "term": "last_term", "fiscal_year": "last_fiscal_year"}[kind]
    return Span(choice, period, _before(kind, period))
