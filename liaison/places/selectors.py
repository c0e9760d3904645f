"""Reads for places: service points with their hours, resolved for a given day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from liaison.places.models import HoursException, OpeningHours, Room, ServicePoint


@dataclass(frozen=True)
class DayHours:
    date: dt.date
    periods: tuple[tuple[dt.time, dt.time], ...]
    note: str = ""

    @property
    def is_closed(self) -> bool:
        return not self.periods

    def label(self) -> str:
        if self.is_closed:
            return "Closed" + (f" ({self.note})" if self.note else "")
        text = ", ".join(f"{o:%-I:%M %p}–{c:%-I:%M %p}" for o, c in self.periods)
        return text + (f" ({self.note})" if self.note else "")


def service_point_list(*, active_only: bool = True, upcoming_days: int = 14) -> QuerySet[ServicePoint]:
    """Service points with everything the hours table needs, in a fixed number of queries."""
    today = timezone.localdate()
    points = ServicePoint.objects.select_related("room__building").prefetch_related(
        "departments",
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch(
            "hours_exceptions",
            queryset=HoursException.objects.filter(date__gte=today, date__lte=today + dt.timedelta(days=upcoming_days)),
        ),
    )
    return points.filter(is_active=True) if active_only else points


def service_point_get(*, slug: str) -> ServicePoint:
    return get_object_or_404(service_point_list(active_only=False), slug=slug)


def hours_on(service_point: ServicePoint, day: dt.date) -> DayHours:
    """Opening periods on one date: a dated exception wins over the weekly pattern.
    Uses prefetched rows when present (see service_point_list)."""
    exception = next((e for e in service_point.hours_exceptions.all() if e.date == day), None)
    if exception is None and "hours_exceptions" not in getattr(service_point, "_prefetched_objects_cache", {}):
        exception = HoursException.objects.filter(service_point=service_point, date=day).first()
    if exception is not None:
        if exception.is_closed:
            return DayHours(day, (), exception.reason)
        return DayHours(day, ((exception.opens, exception.closes),), exception.reason)
    periods = tuple((h.opens, h.closes) for h in service_point.opening_hours.all() if h.weekday == day.weekday())
    return DayHours(day, periods)


def week_of_hours(service_point: ServicePoint, start: dt.date | None = None) -> list[DayHours]:
    start = start or timezone.localdate()
    return [hours_on(service_point, start + dt.timedelta(days=offset)) for offset in range(7)]


def is_open_at(service_point: ServicePoint, moment: dt.datetime | None = None) -> bool:
    moment = timezone.localtime(moment or timezone.now())
    day = hours_on(service_point, moment.date())
    return any(opens <= moment.time() < closes for opens, closes in day.periods)


def lab_list() -> QuerySet[Room]:
    return Room.objects.filter(kind=Room.Kind.LAB).select_related("building")


def service_point_choices(*, active_only: bool = True) -> QuerySet[ServicePoint]:
    """Service points for a form's choice field or a look-up by slug or id (no prefetches)."""
    points = ServicePoint.objects.select_related("room")
    return points.filter(is_active=True) if active_only else points


def building_list() -> QuerySet:
    from liaison.places.models import Building

    return Building.objects.order_by("name")
