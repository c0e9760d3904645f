"""Reads for places: service points with their hours, resolved for a given day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from liaison.core import refcache
from liaison.core.text import ascii_digits
from liaison.places.models import Building, HoursException, OpeningHours, Room, ServicePoint


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
        if exception.is_closed or exception.opens is None or exception.closes is None:
            return DayHours(day, (), exception.reason)  # the database allows no open day without hours
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


def room_list() -> QuerySet[Room]:
    """Every room, with its building, for a form's choice of places (pilots)."""
    return Room.objects.select_related("building").order_by("building__name", "name")


def lab_list() -> QuerySet[Room]:
    return Room.objects.filter(kind=Room.Kind.LAB).select_related("building")


def service_point_choices(*, active_only: bool = True) -> QuerySet[ServicePoint]:
    """Service points for a form's choice field or a look-up by slug or id (no prefetches;
    the room and its building come along, so a point's room can be named without a query)."""
    points = ServicePoint.objects.select_related("room__building")
    return points.filter(is_active=True) if active_only else points


def service_point_by_key(key: Any) -> ServicePoint | None:
    """The service point a write names: an instance (taken as given), an id, a slug or a name
    (any case), active or not; None when nothing matches. For hot write paths (the desk logs
    one entry per question): answered from the per-process index of `core.refcache` first, so
    a known point costs no query; a miss asks the database, so a point made a moment ago on
    another server is still found. The caller decides whether an inactive point will do."""
    if isinstance(key, ServicePoint):
        return key
    if key is None or isinstance(key, (bool, models.Model)):
        return None
    text = str(key).strip()
    if not text:
        return None
    found = refcache.lookup(ServicePoint, key)
    if found is not None:
        return found  # type: ignore[return-value]
    if isinstance(key, int):
        return ServicePoint.objects.filter(pk=key).first()
    found = ServicePoint.objects.filter(Q(slug=text.lower()) | Q(name__iexact=text)).first()
    if found is None and ascii_digits(text):
        found = ServicePoint.objects.filter(pk=int(text)).first()
    return found


def service_point_slugs(*, active_only: bool = True, limit: int = 12) -> list[str]:
    """Slugs to name in an "unknown service point" message, in the points' own order."""
    return list(service_point_choices(active_only=active_only).values_list("slug", flat=True)[:limit])


def building_list() -> QuerySet[Building]:
    return Building.objects.order_by("name")
